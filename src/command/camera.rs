//! The cameras' commands and the data they carry: named viewpoints, camera
//! poses (the instance's own coordinates, world units of 100 nm) and
//! bookmarks. The orbit cameras that obey them are the app's.

use glam::Vec3;
use serde::{Deserialize, Serialize};

/// Named viewpoints a lecturer jumps between.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Viewpoint {
    WholeSynapse,
    CleftCloseUp,
    OneReceptor,
    Astrocyte,
    /// Inside the spine: the BDNF–TrkB–mTORC1 pathway and the dendrite's spines.
    Signalling,
    /// A scenario's stretch of dendrite with its many synapses (drawn on a
    /// stage below the single synapse, at `DENDRITE_STAGE`).
    Dendrite,
}

/// Where a scenario's stretch of dendrite is drawn, in the instance's own
/// world units: its middle, well below the single synapse (one world unit
/// is 100 nm there as here).
pub const DENDRITE_STAGE: Vec3 = Vec3::new(0.0, -150.0, 0.0);

impl Viewpoint {
    pub const ALL: [Viewpoint; 6] = [Viewpoint::WholeSynapse, Viewpoint::CleftCloseUp, Viewpoint::OneReceptor, Viewpoint::Astrocyte, Viewpoint::Signalling, Viewpoint::Dendrite];
    /// The name used on the command line (`--view`).
    pub fn key(self) -> &'static str {
        match self {
            Viewpoint::WholeSynapse => "whole",
            Viewpoint::CleftCloseUp => "cleft",
            Viewpoint::OneReceptor => "receptor",
            Viewpoint::Astrocyte => "astrocyte",
            Viewpoint::Signalling => "signalling",
            Viewpoint::Dendrite => "dendrite",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Viewpoint::WholeSynapse => "Whole synapse",
            Viewpoint::CleftCloseUp => "Cleft close-up",
            Viewpoint::OneReceptor => "One receptor",
            Viewpoint::Astrocyte => "Astrocyte",
            Viewpoint::Signalling => "Signalling",
            Viewpoint::Dendrite => "Dendrite",
        }
    }
    /// The camera pose of this viewpoint (world units, the instance's own coordinates).
    pub fn pose(self, receptor: Vec3) -> Pose {
        let (focus, yaw, pitch, radius) = match self {
            Viewpoint::WholeSynapse => (Vec3::new(0.0, 0.0, 0.0), 0.6, 0.22, 15.0),
            Viewpoint::CleftCloseUp => (Vec3::new(0.0, 0.1, 0.0), 0.3, 0.1, 4.0),
            Viewpoint::OneReceptor => (receptor + Vec3::Y * 0.1, 0.2, 0.35, 1.2),
            Viewpoint::Astrocyte => (Vec3::new(3.5, 0.0, 3.5), 0.78, 0.9, 9.0),
            Viewpoint::Signalling => (Vec3::new(0.0, -2.0, 0.0), 0.6, 0.08, 8.5),
            // The default 10 µm segment across the view, its spines round it.
            Viewpoint::Dendrite => (DENDRITE_STAGE, 0.0, 0.35, 165.0),
        };
        Pose { focus, yaw, pitch, radius }
    }
}

/// What the cameras can be asked (as `AppCommand::Camera`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CameraCommand {
    /// Every instance's camera goes to a viewpoint (the orbit camera eases there).
    View(Viewpoint),
    /// Fly to a viewpoint over this many seconds (eased in and out).
    FlyTo { view: Viewpoint, secs: f32 },
    /// Keep where A's camera looks now under a name.
    SaveBookmark(String),
    /// Fly to a kept bookmark over this many seconds.
    Bookmark { name: String, secs: f32 },
    /// Keep a pose under a name (a lecture file's bookmarks).
    DefineBookmark { name: String, pose: Pose },
}

/// A camera pose: focus, yaw, pitch, radius (the instance's own coordinates).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pose {
    pub focus: Vec3,
    pub yaw: f32,
    pub pitch: f32,
    pub radius: f32,
}

impl Pose {
    /// Between two poses, eased in and out (smoothstep of `u` in 0..1).
    pub fn lerp(self, to: Pose, u: f32) -> Pose {
        let s = u.clamp(0.0, 1.0);
        let s = s * s * (3.0 - 2.0 * s);
        let f = |a: f32, b: f32| a + (b - a) * s;
        Pose { focus: self.focus.lerp(to.focus, s), yaw: f(self.yaw, to.yaw), pitch: f(self.pitch, to.pitch), radius: f(self.radius, to.radius) }
    }
}
