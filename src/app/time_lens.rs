//! The time lens: the slow clock of the BDNF / TrkB / mTORC1 cascade beside
//! the fast clock of the particle synapse. Owns the slow clock's playback
//! (slow minutes per real second, in whole slow steps, with the fraction
//! carried to the next frame). What the slow clock does to the model —
//! runs, jumps, kept moments, the slow history, drug levels pushed into
//! the synapse and re-sampling — is the core `Experiment`'s, reached
//! through `Command::RunSlow`, `SlowJump`, `KeepMoment`, `RestoreMoment`.
//! One slow clock for every instance: A and B of a comparison run together.

use super::sim_bridge::{AppCommand, AppSystems, Instances, SimState, SlowCommand};
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
            (slow_commands.in_set(AppSystems::Commands).after(super::sim_bridge::log_view_commands), advance_slow.in_set(AppSystems::Simulate).after(super::sim_bridge::advance_fast)),
        );
    }
}

/// A new scenario (or restart) in A: a scenario with drugs on the slow
/// clock (in A or B) starts running; one without waits.
pub fn sync_epoch(clock: &mut SlowClock, states: &Query<&mut SimState>, instances: &Instances) {
    let Ok(a) = states.get(instances.a) else { return };
    if clock.epoch != Some(a.epoch) {
        clock.epoch = Some(a.epoch);
        clock.carry_min = 0.0;
        clock.playing = states.iter().any(|s| s.has_slow_drugs());
    }
}

fn slow_commands(mut commands: MessageReader<AppCommand>, mut clock: ResMut<SlowClock>, states: Query<&mut SimState>, instances: Res<Instances>) {
    sync_epoch(&mut clock, &states, &instances);
    for c in commands.read() {
        match c {
            AppCommand::Slow(SlowCommand::Play(p)) => clock.playing = *p,
            AppCommand::Slow(SlowCommand::Rate(r)) => clock.min_per_s = r.clamp(1.0 / 60.0, 1440.0),
            // A restored moment leaves the slow clock paused there.
            AppCommand::Sim(_, Command::RestoreMoment(_)) => clock.playing = false,
            // A comparison with drugs on the slow clock starts it.
            AppCommand::Compare(super::sim_bridge::CompareCommand::Start(Some(p))) => clock.playing = !p.0.drugs.is_empty() || !p.2.drugs.is_empty(),
            AppCommand::Sim(..)
            | AppCommand::Playback(_)
            | AppCommand::LoadScenario { .. }
            | AppCommand::Compare(_)
            | AppCommand::Camera(_)
            | AppCommand::View(_)
            | AppCommand::Select(_)
            | AppCommand::SaveScenario { .. }
            | AppCommand::Caption(_)
            | AppCommand::Lecture(_) => {}
        }
    }
}

/// Run the slow clock by this frame's real time × its rate, in whole slow
/// steps, in every instance.
fn advance_slow(time: Res<Time>, mut clock: ResMut<SlowClock>, mut states: Query<&mut SimState>, instances: Res<Instances>) {
    sync_epoch(&mut clock, &states, &instances);
    if !clock.playing {
        return;
    }
    let Ok(dt) = states.get(instances.a).map(|a| a.cascade.dt_min()) else { return };
    let wanted = (time.delta_secs_f64() * clock.min_per_s + clock.carry_min).min(MAX_SLOW_MIN_PER_FRAME);
    let steps = (wanted / dt).floor();
    clock.carry_min = wanted - steps * dt;
    if steps >= 1.0 {
        for mut s in &mut states {
            let _ = s.apply(Command::RunSlow { steps: steps as u64 });
        }
    }
}
