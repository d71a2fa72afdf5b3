//! The experiment inside the app: the core's `Experiment` (fast synapse,
//! slow cascade, histories, moments) as a resource, the `AppCommand`
//! messages every panel and key sends, the fast clock's playback (live or
//! frame-exact), the command log of `--record-commands`, and the ordered
//! system sets every plugin hangs its systems in. No rendering here, so the
//! headless App tests run it with `MinimalPlugins`.
//!
//! Every change to the model is a core `Command` applied through
//! [`SimState::apply`], which also logs it: the clocks' advances are
//! `Run` / `RunSlow` commands too, so a log replays the session exactly.

use bevy::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use synapse_core::Scenario;
use synapse_core::experiment::{Command, CommandError, CommandLog, Experiment, format_hash};

/// Most core steps one live frame may take; beyond it biology lags behind
/// the requested speed and the panel says so (keeps the window responsive).
pub const MAX_STEPS_PER_FRAME: u64 = 20_000;

/// The running experiment and where its scenario came from.
#[derive(Resource)]
pub struct SimState {
    pub exp: Experiment,
    /// Where the scenario came from (for "save" and the title).
    pub source: String,
    /// The command log (`--record-commands`), from the scenario last loaded.
    pub log: Option<CommandLog>,
    /// Frames since the app started (stamped on logged commands).
    pub frame: u64,
}

impl std::ops::Deref for SimState {
    type Target = Experiment;
    fn deref(&self) -> &Experiment {
        &self.exp
    }
}

impl std::ops::DerefMut for SimState {
    fn deref_mut(&mut self) -> &mut Experiment {
        &mut self.exp
    }
}

impl SimState {
    /// A scenario at t = 0 on both clocks. A scenario whose drugs cannot be
    /// resolved (the file was validated, so only a changed catalogue could
    /// do it) runs without them rather than failing.
    pub fn new(base: Scenario, source: String, record: bool) -> Self {
        let exp = Experiment::new(base.clone()).unwrap_or_else(|e| {
            eprintln!("warning: {e}; running without the scenario's drugs");
            Experiment::new(Scenario { drugs: Vec::new(), ..base.clone() }).expect("a scenario without drugs always builds")
        });
        let log = record.then(|| CommandLog::new(&source, exp.base()));
        Self { exp, source, log, frame: 0 }
    }

    /// Apply a command to the experiment and log it; a refused command
    /// changes nothing and is not logged.
    pub fn apply(&mut self, cmd: Command) -> Result<(), CommandError> {
        self.exp.check(&cmd)?;
        if let Some(log) = &mut self.log {
            log.push(self.frame, &self.exp, cmd.clone());
        }
        self.exp.apply(&cmd)
    }

    /// Replace the experiment with a new scenario (the log starts over with it).
    fn load(&mut self, scenario: Scenario, source: String) {
        let (generation, epoch) = (self.exp.generation, self.exp.epoch);
        let next = SimState::new(scenario, source, self.log.is_some());
        self.exp = next.exp;
        self.exp.generation = generation + 1;
        self.exp.epoch = epoch + 1;
        self.source = next.source;
        self.log = next.log;
    }

    /// The log with the final hash, ready to write.
    pub fn finished_log(&self) -> Option<CommandLog> {
        self.log.clone().map(|mut l| {
            l.final_hash = Some(format_hash(self.exp.state_hash()));
            l
        })
    }
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

/// Playback of the fast clock.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct Playback {
    pub playing: bool,
    /// Biological microseconds per real second (1 = a millionfold slow-down).
    pub bio_us_per_s: f64,
    pub mode: ClockMode,
    /// Fraction of a step carried to the next frame (live mode).
    carry_steps: f64,
    /// Steps taken in the last frame, the real time it covered, and whether
    /// the frame cap cut them.
    pub last_steps: u64,
    pub last_frame_s: f64,
    pub lagging: bool,
}

impl Default for Playback {
    fn default() -> Self {
        // 1 ms of biology per second: a spike's glutamate transient lasts a
        // fraction of a second on screen, the AMPA EPSC a few seconds.
        Self { playing: true, bio_us_per_s: 1000.0, mode: ClockMode::Live, carry_steps: 0.0, last_steps: 0, last_frame_s: 0.0, lagging: false }
    }
}

impl Playback {
    /// The speed biology actually ran at in the last frame (µs per real s),
    /// measured with the real frame time.
    pub fn actual_bio_us_per_s(&self, dt_ms: f64) -> f64 {
        if self.last_frame_s > 0.0 { self.last_steps as f64 * dt_ms * 1e3 / self.last_frame_s } else { 0.0 }
    }
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
#[derive(Message, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AppCommand {
    /// A command to the experiment (stimuli, clamp, bath, drugs, slow jumps, moments).
    Sim(Command),
    /// The fast clock's playback (this plugin).
    Playback(PlaybackCommand),
    /// The slow clock's playback (`TimeLensPlugin`).
    Slow(SlowCommand),
    /// Replace the experiment with this scenario (from "open").
    LoadScenario { scenario: Box<Scenario>, source: String },
}

/// The frame's order: input becomes commands, commands change the model,
/// the clocks advance, the scene reads the model back, then the panels
/// draw and a capture takes the frame. Every plugin's systems sit in one.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum AppSystems {
    Input,
    Commands,
    Simulate,
    Writeback,
    Ui,
    Capture,
}

pub struct SimPlugin {
    pub scenario: Scenario,
    pub source: String,
    /// Drugs applied from the first step (µM), as commands.
    pub drugs: Vec<(String, f64)>,
    /// Where `--record-commands` writes the log when the app exits.
    pub record_commands: Option<PathBuf>,
}

/// Where the command log goes when the app exits.
#[derive(Resource, Clone, Debug)]
pub struct RecordTo(pub PathBuf);

impl Plugin for SimPlugin {
    fn build(&self, app: &mut App) {
        let mut state = SimState::new(self.scenario.clone(), self.source.clone(), self.record_commands.is_some());
        for (name, conc_um) in &self.drugs {
            if let Err(e) = state.apply(Command::Drug { name: name.clone(), conc_um: *conc_um }) {
                eprintln!("warning: --drug {name}: {e}");
            }
        }
        app.add_message::<AppCommand>()
            .insert_resource(state)
            .init_resource::<Playback>()
            .configure_sets(Update, (AppSystems::Input, AppSystems::Commands, AppSystems::Simulate, AppSystems::Writeback, AppSystems::Ui, AppSystems::Capture).chain())
            .add_systems(Update, (apply_commands.in_set(AppSystems::Commands), advance_fast.in_set(AppSystems::Simulate)));
        if let Some(path) = &self.record_commands {
            app.insert_resource(RecordTo(path.clone())).add_systems(Last, write_log_on_exit);
        }
    }
}

/// Carry out this frame's commands: the experiment's, the fast clock's
/// playback and scenario loads; the slow clock's belong to the time lens.
pub fn apply_commands(mut commands: MessageReader<AppCommand>, mut state: ResMut<SimState>, mut playback: ResMut<Playback>) {
    state.frame += 1;
    for c in commands.read() {
        match c.clone() {
            AppCommand::Sim(cmd) => {
                if let Err(e) = state.apply(cmd) {
                    warn!("command refused: {e}");
                }
            }
            AppCommand::Playback(p) => match p {
                PlaybackCommand::Play(on) => playback.playing = on,
                PlaybackCommand::StepOnce => {
                    playback.playing = false;
                    let _ = state.apply(Command::Run { steps: 1 });
                }
                PlaybackCommand::Speed(s) => playback.bio_us_per_s = s.clamp(0.1, 1e7),
                PlaybackCommand::Mode(m) => playback.mode = m,
            },
            AppCommand::LoadScenario { scenario, source } => {
                state.load(*scenario, source);
                playback.carry_steps = 0.0;
            }
            AppCommand::Slow(_) => {}
        }
    }
}

/// Advance the fast clock by this frame's share of biology, as a `Run` command.
pub fn advance_fast(time: Res<Time>, mut state: ResMut<SimState>, mut playback: ResMut<Playback>) {
    playback.last_frame_s = time.delta_secs_f64();
    if !playback.playing {
        playback.last_steps = 0;
        playback.lagging = false;
        return;
    }
    let steps = match playback.mode {
        ClockMode::FrameExact { steps_per_frame } => {
            playback.lagging = false;
            steps_per_frame
        }
        ClockMode::Live => {
            let dt_us = state.sim.dt_ms() * 1e3;
            let wanted = time.delta_secs_f64() * playback.bio_us_per_s / dt_us + playback.carry_steps;
            let steps = wanted.floor() as u64;
            let taken = steps.min(MAX_STEPS_PER_FRAME);
            playback.lagging = taken < steps;
            // Live playback cannot catch up a backlog it could not compute in
            // time; it runs behind and says so. Frame-exact mode never drops.
            playback.carry_steps = if playback.lagging { 0.0 } else { wanted - steps as f64 };
            taken
        }
    };
    if steps > 0 {
        let _ = state.apply(Command::Run { steps });
    }
    playback.last_steps = steps;
}

/// `--record-commands`: write the log whole (or not at all) when the app exits.
fn write_log_on_exit(mut exits: MessageReader<AppExit>, state: Res<SimState>, to: Res<RecordTo>) {
    if exits.read().next().is_none() {
        return;
    }
    if let Some(log) = state.finished_log() {
        match crate::cli::write_atomically(&to.0, |w| std::io::Write::write_all(w, log.to_ron().as_bytes())) {
            Ok(()) => {
                println!("wrote {} commands to {} (final state hash {}); `synapse-lab replay {}` re-runs them", log.commands.len(), to.0.display(), log.final_hash.unwrap_or_default(), to.0.display())
            }
            Err(e) => eprintln!("error: --record-commands {e}"),
        }
    }
}
