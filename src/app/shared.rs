//! The resources and components more than one feature reads: the viewer's
//! settings, the 3D view's rectangle, the selection, which instance a
//! visual belongs to, the offscreen image and the video clock of an export,
//! and a request to the recorder. They live here, below every plugin, so
//! the plugins that write them and the ones that read them do not import
//! each other (the app's modules import in one direction; `tests/layers.rs`).

use crate::command::view::{Selectable, UiSettings};
use bevy::camera::RenderTarget;
use bevy::prelude::*;
use bevy_egui::egui;

/// The viewer's settings as the app's resource (their fields are the
/// command layer's `UiSettings`, which a recording keeps).
#[derive(Resource, Deref, DerefMut, Debug, Clone, PartialEq, Default)]
pub struct Settings(pub UiSettings);

/// The 3D view's rectangle in egui points (what the panels leave) and each
/// instance's part of it, for the cameras to know when the pointer is over
/// their scene.
#[derive(Resource, Default, Debug, Clone, PartialEq)]
pub struct ViewRect {
    pub all: Option<egui::Rect>,
    pub parts: Vec<(Entity, egui::Rect)>,
}

impl ViewRect {
    /// Instance `e`'s part of the 3D view.
    pub fn rect_of(&self, e: Entity) -> Option<egui::Rect> {
        self.parts.iter().find(|(x, _)| *x == e).map(|(_, r)| *r).or(self.all)
    }
}

/// The clicked thing, if any, and the instance it belongs to.
#[derive(Resource, Default, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection(pub Option<Selectable>, pub Option<Entity>);

/// The instance (root entity) a visual belongs to.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq)]
pub struct InInstance(pub Entity);

/// The instances whose model was (re)built since a plugin last drew them
/// (`(root, generation)` now; `built`, what it drew), their old visuals
/// (`parts`: each with its instance) despawned; they are marked drawn, and
/// instances that are gone are forgotten.
pub fn rebuilt<'a>(commands: &mut Commands, now: &[(Entity, u64)], built: &mut std::collections::HashMap<Entity, u64>, parts: impl Iterator<Item = (Entity, &'a InInstance)>) -> Vec<Entity> {
    built.retain(|e, _| now.iter().any(|(r, _)| r == e));
    let roots: Vec<Entity> = now.iter().filter(|(r, g)| built.get(r) != Some(g)).map(|(r, _)| *r).collect();
    for (e, of) in parts {
        if roots.contains(&of.0) {
            commands.entity(e).despawn();
        }
    }
    for (r, g) in now {
        built.insert(*r, *g);
    }
    roots
}

/// The image every camera draws into.
#[derive(Resource, Clone)]
pub struct OffscreenTarget(pub Handle<Image>);

impl OffscreenTarget {
    pub fn render_target(&self) -> RenderTarget {
        RenderTarget::Image(self.0.clone().into())
    }
}

/// The video's own clock: which frame this app frame starts (None while
/// a frame is taken again, waits for a pipeline, or before frame 0) and
/// the video time a frame lasts. Camera flights and a lecture's cues move
/// by it, so a frame taken again shows exactly the same picture.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq)]
pub struct VideoClock {
    pub frame: Option<u64>,
    pub dt_s: f64,
}

impl VideoClock {
    /// Seconds that pass in this app frame: `dt_s` on a new frame, else nothing.
    pub fn delta_s(&self) -> f64 {
        if self.frame.is_some() { self.dt_s } else { 0.0 }
    }
}

/// Start or stop recording (the button, key R), or cancel a render.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordRequest {
    Toggle,
    CancelRender,
}
