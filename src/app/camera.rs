//! The orbit camera: orbit, pan, zoom (off while the pointer is over a
//! panel), and preset viewpoints.

use bevy::anti_alias::fxaa::Fxaa;
use bevy::camera::CameraOutputMode;
use bevy::camera::visibility::RenderLayers;
use bevy::prelude::*;
use bevy::render::render_resource::BlendState;
use bevy::render::renderer::RenderAdapterInfo;
use bevy::render::view::NoIndirectDrawing;
use bevy_egui::{EguiContexts, EguiGlobalSettings, PrimaryEguiContext};
use bevy_panorbit_camera::{PanOrbitCamera, PanOrbitCameraPlugin};

/// Named viewpoints a lecturer jumps between.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewpoint {
    WholeSynapse,
    CleftCloseUp,
    OneReceptor,
    Astrocyte,
    /// Inside the spine: the BDNF–TrkB–mTORC1 pathway and the dendrite's spines.
    Signalling,
}

impl Viewpoint {
    pub const ALL: [Viewpoint; 5] = [Viewpoint::WholeSynapse, Viewpoint::CleftCloseUp, Viewpoint::OneReceptor, Viewpoint::Astrocyte, Viewpoint::Signalling];
    /// The name used on the command line (`--view`).
    pub fn key(self) -> &'static str {
        match self {
            Viewpoint::WholeSynapse => "whole",
            Viewpoint::CleftCloseUp => "cleft",
            Viewpoint::OneReceptor => "receptor",
            Viewpoint::Astrocyte => "astrocyte",
            Viewpoint::Signalling => "signalling",
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
        }
    }
    /// (focus, yaw, pitch, radius) in world units.
    pub fn pose(self, receptor: Vec3) -> (Vec3, f32, f32, f32) {
        match self {
            Viewpoint::WholeSynapse => (Vec3::new(0.0, 0.0, 0.0), 0.6, 0.22, 15.0),
            Viewpoint::CleftCloseUp => (Vec3::new(0.0, 0.1, 0.0), 0.3, 0.1, 4.0),
            Viewpoint::OneReceptor => (receptor + Vec3::Y * 0.1, 0.2, 0.35, 1.2),
            Viewpoint::Astrocyte => (Vec3::new(3.5, 0.0, 3.5), 0.78, 0.9, 9.0),
            Viewpoint::Signalling => (Vec3::new(0.0, -2.0, 0.0), 0.6, 0.08, 8.5),
        }
    }
}

/// Request to move the camera to a viewpoint.
#[derive(Message, Clone, Copy, Debug)]
pub struct GoTo(pub Viewpoint, pub Vec3);

/// The viewpoint the camera starts at.
#[derive(Resource, Clone, Copy, Debug)]
pub struct StartView(pub Viewpoint);

pub struct CameraPlugin;

impl Plugin for CameraPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins(PanOrbitCameraPlugin).add_message::<GoTo>().add_systems(Startup, spawn_camera).add_systems(Update, (go_to, block_while_over_panels, choose_antialiasing));
    }
}

fn spawn_camera(mut commands: Commands, mut egui_settings: ResMut<EguiGlobalSettings>, start: Option<Res<StartView>>, state: Res<super::sim_bridge::SimState>) {
    // egui gets its own full-window camera drawn over the 3D one; the 3D
    // camera's viewport then shrinks to the space the panels leave without
    // shrinking the panels' own screen (bevy_egui's side_panel example).
    egui_settings.auto_create_primary_context = false;
    commands.spawn((
        PrimaryEguiContext,
        Camera2d,
        RenderLayers::none(),
        Camera {
            order: 1,
            output_mode: CameraOutputMode::Write { blend_state: Some(BlendState::ALPHA_BLENDING), clear_color: ClearColorConfig::None },
            clear_color: ClearColorConfig::Custom(Color::NONE),
            ..default()
        },
        // Without this, labels drawn over the 3D view piled up frame after
        // frame: the UI camera's multisampled target was not cleared.
        Msaa::Off,
        Name::new("UI camera"),
    ));
    let view = start.map(|s| s.0).unwrap_or(Viewpoint::WholeSynapse);
    let (focus, yaw, pitch, radius) = view.pose(first_receptor(&state));
    commands.spawn((
        Camera3d::default(),
        // The instanced molecule batch draws with direct (not indirect) calls.
        NoIndirectDrawing,
        PanOrbitCamera { focus, yaw: Some(yaw), pitch: Some(pitch), radius: Some(radius), zoom_lower_limit: 0.3, ..default() },
        Transform::from_xyz(0.0, 8.0, 15.0).looking_at(Vec3::ZERO, Vec3::Y),
        Name::new("Camera"),
    ));
}

/// Where the "one receptor" view looks: the first receptor of the synapse.
pub fn first_receptor(state: &super::sim_bridge::SimState) -> Vec3 {
    let r = &state.sim.receptors;
    if r.is_empty() { Vec3::ZERO } else { super::scene::world(r.x_um[0], r.y_um[0], 0.0) }
}

fn go_to(mut requests: MessageReader<GoTo>, mut cams: Query<&mut PanOrbitCamera>) {
    for GoTo(v, receptor) in requests.read() {
        let (focus, yaw, pitch, radius) = v.pose(*receptor);
        for mut c in &mut cams {
            c.target_focus = focus;
            c.target_yaw = yaw;
            c.target_pitch = pitch;
            c.target_radius = radius;
            c.force_update = true;
        }
    }
}

/// Orbiting while dragging a slider would be maddening: the camera only
/// listens while the pointer is over the 3D view and egui is not using it.
fn block_while_over_panels(mut contexts: EguiContexts, view: Res<super::ui::ViewRect>, mut cams: Query<&mut PanOrbitCamera>) {
    let Ok(ctx) = contexts.ctx_mut() else { return };
    let over_view = match (ctx.pointer_latest_pos(), view.0) {
        (Some(p), Some(rect)) => rect.contains(p),
        _ => false,
    };
    let enabled = over_view && !ctx.egui_is_using_pointer();
    for mut c in &mut cams {
        c.enabled = enabled;
    }
}

/// 4× MSAA on a GPU; on a software rasteriser (Mesa lavapipe) FXAA instead,
/// which halves the frame time there (1280×720: 520 → 335 ms measured).
fn choose_antialiasing(mut commands: Commands, info: Option<Res<RenderAdapterInfo>>, cams: Query<Entity, With<Camera3d>>, mut done: Local<bool>) {
    let Some(info) = info else { return };
    if *done {
        return;
    }
    *done = true;
    // wgpu's DeviceType is not re-exported by Bevy; its Debug name is stable.
    if format!("{:?}", info.device_type) == "Cpu" {
        for cam in &cams {
            commands.entity(cam).insert((Msaa::Off, Fxaa::default()));
        }
    }
}
