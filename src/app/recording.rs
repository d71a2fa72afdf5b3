//! The Record button (key R): what is on screen from the press on, kept as
//! a [`Recording`] and rendered in the background to a video the user names.
//!
//! A recording holds, for each frame the window showed: how long it lasted,
//! every command each experiment took in it (the clocks' advances
//! included), the panels' view commands, and where the cameras were; and,
//! for the start, each experiment's command log since its scenario was
//! loaded (so the export can rebuild the exact state) with the window's size
//! and view settings. It is written beside the video as
//! `NAME.recording.ron`, and `synapse-lab export --recording NAME.recording.ron`
//! renders it: that is the very command the button runs, as a child process
//! (the window stays responsive), whose progress, frames per second, ETA and
//! Cancel show on screen. Video frame k shows the experiment as the window
//! showed it (k + 1)/fps seconds after the press: whole recorded frames,
//! applied in order, so the last frame's state hash is the window's.
//!
//! A recording ends by itself where it could no longer be replayed: a new
//! scenario loaded, or a comparison started or stopped. A lecture is
//! recorded with `synapse-lab export --lecture` instead.

use super::camera::Pose;
use super::shared::{InInstance, RecordRequest, Selection, Settings, ViewRect};
use super::sim_bridge::{AppCommand, AppSystems, CompareCommand, Instances, Playback, PlaybackCommand, SimState, Slot, SlowCommand};
use super::ui::UiState;
pub use crate::command::recording::{RECORD_FPS, RECORDING_VERSION, RecordedFrame, Recording};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use bevy_panorbit_camera::PanOrbitCamera;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use synapse_core::experiment::format_hash;

/// Longest recording the button keeps (wall seconds): an hour, the export's limit at 60 fps.
const MAX_RECORD_S: f64 = 3600.0;

/// What a recording keeps of a frame's app commands: what changes the
/// picture and is not already in the experiments' commands or the
/// camera poses. `Err` says why the recording must end here.
fn kept(c: &AppCommand) -> Result<bool, &'static str> {
    match c {
        AppCommand::LoadScenario { .. } => Err("a scenario was loaded"),
        AppCommand::Compare(CompareCommand::Start(_)) => Err("a comparison started"),
        AppCommand::Compare(CompareCommand::Stop) => Err("the comparison stopped"),
        AppCommand::Compare(_) | AppCommand::View(_) | AppCommand::Caption(_) | AppCommand::Select(_) => Ok(true),
        // What the clock bars show; steps are in the experiments' commands
        // (the slow clock's play button shows paused in the video: the export moves it).
        AppCommand::Playback(PlaybackCommand::Play(_) | PlaybackCommand::Speed(_)) | AppCommand::Slow(SlowCommand::Rate(_)) => Ok(true),
        AppCommand::Playback(_) | AppCommand::Sim(..) | AppCommand::Slow(_) | AppCommand::Camera(_) | AppCommand::SaveScenario { .. } | AppCommand::Lecture(_) => Ok(false),
    }
}

/// The Record button's state.
#[derive(Resource, Default)]
pub struct Recorder {
    pub state: RecordState,
    /// What the last recording or render came to (shown until dismissed).
    pub message: Option<(String, bool)>,
    /// This frame's kept view commands, gathered where they take effect.
    view: Vec<AppCommand>,
}

#[derive(Default)]
pub enum RecordState {
    #[default]
    Idle,
    Recording(Box<Recording>),
    /// Stopped: the user names the video.
    Naming(Box<Naming>),
    Rendering(Box<Render>),
}

/// The stopped recording and the video's name being chosen.
pub struct Naming {
    pub recording: Recording,
    pub path: String,
    /// Render at the window's size (else 1920x1080).
    pub window_size: bool,
    dialog: Option<egui_file_dialog::FileDialog>,
}

/// The background export and what it reported.
pub struct Render {
    child: Child,
    pub out: PathBuf,
    pub recording_path: PathBuf,
    pub frames: u64,
    progress: Arc<Mutex<Progress>>,
    started: std::time::Instant,
    cancelled: bool,
}

#[derive(Default, Clone, Debug)]
struct Progress {
    frame: u64,
    fps: f64,
    eta_s: f64,
    /// The export's last error line, and its last warning (a state that differs from the window's).
    error: Option<String>,
    warning: Option<String>,
}

pub struct RecordPlugin;

impl Plugin for RecordPlugin {
    fn build(&self, app: &mut App) {
        app.add_message::<RecordRequest>()
            .init_resource::<Recorder>()
            .add_systems(Update, watch_commands.in_set(AppSystems::Commands).before(super::sim_bridge::apply_commands))
            .add_systems(Last, (tape, requests, poll_render).chain())
            .add_systems(EguiPrimaryContextPass, record_ui.after(super::ui::ui_system));
    }
}

/// The cameras' poses, A then B.
fn poses(cams: &Query<(&PanOrbitCamera, &InInstance)>, instances: &Instances) -> Vec<Pose> {
    [Some(instances.a), instances.b].into_iter().flatten().filter_map(|e| cams.iter().find(|(_, i)| i.0 == e).map(|(c, _)| Pose::shown(c))).collect()
}

/// The app commands that take effect this frame (read where they are
/// carried out, before `apply_commands`): those that change the picture are
/// kept for this frame; a load or a comparison started or stopped ends the
/// recording before it takes effect, so the recording ends where the window
/// was.
fn watch_commands(mut rec: ResMut<Recorder>, mut commands: MessageReader<AppCommand>, mut states: Query<&mut SimState>, instances: Res<Instances>) {
    if !matches!(rec.state, RecordState::Recording(_)) {
        commands.clear();
        return;
    }
    for c in commands.read() {
        match kept(c) {
            Ok(true) => rec.view.push(c.clone()),
            Ok(false) => {}
            Err(why) => return stop(&mut rec, &mut states, &instances, Some(why)),
        }
    }
}

/// Keep this frame: how long it took, what each experiment and the panels did, where the cameras went.
fn tape(mut rec: ResMut<Recorder>, time: Res<Time<Real>>, mut states: Query<&mut SimState>, instances: Res<Instances>, cams: Query<(&PanOrbitCamera, &InInstance)>) {
    let view = std::mem::take(&mut rec.view);
    let RecordState::Recording(r) = &mut rec.state else { return };
    let mut take = |e: Option<Entity>| e.and_then(|e| states.get_mut(e).ok()).and_then(|mut s| s.tape.as_mut().map(std::mem::take)).unwrap_or_default();
    let (a, b) = (take(Some(instances.a)), take(instances.b));
    let now = poses(&cams, &instances);
    let cameras = (now != r.cameras_after(r.frames.len())).then_some(now);
    r.frames.push(RecordedFrame { dt_s: time.delta_secs_f64(), a, b, view, cameras });
    if r.duration_s() > MAX_RECORD_S {
        stop(&mut rec, &mut states, &instances, Some("it reached an hour"));
    }
}

/// Stop recording: the experiments' tapes off, the recording to name.
fn stop(rec: &mut Recorder, states: &mut Query<&mut SimState>, instances: &Instances, why: Option<&str>) {
    let RecordState::Recording(r) = std::mem::take(&mut rec.state) else { return };
    let mut r = *r;
    let mut hash = |e: Option<Entity>| {
        e.and_then(|e| states.get_mut(e).ok()).map(|mut s| {
            s.tape = None;
            format_hash(s.exp.state_hash())
        })
    };
    r.final_hash = hash(Some(instances.a));
    r.final_hash_b = hash(instances.b);
    if r.frames.is_empty() {
        rec.message = Some(("Nothing was recorded (no frame had passed)".into(), false));
        return;
    }
    rec.message = why.map(|w| (format!("The recording ended because {w} ({:.1} s recorded)", r.duration_s()), true));
    let path = std::env::current_dir().unwrap_or_default().join(format!("recording-{}.mp4", timestamp())).display().to_string();
    rec.state = RecordState::Naming(Box::new(Naming { recording: r, path, window_size: true, dialog: None }));
}

/// The UTC date and time as YYYYMMDD-HHMMSS, for default file names.
fn timestamp() -> String {
    let s = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (days, rem) = (s / 86_400, s % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}-{:02}{:02}{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Start, stop, cancel.
fn requests(
    mut requests: MessageReader<RecordRequest>,
    mut rec: ResMut<Recorder>,
    mut states: Query<&mut SimState>,
    instances: Res<Instances>,
    cams: Query<(&PanOrbitCamera, &InInstance)>,
    (settings, ui_state, selection, slots): (Res<Settings>, Res<UiState>, Res<Selection>, Query<&Slot>),
    (windows, playback): (Query<&Window, With<PrimaryWindow>>, Res<Playback>),
    lecture: Option<Res<super::lecture::LectureState>>,
) {
    for r in requests.read() {
        match (r, &mut rec.state) {
            (RecordRequest::Toggle, RecordState::Recording(_)) => stop(&mut rec, &mut states, &instances, None),
            (RecordRequest::Toggle, RecordState::Idle) => {
                rec.view.clear();
                if lecture.is_some() {
                    rec.message = Some(("A lecture is recorded with `synapse-lab export --lecture` (cue by cue, frame-exact)".into(), false));
                    continue;
                }
                let (window, ppp) = windows.single().map(|w| ([w.physical_width(), w.physical_height()], w.scale_factor() * settings.scale)).unwrap_or(([1280, 720], settings.scale));
                let log = |e: Option<Entity>| {
                    e.and_then(|e| states.get(e).ok()).and_then(|s| s.log.clone()).map(|mut l| {
                        l.view.clear();
                        l
                    })
                };
                let Some(a) = log(Some(instances.a)) else {
                    rec.message = Some(("Cannot record: this window keeps no command log".into(), false));
                    continue;
                };
                let b = log(instances.b);
                let mut start = vec![
                    AppCommand::Caption(ui_state.caption.clone()),
                    AppCommand::Playback(PlaybackCommand::Play(playback.playing)),
                    AppCommand::Playback(PlaybackCommand::Speed(playback.bio_us_per_s)),
                ];
                if let (Some(sel), Some(slot)) = (selection.0, selection.1.and_then(|e| slots.get(e).ok())) {
                    start.push(AppCommand::Select(Some((*slot, sel))));
                }
                if instances.b.is_some() {
                    start.extend([AppCommand::Compare(CompareCommand::Target(instances.target)), AppCommand::Compare(CompareCommand::LinkCameras(instances.linked_cameras))]);
                }
                for e in [Some(instances.a), instances.b].into_iter().flatten() {
                    if let Ok(mut s) = states.get_mut(e) {
                        s.tape = Some(Vec::new());
                    }
                }
                rec.message = None;
                rec.state = RecordState::Recording(Box::new(Recording {
                    version: RECORDING_VERSION,
                    program: format!("synapse-lab {}", env!("CARGO_PKG_VERSION")),
                    a,
                    b,
                    window,
                    pixels_per_point: ppp,
                    ui: settings.0.clone(),
                    start,
                    cameras: poses(&cams, &instances),
                    frames: Vec::new(),
                    final_hash: None,
                    final_hash_b: None,
                }));
            }
            (RecordRequest::Toggle, RecordState::Rendering(_)) => rec.message = Some(("A recording is still rendering: wait for it, or cancel it".into(), false)),
            (RecordRequest::CancelRender, RecordState::Rendering(r)) => {
                r.cancelled = true;
                terminate(&mut r.child);
            }
            _ => {}
        }
    }
}

/// Ask the export to stop: SIGTERM lets it remove its temporary files.
fn terminate(child: &mut Child) {
    #[cfg(unix)]
    {
        // SAFETY: kill(2) on the child's own pid; no memory is touched.
        unsafe {
            libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
        }
    }
    #[cfg(not(unix))]
    {
        let _ = child.kill();
    }
}

/// Write the recording beside the video and start `synapse-lab export --recording` on it.
fn start_render(n: &Naming) -> Result<Render, String> {
    let out = PathBuf::from(n.path.trim());
    let ext = out.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if !["mp4", "webm", "gif"].contains(&ext.as_str()) {
        return Err(format!("{}: name the video .mp4, .webm or .gif", out.display()));
    }
    let recording_path = crate::record::sibling(&out, "recording.ron");
    crate::files::write_atomically(&recording_path, |w| std::io::Write::write_all(w, n.recording.to_ron().as_bytes()))?;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program to render with: {e}"))?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("export").arg("--recording").arg(&recording_path).arg("--out").arg(&out).args(["--progress", "json", "--fps", &RECORD_FPS.to_string()]);
    if !n.window_size {
        cmd.args(["--size", "1920x1080"]);
    }
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().map_err(|e| format!("cannot start the export: {e}"))?;
    let progress = Arc::new(Mutex::new(Progress::default()));
    if let Some(stdout) = child.stdout.take() {
        let p = progress.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line)
                    && let (Some(frame), Ok(mut p)) = (v["frame"].as_u64(), p.lock())
                {
                    (p.frame, p.fps, p.eta_s) = (frame, v["fps"].as_f64().unwrap_or(0.0), v["eta_s"].as_f64().unwrap_or(-1.0));
                }
            }
        });
    }
    if let Some(stderr) = child.stderr.take() {
        let p = progress.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut p) = p.lock() {
                    if let Some(e) = line.strip_prefix("error: ") {
                        p.error = Some(e.to_string());
                    } else if let Some(w) = line.strip_prefix("warning: ") {
                        p.warning = Some(w.to_string());
                    }
                }
            }
        });
    }
    Ok(Render { child, out, recording_path, frames: n.recording.video_frames(RECORD_FPS), progress, started: std::time::Instant::now(), cancelled: false })
}

/// The background export's end: the video's name, or why not.
fn poll_render(mut rec: ResMut<Recorder>, mut exits: MessageReader<AppExit>) {
    let exiting = exits.read().next().is_some();
    let RecordState::Rendering(r) = &mut rec.state else { return };
    if exiting {
        terminate(&mut r.child);
        // Its pipes stay open while it removes its temporary files (a closed pipe would kill it first).
        for _ in 0..100 {
            if !matches!(r.child.try_wait(), Ok(None)) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        eprintln!("the app closed while {} was rendering: it was cancelled; `synapse-lab export --recording {}` renders it again", r.out.display(), r.recording_path.display());
        return;
    }
    let Ok(Some(status)) = r.child.try_wait() else { return };
    let (error, warning) = r.progress.lock().map(|p| (p.error.clone(), p.warning.clone())).unwrap_or_default();
    let message = if let (true, Some(w)) = (status.success(), warning) {
        (format!("Saved {}, but: {w}", r.out.display()), false)
    } else if status.success() {
        (format!("Saved {} ({} frames, {:.1} s); the recording is {}", r.out.display(), r.frames, r.frames as f64 / RECORD_FPS as f64, r.recording_path.display()), true)
    } else if r.cancelled {
        (format!("Rendering cancelled; nothing written to {}. `synapse-lab export --recording {}` renders it again", r.out.display(), r.recording_path.display()), false)
    } else {
        (format!("Rendering failed: {}", error.unwrap_or_else(|| format!("the export exited with {status}"))), false)
    };
    rec.message = Some(message);
    rec.state = RecordState::Idle;
}

/// The Record button, the REC badge, the naming window, the render's progress.
fn record_ui(
    mut contexts: EguiContexts,
    mut rec: ResMut<Recorder>,
    (view, settings, mut ui_state): (Res<ViewRect>, Res<Settings>, ResMut<UiState>),
    mut requests: MessageWriter<RecordRequest>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let area = view.all.unwrap_or(ctx.viewport_rect());
    // In the title row's room for it, else the 3D view's corner.
    let corner = ui_state.overlay_slot.unwrap_or(area.right_top() + egui::vec2(-8.0, 8.0));
    let red = super::palette::egui(super::palette::ERROR);
    let mut start_render_now = false;
    let mut discard = false;
    // Where the button or badge sat, for the labels to keep clear of (next frame).
    let mut corner_rect = None;
    match &mut rec.state {
        RecordState::Idle if !settings.presenting => {
            let shown = egui::Area::new("record-button".into()).pivot(egui::Align2::RIGHT_TOP).fixed_pos(corner).show(&ctx, |ui| {
                if ui.button(egui::RichText::new("⏺ Record").color(red)).on_hover_text("Record what is on screen from now on, then render it to a video (R)").clicked() {
                    requests.write(RecordRequest::Toggle);
                }
            });
            corner_rect = Some(shown.response.rect);
        }
        RecordState::Idle => {}
        RecordState::Recording(r) => {
            let shown = egui::Area::new("record-badge".into()).pivot(egui::Align2::RIGHT_TOP).fixed_pos(corner).show(&ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.horizontal(|ui| {
                        let s = r.duration_s();
                        ui.label(egui::RichText::new(format!("⏺ REC {}:{:04.1}", (s / 60.0).floor(), s % 60.0)).color(red).strong());
                        if ui.button("■ Stop").on_hover_text("Stop recording and name the video (R)").clicked() {
                            requests.write(RecordRequest::Toggle);
                        }
                    });
                });
            });
            corner_rect = Some(shown.response.rect);
        }
        RecordState::Naming(n) => {
            egui::Window::new("Save the recording").collapsible(false).resizable(false).anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO).show(&ctx, |ui| {
                let r = &n.recording;
                ui.label(format!("{:.1} s recorded ({} frames on screen); the video: {} frames at {RECORD_FPS} fps", r.duration_s(), r.frames.len(), r.video_frames(RECORD_FPS)));
                ui.horizontal(|ui| {
                    ui.add(egui::TextEdit::singleline(&mut n.path).desired_width(360.0).hint_text("movie.mp4, .webm or .gif"));
                    if ui.button("Browse…").clicked() {
                        let mut d = egui_file_dialog::FileDialog::new()
                            .title("Save the video as")
                            .add_save_extension("MP4 video", "mp4")
                            .add_save_extension("WebM video", "webm")
                            .add_save_extension("GIF animation", "gif")
                            .default_save_extension("MP4 video")
                            .default_file_name(Path::new(&n.path).file_name().and_then(|f| f.to_str()).unwrap_or("recording.mp4"));
                        d.save_file();
                        n.dialog = Some(d);
                    }
                });
                ui.horizontal(|ui| {
                    ui.radio_value(&mut n.window_size, true, format!("the window's size ({}x{})", r.window[0] & !1, r.window[1] & !1));
                    ui.radio_value(&mut n.window_size, false, "1920x1080");
                });
                ui.label(egui::RichText::new("The recording is kept beside it (NAME.recording.ron): `synapse-lab export --recording` renders it again at any size.").small());
                ui.horizontal(|ui| {
                    start_render_now = ui.button("Render").clicked();
                    discard = ui.button("Discard").clicked();
                });
            });
            if let Some(d) = n.dialog.as_mut() {
                d.update(&ctx);
                if let Some(p) = d.take_picked() {
                    n.path = p.display().to_string();
                    n.dialog = None;
                } else if matches!(d.state(), egui_file_dialog::DialogState::Closed | egui_file_dialog::DialogState::Cancelled) {
                    n.dialog = None;
                }
            }
        }
        RecordState::Rendering(r) => {
            let p = r.progress.lock().map(|p| p.clone()).unwrap_or_default();
            let name = r.out.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            egui::Window::new(format!("Rendering {name}")).collapsible(false).resizable(false).anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-12.0, -12.0)).show(&ctx, |ui| {
                ui.add(egui::ProgressBar::new(p.frame as f32 / r.frames.max(1) as f32).desired_width(320.0).show_percentage());
                let eta = if p.frame == 0 { format!("preparing ({:.0} s)", r.started.elapsed().as_secs_f64()) } else { format!("{:.1} frames/s, about {} left", p.fps, duration_text(p.eta_s)) };
                ui.label(format!("frame {} of {} · {eta}", p.frame, r.frames));
                if ui.button("Cancel").clicked() {
                    requests.write(RecordRequest::CancelRender);
                }
            });
        }
    }
    if start_render_now && let RecordState::Naming(n) = &rec.state {
        match start_render(n) {
            Ok(r) => {
                rec.message = None;
                rec.state = RecordState::Rendering(Box::new(r));
            }
            Err(e) => rec.message = Some((e, false)),
        }
    }
    if discard {
        rec.state = RecordState::Idle;
        rec.message = Some(("Recording discarded".into(), true));
    }
    let mut dismissed = false;
    if let Some((text, ok)) = &rec.message {
        egui::Area::new("record-message".into()).pivot(egui::Align2::RIGHT_TOP).fixed_pos(area.right_top() + egui::vec2(-8.0, 8.0)).show(&ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_max_width(420.0);
                ui.colored_label(if *ok { super::palette::egui(super::palette::ESTABLISHED) } else { red }, text);
                dismissed = ui.small_button("OK").clicked();
            });
        });
    }
    if dismissed {
        rec.message = None;
    }
    ui_state.overlays = corner_rect.into_iter().collect();
    Ok(())
}

/// "1 min 20 s", "12 s".
fn duration_text(s: f64) -> String {
    if !s.is_finite() || s < 0.0 {
        return "?".into();
    }
    let s = s.round() as u64;
    if s >= 60 { format!("{} min {} s", s / 60, s % 60) } else { format!("{s} s") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::view::UiSettings;
    use synapse_core::experiment::{Command, CommandLog, Experiment};

    fn frames(dts: &[f64]) -> Recording {
        let pose = Pose { focus: Vec3::ZERO, yaw: 0.0, pitch: 0.0, radius: 1.0 };
        Recording {
            version: RECORDING_VERSION,
            program: String::new(),
            a: CommandLog::new("t", &synapse_core::Scenario::default()),
            b: None,
            window: [640, 480],
            pixels_per_point: 1.0,
            ui: UiSettings::default(),
            start: Vec::new(),
            cameras: vec![pose],
            frames: dts.iter().map(|&dt_s| RecordedFrame { dt_s, a: vec![Command::Run { steps: 1 }], b: Vec::new(), view: Vec::new(), cameras: None }).collect(),
            final_hash: None,
            final_hash_b: None,
        }
    }

    #[test]
    fn video_frame_k_shows_the_frames_that_ended_by_its_time() {
        // 1 s of 60 fps screen frames, as a 10 fps video: 10 frames, 6 screen frames each.
        let r = frames(&[1.0 / 60.0; 60]);
        assert_eq!(r.video_frames(10), 10);
        let shown: Vec<usize> = (0..10).map(|k| r.shown_through(k, 10)).collect();
        assert_eq!(shown, vec![6, 12, 18, 24, 30, 36, 42, 48, 54, 60]);
        // A slow screen (5 fps) at 30 fps: each screen frame is held for 6 video frames.
        let r = frames(&[0.2; 5]);
        assert_eq!(r.video_frames(30), 30);
        let want: Vec<usize> = (0..30).map(|k| if k == 29 { 5 } else { (k + 1) / 6 }).collect();
        assert_eq!((0..30u64).map(|k| r.shown_through(k, 30)).collect::<Vec<_>>(), want);
    }

    #[test]
    fn a_recording_survives_its_file_and_refuses_a_broken_one() {
        let r = frames(&[0.02, 0.03]);
        let dir = std::env::temp_dir().join(format!("synapse-rec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("r.recording.ron");
        std::fs::write(&path, r.to_ron()).unwrap();
        assert_eq!(Recording::open(&path).unwrap(), r);
        let bad = r.to_ron().replace("dt_s: 0.03", "dt_s: -1.0");
        std::fs::write(&path, &bad).unwrap();
        // Named at the frame's line.
        let line = bad[..bad.find("dt_s: -1.0").unwrap()].matches('\n').count() + 1;
        let e = Recording::open(&path).unwrap_err();
        assert!(e.starts_with(&format!("{}:{line}:", path.display())) && e.contains("frame 2: its time or cameras"), "{e}");
        std::fs::write(&path, "Recording(version: 1,").unwrap();
        let e = Recording::open(&path).unwrap_err();
        assert!(e.starts_with(&format!("{}:1:", path.display())), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_replay_reaches_the_state_the_commands_give() {
        let r = frames(&[0.02; 7]);
        let (a, b) = r.replay().unwrap();
        assert!(b.is_none());
        let mut direct = Experiment::new(synapse_core::Scenario::default()).unwrap();
        direct.apply(&Command::Run { steps: 7 }).unwrap();
        assert_eq!(a.state_hash(), direct.state_hash());
    }
}
