//! `synapse-lab screenshot`: step the model to the requested biological time
//! in whole dt, render warm-up frames (the first frames after start can be
//! blank while pipelines compile), capture the window with its panels to
//! PNG, report the median frame time (a benchmark with `--frames`), and exit.

use super::ScreenshotRequest;
use super::sim_bridge::{AppCommand, AppSystems, Instances, Playback, SimState};
use super::time_lens::SlowClock;
use bevy::prelude::*;
use bevy::render::render_resource::{CachedPipelineState, PipelineCache};
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::render::{Render, RenderApp, RenderSystems};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use synapse_core::experiment::Command;

/// Frames in a row with every render pipeline compiled before the capture:
/// pipelines compile in the background, and a loaded machine can need
/// dozens of frames (a capture taken earlier misses meshes or panels).
const READY_FRAMES: u32 = 5;

/// Pipelines still compiling, reported by the render world each frame.
#[derive(Resource, Clone, Default)]
struct PendingPipelines(Arc<AtomicUsize>);

/// Give up if no capture arrives this many frames after the request.
const MAX_WAIT_FRAMES: u32 = 600;

pub struct ExportPlugin(pub ScreenshotRequest);

#[derive(Resource)]
struct Export {
    req: ScreenshotRequest,
    frames: u32,
    requested: bool,
    frame_ms: Vec<f64>,
    ready_streak: u32,
    result: Arc<Mutex<Option<Result<(), String>>>>,
}

impl Plugin for ExportPlugin {
    fn build(&self, app: &mut App) {
        let pending = PendingPipelines(Arc::new(AtomicUsize::new(usize::MAX)));
        app.insert_resource(Export { req: self.0.clone(), frames: 0, requested: false, frame_ms: Vec::new(), ready_streak: 0, result: Arc::new(Mutex::new(None)) })
            .insert_resource(pending.clone())
            .add_systems(Startup, jump_to_time)
            .add_systems(Update, capture.in_set(AppSystems::Capture));
        app.sub_app_mut(RenderApp).insert_resource(pending).add_systems(Render, report_pipelines.in_set(RenderSystems::Cleanup));
    }
}

fn jump_to_time(export: Res<Export>, mut states: Query<&mut SimState>, instances: Res<Instances>, mut playback: ResMut<Playback>, mut clock: ResMut<SlowClock>, mut out: MessageWriter<AppCommand>) {
    if let Some(text) = &export.req.caption {
        out.write(AppCommand::Caption(Some(text.clone())));
    }
    // The slow clock first (it re-samples the synapse), then the fast one; every instance alike.
    for mut state in &mut states {
        if export.req.slow_at_min > 0.0
            && let Err(e) = state.apply(Command::SlowJump { minutes: export.req.slow_at_min })
        {
            eprintln!("error: --slow-at: {e}");
        }
        let steps = ((export.req.at_ms / state.sim.dt_ms()).round() as u64).saturating_sub(state.sim.step_index);
        if let Err(e) = state.apply(Command::Run { steps }) {
            eprintln!("error: --at: {e}");
        }
    }
    super::time_lens::sync_epoch(&mut clock, &states, &instances);
    clock.playing = false;
    playback.playing = false;
}

fn report_pipelines(cache: Res<PipelineCache>, pending: Res<PendingPipelines>) {
    let n = cache.pipelines().filter(|p| matches!(p.state, CachedPipelineState::Queued | CachedPipelineState::Creating(_))).count();
    pending.0.store(n, Ordering::Relaxed);
}

fn capture(
    mut commands: Commands,
    mut export: ResMut<Export>,
    time: Res<Time<Real>>,
    states: Query<&SimState>,
    instances: Res<Instances>,
    pending: Res<PendingPipelines>,
    mut exit: MessageWriter<AppExit>,
) {
    export.frames += 1;
    export.ready_streak = if pending.0.load(Ordering::Relaxed) == 0 { export.ready_streak + 1 } else { 0 };
    if export.frames > 2 {
        let ms = time.delta_secs_f64() * 1e3;
        export.frame_ms.push(ms);
    }
    if let Some(result) = export.result.lock().map(|mut r| r.take()).unwrap_or(None) {
        let mut sorted = export.frame_ms.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN);
        match result {
            Ok(()) => {
                let t_ms = states.iter().map(|s| s.sim.t_ms()).next().unwrap_or(0.0);
                let molecules: usize = states.iter().map(|s| s.sim.molecules.len()).sum();
                println!(
                    "wrote {} at t = {:.3} ms; {} synapse(s), {} molecules drawn; median frame time {:.1} ms over {} frames",
                    export.req.out.display(),
                    t_ms,
                    states.iter().count(),
                    molecules,
                    median,
                    export.frame_ms.len()
                );
                // The titles drawn over each half of a comparison.
                if let (Ok(a), Some(b)) = (states.get(instances.a), instances.b.and_then(|b| states.get(b).ok())) {
                    let d = super::sim_bridge::differences(a, b);
                    println!("halves: {} | {}", super::ui::half_title(super::sim_bridge::Slot::A, a, &d), super::ui::half_title(super::sim_bridge::Slot::B, b, &d));
                }
                exit.write(AppExit::Success);
            }
            Err(e) => {
                eprintln!("error: {e}");
                exit.write(AppExit::error());
            }
        }
        return;
    }
    if !export.requested && export.frames >= export.req.warmup_frames && export.ready_streak >= READY_FRAMES {
        export.requested = true;
        let path = export.req.out.clone();
        let slot = export.result.clone();
        commands.spawn(Screenshot::primary_window()).observe(move |shot: On<ScreenshotCaptured>| {
            let outcome = shot.image.clone().try_into_dynamic().map_err(|e| format!("cannot convert the frame: {e:?}")).and_then(|img| {
                let rgb = img.to_rgb8();
                // Whole or not at all: an interrupted write leaves no PNG under the name.
                crate::cli::write_atomically(&path, |w| rgb.write_to(w, image::ImageFormat::Png).map_err(std::io::Error::other))
            });
            if let Ok(mut s) = slot.lock() {
                *s = Some(outcome);
            }
        });
    }
    if export.frames > export.req.warmup_frames + MAX_WAIT_FRAMES {
        eprintln!("error: no frame was captured {MAX_WAIT_FRAMES} frames after the request");
        exit.write(AppExit::error());
    }
}
