//! The time lens: the slow clock of the BDNF / TrkB / mTORC1 cascade beside
//! the fast clock of the particle synapse. Owns the slow clock's playback
//! (slow minutes per real second), jumps (+10 min, +1 h, +24 h), kept
//! moments to come back to, the slow history the slow plots read, and the
//! coupling of the clocks while the slow clock runs: drug levels are pushed
//! into the fast synapse as they change, and the synapse is re-sampled when
//! the cascade changes its structure (AMPA receptor count).

use super::sim_bridge::{History, PendingSpikes, Playback, SimState, SimSystems, UiAction, reset_clock};
use bevy::prelude::*;
use synapse_core::Control;
use synapse_core::signalling::Cascade;

/// Slow-history samples are kept every this many slow minutes.
pub const SLOW_SAMPLE_MIN: f64 = 1.0;
/// Drug levels are pushed into the fast synapse when one moves by this fraction.
const LEVEL_CHANGE: f64 = 0.02;

/// A slow moment kept by the user ("save moment").
#[derive(Clone)]
pub struct Moment {
    pub label: String,
    pub cascade: Cascade,
}

/// The slow clock's playback and records.
#[derive(Resource)]
pub struct SlowClock {
    pub playing: bool,
    /// Slow minutes per real second (compression: 60 = a minute a second, ×60).
    pub min_per_s: f64,
    carry_min: f64,
    pub moments: Vec<Moment>,
    /// (t_min, cascade row) every `SLOW_SAMPLE_MIN`; columns as `Cascade::columns`.
    pub history: Vec<(f64, Vec<f64>)>,
    pub columns: Vec<String>,
    epoch: Option<u64>,
    /// Drug levels last pushed into the fast synapse.
    pushed: Vec<f64>,
}

impl Default for SlowClock {
    fn default() -> Self {
        Self { playing: false, min_per_s: 1.0, carry_min: 0.0, moments: Vec::new(), history: Vec::new(), columns: Vec::new(), epoch: None, pushed: Vec::new() }
    }
}

impl SlowClock {
    /// Compression of the slow clock: biological seconds per real second.
    pub fn compression(&self) -> f64 {
        self.min_per_s * 60.0
    }

    fn sample(&mut self, c: &Cascade) {
        let t = c.t_min();
        if self.history.last().is_none_or(|(last, _)| t >= last + SLOW_SAMPLE_MIN - 1e-9) {
            self.history.push((t, c.row()));
        }
    }
}

pub struct TimeLensPlugin;

impl Plugin for TimeLensPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<SlowClock>().add_systems(Update, (slow_actions.in_set(SimSystems::ApplyActions).after(super::sim_bridge::apply_actions), advance_slow.in_set(SimSystems::Advance)));
    }
}

/// Advance the cascade to `t_min`, sampling the slow history on the way.
fn advance_sampled(clock: &mut SlowClock, c: &mut Cascade, t_min: f64) {
    // Sample on the whole-minute grid, however the frames cut the time.
    loop {
        let next = ((c.t_min() + 1e-9) / SLOW_SAMPLE_MIN).floor() * SLOW_SAMPLE_MIN + SLOW_SAMPLE_MIN;
        if next > t_min + 1e-9 {
            break;
        }
        c.advance_to(next);
        clock.sample(c);
    }
    c.advance_to(t_min);
}

/// A new scenario (or restart): the slow clock starts over at 0.
fn sync_epoch(clock: &mut SlowClock, state: &SimState) {
    if clock.epoch != Some(state.epoch) {
        clock.epoch = Some(state.epoch);
        clock.history.clear();
        clock.moments.clear();
        clock.columns = state.cascade.columns();
        clock.pushed = state.cascade.concentrations_um(state.cascade.t_min()).into_iter().map(|(_, c)| c).collect();
        clock.carry_min = 0.0;
        // A scenario with drugs on the slow clock starts running; one without waits.
        clock.playing = !state.cascade.drug_keys().is_empty();
        clock.sample(&state.cascade);
        clock.moments.push(Moment { label: "start (0 min)".into(), cascade: state.cascade.clone() });
    }
}

fn slow_actions(
    mut actions: MessageReader<UiAction>,
    mut clock: ResMut<SlowClock>,
    mut state: ResMut<SimState>,
    mut pending: ResMut<PendingSpikes>,
    mut history: ResMut<History>,
    mut playback: ResMut<Playback>,
) {
    sync_epoch(&mut clock, &state);
    for a in actions.read() {
        match a {
            UiAction::SlowPlaying(p) => clock.playing = *p,
            UiAction::SlowRate(r) => clock.min_per_s = r.clamp(1.0 / 60.0, 1440.0),
            UiAction::SlowJump(minutes) => jump(&mut clock, &mut state, &mut pending, &mut history, &mut playback, *minutes),
            UiAction::SaveMoment => {
                let label = synapse_core::signalling::format_minutes(state.cascade.t_min());
                if !clock.moments.iter().any(|m| m.label == label) {
                    clock.moments.push(Moment { label, cascade: state.cascade.clone() });
                }
            }
            UiAction::RestoreMoment(i) => {
                if let Some(m) = clock.moments.get(*i).cloned() {
                    let t = m.cascade.t_min();
                    clock.history.retain(|(ti, _)| *ti <= t + 1e-9);
                    state.cascade = m.cascade;
                    clock.playing = false;
                    resample(&mut clock, &mut state, &mut pending, &mut history, &mut playback);
                }
            }
            _ => {}
        }
    }
    // Loading a scenario in this frame bumped the epoch after the sync above.
    sync_epoch(&mut clock, &state);
}

/// Jump the slow clock ahead by `minutes` (sampling the slow history on
/// the way) and re-sample the fast synapse from the new slow state.
pub fn jump(clock: &mut SlowClock, state: &mut SimState, pending: &mut PendingSpikes, history: &mut History, playback: &mut Playback, minutes: f64) {
    sync_epoch(clock, state);
    state.cascade.set_solution(&state.sim.solution);
    let target = state.cascade.t_min() + minutes.max(0.0);
    advance_sampled(clock, &mut state.cascade, target);
    resample(clock, state, pending, history, playback);
}

fn resample(clock: &mut SlowClock, state: &mut SimState, pending: &mut PendingSpikes, history: &mut History, playback: &mut Playback) {
    state.resample();
    reset_clock(state, pending, history, playback);
    clock.pushed = state.cascade.concentrations_um(state.cascade.t_min()).into_iter().map(|(_, c)| c).collect();
    clock.carry_min = 0.0;
}

/// Run the slow clock by this frame's real time × its rate, in whole slow
/// steps; push drug levels into the synapse; re-sample when the AMPA count changes.
fn advance_slow(time: Res<Time>, mut clock: ResMut<SlowClock>, mut state: ResMut<SimState>, mut pending: ResMut<PendingSpikes>, mut history: ResMut<History>, mut playback: ResMut<Playback>) {
    if !clock.playing {
        return;
    }
    let dt = state.cascade.dt_min();
    // At most a day of slow time per frame (a 24 h jump's worth of work).
    let wanted = (time.delta_secs_f64() * clock.min_per_s + clock.carry_min).min(1440.0);
    let steps = (wanted / dt).floor();
    clock.carry_min = wanted - steps * dt;
    if steps < 1.0 {
        return;
    }
    let state = &mut *state;
    state.cascade.set_solution(&state.sim.solution);
    let target = state.cascade.t_min() + steps * dt;
    advance_sampled(&mut clock, &mut state.cascade, target);
    if state.cascade.ampa_count(&state.base) != state.sim.scenario.receptors.ampa {
        resample(&mut clock, state, &mut pending, &mut history, &mut playback);
        return;
    }
    let t = state.cascade.t_min();
    for (i, (drug, conc)) in state.cascade.levels(t).enumerate() {
        let before = clock.pushed.get(i).copied().unwrap_or(0.0);
        if (conc - before).abs() > LEVEL_CHANGE * before.max(1e-6) {
            state.sim.apply(Control::SetDrug { drug: Box::new(drug.clone()), conc_um: conc });
            if let Some(p) = clock.pushed.get_mut(i) {
                *p = conc;
            }
        }
    }
}
