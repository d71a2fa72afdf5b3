//! The command layer: every request a person, a lecture, a keymap or a
//! recording can make of the app, as plain data (serde, no Bevy). Panels
//! and keys build these; the app's plugins carry them out; lecture files,
//! command logs and recordings store them. The app, `crate::lecture` and
//! `crate::record` all read this module, and it reads only the core: imports
//! run one way, core ← command ← record ← lecture ← app ← cli. A test
//! (`tests/layers.rs`) fails if this module, the lecture or the recorder ever
//! names the game engine or the app module.
//!
//! The app gives some of these types their Bevy roles (a `Slot` is a
//! component, an `AppCommand` a message) with one-line impls of its own.

pub mod camera;
pub mod lecture;
pub mod recording;
pub mod view;

use serde::{Deserialize, Serialize};
use synapse_core::Scenario;
use synapse_core::experiment::Command;

/// Most core steps one live frame may take; beyond it biology lags behind
/// the requested speed and the panel says so (keeps the window responsive).
pub const MAX_STEPS_PER_FRAME: u64 = 20_000;

/// Which synapse an instance is: A (always there) or B (the comparison).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Slot {
    A,
    B,
}

impl Slot {
    /// Where the instance sits in the world. B is farther away than any
    /// camera's far plane (1000 units), so each camera sees only its own.
    pub fn origin(self) -> glam::Vec3 {
        match self {
            Slot::A => glam::Vec3::ZERO,
            Slot::B => glam::Vec3::new(2500.0, 0.0, 0.0),
        }
    }

    pub fn letter(self) -> &'static str {
        match self {
            Slot::A => "A",
            Slot::B => "B",
        }
    }
}

/// Which instances a command goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    A,
    B,
    Both,
}

/// Where a command for `target` goes: the clock's own commands (restart,
/// slow jumps, kept and restored moments) go to every instance, so A and B
/// stay on one clock with the same moments; the rest where the panels point.
pub fn target_of(cmd: &Command, target: Target) -> Target {
    match cmd {
        Command::Restart | Command::SlowJump { .. } | Command::KeepMoment | Command::RestoreMoment(_) | Command::Run { .. } | Command::RunSlow { .. } => Target::Both,
        Command::Spike
        | Command::Mini
        | Command::InterneuronSpike
        | Command::Train { .. }
        | Command::Clamp(_)
        | Command::HoldingMv(_)
        | Command::InjectPa(_)
        | Command::MgMm(_)
        | Command::CaMm(_)
        | Command::GlycineUm(_)
        | Command::DSerineUm(_)
        | Command::Drug { .. }
        | Command::WashOut { .. }
        | Command::DendriteSpike { .. }
        | Command::DendriteVesicle { .. }
        | Command::DendriteBurst { .. } => target,
    }
}

/// A command for "the panels' target": panels and keys build these, and the
/// UI sends them where the comparison panel points (A alone when not comparing).
pub fn sim(c: Command) -> AppCommand {
    AppCommand::Sim(Target::Both, c)
}

/// A/B comparison commands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CompareCommand {
    /// Start comparing. `None`: B is an exact copy of A now (same seed,
    /// same state), for the user to change; `Some`: A and B restart as these
    /// two scenarios (a built-in comparison).
    Start(Option<Box<(Scenario, String, Scenario, String)>>),
    Stop,
    /// Where the panels' commands go.
    Target(Target),
    LinkCameras(bool),
}

/// The built-in comparisons, one click each: (label, A, B) by built-in scenario name.
pub const BUILTIN_COMPARISONS: [(&str, &str, &str); 4] = [
    ("No drug vs ketamine IV", "baseline", "ketamine_iv"),
    ("Ketamine vs memantine", "ketamine_iv", "memantine"),
    ("Ketamine vs + rapamycin (rat)", "ketamine_rodent", "ketamine_rapamycin"),
    ("1 vs 0 mM Mg2+ at -70 mV", "single_spike", "mg_free"),
];

/// A built-in comparison as the command that starts it.
pub fn builtin_comparison(a: &str, b: &str) -> Option<AppCommand> {
    let (sa, sb) = (synapse_core::builtin::get(a)?, synapse_core::builtin::get(b)?);
    Some(AppCommand::Compare(CompareCommand::Start(Some(Box::new((sa, synapse_core::builtin::file_name(a), sb, synapse_core::builtin::file_name(b)))))))
}

/// How the fast clock turns frames into biological time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum ClockMode {
    /// Follows the wall clock at the chosen speed; when computing cannot
    /// keep up (more than `MAX_STEPS_PER_FRAME`), biology falls behind and
    /// the top bar says so.
    Live,
    /// Exactly this many core steps every frame, whatever the frame took:
    /// for recording, where nothing may be dropped or duplicated.
    FrameExact { steps_per_frame: u64 },
}

/// The fast clock's playback commands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PlaybackCommand {
    Play(bool),
    /// Advance exactly one core step (pauses).
    StepOnce,
    /// Biological µs per real second.
    Speed(f64),
    Mode(ClockMode),
}

/// The slow clock's playback commands (its jumps and moments are core `Command`s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SlowCommand {
    Play(bool),
    /// Slow minutes per real second.
    Rate(f64),
}

/// Everything a person can ask of the app, as messages (panels, keys,
/// scripts). Each variant names the plugin that handles it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AppCommand {
    /// A command to the experiments in the target (stimuli, clamp, bath,
    /// drugs, slow jumps, moments). Outside a comparison every target is A.
    Sim(Target, Command),
    /// The fast clock's playback (this plugin).
    Playback(PlaybackCommand),
    /// The slow clock's playback (`TimeLensPlugin`).
    Slow(SlowCommand),
    /// Replace the target's experiments with this scenario (from "open").
    LoadScenario { target: Target, scenario: Box<Scenario>, source: String },
    /// A/B comparison (this plugin).
    Compare(CompareCommand),
    /// The cameras: viewpoints (`CameraPlugin`).
    Camera(camera::CameraCommand),
    /// What is shown and how: theme, UI scale, labels, plots (`UiPlugin`).
    View(view::ViewCommand),
    /// Select something in A or B, or nothing (`ScenePlugin`).
    Select(Option<(Slot, view::Selectable)>),
    /// Save the scenario the panels show, with its live bath and clamp, to a file (`UiPlugin`).
    SaveScenario { path: String },
    /// A caption across the bottom of the 3D view, or none (`UiPlugin`).
    Caption(Option<String>),
    /// The lecture: next and previous cue, jumps, presenter mode, blank screen (`LecturePlugin`).
    Lecture(lecture::LectureCommand),
}
