//! The lecture hall in the app: the lecture being given (`LectureState`),
//! its keys and buttons as `LectureCommand`s, presenter mode (the stage
//! alone, projector theme, big captions, clicker keys, blank screens, a
//! spotlight and a pen), the student mode's Back / Next bar, the cue's
//! prediction card, cue 9's staging calculator, and the
//! presenter console in a second window (notes, timer, current and next
//! cue; the audience window never shows notes or answers before Next).
//! The cues themselves are played by `crate::lecture::runner`.

use super::keymap::{KeyAction, Keymap};
use super::palette;
use super::shared::{Settings, ViewRect};
use super::sim_bridge::{AppCommand, AppSystems};
pub use crate::command::lecture::LectureCommand;
use crate::command::view::UiSettings;
use crate::lecture::runner::{CueRunner, Out, Pace, Timeline};
use crate::lecture::staging::{self, Class, Trial};
use crate::lecture::{CuePanel, Evidence, Loaded};
use bevy::camera::RenderTarget;
use bevy::ecs::schedule::ScheduleLabel;
use bevy::prelude::*;
use bevy::window::{WindowRef, WindowResolution};
use bevy_egui::{EguiContext, EguiContexts, EguiPrimaryContextPass, EguiSchedule, PrimaryEguiContext, egui};

/// A blanked screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blank {
    Black,
    White,
}

/// The staging calculator's entries.
#[derive(Debug, Clone, PartialEq)]
pub struct StagingView {
    pub trials: Vec<Trial>,
    pub ect: bool,
}

impl Default for StagingView {
    fn default() -> Self {
        // An example to start from: an SSRI, then an SNRI at an optimised dose.
        Self { trials: vec![Trial::of(Class::Ssri), Trial { dose_optimised: true, ..Trial::of(Class::Snri) }], ect: false }
    }
}

/// The lecture being given.
#[derive(Resource)]
pub struct LectureState {
    pub loaded: Loaded,
    pub runner: CueRunner,
    pub pace: Pace,
    /// Presenter mode: the stage alone, clicker keys, projector theme.
    pub presenter: bool,
    pub blank: Option<Blank>,
    /// Digits typed for a jump.
    pub typed: String,
    /// The frame (of `drive_lecture`'s count) in which Next or Previous last moved the cue.
    moved_on_frame: Option<u64>,
    /// Pen strokes on the view (egui points), cleared at the next cue.
    pub strokes: Vec<Vec<egui::Pos2>>,
    pub staging: StagingView,
    /// Real seconds when the lecture and the current cue started (the console's timer).
    pub started_s: f64,
    pub cue_started_s: f64,
    /// The settings before presenter mode, restored when it ends.
    saved: Option<UiSettings>,
    /// The console's window and camera.
    console: Option<(Entity, Entity)>,
    /// When S asked for the console on a single screen (real seconds): the
    /// question shows until S again opens it, or for `CONSOLE_ASK_S`.
    console_asked: Option<f64>,
    /// Draw the console over the audience view (a screenshot of the console offscreen).
    pub console_in_main: bool,
    /// A video of the lecture: which cue each frame shows (`export --lecture`).
    pub timeline: Option<Timeline>,
    /// The last cue whose end state was reported (videos).
    reported: Option<usize>,
}

impl LectureState {
    pub fn new(loaded: Loaded, cue: usize, presenter: bool, pace: Pace) -> Self {
        let runner = CueRunner::at(&loaded, cue);
        Self {
            loaded,
            runner,
            pace,
            presenter,
            blank: None,
            typed: String::new(),
            moved_on_frame: None,
            strokes: Vec::new(),
            staging: StagingView::default(),
            started_s: 0.0,
            cue_started_s: 0.0,
            saved: None,
            console: None,
            console_asked: None,
            console_in_main: false,
            timeline: None,
            reported: None,
        }
    }

    fn go_to(&mut self, cue: usize, now_s: f64) {
        let n = self.loaded.lecture.cues.len();
        self.runner = CueRunner::at(&self.loaded, cue.min(n - 1));
        // The cue from its start: nothing of the last one stays on screen.
        self.strokes.clear();
        self.blank = None;
        self.typed.clear();
        self.staging = StagingView::default();
        self.cue_started_s = now_s;
    }
}

/// The console window's egui pass.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConsolePass;

/// Opens a lecture at a cue.
pub struct LecturePlugin {
    pub loaded: Loaded,
    pub cue: usize,
    pub presenter: bool,
    pub pace: Pace,
    /// Offscreen: draw the presenter console instead of the audience view.
    pub console_in_main: bool,
    /// A video of the lecture (`export --lecture`): the cues follow the video clock.
    pub timeline: Option<Timeline>,
}

impl Plugin for LecturePlugin {
    fn build(&self, app: &mut App) {
        let mut state = LectureState::new(self.loaded.clone(), self.cue, false, self.pace);
        state.console_in_main = self.console_in_main;
        state.timeline = self.timeline.clone();
        app.insert_resource(state)
            .add_systems(Startup, {
                let on = self.presenter;
                move |mut out: MessageWriter<AppCommand>| {
                    out.write(AppCommand::Lecture(LectureCommand::Presenter(on)));
                }
            })
            // Before the commands are carried out, so a cue's first caption and view show on its first frame.
            .add_systems(
                Update,
                (drive_lecture.in_set(AppSystems::Commands).before(super::sim_bridge::apply_commands).before(super::ui::view_commands), close_console, report_cue_ends.in_set(AppSystems::Writeback)),
            )
            .add_systems(EguiPrimaryContextPass, overlay.after(super::ui::ui_system))
            .add_systems(ConsolePass, console_window);
    }
}

/// The settings presenter mode uses for a cue: the stage alone (the cue's
/// plots when it needs them), the projector theme, no clock bars.
pub fn presenter_settings(base: &UiSettings, panel: Option<CuePanel>) -> UiSettings {
    let only_plot = match panel {
        Some(CuePanel::Plot(id)) => Some(id),
        Some(CuePanel::Staging) | None => None,
    };
    UiSettings {
        dark: false,
        presenting: true,
        show_panels: only_plot.is_some(),
        show_controls: false,
        show_plots: only_plot.is_some(),
        only_plot,
        show_top_bar: false,
        show_labels: true,
        ..base.clone()
    }
}

/// Carry out lecture commands, then let the cue's steps run for this frame.
#[allow(clippy::too_many_arguments)]
fn drive_lecture(
    mut commands: Commands,
    mut lecture: ResMut<LectureState>,
    // One resource for reading lecture commands and writing the steps' commands (a reader and a writer of one message type would conflict).
    mut messages: ResMut<Messages<AppCommand>>,
    mut cursor: Local<bevy::ecs::message::MessageCursor<AppCommand>>,
    mut settings: ResMut<Settings>,
    real: Res<Time<Real>>,
    offscreen: Option<Res<super::shared::OffscreenTarget>>,
    video: Option<Res<super::shared::VideoClock>>,
    (monitors, main_window): (Query<&bevy::window::Monitor>, Query<&Window, With<bevy::window::PrimaryWindow>>),
    mut frame: Local<u64>,
) {
    *frame += 1;
    let now = real.elapsed_secs_f64();
    let l = &mut *lecture;
    let cues = l.loaded.lecture.cues.len();
    let cue_before = l.runner.cue;
    let mut presenter_changed = false;
    let asked: Vec<LectureCommand> = cursor.read(&messages).filter_map(|m| if let AppCommand::Lecture(c) = m { Some(c.clone()) } else { None }).collect();
    // A Next or Previous in the frame that moved the cue, or in the one after,
    // was pressed while that move was loading (on a slow machine a frame can
    // take seconds, and a presenter presses again): it is the same press,
    // coalesced, not a skip. At 60 frames a second that window is 33 ms.
    let coalesced = |l: &LectureState| l.moved_on_frame.is_some_and(|f| *frame - f <= 1);
    for c in &asked {
        match c {
            LectureCommand::Next if coalesced(l) && !l.runner.waiting_for_next() => {}
            LectureCommand::Previous if coalesced(l) => {}
            LectureCommand::Next => {
                if !l.runner.release() {
                    if l.runner.cue + 1 < cues {
                        l.go_to(l.runner.cue + 1, now);
                        l.moved_on_frame = Some(*frame);
                    } else if l.presenter && offscreen.is_none() {
                        // Past the last cue: the show ends, as in PowerPoint; here presenter mode ends.
                        l.presenter = false;
                        presenter_changed = true;
                    }
                }
            }
            LectureCommand::Previous => {
                let cue = l.runner.cue.saturating_sub(1);
                l.go_to(cue, now);
                l.moved_on_frame = Some(*frame);
            }
            LectureCommand::GoTo(n) => l.go_to(*n, now),
            LectureCommand::RestartCue => {
                let cue = l.runner.cue;
                l.go_to(cue, now);
            }
            LectureCommand::Black => l.blank = if l.blank == Some(Blank::Black) { None } else { Some(Blank::Black) },
            LectureCommand::White => l.blank = if l.blank == Some(Blank::White) { None } else { Some(Blank::White) },
            LectureCommand::TogglePresenter => {
                l.presenter = !l.presenter;
                presenter_changed = true;
            }
            LectureCommand::Presenter(on) => {
                if !*on {
                    l.typed.clear();
                }
                presenter_changed |= l.presenter != *on || (*on && l.saved.is_none());
                l.presenter = *on;
            }
            LectureCommand::ToggleConsole => {
                let screens: Vec<(IVec2, UVec2)> = monitors.iter().map(|m| (m.physical_position, UVec2::new(m.physical_width, m.physical_height))).collect();
                let at = main_window.single().ok().and_then(|w| if let bevy::window::WindowPosition::At(p) = w.position { Some(p) } else { None });
                toggle_console(&mut commands, l, offscreen.is_some(), &screens, at, now)
            }
            // The keys' help card is the keys plugin's (it opens outside a lecture too).
            LectureCommand::ToggleHelp => {}
            LectureCommand::Digit(d) => {
                if l.typed.len() < 3 {
                    l.typed.push(char::from(b'0' + (*d).min(9)));
                }
            }
            LectureCommand::Jump => {
                if let Ok(n) = std::mem::take(&mut l.typed).parse::<usize>()
                    && (1..=cues).contains(&n)
                {
                    l.go_to(n - 1, now);
                }
            }
            LectureCommand::Spotlight | LectureCommand::Pen => {}
        }
    }
    if l.started_s == 0.0 {
        (l.started_s, l.cue_started_s) = (now, now);
    }
    let outs = match (video.as_deref(), &l.timeline) {
        // A video: each new frame moves its cue on by one frame of video
        // time; a frame taken again moves nothing; a cue starts on its first frame.
        (Some(v), Some(t)) => match v.frame.and_then(|k| t.at(k)).map(|(c, j)| (c.cue, c.run_frames, j)) {
            Some((cue, run_frames, j)) => {
                if j == 0 {
                    l.go_to(cue, now);
                }
                if j < run_frames { l.runner.advance(&l.loaded, v.dt_s, Pace::Video) } else { Vec::new() }
            }
            None => Vec::new(),
        },
        // The wall clock: Bevy's virtual clock clamps a frame to 250 ms, which slowed cues on a slow machine.
        _ => l.runner.advance(&l.loaded, real.delta_secs_f64(), l.pace),
    };
    for o in outs {
        match o {
            Out::App(c) => {
                messages.write(c);
            }
            // Checked headless (`lecture --check`); live, the simulation is shown, not judged.
            Out::Expect { .. } => {}
        }
    }
    if presenter_changed {
        if l.presenter {
            if l.saved.is_none() {
                l.saved = Some(settings.0.clone());
            }
        } else if let Some(s) = l.saved.take() {
            settings.0 = s;
        }
    }
    // Each cue brings its own plots; within a cue, H still hides them.
    if l.presenter && (presenter_changed || cue_before != l.runner.cue) {
        // The viewer's own choices while presenting (evidence layer, reduce motion) carry over to the next cue.
        let (evidence, calm) = (settings.show_evidence, settings.reduce_motion);
        settings.0 = presenter_settings(l.saved.as_ref().unwrap_or(&settings), l.runner.panel(&l.loaded));
        if !presenter_changed {
            (settings.show_evidence, settings.reduce_motion) = (evidence, calm);
        }
    }
}

/// In a video, each cue's end state on stdout (the same hashes as `lecture --check` reaches).
fn report_cue_ends(mut lecture: ResMut<LectureState>, states: Query<(&super::sim_bridge::SimState, &super::sim_bridge::Slot)>) {
    let l = &mut *lecture;
    if l.timeline.is_none() || !l.runner.finished || l.reported == Some(l.runner.cue) {
        return;
    }
    l.reported = Some(l.runner.cue);
    let hash = |slot| states.iter().find(|(_, s)| **s == slot).map(|(st, _)| synapse_core::experiment::format_hash(st.exp.state_hash()));
    let b = hash(super::sim_bridge::Slot::B).map(|h| format!(", B {h}")).unwrap_or_default();
    println!("cue {} {} ends: state hash A {}{b}", l.runner.cue + 1, l.loaded.lecture.cues[l.runner.cue].id, hash(super::sim_bridge::Slot::A).unwrap_or_default());
}

/// How long the one-screen question waits for S again (seconds).
const CONSOLE_ASK_S: f64 = 8.0;

/// The monitor the console opens on: one the audience window is not on,
/// when there are two or more (the laptop's own screen beside the
/// projector); None with one screen.
fn console_monitor(screens: &[(IVec2, UVec2)], main_at: Option<IVec2>) -> Option<usize> {
    if screens.len() < 2 {
        return None;
    }
    let on = |(pos, size): &(IVec2, UVec2), p: IVec2| p.x >= pos.x && p.y >= pos.y && p.x < pos.x + size.x as i32 && p.y < pos.y + size.y as i32;
    let main = main_at.and_then(|p| screens.iter().position(|s| on(s, p))).unwrap_or(0);
    Some(if main == 0 { 1 } else { 0 })
}

fn toggle_console(commands: &mut Commands, l: &mut LectureState, offscreen: bool, screens: &[(IVec2, UVec2)], main_at: Option<IVec2>, now: f64) {
    // A video has one picture and a page one canvas: the console takes it over (S again gives the stage back).
    if offscreen || cfg!(web) {
        l.console_in_main = !l.console_in_main;
        return;
    }
    match l.console.take() {
        Some((window, camera)) => {
            commands.entity(camera).despawn();
            commands.entity(window).despawn();
        }
        None => {
            let monitor = console_monitor(screens, main_at);
            // One screen (or a mirrored projector): the console would show the
            // notes and the unrevealed answers to the room. Ask first: S again opens it.
            if monitor.is_none() && l.console_asked.is_none_or(|t| now - t > CONSOLE_ASK_S) {
                l.console_asked = Some(now);
                return;
            }
            l.console_asked = None;
            let position = monitor.map_or(bevy::window::WindowPosition::Automatic, |i| bevy::window::WindowPosition::Centered(bevy::window::MonitorSelection::Index(i)));
            let window = commands.spawn(Window { title: "Synapse Lab — presenter console".into(), resolution: WindowResolution::new(900, 640), position, ..default() }).id();
            let camera =
                commands.spawn((Camera2d, Camera { order: 20, ..default() }, RenderTarget::Window(WindowRef::Entity(window)), EguiSchedule::new(ConsolePass), Name::new("Console camera"))).id();
            l.console = Some((window, camera));
        }
    }
}

/// The console's window was closed by its own close button: its camera goes too.
fn close_console(mut commands: Commands, mut lecture: ResMut<LectureState>, windows: Query<(), With<Window>>) {
    if let Some((window, camera)) = lecture.console
        && windows.get(window).is_err()
    {
        commands.entity(camera).despawn();
        lecture.console = None;
    }
}

fn console_window(mut ctx: Single<&mut EguiContext, Without<PrimaryEguiContext>>, lecture: Res<LectureState>, real: Res<Time<Real>>, settings: Res<Settings>) {
    let ctx = ctx.get_mut();
    ctx.set_visuals(if settings.dark { egui::Visuals::dark() } else { egui::Visuals::light() });
    full_screen(ctx, "console", |ui| console_ui(ui, &lecture, real.elapsed_secs_f64()));
}

/// A page filling the window, over everything else drawn in it.
fn full_screen(ctx: &egui::Context, id: &'static str, add: impl FnOnce(&mut egui::Ui)) {
    let rect = ctx.viewport_rect();
    egui::Area::new(egui::Id::new(id)).fixed_pos(rect.min).order(egui::Order::Foreground).show(ctx, |ui| {
        egui::Frame::central_panel(ui.style()).show(ui, |ui| {
            ui.set_min_size(rect.size() - egui::vec2(16.0, 16.0));
            ui.set_max_width(rect.width() - 16.0);
            add(ui)
        });
    });
}

fn mmss(s: f64) -> String {
    let s = s.max(0.0) as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// The presenter console: timer, the current cue with its notes, references
/// and evidence, what the cue waits for, and the next cue.
pub fn console_ui(ui: &mut egui::Ui, l: &LectureState, now_s: f64) {
    let cues = &l.loaded.lecture.cues;
    let cue = &cues[l.runner.cue];
    ui.horizontal(|ui| {
        ui.heading(egui::RichText::new(format!("{}   {} / {}", mmss(now_s - l.started_s), l.runner.cue + 1, cues.len())).monospace().size(26.0));
        ui.label(egui::RichText::new(format!("this cue {}", mmss(now_s - l.cue_started_s))).size(18.0));
    });
    ui.separator();
    ui.label(egui::RichText::new(&cue.title).size(24.0).strong());
    ui.horizontal(|ui| {
        evidence_badge(ui, cue.evidence, 16.0);
        let status = if l.runner.waiting_for_next() {
            match &l.runner.prediction {
                Some(p) if !p.revealed => format!("waiting for the vote: Next runs the experiment, the answer ({}) shows after it", p.choices[p.answer]),
                _ => "waiting: Next continues".into(),
            }
        } else if l.runner.finished {
            "cue done: Next goes on".into()
        } else {
            "running".into()
        };
        ui.label(egui::RichText::new(status).size(16.0));
    });
    ui.add_space(6.0);
    egui::ScrollArea::vertical().max_height(ui.available_height() - 90.0).show(ui, |ui| {
        ui.label(egui::RichText::new(&cue.notes).size(19.0));
        ui.add_space(6.0);
        for r in &cue.references {
            ui.label(egui::RichText::new(r).size(14.0).italics());
        }
    });
    ui.separator();
    match cues.get(l.runner.cue + 1) {
        Some(next) => ui.label(egui::RichText::new(format!("Next: {}", next.title)).size(18.0)),
        None => ui.label(egui::RichText::new("Last cue").size(18.0)),
    };
}

fn evidence_badge(ui: &mut egui::Ui, e: Evidence, size: f32) {
    let c = palette::egui(palette::evidence(e));
    ui.label(egui::RichText::new(format!(" {} ", e.label())).size(size).color(egui::Color32::BLACK).background_color(c));
}

/// The lecture's overlays on the audience view: cue tag, prediction card,
/// staging calculator, student bar, pen, spotlight and blank screens.
#[allow(clippy::too_many_arguments)]
fn overlay(
    mut contexts: EguiContexts,
    mut lecture: ResMut<LectureState>,
    settings: Res<Settings>,
    view: Res<ViewRect>,
    keymap: Res<Keymap>,
    keys: Res<ButtonInput<KeyCode>>,
    mouse: Res<ButtonInput<MouseButton>>,
    real: Res<Time<Real>>,
    mut out: MessageWriter<AppCommand>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let l = &mut *lecture;
    let screen = ctx.viewport_rect();
    let stage = view.all.unwrap_or(screen);
    if l.console_in_main {
        full_screen(&ctx, "console", |ui| console_ui(ui, l, real.elapsed_secs_f64()));
        return Ok(());
    }
    let dark = settings.dark;
    let ink = if dark { egui::Color32::from_gray(240) } else { egui::Color32::from_gray(15) };
    let big = super::ui::presenter_caption_size(screen.height());
    let cues = l.loaded.lecture.cues.len();
    // What the overlay shows of the cue (not the whole cue, with its notes, every frame).
    let (title, evidence, panel) = {
        let c = &l.loaded.lecture.cues[l.runner.cue];
        (c.title.clone(), c.evidence, c.panel)
    };
    let painter = ctx.layer_painter(egui::LayerId::new(egui::Order::Foreground, "lecture".into()));
    // The cue's tag: number, title, evidence; in presenter mode in its band above the stage.
    {
        let text = format!("{} / {}   {title}", l.runner.cue + 1, cues);
        let galley = painter.layout_no_wrap(text, egui::FontId::proportional(big * 0.75), ink);
        let at = if l.presenter { egui::pos2(screen.left() + 10.0, (super::ui::presenter_band(screen.height()) - galley.size().y) / 2.0) } else { stage.left_top() + egui::vec2(10.0, 8.0) };
        let rect = egui::Rect::from_min_size(at, galley.size()).expand(6.0);
        painter.rect_filled(rect, 5.0, palette::egui_overlay(dark));
        painter.galley(at, galley, ink);
        let badge = painter.layout_no_wrap(
            format!(" {} ", evidence.label()),
            egui::FontId::proportional(if l.presenter { super::ui::presenter_min_text(screen.height()) } else { big * 0.55 }),
            egui::Color32::BLACK,
        );
        let bat = egui::pos2(rect.right() + 8.0, rect.top() + 3.0);
        painter.rect_filled(egui::Rect::from_min_size(bat, badge.size()).expand(3.0), 4.0, palette::egui(palette::evidence(evidence)));
        painter.galley(bat, badge, egui::Color32::BLACK);
    }
    if l.console_asked.is_some_and(|t| real.elapsed_secs_f64() - t <= CONSOLE_ASK_S) {
        let text = "One screen: the console would show your notes and the answers to the room.\nPress S again to open it here anyway.";
        let g = painter.layout(text.into(), egui::FontId::proportional(super::ui::presenter_min_text(screen.height())), ink, stage.width() * 0.8);
        let at = stage.center() - g.size() / 2.0;
        painter.rect_filled(egui::Rect::from_min_size(at, g.size()).expand(12.0), 8.0, palette::egui_overlay(dark));
        painter.galley(at, g, ink);
    }
    if !l.typed.is_empty() {
        let g = painter.layout_no_wrap(format!("go to cue {}…", l.typed), egui::FontId::proportional(big), ink);
        let at = stage.center_top() + egui::vec2(-g.size().x / 2.0, big * 2.5);
        painter.rect_filled(egui::Rect::from_min_size(at, g.size()).expand(8.0), 6.0, palette::egui_overlay(dark));
        painter.galley(at, g, ink);
    }
    // The prediction: question and numbered choices; the answer marked once revealed.
    if let Some(p) = &l.runner.prediction {
        let letter = |i: usize| (b'A' + i as u8) as char;
        // Asked: the question and every choice. Answered: one line, so the simulation can show why.
        let lines = if p.revealed {
            vec![format!("{} ✔ {}. {}", p.question, letter(p.answer), p.choices[p.answer])]
        } else {
            std::iter::once(p.question.clone()).chain(p.choices.iter().enumerate().map(|(i, c)| format!("   {}. {c}", letter(i)))).collect()
        };
        let galley = painter.layout(lines.join("\n"), egui::FontId::proportional(big * 0.9), ink, stage.width() * 0.8);
        let at = stage.center_top() + egui::vec2(-galley.size().x / 2.0, big * 2.0);
        let rect = egui::Rect::from_min_size(at, galley.size()).expand(14.0);
        painter.rect_filled(rect, 8.0, palette::egui_overlay(dark));
        painter.rect_stroke(rect, 8.0, egui::Stroke::new(3.0, palette::egui(palette::HYPOTHESIS)), egui::StrokeKind::Outside);
        painter.galley(at, galley, ink);
    }
    if panel == Some(CuePanel::Staging) {
        // On the stage its smallest text (12.5 points at scale 1) reaches the back row's minimum.
        staging_window(&ctx, &mut l.staging, stage, if l.presenter { super::ui::presenter_min_text(screen.height()) / 12.5 } else { 1.0 });
    }
    // Student mode: the lecture's own bar (presenter mode has the clicker).
    if !l.presenter {
        // Under the cue's tag (a narrow stage has no room beside it).
        let below_tag = stage.left_top() + egui::vec2(10.0, big * 0.75 * 1.3 + 24.0);
        let notes = &l.loaded.lecture.cues[l.runner.cue].notes;
        // A student alone has no lecturer: the cue's notes are theirs, once a question is answered.
        let unanswered = l.runner.prediction.as_ref().is_some_and(|p| !p.revealed);
        egui::Area::new("lecture bar".into()).fixed_pos(below_tag).show(&ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                for c in lecture_bar(ui, l.runner.cue, l.runner.waiting_for_next()) {
                    out.write(AppCommand::Lecture(c));
                }
                student_notes(ui, notes, unanswered, (stage.width() * 0.55).max(260.0));
            });
        });
    }
    // Pen and spotlight, while their keys are held.
    let held = |a: LectureCommand| keymap.keys_for(&KeyAction::Lecture(a)).into_iter().any(|k| keys.pressed(k));
    let pointer = ctx.pointer_latest_pos();
    if l.presenter
        && held(LectureCommand::Pen)
        && let Some(p) = pointer
        && mouse.pressed(MouseButton::Left)
    {
        if mouse.just_pressed(MouseButton::Left) || l.strokes.is_empty() {
            l.strokes.push(Vec::new());
        }
        if let Some(s) = l.strokes.last_mut() {
            s.push(p);
        }
    }
    let top = ctx.layer_painter(egui::LayerId::new(egui::Order::Tooltip, "lecture top".into()));
    for s in &l.strokes {
        top.add(egui::Shape::line(s.clone(), egui::Stroke::new(5.0, palette::egui(palette::ERROR))));
    }
    if l.presenter
        && held(LectureCommand::Spotlight)
        && let Some(p) = pointer
    {
        // Everything dimmed but a disc around the pointer.
        let r = screen.height() / 9.0;
        let dim = egui::Color32::from_black_alpha(150);
        let disc = egui::Rect::from_center_size(p, egui::vec2(2.0 * r, 2.0 * r));
        for band in [
            egui::Rect::from_min_max(screen.min, egui::pos2(screen.right(), disc.top())),
            egui::Rect::from_min_max(egui::pos2(screen.left(), disc.bottom()), screen.max),
            egui::Rect::from_min_max(egui::pos2(screen.left(), disc.top()), egui::pos2(disc.left(), disc.bottom())),
            egui::Rect::from_min_max(egui::pos2(disc.right(), disc.top()), egui::pos2(screen.right(), disc.bottom())),
        ] {
            top.rect_filled(band, 0.0, dim);
        }
        top.circle_stroke(p, r, egui::Stroke::new(4.0, palette::egui(palette::WARNING)));
    }
    if let Some(b) = l.blank {
        top.rect_filled(screen, 0.0, if b == Blank::Black { egui::Color32::BLACK } else { egui::Color32::WHITE });
    }
    Ok(())
}

/// Student mode's notes under the bar: what the lecturer would say at this
/// cue, folded until opened, and held back while a question waits for its answer.
pub fn student_notes(ui: &mut egui::Ui, notes: &str, unanswered: bool, width: f32) {
    if notes.is_empty() {
        return;
    }
    egui::CollapsingHeader::new("What the lecturer would say").id_salt("student notes").show(ui, |ui| {
        ui.set_max_width(width);
        if unanswered {
            ui.label("After your answer: press Continue to run the experiment first.");
        } else {
            ui.label(notes);
        }
    });
}

/// Student mode's bar: Back, Next (Continue while a cue waits), back to the
/// cue's start, presenter mode; returns what was clicked.
pub fn lecture_bar(ui: &mut egui::Ui, cue: usize, waiting: bool) -> Vec<LectureCommand> {
    let mut out = Vec::new();
    ui.horizontal(|ui| {
        if ui.add_enabled(cue > 0, egui::Button::new("◀ Back")).on_hover_text("The previous cue (PageUp)").clicked() {
            out.push(LectureCommand::Previous);
        }
        if ui.button(if waiting { "Continue ▶" } else { "Next ▶" }).on_hover_text("PageDown").clicked() {
            out.push(LectureCommand::Next);
        }
        if ui.button("Back to the lecture").on_hover_text("This cue again from its start: what you changed is undone").clicked() {
            out.push(LectureCommand::RestartCue);
        }
        if ui.button("Present (F5)").clicked() {
            out.push(LectureCommand::Presenter(true));
        }
    });
    out
}

/// Cue 9: the Thase–Rush stage and MGH score of the trials entered, each
/// with its row of Petersen 2005, and Souery 2007's risk factors as a chart.
fn staging_window(ctx: &egui::Context, v: &mut StagingView, stage: egui::Rect, text_scale: f32) {
    let width = (stage.width() * 0.8).clamp(300.0, 500.0 * text_scale);
    let at = stage.center_top() + egui::vec2(-width / 2.0, 8.0);
    egui::Window::new(egui::RichText::new("Staging treatment resistance").size(14.0 * text_scale)).default_pos(at).default_width(width).show(ctx, |ui| staging_panel(ui, v, text_scale));
}

/// The staging calculator's contents (its own function, so it is tested without Bevy).
pub fn staging_panel(ui: &mut egui::Ui, v: &mut StagingView, text_scale: f32) {
    {
        // Readable from the back of the hall in presenter mode.
        for font in ui.style_mut().text_styles.values_mut() {
            font.size *= text_scale;
        }
        ui.label("Failed adequate trials (at least 6 weeks at an adequate dose):");
        let mut remove = None;
        for (i, t) in v.trials.iter_mut().enumerate() {
            ui.horizontal(|ui| {
                egui::ComboBox::from_id_salt(("class", i)).selected_text(t.class.label()).show_ui(ui, |ui| {
                    for c in Class::ALL {
                        ui.selectable_value(&mut t.class, c, c.label());
                    }
                });
                ui.checkbox(&mut t.dose_optimised, "dose opt.");
                ui.checkbox(&mut t.duration_optimised, "duration opt.");
                ui.checkbox(&mut t.augmented, "augmented");
                if ui.small_button("✖").clicked() {
                    remove = Some(i);
                }
            });
        }
        if let Some(i) = remove {
            v.trials.remove(i);
        }
        ui.horizontal(|ui| {
            if ui.button("+ failed trial").clicked() && v.trials.len() < 12 {
                v.trials.push(Trial::of(Class::Ssri));
            }
            ui.checkbox(&mut v.ect, "a course of ECT failed");
        });
        ui.separator();
        let tr = staging::thase_rush_stage(&v.trials, v.ect);
        let roman = ["0", "I", "II", "III", "IV", "V"][tr as usize];
        let (row, exact) = staging::row_for(&staging::THASE_RUSH_ROWS, tr as f64);
        ui.heading(format!("Thase–Rush stage {roman}"));
        ui.label(format!("Level {}{}: {} remitted ({:.0} %), {} did not (Petersen 2005)", row.0, if exact { "" } else { " (the table stops at level 3)" }, row.1, staging::remission_pct(&row), row.2));
        let mgh = staging::mgh_score(&v.trials, v.ect);
        let (row, exact) = staging::row_for(&staging::MGH_ROWS, mgh);
        ui.heading(format!("MGH score {mgh}"));
        ui.label(format!(
            "Score {}{}: {} remitted ({:.0} %), {} did not (Petersen 2005)",
            row.0,
            if exact { "" } else { " (no patient had this score; the row below it)" },
            row.1,
            staging::remission_pct(&row),
            row.2
        ));
        ui.separator();
        ui.label("Factors associated with treatment resistance: odds ratios (Souery 2007)");
        let row = 17.0 * text_scale;
        let w = ui.available_width();
        // A row more at the bottom for "OR 1".
        let (rect, _) = ui.allocate_exact_size(egui::vec2(w, row * (staging::SOUERY_2007.len() + 1) as f32), egui::Sense::hover());
        let p = ui.painter_at(rect);
        let text = ui.visuals().text_color();
        let (label_w, max_or) = (w * 0.55, 3.5);
        // Room on the right for the longest value ("3.2 P<.001").
        let x_of = |or: f64| rect.left() + label_w + (w - label_w - 70.0 * text_scale) * ((or - 1.0) / (max_or - 1.0)) as f32;
        for (i, (name, or, pv)) in staging::SOUERY_2007.iter().enumerate() {
            let y = rect.top() + row * i as f32 + row / 2.0;
            p.text(egui::pos2(rect.left() + label_w - 6.0, y), egui::Align2::RIGHT_CENTER, *name, egui::FontId::proportional(12.5 * text_scale), text);
            p.rect_filled(egui::Rect::from_min_max(egui::pos2(x_of(1.0), y - row * 0.3), egui::pos2(x_of(*or), y + row * 0.3)), 2.0, palette::egui(palette::SYNAPTIC_PROTEINS));
            p.text(egui::pos2(x_of(*or) + 4.0, y), egui::Align2::LEFT_CENTER, format!("{or} {pv}"), egui::FontId::proportional(12.5 * text_scale), text);
        }
        let y = rect.bottom() - row / 2.0;
        p.line_segment([egui::pos2(x_of(1.0), rect.top()), egui::pos2(x_of(1.0), y)], egui::Stroke::new(1.0, text));
        p.text(egui::pos2(x_of(1.0), y), egui::Align2::CENTER_CENTER, "OR 1", egui::FontId::proportional(12.5 * text_scale), text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_console_opens_on_a_screen_the_audience_window_is_not_on() {
        let laptop = (IVec2::ZERO, UVec2::new(1920, 1080));
        let projector = (IVec2::new(1920, 0), UVec2::new(1024, 768));
        assert_eq!(console_monitor(&[laptop], None), None, "one screen: ask first");
        assert_eq!(console_monitor(&[laptop, projector], Some(IVec2::new(2000, 10))), Some(0), "stage on the projector: console on the laptop");
        assert_eq!(console_monitor(&[laptop, projector], Some(IVec2::new(10, 10))), Some(1));
        assert_eq!(console_monitor(&[laptop, projector], None), Some(1), "position unknown: the stage is taken to be on the first");
    }
}
