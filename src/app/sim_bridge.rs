//! The simulation inside the app: the core's `Simulation` (the fast clock)
//! and the slow `Cascade` it is re-sampled from, as a resource, stepped in
//! whole dt by a playback clock, driven by `UiAction` messages, and sampled
//! into a history the plots read. The slow clock's own playback and jumps
//! live in `time_lens`. No rendering here, so the headless App tests run it
//! with `MinimalPlugins`.

use bevy::prelude::*;
use std::collections::VecDeque;
use synapse_core::recorder::Observables;
use synapse_core::signalling::Cascade;
use synapse_core::{Control, Scenario, Simulation};

/// Most core steps one frame may take; beyond it biology lags behind the
/// requested speed and the panel says so (keeps the window responsive).
pub const MAX_STEPS_PER_FRAME: u64 = 20_000;
/// Samples kept for the plots.
pub const HISTORY_LEN: usize = 4000;

/// The running model: the fast synapse and the slow cascade.
#[derive(Resource)]
pub struct SimState {
    pub sim: Simulation,
    /// The slow clock's model; the fast synapse is re-sampled from it.
    pub cascade: Cascade,
    /// The scenario as loaded (the fast synapse's is re-sampled from it).
    pub base: Scenario,
    /// Where the scenario came from (for "save" and the title).
    pub source: String,
    /// Bumped whenever the model is rebuilt, so the scene re-spawns.
    pub generation: u64,
    /// Bumped when a scenario is loaded or restarted (the slow clock starts over).
    pub epoch: u64,
}

impl SimState {
    /// The model of a scenario at t = 0 on both clocks, with `drugs` added
    /// to the fast synapse. A scenario whose drugs cannot be resolved (the
    /// file was validated, so only a changed catalogue could do it) runs
    /// without them rather than failing.
    pub fn new(base: Scenario, source: String, drugs: &[(synapse_core::pharmacology::Drug, f64)]) -> Self {
        let cascade = Cascade::new(&base).unwrap_or_else(|e| {
            eprintln!("warning: {e}; running without the scenario's drugs");
            Cascade::new(&Scenario { drugs: Vec::new(), ..base.clone() }).expect("a scenario without drugs always builds")
        });
        let (fast, controls) = cascade.fast_layer(&base);
        let mut sim = Simulation::new(&fast);
        for c in controls {
            sim.apply(c);
        }
        for (drug, conc_um) in drugs {
            sim.apply(Control::SetDrug { drug: Box::new(drug.clone()), conc_um: *conc_um });
        }
        Self { sim, cascade, base, source, generation: 0, epoch: 0 }
    }

    /// Rebuild the fast synapse from the slow state (after a jump, a restored
    /// moment, or when the cascade has changed its structure): drugs of the
    /// schedule at their current level, the resting block seeded, more AMPA
    /// receptors with more synaptic protein. Drugs the user applied by hand
    /// are applied again. The fast clock starts at 0.
    pub fn resample(&mut self) {
        let scheduled = self.cascade.drug_keys();
        let by_hand: Vec<_> = self.sim.drugs.iter().filter(|a| !scheduled.contains(&a.drug.key)).cloned().collect();
        // Keep what the user set live (bath, clamp) across the re-sample.
        let mut live = self.base.clone();
        live.solution = self.sim.solution.clone();
        live.membrane.hold_mv = self.sim.membrane.hold_mv;
        live.membrane.mode = self.sim.membrane.mode;
        let (fast, controls) = self.cascade.fast_layer(&live);
        let mut sim = Simulation::new(&fast);
        sim.parallel = self.sim.parallel;
        for c in controls {
            sim.apply(c);
        }
        for a in by_hand {
            sim.apply(Control::SetDrug { drug: Box::new(a.drug), conc_um: a.conc_um });
        }
        self.sim = sim;
        self.generation += 1;
    }
}

/// Playback clock: how much biology passes per real second.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct Playback {
    pub playing: bool,
    /// Biological microseconds per real second (1 = a millionfold slow-down).
    pub bio_us_per_s: f64,
    /// Fraction of a step carried to the next frame.
    carry_steps: f64,
    /// Steps taken in the last frame, and whether the frame cap cut them.
    pub last_steps: u64,
    pub lagging: bool,
}

impl Default for Playback {
    fn default() -> Self {
        // 1 ms of biology per second: a spike's glutamate transient lasts a
        // fraction of a second on screen, the AMPA EPSC a few seconds.
        Self { playing: true, bio_us_per_s: 1000.0, carry_steps: 0.0, last_steps: 0, lagging: false }
    }
}

/// Sampled observables for the live plots (same clock as the 3D view).
#[derive(Resource, Default)]
pub struct History {
    pub rows: VecDeque<Observables>,
    /// Sample every this many core steps.
    pub every_steps: u64,
}

impl History {
    fn push(&mut self, o: Observables) {
        if self.rows.len() == HISTORY_LEN {
            self.rows.pop_front();
        }
        self.rows.push_back(o);
    }
}

/// What the user asked for, as messages (UI, keyboard, lecture files later).
#[derive(Message, Debug, Clone, PartialEq)]
pub enum UiAction {
    /// Pass a control to the core (spike, holding voltage, Mg2+ …).
    Control(Control),
    /// Schedule a train of spikes from now.
    Train { rate_hz: f64, count: u32 },
    SetPlaying(bool),
    /// Advance exactly one core step (pauses).
    StepOnce,
    SetSpeed(f64),
    /// Replace the model with this scenario (from "open").
    LoadScenario { scenario: Box<Scenario>, source: String },
    /// Restart the current scenario from t = 0.
    Restart,
    /// Slow clock (time lens): run or pause it.
    SlowPlaying(bool),
    /// Slow clock rate: slow minutes per real second.
    SlowRate(f64),
    /// Jump the slow clock ahead by this many minutes (and re-sample the synapse).
    SlowJump(f64),
    /// Keep the current slow moment to come back to.
    SaveMoment,
    /// Go back to a kept moment (by index).
    RestoreMoment(usize),
}

/// Scheduled train spikes (step index at which each fires).
#[derive(Resource, Default)]
pub struct PendingSpikes(pub VecDeque<u64>);

#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum SimSystems {
    ApplyActions,
    Advance,
}

pub struct SimPlugin {
    pub scenario: Scenario,
    pub source: String,
    /// Drugs applied from the first step (µM).
    pub drugs: Vec<(synapse_core::pharmacology::Drug, f64)>,
}

impl Plugin for SimPlugin {
    fn build(&self, app: &mut App) {
        let state = SimState::new(self.scenario.clone(), self.source.clone(), &self.drugs);
        let every = history_every_steps(&state.sim);
        app.add_message::<UiAction>()
            .insert_resource(state)
            .init_resource::<Playback>()
            .init_resource::<PendingSpikes>()
            .insert_resource(History { rows: VecDeque::new(), every_steps: every })
            .configure_sets(Update, (SimSystems::ApplyActions, SimSystems::Advance).chain())
            .add_systems(Update, (apply_actions.in_set(SimSystems::ApplyActions), advance.in_set(SimSystems::Advance)));
    }
}

/// Plot resolution: 10 µs of biology per sample.
fn history_every_steps(sim: &Simulation) -> u64 {
    ((0.01 / sim.dt_ms()).round() as u64).max(1)
}

pub fn apply_actions(
    mut actions: MessageReader<UiAction>,
    mut state: ResMut<SimState>,
    mut playback: ResMut<Playback>,
    mut pending: ResMut<PendingSpikes>,
    mut history: ResMut<History>,
) {
    for a in actions.read() {
        match a.clone() {
            UiAction::Control(c) => state.sim.apply(c),
            UiAction::Train { rate_hz, count } => {
                let now = state.sim.step_index + 1;
                let every = ((1e3 / rate_hz.max(0.01)) / state.sim.dt_ms()).round() as u64;
                pending.0.extend((0..count as u64).map(|k| now + k * every.max(1)));
            }
            UiAction::SetPlaying(p) => playback.playing = p,
            UiAction::StepOnce => {
                playback.playing = false;
                step_one(&mut state.sim, &mut pending, &mut history);
            }
            UiAction::SetSpeed(s) => playback.bio_us_per_s = s.clamp(0.1, 1e7),
            UiAction::LoadScenario { scenario, source } => {
                let (generation, epoch) = (state.generation, state.epoch);
                *state = SimState { generation, epoch: epoch + 1, ..SimState::new(*scenario, source, &[]) };
                reset_clock(&mut state, &mut pending, &mut history, &mut playback);
            }
            UiAction::Restart => {
                let (generation, epoch) = (state.generation, state.epoch);
                let (base, source) = (state.base.clone(), state.source.clone());
                *state = SimState { generation, epoch: epoch + 1, ..SimState::new(base, source, &[]) };
                reset_clock(&mut state, &mut pending, &mut history, &mut playback);
            }
            // The slow clock's actions belong to the time lens.
            UiAction::SlowPlaying(_) | UiAction::SlowRate(_) | UiAction::SlowJump(_) | UiAction::SaveMoment | UiAction::RestoreMoment(_) => {}
        }
    }
}

pub fn reset_clock(state: &mut SimState, pending: &mut PendingSpikes, history: &mut History, playback: &mut Playback) {
    state.generation += 1;
    pending.0.clear();
    history.rows.clear();
    history.every_steps = history_every_steps(&state.sim);
    playback.carry_steps = 0.0;
}

fn step_one(sim: &mut Simulation, pending: &mut PendingSpikes, history: &mut History) {
    while pending.0.front().is_some_and(|&s| s <= sim.step_index) {
        pending.0.pop_front();
        sim.apply(Control::Spike);
    }
    sim.step();
    if sim.step_index % history.every_steps == 0 {
        history.push(Observables::of(sim));
    }
}

/// Advance the core by the biological time this frame's real time buys.
fn advance(time: Res<Time>, mut state: ResMut<SimState>, mut playback: ResMut<Playback>, mut pending: ResMut<PendingSpikes>, mut history: ResMut<History>) {
    if !playback.playing {
        playback.last_steps = 0;
        playback.lagging = false;
        return;
    }
    let dt_us = state.sim.dt_ms() * 1e3;
    let wanted = time.delta_secs_f64() * playback.bio_us_per_s / dt_us + playback.carry_steps;
    let steps = wanted.floor() as u64;
    let taken = steps.min(MAX_STEPS_PER_FRAME);
    playback.lagging = taken < steps;
    // Drop the backlog when lagging rather than trying to catch up forever.
    playback.carry_steps = if playback.lagging { 0.0 } else { wanted - steps as f64 };
    for _ in 0..taken {
        step_one(&mut state.sim, &mut pending, &mut history);
    }
    playback.last_steps = taken;
}

/// Run the model synchronously to `t_ms` (screenshots, "jump to").
pub fn run_to(state: &mut SimState, pending: &mut PendingSpikes, history: &mut History, t_ms: f64) {
    let end = (t_ms / state.sim.dt_ms()).round() as u64;
    while state.sim.step_index < end {
        step_one(&mut state.sim, pending, history);
    }
}
