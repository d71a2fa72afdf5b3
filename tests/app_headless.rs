//! The simulation inside a headless Bevy App (MinimalPlugins + SimPlugin,
//! manual time): the app advances the core by exactly the biological time
//! the playback speed buys, and UI actions reach the core.

use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use std::time::Duration;
use synapse_core::experiment::Command;
use synapse_core::scenario::{Scenario, Stimulus};
use synapse_lab::app::sim_bridge::{AppCommand, Playback, PlaybackCommand, SimPlugin, SimState, Slot, SlowCommand, Target};

/// Instance A's experiment.
fn st(app: &mut App) -> &SimState {
    synapse_lab::app::sim_bridge::instance(app.world_mut(), Slot::A).expect("instance A")
}

fn app(scenario: Scenario) -> App {
    let mut app = App::new();
    app.add_plugins(MinimalPlugins).add_plugins(SimPlugin { scenario, source: "test".into(), drugs: Vec::new(), record_commands: None, compare: None, keep_log: false });
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
    let start = st(&mut app).sim.step_index;
    for _ in 0..10 {
        app.update();
    }
    // 10 frames × 0.1 s × 250 µs/s = 250 µs = 250 steps of 1 µs.
    let sim = &st(&mut app).sim;
    assert_eq!(sim.step_index - start, 250);
    assert!((sim.t_ms() - (start as f64 + 250.0) * 1e-3).abs() < 1e-12);
}

#[test]
fn fractional_steps_carry_over_and_pause_stops_the_clock() {
    let mut app = app(quiet());
    // 0.1 s × 15 µs/s = 1.5 steps per frame: 3 steps every 2 frames.
    app.world_mut().resource_mut::<Playback>().bio_us_per_s = 15.0;
    app.update();
    let start = st(&mut app).sim.step_index;
    for _ in 0..20 {
        app.update();
    }
    assert_eq!(st(&mut app).sim.step_index - start, 30);
    app.world_mut().write_message(AppCommand::Playback(PlaybackCommand::Play(false)));
    app.update();
    let paused_at = st(&mut app).sim.step_index;
    for _ in 0..5 {
        app.update();
    }
    assert_eq!(st(&mut app).sim.step_index, paused_at);
    app.world_mut().write_message(AppCommand::Playback(PlaybackCommand::StepOnce));
    app.update();
    assert_eq!(st(&mut app).sim.step_index, paused_at + 1);
}

#[test]
fn a_spike_action_releases_glutamate_into_the_core() {
    let mut s = quiet();
    s.presynaptic.ca_channel_open_prob = 1.0;
    s.presynaptic.ca_per_open_channel_um = 5.0;
    let mut app = app(s);
    app.world_mut().resource_mut::<Playback>().bio_us_per_s = 10_000.0; // 1 ms per frame
    app.update();
    app.world_mut().write_message(AppCommand::Sim(Target::A, Command::Spike));
    for _ in 0..5 {
        app.update();
    }
    let sim = &st(&mut app).sim;
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
    let steps = st(&mut app).sim.step_index;
    let mut direct = synapse_core::Simulation::new(&s);
    while direct.step_index < steps {
        direct.step();
    }
    assert_eq!(st(&mut app).sim.state_hash(), direct.state_hash());
}

/// The two clocks: SimPlugin (fast) and the time lens (slow), headless.
fn lens_app(scenario: Scenario) -> App {
    let mut app = app(scenario);
    app.add_plugins(synapse_lab::app::time_lens::TimeLensPlugin);
    app
}

fn ketamine_iv() -> Scenario {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenarios/ketamine_iv.ron")).unwrap();
    Scenario::from_ron(&text, "ketamine_iv.ron").unwrap()
}

#[test]
fn the_slow_clock_runs_at_its_rate_and_a_jump_resamples_the_synapse() {
    let mut app = lens_app(ketamine_iv());
    app.update();
    app.world_mut().write_message(AppCommand::Slow(SlowCommand::Rate(6.0)));
    app.update();
    let t0 = st(&mut app).cascade.t_min();
    for _ in 0..10 {
        app.update();
    }
    // 10 frames × 0.1 s × 6 slow min/s = 6 min, in whole 0.01-min steps.
    let t1 = st(&mut app).cascade.t_min();
    assert!((t1 - t0 - 6.0).abs() < 1e-6, "{t0} -> {t1}");
    // 0.6 slow min per frame: the slow history still gets a sample each whole minute.
    let times: Vec<f64> = st(&mut app).slow.rows.iter().map(|(t, _)| *t).collect();
    assert_eq!(times, (0..=6).map(|m| m as f64).collect::<Vec<_>>(), "{times:?}");
    app.world_mut().write_message(AppCommand::Slow(SlowCommand::Play(false)));
    app.world_mut().write_message(AppCommand::Sim(Target::A, Command::KeepMoment));
    app.update();
    let generation = st(&mut app).generation;
    app.world_mut().write_message(AppCommand::Sim(Target::A, Command::SlowJump { minutes: 1440.0 }));
    app.update();
    let s = st(&mut app);
    assert!((s.cascade.t_min() - t1 - 1440.0).abs() < 1e-6);
    assert!(s.generation > generation, "a jump re-samples the fast synapse");
    // A day after ketamine: more synaptic protein, so more AMPA receptors (80 at baseline).
    let ampa = s.sim.scenario.receptors.ampa;
    assert!((100..=112).contains(&ampa), "AMPA receptors after 24 h: {ampa}");
    assert!(s.sim.t_ms() < 1.0, "the fast clock restarts at the re-sample");
    let slow = &st(&mut app).slow;
    assert!(slow.rows.len() > 1440, "the jump filled the slow history: {}", slow.rows.len());
    // Back to the kept moment: the synapse is re-sampled from it.
    let kept = slow.moments.len() - 1;
    app.world_mut().write_message(AppCommand::Sim(Target::A, Command::RestoreMoment(kept)));
    app.update();
    let s = st(&mut app);
    assert!((s.cascade.t_min() - t1).abs() < 1e-6);
    assert_eq!(s.sim.scenario.receptors.ampa, 80);
    // A bath the user set live survives the re-sample.
    app.world_mut().write_message(AppCommand::Sim(Target::A, Command::MgMm(0.0)));
    app.update();
    app.world_mut().write_message(AppCommand::Sim(Target::A, Command::SlowJump { minutes: 10.0 }));
    app.update();
    assert_eq!(st(&mut app).sim.solution.mg_mm, 0.0);
}

#[test]
fn jumping_in_steps_or_at_once_gives_the_same_bits() {
    let row_bits = |app: &mut App| st(app).cascade.row().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    let mut a = lens_app(ketamine_iv());
    let mut b = lens_app(ketamine_iv());
    for app in [&mut a, &mut b] {
        app.update();
        app.world_mut().write_message(AppCommand::Slow(SlowCommand::Play(false)));
        app.update();
    }
    a.world_mut().write_message(AppCommand::Sim(Target::A, Command::SlowJump { minutes: 180.0 }));
    a.update();
    for _ in 0..3 {
        b.world_mut().write_message(AppCommand::Sim(Target::A, Command::SlowJump { minutes: 60.0 }));
        b.update();
    }
    assert_eq!(row_bits(&mut a), row_bits(&mut b));
    let (sa, sb) = (&st(&mut a).sim, &st(&mut b).sim);
    assert_eq!(sa.scenario.seed, sb.scenario.seed);
    assert_eq!(sa.state_hash(), sb.state_hash());
}

#[test]
fn the_apps_slow_clock_matches_the_command_lines_bit_for_bit() {
    let mut app = lens_app(ketamine_iv());
    app.update();
    app.world_mut().write_message(AppCommand::Slow(SlowCommand::Play(false)));
    app.update();
    app.world_mut().write_message(AppCommand::Sim(Target::A, Command::SlowJump { minutes: 1440.0 }));
    app.update();
    let in_app: Vec<u64> = st(&mut app).cascade.row().iter().map(|v| v.to_bits()).collect();
    // What `synapse-lab run --duration 24h` writes in its last row (after t_ms, t_min).
    let mut c = synapse_core::signalling::Cascade::new(&ketamine_iv()).unwrap();
    let trace = synapse_core::signalling::SlowTrace::record(&mut c, 1440.0, 1.0);
    let cli: Vec<u64> = trace.rows.last().unwrap()[2..].iter().map(|v| v.to_bits()).collect();
    assert_eq!(in_app, cli);
}

#[test]
fn frame_exact_mode_takes_exactly_k_steps_a_frame_whatever_the_frame_time() {
    use synapse_lab::app::sim_bridge::ClockMode;
    let mut app = app(quiet());
    app.world_mut().resource_mut::<Playback>().mode = ClockMode::FrameExact { steps_per_frame: 7 };
    app.update();
    let start = st(&mut app).sim.step_index;
    // Frames of 1 ms to 2 s: a loaded machine, a slow export.
    for k in 0..200u64 {
        let ms = 1 + (k * 7919) % 2000;
        app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(ms)));
        app.update();
    }
    assert_eq!(st(&mut app).sim.step_index - start, 200 * 7);
    assert!(!app.world().resource::<Playback>().lagging);
    // The fast clock as a Bevy time: exactly 7 µs a frame, 1407 µs in all (the first frame included).
    let bio = app.world().resource::<Time<synapse_lab::app::sim_bridge::Bio>>();
    assert_eq!(bio.delta(), Duration::from_micros(7));
    assert_eq!(bio.elapsed(), Duration::from_micros(201 * 7));
}

#[test]
fn a_headless_session_s_command_log_replays_to_the_same_hash_with_the_cli() {
    // A session as a user would have it: clocks running, a spike, a drug,
    // the bath changed, a slow jump, a moment kept; recorded, then replayed.
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .add_plugins(SimPlugin {
            scenario: ketamine_iv(),
            source: "ketamine_iv".into(),
            drugs: vec![("memantine".into(), 1.0)],
            record_commands: Some(std::env::temp_dir().join("unused.ron")),
            compare: None,
            keep_log: false,
        })
        .add_plugins(synapse_lab::app::time_lens::TimeLensPlugin);
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(40)));
    app.world_mut().resource_mut::<Playback>().bio_us_per_s = 5000.0;
    let script: Vec<(usize, AppCommand)> = vec![
        (2, AppCommand::Sim(Target::A, Command::Spike)),
        (5, AppCommand::Sim(Target::A, Command::Drug { name: "ketamine".into(), conc_um: 2.0 })),
        (6, AppCommand::Slow(SlowCommand::Rate(30.0))),
        (9, AppCommand::Sim(Target::A, Command::MgMm(0.2))),
        (12, AppCommand::Sim(Target::A, Command::SlowJump { minutes: 60.0 })),
        (14, AppCommand::Sim(Target::A, Command::KeepMoment)),
        (15, AppCommand::Sim(Target::A, Command::Train { rate_hz: 100.0, count: 3 })),
        (16, AppCommand::Playback(PlaybackCommand::Speed(2000.0))),
        (17, AppCommand::Caption(Some("BDNF rises".into()))),
    ];
    for frame in 0..24 {
        for (_, c) in script.iter().filter(|(f, _)| *f == frame) {
            app.world_mut().write_message(c.clone());
        }
        app.update();
    }
    let state = st(&mut app);
    let log = state.finished_log().expect("recording");
    assert!(log.commands.iter().any(|c| matches!(c.command, Command::RunSlow { .. })), "the slow clock ran");
    // The app's own commands are in the log too, for exports to read; replay leaves them out.
    let view: Vec<&str> = log.view.iter().map(|v| v.command.as_str()).collect();
    assert!(view.contains(&"Playback(Speed(2000.0))") && view.contains(&"Caption(Some(\"BDNF rises\"))"), "{view:?}");
    assert!(state.cascade.t_min() > 60.0);
    replays_to_its_hash(&log, "session");
}

/// `synapse-lab replay` of the log reaches the hash the app wrote in it.
fn replays_to_its_hash(log: &synapse_core::experiment::CommandLog, name: &str) {
    let path = std::env::temp_dir().join(format!("synapse-lab-{name}-{}.ron", std::process::id()));
    std::fs::write(&path, log.to_ron()).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_synapse-lab")).arg("replay").arg(&path).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains(&format!("final state hash: {}", log.final_hash.as_deref().unwrap_or("none"))), "{out}");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn the_app_and_the_cli_write_the_same_trace_with_drugs_on_the_slow_clock() {
    use synapse_lab::app::sim_bridge::ClockMode;
    // `synapse-lab run --scenario ketamine_iv --duration 2ms`: ketamine at its
    // t = 0 level, resting block seeded; the app's history samples the same grid.
    let out = std::env::temp_dir().join(format!("synapse-lab-same-{}.csv", std::process::id()));
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_synapse-lab")).args(["run", "--scenario", "ketamine_iv", "--duration", "2ms", "--out"]).arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(&out).unwrap();
    let cli: Vec<Vec<f64>> = csv.lines().skip(2).map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    let mut app = lens_app(ketamine_iv());
    app.world_mut().resource_mut::<Playback>().mode = ClockMode::FrameExact { steps_per_frame: 100 };
    app.update();
    app.world_mut().write_message(AppCommand::Slow(SlowCommand::Play(false)));
    for _ in 0..20 {
        app.update();
    }
    let state = st(&mut app);
    assert_eq!(state.sim.step_index, 2000 + 100, "one frame ran before the pause took effect");
    let rows: Vec<Vec<f64>> = state.history.rows.iter().take(200).map(|r| r.values()).collect();
    assert_eq!(rows.len(), 200);
    for (a, b) in rows.iter().zip(&cli) {
        assert_eq!(a[..], b[..a.len()], "row at t = {} ms differs", a[0]);
    }
    let _ = std::fs::remove_file(&out);
}

/// Instance B's experiment.
fn st_b(app: &mut App) -> &SimState {
    synapse_lab::app::sim_bridge::instance(app.world_mut(), Slot::B).expect("instance B")
}

fn frame_exact(app: &mut App, steps_per_frame: u64) {
    app.world_mut().resource_mut::<Playback>().mode = synapse_lab::app::sim_bridge::ClockMode::FrameExact { steps_per_frame };
}

#[test]
fn two_instances_of_one_scenario_stay_bit_identical() {
    use synapse_lab::app::sim_bridge::CompareCommand;
    let mut s = Scenario::default();
    s.protocol = vec![Stimulus::Spike { at_ms: 0.3 }, Stimulus::Mini { at_ms: 1.1 }];
    let mut app = app(s);
    frame_exact(&mut app, 50);
    for _ in 0..3 {
        app.update();
    }
    // B as a copy of A mid-run: same bits from then on, on one clock.
    app.world_mut().write_message(AppCommand::Compare(CompareCommand::Start(None)));
    for frame in 0..40 {
        app.update();
        if frame % 10 == 0 {
            app.world_mut().write_message(AppCommand::Sim(Target::Both, Command::Spike));
        }
    }
    let (ha, sa) = (st(&mut app).state_hash(), st(&mut app).sim.step_index);
    let (hb, sb) = (st_b(&mut app).state_hash(), st_b(&mut app).sim.step_index);
    assert_eq!(sa, 43 * 50);
    assert_eq!((ha, sa), (hb, sb));
    assert!(st(&mut app).sim.pre.released > 0, "the spikes released glutamate");
}

#[test]
fn ketamine_in_b_blocks_only_b_and_nothing_differs_before_nmda_opens() {
    use synapse_lab::app::sim_bridge::CompareCommand;
    // 0 Mg2+ so NMDA channels open at -70 mV; a 100 Hz train after the mini
    // keeps them opening, so 10 µM ketamine (k_on 0.31 /µM/s, Gilling 2009)
    // finds open pores within a quarter of a second.
    let mut s = Scenario::default();
    s.solution.mg_mm = 0.0;
    // A mini at 0.5 ms releases for sure (a spike may fail), then the train.
    s.protocol = vec![Stimulus::Mini { at_ms: 0.5 }, Stimulus::Train { start_ms: 5.5, rate_hz: 100.0, count: 20 }];
    let mut app = app(s);
    frame_exact(&mut app, 100);
    app.world_mut().write_message(AppCommand::Compare(CompareCommand::Start(None)));
    app.world_mut().write_message(AppCommand::Sim(Target::B, Command::Drug { name: "ketamine".into(), conc_um: 10.0 }));
    for _ in 0..60 {
        app.update();
    }
    let a_exp = st(&mut app).exp.clone();
    assert_eq!(synapse_lab::app::sim_bridge::differences(&a_exp, &st_b(&mut app).exp), vec!["+ Ketamine (racemic) 10 µM".to_string()]);
    // The first 6 ms, sampled every 10 µs in both.
    let a_rows = st(&mut app).history.rows.clone();
    let b_rows = st_b(&mut app).history.rows.clone();
    let first_open = a_rows.iter().position(|r| r.nmda_open_frac > 0.0).expect("NMDA opened in 0 Mg2+");
    assert!(first_open > 40, "the spike at 0.5 ms comes first");
    // Up to the first NMDA opening the two synapses are the same, bit for bit.
    for (ra, rb) in a_rows.iter().zip(&b_rows).take(first_open) {
        assert_eq!(ra.i_ampa_pA.to_bits(), rb.i_ampa_pA.to_bits(), "t = {} ms", ra.t_ms);
        assert_eq!(ra.glu_cleft_uM.to_bits(), rb.glu_cleft_uM.to_bits());
    }
    // 240 ms more, in windows of 40 ms (the history's length): NMDA charge of each.
    let charge = |s: &SimState| s.history.rows.iter().map(|r| r.i_nmda_pA).sum::<f64>();
    let (mut qa, mut qb) = (0.0, 0.0);
    for _ in 0..6 {
        for _ in 0..400 {
            app.update();
        }
        qa += charge(st(&mut app));
        qb += charge(st_b(&mut app));
    }
    let occ = |s: &SimState| s.sim.drug_occupancy().iter().filter(|(c, _)| c.starts_with("occ_ketamine_nmda")).map(|(_, v)| *v).sum::<f64>();
    let b_occ = occ(st_b(&mut app));
    assert!(st(&mut app).sim.drugs.is_empty() && occ(st(&mut app)) == 0.0, "A got B's drug");
    assert!(b_occ > 0.0, "10 µM ketamine blocked no NMDA receptor in B in 240 ms of a 100 Hz train");
    // Blocked pores pass no current: B's NMDA charge is smaller.
    assert!(qb.abs() < qa.abs(), "NMDA charge A {qa} vs B {qb}");
}

#[test]
fn a_built_in_comparison_restarts_both_and_stop_removes_b() {
    use synapse_lab::app::sim_bridge::{CompareCommand, Instances, builtin_comparison};
    let mut app = lens_app(quiet());
    app.update();
    app.world_mut().write_message(builtin_comparison("single_spike", "mg_free").unwrap());
    app.update();
    assert_eq!(st(&mut app).base().name, "Single spike at rest");
    assert_eq!(st_b(&mut app).base().name, "Mg2+-free");
    let a_exp = st(&mut app).exp.clone();
    let diff = synapse_lab::app::sim_bridge::differences(&a_exp, &st_b(&mut app).exp);
    assert!(diff.iter().any(|d| d == "Mg2+ 0 mM"), "{diff:?}");
    // Commands for A reach A only.
    app.world_mut().write_message(AppCommand::Sim(Target::A, Command::MgMm(2.0)));
    app.update();
    assert_eq!(st(&mut app).sim.solution.mg_mm, 2.0);
    assert_eq!(st_b(&mut app).sim.solution.mg_mm, 0.0);
    app.world_mut().write_message(AppCommand::Compare(CompareCommand::Stop));
    app.update();
    assert!(synapse_lab::app::sim_bridge::instance(app.world_mut(), Slot::B).is_none());
    assert!(app.world().resource::<Instances>().b.is_none());
}

#[test]
fn the_simulation_systems_have_no_ambiguous_order() {
    use bevy::ecs::schedule::{LogLevel, ScheduleBuildSettings};
    // Any two systems touching the same data without an order fail the build.
    let mut app = lens_app(ketamine_iv());
    app.edit_schedule(Update, |s| {
        s.set_build_settings(ScheduleBuildSettings { ambiguity_detection: LogLevel::Error, ..default() });
    });
    app.update();
    app.update();
    assert!(st(&mut app).cascade.t_min() >= 0.0);
}

#[test]
fn the_clocks_own_commands_reach_both_synapses_of_a_comparison() {
    use synapse_lab::app::sim_bridge::CompareCommand;
    let mut app = lens_app(ketamine_iv());
    app.update();
    app.world_mut().write_message(AppCommand::Compare(CompareCommand::Start(None)));
    app.update();
    // Sent to B alone, a slow jump still moves the one slow clock of both.
    app.world_mut().write_message(AppCommand::Sim(Target::B, Command::SlowJump { minutes: 60.0 }));
    app.world_mut().write_message(AppCommand::Sim(Target::B, Command::MgMm(0.5)));
    app.update();
    let (ta, tb) = (st(&mut app).cascade.t_min(), st_b(&mut app).cascade.t_min());
    assert_eq!(ta, tb);
    assert!(ta >= 60.0);
    // A bath change stays where it was sent.
    assert_eq!(st_b(&mut app).sim.solution.mg_mm, 0.5);
    assert_eq!(st(&mut app).sim.solution.mg_mm, 1.0);
}

/// Live playback keeps the speed it shows at one frame a second (a software
/// renderer): a 1 s frame at 1 ms/s runs 1 ms of biology, not the quarter
/// that Bevy's virtual clock (250 ms a frame at most) gave; when computing
/// cannot keep up the step cap says so.
#[test]
fn live_playback_keeps_its_speed_at_one_frame_a_second() {
    let mut app = app(quiet());
    app.update();
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_secs(1)));
    app.update();
    let start = st(&mut app).sim.step_index;
    app.update();
    let dt_ms = st(&mut app).sim.dt_ms();
    let ran_ms = (st(&mut app).sim.step_index - start) as f64 * dt_ms;
    assert!((ran_ms - 1.0).abs() < 0.01, "{ran_ms} ms in a 1 s frame at 1 ms/s");
    assert!(!app.world().resource::<Playback>().lagging);
    // 100 ms/s wants 100,000 steps in that frame: the cap takes 20,000 and says so.
    app.world_mut().resource_mut::<Playback>().bio_us_per_s = 100_000.0;
    app.update();
    let p = app.world().resource::<Playback>();
    assert!(p.lagging && (p.actual_bio_us_per_s(dt_ms) - 20_000.0).abs() < 1.0, "{}", p.actual_bio_us_per_s(dt_ms));
    assert_eq!(synapse_lab::app::ui::lag_text(20_000.0, 100_000.0), "1 s on screen = 20.000 ms of biology (asked 100.000 ms: computing limits it)");
}

#[test]
fn a_dendrite_session_in_the_app_replays_to_the_same_hash_with_the_cli() {
    // The Dendrite panel's actions (a vesicle, DL-TBOA, a burst) are core
    // commands: logged, and replayed by the command line to the same bits.
    let mut s = synapse_core::builtin::get("dendrite").unwrap();
    s.dendrite.as_mut().unwrap().length_um = 3.0;
    let mut app = App::new();
    app.add_plugins(MinimalPlugins).add_plugins(SimPlugin {
        scenario: s,
        source: "dendrite".into(),
        drugs: Vec::new(),
        record_commands: Some(std::env::temp_dir().join("unused.ron")),
        compare: None,
        keep_log: false,
    });
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(40)));
    app.world_mut().resource_mut::<Playback>().bio_us_per_s = 10_000.0;
    let script: Vec<(usize, Command)> = vec![
        (2, Command::DendriteVesicle { synapse: 4 }),
        (5, Command::Drug { name: "tboa".into(), conc_um: 100.0 }),
        (6, Command::DendriteBurst { synapse: 4, synapses: 5, count: 3, rate_hz: 100.0 }),
    ];
    for frame in 0..16 {
        for (_, c) in script.iter().filter(|(f, _)| *f == frame) {
            app.world_mut().write_message(AppCommand::Sim(Target::Both, c.clone()));
        }
        app.update();
    }
    let state = st(&mut app);
    let d = state.exp.dendrite.as_ref().expect("the scenario's dendrite");
    assert_eq!(d.step_index, state.sim.step_index, "one clock for the synapse and the dendrite");
    assert!(d.synapses[4].ledger().released > 1000, "the vesicle and the burst released at synapse 4");
    assert!(state.exp.dendrite_history.iter().any(|r| r.firing_nmda_open > 0));
    replays_to_its_hash(&state.finished_log().expect("recording"), "dendrite-session");
}
