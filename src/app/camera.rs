//! The orbit cameras, one per instance (a child of the instance's root, so
//! its viewpoints are in the instance's own coordinates): orbit, pan, zoom
//! (only the camera under the pointer listens, and none while the pointer is
//! over a panel), preset viewpoints, and linked cameras in a comparison.

use bevy::anti_alias::fxaa::Fxaa;
use bevy::camera::CameraOutputMode;
use bevy::camera::visibility::RenderLayers;
use bevy::prelude::*;
use bevy::render::render_resource::BlendState;
use bevy::render::renderer::RenderAdapterInfo;
use bevy::render::view::NoIndirectDrawing;
use bevy_egui::{EguiContexts, EguiGlobalSettings, PrimaryEguiContext};
use bevy_panorbit_camera::{PanOrbitCamera, PanOrbitCameraPlugin};

use super::shared::InInstance;
use super::sim_bridge::{AppCommand, SimState, Slot};
pub use crate::command::camera::{CameraCommand, Pose, Viewpoint};

impl Pose {
    fn of(c: &PanOrbitCamera) -> Self {
        Self { focus: c.target_focus, yaw: c.target_yaw, pitch: c.target_pitch, radius: c.target_radius }
    }

    fn put(self, c: &mut PanOrbitCamera) {
        if !c.initialized {
            // A camera spawned this frame starts from its own pose fields: a
            // goal given now (a lecture's first cue) would be overwritten.
            self.cut(c);
        }
        self.put_targets(c);
    }
}

impl Pose {
    /// Where the camera is this frame (not where it is going): what a recording keeps.
    pub fn shown(c: &PanOrbitCamera) -> Self {
        Self { focus: c.focus, yaw: c.yaw.unwrap_or(c.target_yaw), pitch: c.pitch.unwrap_or(c.target_pitch), radius: c.radius.unwrap_or(c.target_radius) }
    }

    /// Show exactly this pose now and stay there (a recording's replay).
    pub fn show(self, c: &mut PanOrbitCamera) {
        self.cut(c);
    }

    /// Be there now, with no easing (a cut: a cue's start, reduce motion).
    fn cut(self, c: &mut PanOrbitCamera) {
        (c.focus, c.yaw, c.pitch, c.radius) = (self.focus, Some(self.yaw), Some(self.pitch), Some(self.radius));
        self.put_targets(c);
    }

    fn put_targets(self, c: &mut PanOrbitCamera) {
        c.target_focus = self.focus;
        c.target_yaw = self.yaw;
        c.target_pitch = self.pitch;
        c.target_radius = self.radius;
        c.force_update = true;
    }
}

/// Named camera poses kept with `SaveBookmark` (a lecture's "slide views").
#[derive(Resource, Default, Debug, Clone)]
pub struct Bookmarks(pub Vec<(String, Pose)>);

/// A flight under way: from, to, seconds flown and in all.
#[derive(Component, Clone, Copy, Debug)]
struct Flight {
    from: Pose,
    to: Pose,
    t: f32,
    secs: f32,
}

/// The viewpoint the camera starts at.
#[derive(Resource, Clone, Copy, Debug)]
pub struct StartView(pub Viewpoint);

pub struct CameraPlugin;

impl Plugin for CameraPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins(PanOrbitCameraPlugin)
            .init_resource::<Bookmarks>()
            .add_systems(Startup, spawn_ui_camera)
            .add_systems(Update, (spawn_cameras, go_to, fly, block_while_over_panels, link_cameras, choose_antialiasing).chain().in_set(super::sim_bridge::AppSystems::Writeback));
    }
}

fn spawn_ui_camera(mut commands: Commands, mut egui_settings: ResMut<EguiGlobalSettings>, offscreen: Option<Res<super::shared::OffscreenTarget>>) {
    // egui gets its own full-window camera drawn over the 3D one; the 3D
    // camera's viewport then shrinks to the space the panels leave without
    // shrinking the panels' own screen (bevy_egui's side_panel example).
    egui_settings.auto_create_primary_context = false;
    let mut ui = commands.spawn((
        PrimaryEguiContext,
        Camera2d,
        RenderLayers::none(),
        Camera {
            order: 10,
            output_mode: CameraOutputMode::Write { blend_state: Some(BlendState::ALPHA_BLENDING), clear_color: ClearColorConfig::None },
            clear_color: ClearColorConfig::Custom(Color::NONE),
            ..default()
        },
        // Without this, labels drawn over the 3D view piled up frame after
        // frame: the UI camera's multisampled target was not cleared.
        Msaa::Off,
        Name::new("UI camera"),
    ));
    // An export: every camera draws into its image instead of a window.
    if let Some(t) = offscreen {
        ui.insert(t.render_target());
    }
}

/// Each new instance gets its 3D camera, under its root.
fn spawn_cameras(
    mut commands: Commands,
    new: Query<(Entity, &SimState, &Slot), Added<SimState>>,
    start: Option<Res<StartView>>,
    cams: Query<&PanOrbitCamera>,
    offscreen: Option<Res<super::shared::OffscreenTarget>>,
) {
    for (root, state, slot) in &new {
        let view = match start.as_ref().map(|s| s.0).unwrap_or(Viewpoint::WholeSynapse) {
            // A scenario with a dendrite opens on it (the default view is whole).
            Viewpoint::WholeSynapse if state.exp.dendrite.is_some() => Viewpoint::Dendrite,
            v => v,
        };
        // B joins where A's camera is looking.
        let p = match cams.iter().next() {
            Some(a) if *slot == Slot::B => Pose::of(a),
            _ => view.pose(first_receptor(state)),
        };
        let mut cam = PanOrbitCamera { focus: p.focus, yaw: Some(p.yaw), pitch: Some(p.pitch), radius: Some(p.radius), zoom_lower_limit: 0.3, ..default() };
        if offscreen.is_some() {
            // Offscreen the camera eases only along flights (on the video clock): its own
            // smoothing runs on app time, which also passes while a frame is taken again.
            (cam.orbit_smoothness, cam.pan_smoothness, cam.zoom_smoothness) = (0.0, 0.0, 0.0);
        }
        let mut camera = commands.spawn((
            ChildOf(root),
            InInstance(root),
            Camera3d::default(),
            // B draws after A into the same window and must not clear what A
            // drew (bevy's split_screen example); the UI camera draws last.
            match slot {
                Slot::A => Camera::default(),
                Slot::B => Camera { order: 1, clear_color: ClearColorConfig::None, ..default() },
            },
            // The instanced molecule batch draws with direct (not indirect) calls.
            NoIndirectDrawing,
            cam,
            Transform::from_xyz(0.0, 8.0, 15.0).looking_at(Vec3::ZERO, Vec3::Y),
            Name::new(format!("Camera {}", slot.letter())),
        ));
        if let Some(t) = &offscreen {
            camera.insert(t.render_target());
        }
        // The page tonemaps without a lookup table (Bevy's default,
        // TonyMcMapface, needs 0.7 MB of them in the download); this curve is
        // its analytic relative by the same author, so colours stay close.
        #[cfg(web)]
        camera.insert(bevy::core_pipeline::tonemapping::Tonemapping::SomewhatBoringDisplayTransform);
    }
}

/// Where the "one receptor" view looks: the first receptor of the synapse.
pub fn first_receptor(state: &SimState) -> Vec3 {
    let r = &state.sim.receptors;
    if r.is_empty() { Vec3::ZERO } else { super::scene::world(r.x_um[0], r.y_um[0], 0.0) }
}

fn go_to(
    mut commands: Commands,
    mut requests: MessageReader<AppCommand>,
    mut cams: Query<(Entity, &mut PanOrbitCamera, &InInstance)>,
    states: Query<&SimState>,
    mut bookmarks: ResMut<Bookmarks>,
    settings: Option<Res<super::shared::Settings>>,
) {
    let reduce_motion = settings.is_some_and(|s| s.reduce_motion);
    /// Where a camera command sends the cameras.
    enum Goal {
        View(Viewpoint),
        Pose(Pose),
    }
    for c in requests.read() {
        let (goal, secs) = match c {
            AppCommand::Camera(CameraCommand::View(v)) => (Goal::View(*v), 0.0),
            AppCommand::Camera(CameraCommand::FlyTo { view, secs }) => (Goal::View(*view), *secs),
            AppCommand::Camera(CameraCommand::SaveBookmark(name)) => {
                if let Some((_, cam, _)) = cams.iter().next() {
                    let pose = Pose::of(cam);
                    bookmarks.0.retain(|(n, _)| n != name);
                    bookmarks.0.push((name.clone(), pose));
                }
                continue;
            }
            AppCommand::Camera(CameraCommand::DefineBookmark { name, pose }) => {
                bookmarks.0.retain(|(n, _)| n != name);
                bookmarks.0.push((name.clone(), *pose));
                continue;
            }
            AppCommand::Camera(CameraCommand::Bookmark { name, secs }) => match bookmarks.0.iter().find(|(n, _)| n == name) {
                Some((_, pose)) => (Goal::Pose(*pose), *secs),
                None => {
                    warn!("no camera bookmark named {name}");
                    continue;
                }
            },
            AppCommand::Sim(..)
            | AppCommand::Playback(_)
            | AppCommand::Slow(_)
            | AppCommand::LoadScenario { .. }
            | AppCommand::Compare(_)
            | AppCommand::View(_)
            | AppCommand::Select(_)
            | AppCommand::SaveScenario { .. }
            | AppCommand::Caption(_)
            | AppCommand::Lecture(_) => continue,
        };
        for (e, mut cam, of) in &mut cams {
            let Ok(state) = states.get(of.0) else { continue };
            let to = match goal {
                Goal::View(v) => v.pose(first_receptor(state)),
                Goal::Pose(p) => p,
            };
            if secs > 0.0 && !reduce_motion {
                commands.entity(e).insert(Flight { from: Pose::of(&cam), to, t: 0.0, secs });
            } else {
                commands.entity(e).remove::<Flight>();
                to.cut(&mut cam);
            }
        }
    }
}

/// Move each flying camera along its flight.
fn fly(mut commands: Commands, time: Res<Time>, video: Option<Res<super::shared::VideoClock>>, mut cams: Query<(Entity, &mut PanOrbitCamera, &mut Flight)>) {
    // An export flies on video time: a frame taken again does not move the camera.
    let dt = video.map(|v| v.delta_s() as f32).unwrap_or(time.delta_secs());
    for (e, mut cam, mut f) in &mut cams {
        f.t += dt;
        f.from.lerp(f.to, f.t / f.secs.max(1e-3)).put(&mut cam);
        if f.t >= f.secs {
            commands.entity(e).remove::<Flight>();
        }
    }
}

/// Orbiting while dragging a slider would be maddening: a camera only
/// listens while the pointer is over its own part of the 3D view and egui
/// is not using it.
fn block_while_over_panels(mut contexts: EguiContexts, view: Res<super::shared::ViewRect>, mut cams: Query<(&mut PanOrbitCamera, &InInstance)>) {
    let Ok(ctx) = contexts.ctx_mut() else { return };
    let pointer = ctx.pointer_latest_pos();
    let using = ctx.egui_is_using_pointer();
    for (mut c, of) in &mut cams {
        let over = match (pointer, view.rect_of(of.0)) {
            (Some(p), Some(rect)) => rect.contains(p),
            _ => false,
        };
        c.enabled = over && !using;
    }
}

/// Linked cameras: the camera being dragged (or A's) leads; the others
/// take its viewpoint (all instances share one coordinate frame under their roots).
fn link_cameras(instances: Option<Res<super::sim_bridge::Instances>>, mut cams: Query<(&mut PanOrbitCamera, &InInstance)>) {
    let Some(instances) = instances else { return };
    if !instances.linked_cameras || instances.b.is_none() {
        return;
    }
    let leader = cams.iter().find(|(c, _)| c.enabled).or_else(|| cams.iter().find(|(_, of)| of.0 == instances.a)).map(|(c, _)| (c.target_focus, c.target_yaw, c.target_pitch, c.target_radius));
    let Some((focus, yaw, pitch, radius)) = leader else { return };
    for (mut c, _) in &mut cams {
        if c.target_focus != focus || c.target_yaw != yaw || c.target_pitch != pitch || c.target_radius != radius {
            c.target_focus = focus;
            c.target_yaw = yaw;
            c.target_pitch = pitch;
            c.target_radius = radius;
        }
    }
}

/// 4× MSAA on a GPU; on a software rasteriser (Mesa lavapipe) FXAA instead,
/// which halves the frame time there (1280×720: 520 → 335 ms measured).
/// Said once on the terminal (Bevy's own warning about it is hidden; an
/// export or screenshot says it in its report).
fn choose_antialiasing(
    mut commands: Commands,
    info: Option<Res<RenderAdapterInfo>>,
    cams: Query<Entity, (With<Camera3d>, Without<Fxaa>)>,
    offscreen: Option<Res<super::shared::OffscreenTarget>>,
    mut said: Local<bool>,
) {
    let Some(info) = info else { return };
    // wgpu's DeviceType is not re-exported by Bevy; its Debug name is stable.
    if format!("{:?}", info.device_type) == "Cpu" {
        for cam in &cams {
            commands.entity(cam).insert((Msaa::Off, Fxaa::default()));
        }
        if !*said && offscreen.is_none() {
            *said = true;
            eprintln!("note: drawing with a software renderer ({}): FXAA instead of 4x MSAA to keep frames quick; any GPU is many times faster", info.name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flight_eases_from_one_pose_to_the_other() {
        let a = Pose { focus: Vec3::ZERO, yaw: 0.0, pitch: 0.2, radius: 15.0 };
        let b = Pose { focus: Vec3::new(2.0, 0.0, 0.0), yaw: 1.0, pitch: 0.4, radius: 5.0 };
        assert_eq!(a.lerp(b, 0.0), a);
        assert_eq!(a.lerp(b, 1.0), b);
        assert_eq!(a.lerp(b, 7.0), b, "past the end it stays at the end");
        let mid = a.lerp(b, 0.5);
        assert!((mid.radius - 10.0).abs() < 1e-5 && (mid.focus.x - 1.0).abs() < 1e-5);
        // Eased: slow at the start.
        assert!(a.lerp(b, 0.1).yaw < 0.1);
    }
}
