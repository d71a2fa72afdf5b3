//! Frames rendered offscreen, frame-exact: `synapse-lab export` (a clip)
//! and `synapse-lab screenshot` (one frame). No window and no display:
//! every camera (A, B and the egui overlay) draws into one image, and a
//! `Screenshot` of that image is taken each frame, tagged with its frame
//! number, so frames reach the encoder in order whatever the read-back
//! latency. Frame k shows the experiment at exactly the plan's time for k
//! (whole core steps computed from k, run through the frame-exact clock);
//! a frame waits while render pipelines still compile, so none is drawn
//! half-finished. Time itself advances 1/fps per frame (camera flights
//! are deterministic). Ctrl-C stops cleanly: nothing under the final name.

/// A line on stdout that a closed pipe does not turn into a panic (the
/// export ignores SIGPIPE: the video matters, not who reads the report).
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

use super::shared::{OffscreenTarget, VideoClock};
use super::sim_bridge::{AppCommand, AppSystems, ClockMode, Instances, Playback, SimState, Slot};
use super::time_lens::SlowClock;
use crate::record::encode::{Encoder, Format};
use crate::record::{ExportJob, Metadata, Progress, Timing};
use bevy::prelude::*;
use bevy::render::render_resource::{CachedPipelineState, PipelineCache, TextureFormat, TextureUsages};
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::render::{Render, RenderApp, RenderSystems};
use bevy::time::TimeUpdateStrategy;
use bevy_egui::egui;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use synapse_core::experiment::Command;

/// Frames in a row with every render pipeline compiled before frame 0:
/// pipelines compile in the background, and a loaded machine can need
/// dozens of frames (a frame taken earlier misses meshes or panels).
const READY_FRAMES: u32 = 5;

/// Give up if a frame cannot be rendered this many app frames after its turn.
const MAX_WAIT_FRAMES: u32 = 600;

/// Frames queued for the encoder before rendering waits for it (back-pressure).
const ENCODER_QUEUE: usize = 3;

/// Pipelines still compiling, reported by the render world each frame.
#[derive(Resource, Clone, Default)]
struct PendingPipelines(Arc<AtomicUsize>);

/// What an offscreen run renders: the job, and a user caption (`--caption`).
pub struct ExportPlugin {
    pub job: ExportJob,
    pub caption: Option<String>,
    /// Set by Ctrl-C (or SIGTERM): stop and leave nothing.
    pub interrupted: Arc<AtomicBool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Rendering frame 0's state until every pipeline is ready.
    Warmup,
    /// Frame `next` is shown this app frame.
    Rendering,
    Finished,
}

/// The encoder on its own thread, fed through a bounded queue.
struct Writer {
    tx: Option<SyncSender<Vec<u8>>>,
    handle: Option<std::thread::JoinHandle<Result<Encoder, String>>>,
}

impl Writer {
    fn start(enc: Encoder) -> Self {
        let (tx, rx): (SyncSender<Vec<u8>>, Receiver<Vec<u8>>) = std::sync::mpsc::sync_channel(ENCODER_QUEUE);
        let handle = std::thread::spawn(move || {
            let mut enc = enc;
            for frame in rx {
                enc.push(&frame)?;
            }
            Ok(enc)
        });
        Self { tx: Some(tx), handle: Some(handle) }
    }

    /// Hand a frame on; blocks while the queue is full. An encoder that
    /// failed gives its error.
    fn send(&mut self, frame: Vec<u8>) -> Result<(), String> {
        let failed = self.tx.as_ref().map(|tx| tx.send(frame).is_err()).unwrap_or(true);
        if failed {
            return Err(self.join().err().unwrap_or_else(|| "the encoder stopped".into()));
        }
        Ok(())
    }

    /// Close the queue and wait for the encoder.
    fn join(&mut self) -> Result<Encoder, String> {
        self.tx = None;
        match self.handle.take().map(|h| h.join()) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err("the encoder thread panicked".into()),
            None => Err("the encoder already stopped".into()),
        }
    }
}

#[derive(Resource)]
struct Recorder {
    job: ExportJob,
    phase: Phase,
    app_frames: u32,
    ready_streak: u32,
    /// The frame shown this app frame (Rendering), and whether it was captured.
    next: u64,
    requested: bool,
    waited: u32,
    /// A's core step at frame 0 (the fast clock counts from it).
    base_step: u64,
    /// Pictures by (frame, attempt), as the read-back delivers them.
    captured: Arc<Mutex<BTreeMap<(u64, u32), Result<Vec<u8>, String>>>>,
    /// The attempt whose picture is good, per frame (confirmed the app frame after).
    confirmed: BTreeMap<u64, u32>,
    attempt: u32,
    sent: u64,
    writer: Option<Writer>,
    progress: Progress,
    sim_s: f64,
    sim_started: Option<Instant>,
    rendering_started: Option<Instant>,
    frame_ms: Vec<f64>,
    last_frame: Option<Instant>,
    ffmpeg_version: Option<String>,
    /// Subtitle files, written under temporary names until the clip is done: (temporary, final).
    subtitles: Vec<(PathBuf, PathBuf)>,
    ffmpeg_args: Vec<String>,
    interrupted: Arc<AtomicBool>,
    /// egui's textures changed in this frame's UI pass (set in PostUpdate).
    textures_changed: bool,
    /// Frames taken again because the font atlas changed while they rendered.
    retaken: u32,
    /// Where the time went, once the clip is done.
    timing: Option<Timing>,
    /// A recording's frames applied so far.
    replayed: usize,
}

impl Drop for Recorder {
    /// However the app ends (a panic included), an unfinished export
    /// leaves nothing: the encoder is joined (its drop removes its
    /// temporary file) and the subtitle drafts go.
    fn drop(&mut self) {
        if let Some(mut w) = self.writer.take() {
            drop(w.join());
        }
        for (tmp, _) in &self.subtitles {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

impl Plugin for ExportPlugin {
    fn build(&self, app: &mut App) {
        let job = self.job.clone();
        let (w, h) = job.size;
        let mut image = Image::new_target_texture(w, h, TextureFormat::Rgba8UnormSrgb, None);
        image.texture_descriptor.usage |= TextureUsages::COPY_SRC;
        let handle = app.world_mut().resource_mut::<Assets<Image>>().add(image);
        let pending = PendingPipelines(Arc::new(AtomicUsize::new(usize::MAX)));
        let mut subtitles = Vec::new();
        let mut setup_error = None;
        if let Some((srt, vtt)) = job.subtitle_paths() {
            let cues = job.subtitles.clone().unwrap_or_else(|| crate::record::plan::cues(&job.plan, &job.title, &job.slow_after));
            for (path, text) in [(srt, crate::record::plan::srt(&cues)), (vtt, crate::record::plan::vtt(&cues))] {
                let tmp = crate::record::encode::temp_path(&path);
                if let Err(e) = std::fs::write(&tmp, text) {
                    setup_error = Some(format!("{}: cannot write the subtitles: {e}", path.display()));
                }
                subtitles.push((tmp, path));
            }
        }
        let ffmpeg_version = job.ffmpeg_version.clone();
        let mut ffmpeg_args = Vec::new();
        let writer = match setup_error {
            Some(e) => Err(e),
            None => Encoder::start(job.format, &job.out, job.size, job.plan.fps, job.quality, subtitles.first().map(|(t, _)| t.as_path())),
        }
        .map(|enc| {
            ffmpeg_args = enc.args.clone();
            Writer::start(enc)
        });
        let writer = match writer {
            Ok(w) => Some(w),
            Err(e) => {
                eprintln!("error: {e}");
                for (tmp, _) in &subtitles {
                    let _ = std::fs::remove_file(tmp);
                }
                app.add_systems(Startup, |mut exit: MessageWriter<AppExit>| {
                    exit.write(AppExit::from_code(2));
                });
                None
            }
        };
        let fps = job.plan.fps;
        let progress = Progress::new(job.progress, job.plan.frames);
        app.insert_resource(OffscreenTarget(handle))
            .insert_resource(Recorder {
                job,
                phase: Phase::Warmup,
                app_frames: 0,
                ready_streak: 0,
                next: 0,
                requested: false,
                waited: 0,
                base_step: 0,
                captured: Arc::new(Mutex::new(BTreeMap::new())),
                confirmed: BTreeMap::new(),
                attempt: 0,
                sent: 0,
                writer,
                progress,
                sim_s: 0.0,
                sim_started: None,
                rendering_started: None,
                frame_ms: Vec::new(),
                last_frame: None,
                ffmpeg_version,
                subtitles,
                ffmpeg_args,
                interrupted: self.interrupted.clone(),
                timing: None,
                textures_changed: false,
                retaken: 0,
                replayed: 0,
            })
            // Video time, not wall time: eased moves advance 1/fps a frame;
            // flights and lectures follow the video clock (nothing on a frame taken again).
            .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_secs_f64(1.0 / fps as f64)))
            .insert_resource(VideoClock { frame: None, dt_s: 1.0 / fps as f64 })
            .insert_resource(pending.clone())
            .add_systems(Startup, go_to_frame_zero)
            .add_systems(
                Update,
                (
                    (decide, replay_recording).chain().in_set(AppSystems::Input),
                    drive.in_set(AppSystems::Simulate).before(super::sim_bridge::advance_fast),
                    simulated.in_set(AppSystems::Simulate).after(super::sim_bridge::advance_fast),
                    capture.in_set(AppSystems::Capture),
                ),
            )
            .add_systems(PostUpdate, watch_egui_textures.in_set(bevy_egui::EguiPostUpdateSet::PostProcessOutput).before(bevy_egui::update_egui_textures_system));
        if self.job.text_report.is_some() {
            app.init_resource::<FrameTexts>().add_systems(PostUpdate, collect_texts.after(bevy_egui::EguiPostUpdateSet::EndPass).before(bevy_egui::EguiPostUpdateSet::ProcessOutput));
        }
        if let Some(text) = &self.caption {
            let text = text.clone();
            app.add_systems(Startup, move |mut out: MessageWriter<AppCommand>| {
                out.write(AppCommand::Caption(Some(text.clone())));
            });
        }
        app.sub_app_mut(RenderApp).insert_resource(pending).add_systems(Render, report_pipelines.in_set(RenderSystems::Cleanup));
    }
}

/// The slow clock to its first frame (a jump re-samples the synapse), then
/// the fast one; every instance alike. Both clocks' live playback stops:
/// from here the recorder moves them.
fn go_to_frame_zero(
    mut rec: ResMut<Recorder>,
    mut states: Query<(&mut SimState, &Slot)>,
    instances: Res<Instances>,
    mut playback: ResMut<Playback>,
    mut clock: ResMut<SlowClock>,
    mut out: MessageWriter<AppCommand>,
) {
    let plan = rec.job.plan.clone();
    if let Some(r) = rec.job.recording.clone() {
        // Each experiment as it was at the Record press: its scenario and every command since.
        for (mut state, slot) in &mut states {
            let log = if *slot == Slot::A { Some(&r.a) } else { r.b.as_ref() };
            for (i, c) in log.iter().flat_map(|l| l.commands.iter()).enumerate() {
                // A long session takes a while to replay: Cancel (SIGTERM) stops it here too.
                if i % 256 == 0 && rec.interrupted.load(Ordering::Relaxed) {
                    return;
                }
                if let Err(e) = state.apply(c.command.clone()) {
                    eprintln!("warning: the recording's command {} for {} ({:?}) was refused: {e}", i + 1, slot.letter(), c.command);
                }
            }
        }
        out.write_batch(r.start.iter().cloned());
        playback.mode = ClockMode::FrameExact { steps_per_frame: 0 };
    }
    let mut states = states.transmute_lens::<&mut SimState>();
    let mut states = states.query();
    for mut state in &mut states {
        if let Some(m) = plan.slow_min(0)
            && m > 0.0
            && let Err(e) = state.apply(Command::SlowJump { minutes: m })
        {
            eprintln!("error: --slow-from: {e}");
        }
        let steps = plan.fast_step(0, state.sim.dt_ms()).saturating_sub(state.sim.step_index);
        if let Err(e) = state.apply(Command::Run { steps }) {
            eprintln!("error: --from: {e}");
        }
    }
    super::time_lens::sync_epoch(&mut clock, &states, &instances);
    rec.base_step = states.get(instances.a).map(|a| a.sim.step_index).unwrap_or(0);
    clock.playing = false;
    playback.playing = false;
}

fn report_pipelines(cache: Res<PipelineCache>, pending: Res<PendingPipelines>) {
    let n = cache.pipelines().filter(|p| matches!(p.state, CachedPipelineState::Queued | CachedPipelineState::Creating(_))).count();
    pending.0.store(n, Ordering::Relaxed);
}

/// First in the frame: decide which frame this app frame shows (the next
/// one, or the last again when its picture was spoiled) and say so on the
/// video clock, before any command or camera moves.
fn decide(mut rec: ResMut<Recorder>, pending: Res<PendingPipelines>, mut video: ResMut<VideoClock>) {
    video.frame = None;
    // egui's textures changed while the last frame was drawn (a glyph drawn
    // for the first time, at a new size or sub-pixel offset, joins the font
    // atlas): the GPU copy lags a frame, so that frame misses the glyph.
    // Such a frame is taken again, unchanged.
    let atlas_changed = std::mem::take(&mut rec.textures_changed);
    if rec.phase == Phase::Finished || rec.writer.is_none() {
        return;
    }
    let now = Instant::now();
    if let Some(last) = rec.last_frame.replace(now) {
        rec.frame_ms.push((now - last).as_secs_f64() * 1e3);
    }
    rec.app_frames += 1;
    rec.ready_streak = if pending.0.load(Ordering::Relaxed) == 0 { rec.ready_streak + 1 } else { 0 };
    let frames = rec.job.plan.frames;
    match rec.phase {
        Phase::Warmup => {
            if rec.app_frames >= rec.job.warmup_frames && rec.ready_streak >= READY_FRAMES {
                rec.phase = Phase::Rendering;
                rec.next = 0;
                rec.requested = false;
                rec.rendering_started = Some(now);
                video.frame = Some(0);
            }
        }
        Phase::Rendering => {
            let k = rec.next;
            if rec.confirmed.contains_key(&k) {
                // The last frame is in; waiting for its picture.
                return;
            }
            if rec.requested && (atlas_changed || pending.0.load(Ordering::Relaxed) > 0) {
                // Taken again, unchanged: the picture already on its way is
                // dropped (a glyph or a pipeline was not ready while it rendered).
                rec.requested = false;
                rec.retaken += 1;
                rec.waited += 1;
            } else if rec.requested {
                // The picture of frame k is good; move on to the next one.
                let attempt = rec.attempt;
                rec.confirmed.insert(k, attempt);
                if k + 1 == frames {
                    return;
                }
                rec.next += 1;
                rec.requested = false;
                rec.waited = 0;
                video.frame = Some(k + 1);
            }
        }
        Phase::Finished => {}
    }
}

/// Before the clocks advance: set them to reach this app frame's video
/// frame exactly (a lecture moves them itself).
fn drive(
    mut rec: ResMut<Recorder>,
    mut states: Query<&mut SimState>,
    instances: Res<Instances>,
    mut playback: ResMut<Playback>,
    mut clock: ResMut<SlowClock>,
    mut caption: ResMut<super::ui::ClockCaption>,
) {
    // The recorder alone moves the clocks (a scenario's drugs would start the slow one).
    clock.playing = false;
    if rec.job.recording.is_some() {
        // A recording's frames carry every step; its play button shows as it was.
        playback.mode = ClockMode::FrameExact { steps_per_frame: 0 };
        return;
    }
    playback.playing = false;
    if rec.phase != Phase::Rendering || rec.writer.is_none() || rec.job.lecture {
        return;
    }
    let plan = rec.job.plan.clone();
    let k = rec.next;
    rec.sim_started = Some(Instant::now());
    let (a_step, dt_ms) = states.get(instances.a).map(|a| (a.sim.step_index, a.sim.dt_ms())).unwrap_or((0, 1e-3));
    let target = rec.base_step + plan.fast_step(k, dt_ms) - plan.fast_step(0, dt_ms);
    let steps = target.saturating_sub(a_step);
    playback.mode = ClockMode::FrameExact { steps_per_frame: steps };
    playback.playing = steps > 0;
    // The slow clock to frame k's slow step, counted from its start (frame 0 jumped there).
    if let Some(dt_min) = states.get(instances.a).ok().map(|a| a.cascade.dt_min())
        && let Some(goal) = plan.slow_step(k, dt_min)
    {
        for mut s in &mut states {
            let done = (s.cascade.t_min() / dt_min).round() as u64;
            if goal > done {
                let _ = s.apply(Command::RunSlow { steps: goal - done });
            }
        }
    }
    caption.text = rec.job.captions.burned().then(|| format!("{}\n{}", rec.job.title, plan.clock_text(k, &rec.job.slow_after)));
}

/// A recording: this video frame's share of the window's frames, applied in
/// order (each experiment's commands, the panels' view commands), and the
/// cameras where the window had them. Nothing moves on a frame taken again.
fn replay_recording(
    mut rec: ResMut<Recorder>,
    mut states: Query<(&mut SimState, &Slot)>,
    mut out: MessageWriter<AppCommand>,
    mut cams: Query<(&mut bevy_panorbit_camera::PanOrbitCamera, &super::shared::InInstance)>,
    instances: Res<Instances>,
    (mut settings, mut playback): (ResMut<super::shared::Settings>, ResMut<Playback>),
) {
    let Some(r) = rec.job.recording.clone() else { return };
    let shown = match rec.phase {
        Phase::Warmup => 0,
        Phase::Rendering => r.shown_through(rec.next, rec.job.plan.fps),
        Phase::Finished => return,
    };
    let started = Instant::now();
    // A UI scale of the window, in this frame's proportions: the window's
    // pixels per point over its height, times this frame's height.
    let factor = r.pixels_per_point / r.ui.scale.max(1e-3) * rec.job.size.1 as f32 / r.window[1].max(1) as f32;
    for (i, f) in r.frames.iter().enumerate().take(shown).skip(rec.replayed) {
        for (mut s, slot) in &mut states {
            for c in if *slot == Slot::A { &f.a } else { &f.b } {
                if let Err(e) = s.apply(c.clone()) {
                    eprintln!("warning: the recording's frame {} for {} ({c:?}) was refused: {e}", i + 1, slot.letter());
                }
                // Biological time on screen (what the glutamine dots move by) counts A's steps.
                if let (Slot::A, Command::Run { steps }) = (slot, c) {
                    playback.extra_steps += steps;
                }
            }
        }
        for v in &f.view {
            match v {
                AppCommand::View(super::ui::ViewCommand::Scale(x)) => settings.scale = x * factor,
                other => {
                    out.write(other.clone());
                }
            }
        }
    }
    rec.replayed = rec.replayed.max(shown);
    let poses = r.cameras_after(rec.replayed);
    for (i, e) in [Some(instances.a), instances.b].into_iter().flatten().enumerate() {
        if let (Some(p), Some((mut c, _))) = (poses.get(i), cams.iter_mut().find(|(_, inst)| inst.0 == e)) {
            p.show(&mut c);
        }
    }
    rec.sim_s += started.elapsed().as_secs_f64();
}

/// After this frame's UI pass, before bevy_egui applies its texture changes.
fn watch_egui_textures(mut rec: ResMut<Recorder>, outputs: Query<&bevy_egui::EguiRenderOutput>) {
    if outputs.iter().any(|o| !o.textures_delta.set.is_empty()) {
        rec.textures_changed = true;
    }
}

/// After the fast clock ran: the simulation's share of the frame.
fn simulated(mut rec: ResMut<Recorder>) {
    if let Some(t) = rec.sim_started.take() {
        rec.sim_s += t.elapsed().as_secs_f64();
    }
}

/// Take this frame's picture (once the pipelines are ready), pass captured
/// frames on in order, and finish when the last one is in.
fn capture(
    mut commands: Commands,
    mut rec: ResMut<Recorder>,
    target: Res<OffscreenTarget>,
    pending: Res<PendingPipelines>,
    states: Query<&SimState>,
    instances: Res<Instances>,
    adapter: Option<Res<bevy::render::renderer::RenderAdapterInfo>>,
    texts: Option<Res<FrameTexts>>,
    mut exit: MessageWriter<AppExit>,
) {
    if rec.phase == Phase::Finished || rec.writer.is_none() {
        return;
    }
    if rec.interrupted.load(Ordering::Relaxed) {
        return fail(&mut rec, &mut exit, "interrupted".into(), 130);
    }
    if rec.phase == Phase::Rendering && !rec.requested {
        if pending.0.load(Ordering::Relaxed) == 0 {
            rec.attempt += 1;
            let (k, attempt) = (rec.next, rec.attempt);
            let slot = rec.captured.clone();
            commands.spawn(Screenshot::image(target.0.clone())).observe(move |shot: On<ScreenshotCaptured>| {
                let frame = rgba_of(&shot.image);
                if let Ok(mut s) = slot.lock() {
                    s.insert((k, attempt), frame);
                }
            });
            rec.requested = true;
        } else {
            // A new pipeline (a mesh first drawn now): show the same state again until it is ready.
            rec.waited += 1;
        }
    }
    if rec.waited > MAX_WAIT_FRAMES {
        let why = format!("frame {} could not be rendered: render pipelines did not finish compiling", rec.next);
        return fail(&mut rec, &mut exit, why, 1);
    }
    // Frames in order; each blocks here while the encoder's queue is full.
    loop {
        let sent = rec.sent;
        let Some(&attempt) = rec.confirmed.get(&sent) else { break };
        let Some(frame) = rec.captured.lock().ok().and_then(|mut c| {
            // Pictures of frames taken again are dropped.
            c.retain(|(k, a), _| *k > sent || (*k == sent && *a >= attempt));
            c.remove(&(sent, attempt))
        }) else {
            break;
        };
        let result = frame.and_then(|f| rec.writer.as_mut().map(|w| w.send(f)).unwrap_or(Err("no encoder".into())));
        if let Err(e) = result {
            return fail(&mut rec, &mut exit, e, 1);
        }
        rec.sent += 1;
        rec.progress.frame(rec.sent);
    }
    if rec.sent == rec.job.plan.frames {
        let texts = match (&rec.job.text_report, texts) {
            (Some(path), Some(t)) => serde_json::to_string_pretty(&*t).map_err(|e| e.to_string()).and_then(|j| crate::files::write_atomically(path, |w| std::io::Write::write_all(w, j.as_bytes()))),
            _ => Ok(()),
        };
        match texts.and_then(|()| finish(&mut rec)) {
            Ok(()) => {
                report(&rec, &states, &instances, adapter.as_deref());
                rec.phase = Phase::Finished;
                exit.write(AppExit::Success);
            }
            Err(e) => fail(&mut rec, &mut exit, e, 1),
        }
    }
}

/// One text of a frame, in points: its words, its smallest font size, and
/// the rectangle it covers on screen (turned with the text, cut to its clip).
#[derive(serde::Serialize)]
struct TextBox {
    text: String,
    size: f32,
    rect: [f32; 4],
    angle: f32,
    /// Points of its width or height cut off by its clip (a panel's edge, the screen).
    cut: f32,
}

/// The texts egui drew in the last frame (`--text-report`), and the screen
/// they were drawn on (points).
#[derive(Resource, Default, serde::Serialize)]
struct FrameTexts {
    screen: [f32; 2],
    texts: Vec<TextBox>,
}

/// Read the frame's shapes between egui's end of pass and the hand-over to
/// the renderer, which takes them.
fn collect_texts(outputs: Query<&bevy_egui::EguiFullOutput>, mut frame: ResMut<FrameTexts>, rec: Res<Recorder>) {
    fn walk(shape: &egui::Shape, clip: egui::Rect, out: &mut Vec<TextBox>) {
        match shape {
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, clip, out)),
            egui::Shape::Text(t) => {
                let size = t.galley.job.sections.iter().map(|s| s.format.font_id.size).fold(f32::INFINITY, f32::min);
                // Row by row: a label wrapped in a row of labels starts where the
                // one before it ended, and its galley's box spans both rows.
                for row in &t.galley.rows {
                    let text: String = row.glyphs.iter().map(|g| g.chr).collect();
                    if text.trim().is_empty() {
                        continue;
                    }
                    let r = row.rect_without_leading_space().translate(t.pos.to_vec2());
                    // Turned about its anchor (an axis title is vertical).
                    let rot = egui::emath::Rot2::from_angle(t.angle);
                    let corners = [r.left_top(), r.right_top(), r.left_bottom(), r.right_bottom()].map(|c| t.pos + rot * (c - t.pos));
                    let whole = egui::Rect::from_points(&corners);
                    let turned = whole.intersect(clip);
                    if turned.is_positive() {
                        let cut = (whole.width() - turned.width()).max(whole.height() - turned.height());
                        out.push(TextBox { text, size, rect: [turned.min.x, turned.min.y, turned.max.x, turned.max.y], angle: t.angle, cut });
                    }
                }
            }
            _ => {}
        }
    }
    let Some(full) = outputs.iter().find_map(|o| o.0.as_ref()) else { return };
    let mut texts = Vec::new();
    for c in &full.shapes {
        walk(&c.shape, c.clip_rect, &mut texts);
    }
    let ppp = full.pixels_per_point.max(1e-3);
    *frame = FrameTexts { screen: [rec.job.size.0 as f32 / ppp, rec.job.size.1 as f32 / ppp], texts };
}

/// A captured image as tightly packed RGBA8.
fn rgba_of(image: &Image) -> Result<Vec<u8>, String> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    match (&image.data, image.texture_descriptor.format) {
        (Some(d), TextureFormat::Rgba8UnormSrgb | TextureFormat::Rgba8Unorm) if d.len() == w * h * 4 => Ok(d.clone()),
        _ => image.clone().try_into_dynamic().map(|d| d.to_rgba8().into_raw()).map_err(|e| format!("cannot convert the frame: {e:?}")),
    }
}

/// Close the encoder, check the file, put the subtitles and `movie.json` beside it.
fn finish(rec: &mut Recorder) -> Result<(), String> {
    let writer = rec.writer.as_mut().ok_or("no encoder")?;
    let enc = writer.join()?;
    let encode_s = enc.encode_s;
    enc.finish(rec.job.plan.frames)?;
    rec.writer = None;
    rec.progress.finish();
    // The video is in place; the rest follows, or the video goes again.
    let placed = place_sidecars(rec, encode_s);
    if placed.is_err() {
        if rec.job.out.is_dir() {
            let _ = std::fs::remove_dir_all(&rec.job.out);
        } else {
            let _ = std::fs::remove_file(&rec.job.out);
        }
        for (_, path) in &rec.subtitles {
            let _ = std::fs::remove_file(path);
        }
    }
    placed
}

/// The subtitles renamed into place and `movie.json` written beside the video.
fn place_sidecars(rec: &mut Recorder, encode_s: f64) -> Result<(), String> {
    for (tmp, path) in rec.subtitles.clone() {
        std::fs::rename(&tmp, &path).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let total_s = rec.rendering_started.map(|t| t.elapsed().as_secs_f64()).unwrap_or(0.0);
    let timing = Timing {
        total_s,
        simulate_s: rec.sim_s,
        render_and_readback_s: (total_s - rec.sim_s).max(0.0),
        encode_s,
        frames_per_s: rec.job.plan.frames as f64 / total_s.max(1e-9),
        retaken_frames: rec.retaken,
    };
    rec.timing = Some(timing.clone());
    if let Some(path) = rec.job.metadata_path() {
        let plan = &rec.job.plan;
        let meta = Metadata {
            program: format!("synapse-lab {}", env!("CARGO_PKG_VERSION")),
            command_line: std::env::args().collect(),
            out: rec.job.out.display().to_string(),
            format: format!("{:?}", rec.job.format),
            size: [rec.job.size.0, rec.job.size.1],
            fps: plan.fps,
            frames: plan.frames,
            video_s: plan.video_s(),
            from_ms: plan.fast.from_ms,
            to_ms: plan.fast.to_ms,
            last_frame_ms: plan.fast_ms(plan.frames.saturating_sub(1)),
            ms_per_video_s: plan.fast.ms_per_video_s,
            slow: plan.slow.map(|s| [s.from_min, s.to_min, s.min_per_video_s]),
            captions: rec.job.captions,
            quality: format!("{:?}", rec.job.quality).to_lowercase(),
            facts: &rec.job.facts,
            ffmpeg_version: rec.ffmpeg_version.clone(),
            ffmpeg_args: rec.ffmpeg_args.clone(),
            timing,
        };
        let text = serde_json::to_string_pretty(&meta).map_err(|e| e.to_string())?;
        crate::files::write_atomically(&path, |w| std::io::Write::write_all(w, text.as_bytes()))?;
    }
    Ok(())
}

fn report(rec: &Recorder, states: &Query<&SimState>, instances: &Instances, adapter: Option<&bevy::render::renderer::RenderAdapterInfo>) {
    let mut sorted = rec.frame_ms.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN);
    let t_ms = states.get(instances.a).map(|s| s.sim.t_ms()).unwrap_or(0.0);
    let molecules: usize = states.iter().map(|s| s.sim.molecules.len()).sum();
    let plan = &rec.job.plan;
    let t = rec.timing.clone().unwrap_or_default();
    // A dendrite's synapses and the glutamate of its clefts and shared space.
    let dendrite = states.iter().filter_map(|s| s.exp.dendrite.as_ref()).map(|d| (d.synapses.len(), d.synapses.iter().map(|s| s.molecules.len()).sum::<usize>() + d.space.held() as usize)).fold(
        None,
        |acc: Option<(usize, usize)>, (n, m)| {
            let (a, b) = acc.unwrap_or_default();
            Some((a + n, b + m))
        },
    );
    let dendrite = dendrite.map(|(n, m)| format!(" and a dendrite's {n} synapses, {m} glutamate molecules drawn there")).unwrap_or_default();
    if rec.job.format == Format::Png {
        say!(
            "wrote {} at t = {t_ms:.3} ms; {} synapse(s), {molecules} molecules drawn{dendrite}; median frame time {median:.1} ms over {} frames",
            rec.job.out.display(),
            states.iter().count(),
            rec.frame_ms.len()
        );
    } else {
        let span = if rec.job.lecture {
            format!("\"{}\" in presenter mode", rec.job.title)
        } else if rec.job.recording.is_some() {
            format!("a recording of \"{}\", ending at t = {t_ms:.3} ms", rec.job.title)
        } else {
            format!("t = {:.3} to {t_ms:.3} ms", plan.fast.from_ms)
        };
        say!("wrote {}: {} frames, {}x{} at {} fps ({:.2} s of video), {span}", rec.job.out.display(), plan.frames, rec.job.size.0, rec.job.size.1, plan.fps, plan.video_s());
        say!(
            "export speed: {:.2} frames/s; of {:.1} s: simulation {:.1} s, scene, render and read-back {:.1} s; the encoder (its own thread) was busy {:.1} s; {} frame(s) rendered again after a font-atlas change",
            t.frames_per_s,
            t.total_s,
            t.simulate_s,
            t.render_and_readback_s,
            t.encode_s,
            t.retaken_frames
        );
        if let Some((srt, vtt)) = rec.job.subtitle_paths() {
            say!("subtitles: {} and {}", srt.display(), vtt.display());
        }
        if let Some(p) = rec.job.metadata_path() {
            say!("how it was made: {}", p.display());
        }
    }
    // The graphics stack's own warnings are hidden (RUST_LOG=warn shows
    // them); the one that matters for speed is said here, once.
    if let Some(info) = adapter {
        // wgpu's DeviceType is not re-exported by Bevy; its Debug name is stable.
        let software = if format!("{:?}", info.device_type) == "Cpu" { " (a software renderer: frames are slow; any GPU is many times faster)" } else { "" };
        say!("drawn by: {}{software}", info.name);
    }
    // A recording ends where the window did, bit for bit.
    if let Some(r) = &rec.job.recording {
        let hash = |e: Option<Entity>| e.and_then(|e| states.get(e).ok()).map(|s| synapse_core::experiment::format_hash(s.exp.state_hash()));
        for (letter, now, then) in [("A", hash(Some(instances.a)), &r.final_hash), ("B", hash(instances.b), &r.final_hash_b)] {
            match (now, then) {
                (Some(now), Some(then)) if &now == then => say!("state hash of {letter} at the last frame: {now} (the window's)"),
                (Some(now), Some(then)) => eprintln!("warning: the last frame's state hash of {letter} is {now}; the window ended at {then}"),
                (Some(now), None) => say!("state hash of {letter} at the last frame: {now}"),
                _ => {}
            }
        }
    }
    // The titles drawn over each half of a comparison.
    if let (Ok(a), Some(b)) = (states.get(instances.a), instances.b.and_then(|b| states.get(b).ok())) {
        let d = super::sim_bridge::differences(a, b);
        say!("halves: {} | {}", super::ui::half_title(super::sim_bridge::Slot::A, a, &d), super::ui::half_title(super::sim_bridge::Slot::B, b, &d));
    }
}

/// Stop: the encoder and its temporary files go, nothing is left under the final name.
fn fail(rec: &mut Recorder, exit: &mut MessageWriter<AppExit>, why: String, code: u8) {
    rec.progress.finish();
    if let Some(mut w) = rec.writer.take() {
        // Dropping the encoder removes what it wrote.
        drop(w.join());
    }
    for (tmp, _) in std::mem::take(&mut rec.subtitles) {
        let _ = std::fs::remove_file(tmp);
    }
    eprintln!("error: {why}; nothing was written to {}", rec.job.out.display());
    rec.phase = Phase::Finished;
    exit.write(AppExit::from_code(code));
}
