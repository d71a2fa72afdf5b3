//! The time lens: the slow clock of the BDNF / TrkB / mTORC1 cascade beside
//! the fast clock of the particle synapse. Owns the slow clock's playback
//! (slow minutes per real second, in whole slow steps, with the fraction
//! carried to the next frame). What the slow clock does to the model —
//! runs, jumps, kept moments, the slow history, drug levels pushed into
//! the synapse and re-sampling — is the core `Experiment`'s, reached
//! through `Command::RunSlow`, `SlowJump`, `KeepMoment`, `RestoreMoment`.

use super::sim_bridge::{AppCommand, AppSystems, SimState, SlowCommand};
use bevy::prelude::*;
use synapse_core::experiment::Command;

/// Most slow time one frame may run (a +24 h jump's worth of work).
const MAX_SLOW_MIN_PER_FRAME: f64 = 1440.0;

/// The slow clock's playback.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct SlowClock {
    pub playing: bool,
    /// Slow minutes per real second (compression: 1 = a minute a second, ×60).
    pub min_per_s: f64,
    carry_min: f64,
    /// The experiment epoch this playback was set up for.
    epoch: Option<u64>,
}

impl Default for SlowClock {
    fn default() -> Self {
        Self { playing: false, min_per_s: 1.0, carry_min: 0.0, epoch: None }
    }
}

impl SlowClock {
    /// Compression of the slow clock: biological seconds per real second.
    pub fn compression(&self) -> f64 {
        self.min_per_s * 60.0
    }
}

pub struct TimeLensPlugin;

impl Plugin for TimeLensPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<SlowClock>().add_systems(
            Update,
            (slow_commands.in_set(AppSystems::Commands).after(super::sim_bridge::apply_commands), advance_slow.in_set(AppSystems::Simulate).after(super::sim_bridge::advance_fast)),
        );
    }
}

/// A new scenario (or restart): a scenario with drugs on the slow clock
/// starts running; one without waits.
pub fn sync_epoch(clock: &mut SlowClock, state: &SimState) {
    if clock.epoch != Some(state.epoch) {
        clock.epoch = Some(state.epoch);
        clock.carry_min = 0.0;
        clock.playing = state.has_slow_drugs();
    }
}

fn slow_commands(mut commands: MessageReader<AppCommand>, mut clock: ResMut<SlowClock>, state: Res<SimState>) {
    sync_epoch(&mut clock, &state);
    for c in commands.read() {
        match c {
            AppCommand::Slow(SlowCommand::Play(p)) => clock.playing = *p,
            AppCommand::Slow(SlowCommand::Rate(r)) => clock.min_per_s = r.clamp(1.0 / 60.0, 1440.0),
            // A jump or a restored moment leaves the slow clock paused there.
            AppCommand::Sim(Command::RestoreMoment(_)) => clock.playing = false,
            AppCommand::Sim(_) | AppCommand::Playback(_) | AppCommand::LoadScenario { .. } => {}
        }
    }
}

/// Run the slow clock by this frame's real time × its rate, in whole slow steps.
fn advance_slow(time: Res<Time>, mut clock: ResMut<SlowClock>, mut state: ResMut<SimState>) {
    sync_epoch(&mut clock, &state);
    if !clock.playing {
        return;
    }
    let dt = state.cascade.dt_min();
    let wanted = (time.delta_secs_f64() * clock.min_per_s + clock.carry_min).min(MAX_SLOW_MIN_PER_FRAME);
    let steps = (wanted / dt).floor();
    clock.carry_min = wanted - steps * dt;
    if steps >= 1.0 {
        let _ = state.apply(Command::RunSlow { steps: steps as u64 });
    }
}
