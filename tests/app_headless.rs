//! The simulation inside a headless Bevy App (MinimalPlugins + SimPlugin,
//! manual time): the app advances the core by exactly the biological time
//! the playback speed buys, and UI actions reach the core.

use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use std::time::Duration;
use synapse_core::Control;
use synapse_core::scenario::{Scenario, Stimulus};
use synapse_lab::app::sim_bridge::{Playback, SimPlugin, SimState, UiAction};

fn app(scenario: Scenario) -> App {
    let mut app = App::new();
    app.add_plugins(MinimalPlugins).add_plugins(SimPlugin { scenario, source: "test".into(), drugs: Vec::new() });
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(100)));
    app
}

fn quiet() -> Scenario {
    let mut s = Scenario::default();
    s.protocol.clear();
    s
}

#[test]
fn the_app_advances_biology_by_exactly_speed_times_real_time() {
    let mut app = app(quiet());
    app.world_mut().resource_mut::<Playback>().bio_us_per_s = 250.0;
    // The first update only starts the clock.
    app.update();
    let start = app.world().resource::<SimState>().sim.step_index;
    for _ in 0..10 {
        app.update();
    }
    // 10 frames × 0.1 s × 250 µs/s = 250 µs = 250 steps of 1 µs.
    let sim = &app.world().resource::<SimState>().sim;
    assert_eq!(sim.step_index - start, 250);
    assert!((sim.t_ms() - (start as f64 + 250.0) * 1e-3).abs() < 1e-12);
}

#[test]
fn fractional_steps_carry_over_and_pause_stops_the_clock() {
    let mut app = app(quiet());
    // 0.1 s × 15 µs/s = 1.5 steps per frame: 3 steps every 2 frames.
    app.world_mut().resource_mut::<Playback>().bio_us_per_s = 15.0;
    app.update();
    let start = app.world().resource::<SimState>().sim.step_index;
    for _ in 0..20 {
        app.update();
    }
    assert_eq!(app.world().resource::<SimState>().sim.step_index - start, 30);
    app.world_mut().write_message(UiAction::SetPlaying(false));
    app.update();
    let paused_at = app.world().resource::<SimState>().sim.step_index;
    for _ in 0..5 {
        app.update();
    }
    assert_eq!(app.world().resource::<SimState>().sim.step_index, paused_at);
    app.world_mut().write_message(UiAction::StepOnce);
    app.update();
    assert_eq!(app.world().resource::<SimState>().sim.step_index, paused_at + 1);
}

#[test]
fn a_spike_action_releases_glutamate_into_the_core() {
    let mut s = quiet();
    s.presynaptic.ca_channel_open_prob = 1.0;
    s.presynaptic.ca_per_open_channel_um = 5.0;
    let mut app = app(s);
    app.world_mut().resource_mut::<Playback>().bio_us_per_s = 10_000.0; // 1 ms per frame
    app.update();
    app.world_mut().write_message(UiAction::Control(Control::Spike));
    for _ in 0..5 {
        app.update();
    }
    let sim = &app.world().resource::<SimState>().sim;
    assert!(sim.pre.fusions > 0 && sim.pre.released > 0, "no release after a spike action");
    assert!(sim.ledger().balanced());
}

#[test]
fn the_app_replays_the_core_bit_for_bit() {
    // Same scenario and seed: stepping through the app gives the core's own state.
    let mut s = Scenario::default();
    s.protocol = vec![Stimulus::Mini { at_ms: 0.2 }];
    let mut app = app(s.clone());
    app.world_mut().resource_mut::<Playback>().bio_us_per_s = 5000.0;
    for _ in 0..11 {
        app.update();
    }
    let steps = app.world().resource::<SimState>().sim.step_index;
    let mut direct = synapse_core::Simulation::new(&s);
    while direct.step_index < steps {
        direct.step();
    }
    assert_eq!(app.world().resource::<SimState>().sim.state_hash(), direct.state_hash());
}
