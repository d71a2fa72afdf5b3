//! Panels as functions of their view models, driven by egui_kittest (state,
//! not pixels; no Bevy, no GPU).

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use synapse_core::experiment::Command;
use synapse_core::scenario::ClampMode;
use synapse_lab::app::sim_bridge::{AppCommand, PlaybackCommand, SlowCommand, sim};
use synapse_lab::app::ui::{LensView, PlaybackView, StimView, playback_bar, slow_speed_text, speed_text, stimulation_panel, time_lens_bar};

fn stim() -> StimView {
    StimView { hold_mv: -70.0, current_clamp: false, mg_mm: 1.0, glycine_um: 5.0, d_serine_um: 1.0, ca_mm: 2.0, train_rate_hz: 20.0, train_count: 10 }
}

#[test]
fn stimulation_buttons_emit_their_actions() {
    let mut harness = Harness::new_ui_state(
        |ui, state: &mut (StimView, Vec<AppCommand>)| {
            let acts = stimulation_panel(ui, &mut state.0);
            state.1.extend(acts);
        },
        (stim(), Vec::new()),
    );
    harness.get_by_label("⚡ Spike").click();
    harness.run();
    harness.get_by_label("▶ Train").click();
    harness.run();
    harness.get_by_label("Current clamp (free membrane)").click();
    harness.run();
    let (view, acts) = harness.state();
    assert!(acts.contains(&sim(Command::Spike)), "{acts:?}");
    assert!(acts.contains(&sim(Command::Train { rate_hz: 20.0, count: 10 })), "{acts:?}");
    assert!(acts.contains(&sim(Command::Clamp(ClampMode::CurrentClamp))), "{acts:?}");
    assert!(view.current_clamp);
    // The holding-voltage slider is hidden in current clamp.
    assert!(harness.query_by_label("holding mV").is_none());
}

#[test]
fn play_button_toggles_and_the_bar_shows_time_and_slowdown() {
    let view = PlaybackView { playing: true, bio_us_per_s: 1000.0, t_ms: 2.5, lagging: false, actual_bio_us_per_s: 1000.0 };
    let mut harness = Harness::new_ui_state(
        |ui, state: &mut (PlaybackView, Vec<AppCommand>)| {
            let acts = playback_bar(ui, &mut state.0);
            state.1.extend(acts);
        },
        (view, Vec::new()),
    );
    assert!(harness.query_by_label("t = 2.500 ms").is_some());
    harness.get_by_label("⏸ Pause").click();
    harness.run();
    assert!(!harness.state().0.playing);
    assert_eq!(harness.state().1, vec![AppCommand::Playback(PlaybackCommand::Play(false))]);
    assert!(harness.query_by_label("▶ Play").is_some());
    assert_eq!(speed_text(1000.0), "1 s on screen = 1.000 ms of biology (1000× slower than life)");
    assert_eq!(speed_text(2_000_000.0), "1 s on screen = 2000.000 ms of biology (2.0× faster than life)");
}

#[test]
fn the_drug_panel_applies_the_chosen_drug_and_shows_its_evidence() {
    use synapse_core::pharmacology::Catalogue;
    use synapse_lab::app::ui::{DrugView, drugs_panel};
    let catalogue = Catalogue::builtin().unwrap();
    let view = DrugView { selected: "memantine".into(), conc_um: 2.0, applied: vec![("memantine".into(), "Memantine".into(), 2.0)], occupancy: vec![("occ_memantine_nmda2a".into(), 0.4)] };
    let mut harness = Harness::new_ui_state(
        move |ui, state: &mut (DrugView, Vec<AppCommand>)| {
            let acts = drugs_panel(ui, &mut state.0, &catalogue);
            state.1.extend(acts);
        },
        (view, Vec::new()),
    );
    assert!(harness.query_by_label("[established]").is_some());
    assert!(harness.query_by_label("NMDA (GluN2A): 40%").is_some(), "the receptor by its name, not its column");
    harness.get_by_label("Apply").click();
    harness.run();
    assert_eq!(harness.state().1, vec![sim(Command::Drug { name: "memantine".into(), conc_um: 2.0 })]);
    harness.get_by_label("Wash out").click();
    harness.run();
    assert_eq!(harness.state().1[1], sim(Command::WashOut { name: "memantine".into() }));
}

#[test]
fn the_drug_panel_shows_where_the_model_parts_from_the_clinic() {
    use synapse_core::clinic::{Agreement, compare, reference_rise};
    use synapse_core::pharmacology::Catalogue;
    use synapse_lab::app::ui::clinic_panel;
    let catalogue = Catalogue::builtin().unwrap();
    let cerc = catalogue.get("cerc-301").unwrap().clone();
    let row = compare(&cerc, reference_rise(&catalogue).unwrap());
    // The model predicts a rapid effect where the phase 2 trial failed.
    assert_eq!(row.agreement, Agreement::Disagree, "{row:?}");
    let why = cerc.clinic.as_ref().unwrap().why_model_differs.clone();
    let harness = Harness::new_ui(move |ui| clinic_panel(ui, &cerc, Some(&row)));
    assert!(harness.query_by_label("DISAGREE").is_some());
    assert!(harness.query_by_label(&format!("Where the model parts from the clinic: {why}")).is_some());
}

#[test]
fn the_dose_response_panel_plots_a_sweep_and_asks_for_one() {
    use synapse_core::pharmacology::Catalogue;
    use synapse_core::pharmacology::patch::DoseResponse;
    use synapse_lab::app::ui::{dose_panel, sweep_target};
    let catalogue = Catalogue::builtin().unwrap();
    // Every drug either has a receptor to sweep or says why not.
    for d in &catalogue.drugs {
        let _ = sweep_target(d);
    }
    let ketamine = catalogue.get("ketamine").unwrap().clone();
    let result = DoseResponse { conc_um: vec![0.1, 1.0, 10.0], inhibition: vec![0.12, 0.58, 0.93], ic50_um: 0.71, hill: 1.0 };
    let mut harness = Harness::new_ui_state(
        move |ui, asked: &mut bool| {
            *asked |= dose_panel(ui, &ketamine, None, Some(&result));
        },
        false,
    );
    assert!(harness.query_by_label("simulated IC50 0.710 µM, Hill slope 1.00").is_some());
    // Beside it the measured curve with its own slope, not the input constant.
    assert!(harness.query_by_label("measured: IC50 0.71 µM, Hill slope 0.84 (-70 mV, 0 Mg2+, recombinant NMDA receptors; Gilling et al., Neuropharmacology 2009)").is_some());
    harness.get_by_label("Sweep through the simulation").click();
    harness.run();
    assert!(*harness.state());
    let riluzole = catalogue.get("riluzole").unwrap().clone();
    let harness = Harness::new_ui(move |ui| {
        dose_panel(ui, &riluzole, None, None);
    });
    assert!(harness.query_by_label_contains("Acts on release or uptake").is_some());
    // MK-801 never reaches its equilibrium constant (9 pM) within a sweep:
    // the panel says the IC50 is time-limited instead of drawing it.
    let mk = catalogue.get("mk-801").unwrap().clone();
    let result = DoseResponse { conc_um: vec![1e-4, 1e-3, 1e-2], inhibition: vec![0.03, 0.23, 0.94], ic50_um: 0.0018, hill: 1.3 };
    let harness = Harness::new_ui(move |ui| {
        dose_panel(ui, &mk, None, Some(&result));
    });
    assert!(harness.query_by_label_contains("time-limited: in 50 s per point").is_some());
}

#[test]
fn the_time_lens_bar_shows_the_slow_clock_and_jumps() {
    let view = LensView { playing: true, min_per_s: 1.0, t_min: 90.0, moments: vec!["start (0 min)".into()] };
    let mut harness = Harness::new_ui_state(
        |ui, state: &mut (LensView, Vec<AppCommand>)| {
            let acts = time_lens_bar(ui, &mut state.0);
            state.1.extend(acts);
        },
        (view, Vec::new()),
    );
    assert!(harness.query_by_label("slow clock 90 min").is_some());
    assert!(harness.query_by_label("1 s on screen = 1 min (60× faster than life)").is_some());
    harness.get_by_label("+1 h").click();
    harness.run();
    harness.get_by_label("+24 h").click();
    harness.run();
    harness.get_by_label("Keep moment").click();
    harness.run();
    harness.get_by_label("⏸").click();
    harness.run();
    let acts = &harness.state().1;
    assert_eq!(acts, &vec![sim(Command::SlowJump { minutes: 60.0 }), sim(Command::SlowJump { minutes: 1440.0 }), sim(Command::KeepMoment), AppCommand::Slow(SlowCommand::Play(false))]);
    assert_eq!(slow_speed_text(60.0), "1 s on screen = 60 min (3600× faster than life)");
}

#[test]
fn the_pathway_graph_shows_each_node_with_its_level() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenarios/ketamine_iv.ron")).unwrap();
    let s = synapse_core::Scenario::from_ron(&text, "ketamine_iv.ron").unwrap();
    let mut c = synapse_core::signalling::Cascade::new(&s).unwrap();
    c.advance_to(1440.0);
    let spine = synapse_lab::app::pathway::NODES.iter().find(|n| n.label.starts_with("spine")).unwrap();
    let shown = synapse_lab::app::pathway::level_text(spine, &c);
    assert_eq!(shown, format!("×{:.2}", c.state.spine_density));
    let mut harness = Harness::new_ui_state(
        |ui, c: &mut synapse_core::signalling::Cascade| {
            synapse_lab::app::pathway::pathway_graph(ui, c, None);
        },
        c,
    );
    harness.run();
    assert!(harness.query_by_label_contains("slow clock 24.0 h").is_some());
}

#[test]
fn the_compare_panel_sends_commands_for_a_b_or_both() {
    use synapse_lab::app::sim_bridge::{CompareCommand, Target};
    use synapse_lab::app::ui::{CompareView, compare_panel};
    let off = CompareView { comparing: false, target: Target::Both, linked: true, differences: Vec::new() };
    let mut harness = Harness::new_ui_state(
        |ui, state: &mut (CompareView, Vec<AppCommand>)| {
            let acts = compare_panel(ui, &mut state.0);
            state.1.extend(acts);
        },
        (off, Vec::new()),
    );
    harness.get_by_label("Compare…").click();
    harness.run();
    harness.get_by_label("Ketamine vs memantine").click();
    harness.run();
    let acts = harness.state().1.clone();
    assert_eq!(acts[0], AppCommand::Compare(CompareCommand::Start(None)));
    match &acts[1] {
        AppCommand::Compare(CompareCommand::Start(Some(pair))) => {
            assert_eq!(pair.0.name, "Ketamine 0.5 mg/kg IV over 40 min");
            assert_eq!(pair.2.name, "Memantine 20 mg/day (chronic)");
        }
        other => panic!("{other:?}"),
    }

    let on = CompareView { comparing: true, target: Target::Both, linked: true, differences: vec!["+ Ketamine (racemic) 10 µM".into()] };
    let mut harness = Harness::new_ui_state(
        |ui, state: &mut (CompareView, Vec<AppCommand>)| {
            let acts = compare_panel(ui, &mut state.0);
            state.1.extend(acts);
        },
        (on, Vec::new()),
    );
    assert!(harness.query_by_label("B: + Ketamine (racemic) 10 µM").is_some());
    harness.get_by_label("B").click();
    harness.run();
    harness.get_by_label("A").click();
    harness.run();
    harness.get_by_label("Link cameras").click();
    harness.run();
    harness.get_by_label("Stop comparing").click();
    harness.run();
    assert_eq!(
        harness.state().1,
        vec![
            AppCommand::Compare(CompareCommand::Target(Target::B)),
            AppCommand::Compare(CompareCommand::Target(Target::A)),
            AppCommand::Compare(CompareCommand::LinkCameras(false)),
            AppCommand::Compare(CompareCommand::Stop),
        ]
    );
}

#[test]
fn the_view_panel_sends_camera_and_view_commands() {
    use synapse_lab::app::camera::{CameraCommand, Viewpoint};
    use synapse_lab::app::ui::{UiSettings, ViewCommand, view_panel};
    let mut harness = Harness::new_ui_state(
        |ui, state: &mut (UiSettings, Vec<AppCommand>)| {
            let acts = view_panel(ui, &state.0, false);
            // The settings change only when the command is carried out.
            for a in &acts {
                if let AppCommand::View(v) = a {
                    v.apply(&mut state.0);
                }
            }
            state.1.extend(acts);
        },
        (UiSettings::default(), Vec::new()),
    );
    harness.get_by_label("Cleft close-up").click();
    harness.run();
    harness.get_by_label("Labels").click();
    harness.run();
    harness.get_by_label("Light").click();
    harness.run();
    let (settings, acts) = harness.state();
    assert_eq!(acts, &vec![AppCommand::Camera(CameraCommand::View(Viewpoint::CleftCloseUp)), AppCommand::View(ViewCommand::Labels(false)), AppCommand::View(ViewCommand::Dark(false))]);
    assert!(!settings.show_labels && !settings.dark);
    let mut s = UiSettings::default();
    ViewCommand::Scale(9.0).apply(&mut s);
    assert_eq!(s.scale, 2.5, "the UI scale is clamped to 0.75-2.5");
}

#[test]
fn the_scenario_panel_opens_a_file_dialog_and_a_pick_becomes_a_load() {
    use synapse_lab::app::ui::{FileAction, ScenarioView, handle_file};
    let mut view = ScenarioView::with_builtins();
    assert_eq!(view.builtins.len(), synapse_core::builtin::names().len());
    let mut out = Vec::new();
    let mut dialog = handle_file(FileAction::BrowseOpen, &mut view, &mut out).expect("a dialog");
    assert!(out.is_empty());
    // The dialog draws with egui itself (no desktop portal): it shows its title.
    let mut harness = Harness::new_ui(move |ui| {
        let mut v = ScenarioView::default();
        let _ = dialog.update(ui.ctx(), &mut v);
    });
    // It reads the folder on a thread and repaints until it has: a few frames, not "until idle".
    harness.run_steps(5);
    assert!(harness.query_by_label_contains("Open File").is_some() || harness.query_by_label_contains("Select File").is_some());
    // A path (picked or typed) becomes a load of that scenario; a bad one keeps the model and says why.
    handle_file(FileAction::Open("ketamine_iv".into()), &mut view, &mut out);
    assert!(matches!(&out[0], AppCommand::LoadScenario { scenario, .. } if scenario.name.starts_with("Ketamine 0.5 mg/kg")));
    handle_file(FileAction::Open("/no/such/file.ron".into()), &mut view, &mut out);
    assert_eq!(out.len(), 1);
    assert!(view.message.as_ref().is_some_and(|(m, ok)| !ok && m.contains("/no/such/file.ron")));
}

#[test]
fn the_lecture_bar_and_the_staging_calculator_work_by_their_names() {
    use synapse_lab::app::lecture::{LectureCommand, StagingView, lecture_bar, staging_panel};
    // The names a screen reader reads (egui's AccessKit tree) are the ones clicked here.
    let mut harness = Harness::new_ui_state(|ui, acts: &mut Vec<LectureCommand>| acts.extend(lecture_bar(ui, 0, false)), Vec::new());
    harness.get_by_label("◀ Back").click();
    harness.get_by_label("Next ▶").click();
    harness.run();
    harness.get_by_label("Back to the lecture").click();
    harness.run();
    harness.get_by_label("Present (F5)").click();
    harness.run();
    assert_eq!(harness.state(), &vec![LectureCommand::Next, LectureCommand::RestartCue, LectureCommand::Presenter(true)], "Back is disabled at the first cue");
    let mut harness = Harness::new_ui_state(|ui, v: &mut StagingView| staging_panel(ui, v, 1.0), StagingView::default());
    harness.run();
    assert!(harness.query_by_label("Thase–Rush stage II").is_some());
    assert!(harness.query_by_label("MGH score 2.5").is_some());
    harness.get_by_label("+ failed trial").click();
    harness.run();
    harness.get_by_label("a course of ECT failed").click();
    harness.run();
    // Three trials (1 + 1.5 + 1) and ECT (3): 6.5, beyond the table's last row (5).
    assert!(harness.query_by_label("MGH score 6.5").is_some(), "{:?}", harness.state());
    assert!(harness.query_by_label_contains("no patient had this score").is_some());
}

#[test]
fn each_plot_saves_as_svg_png_and_csv_with_its_data() {
    use synapse_lab::app::sim_bridge::SimState;
    use synapse_lab::app::ui::{PlotId, Shown, fast_plots, save_figure};
    let mut state = SimState::new(synapse_core::builtin::get("single_spike").unwrap(), "single_spike".into(), false);
    state.apply(Command::Run { steps: 4000 }).unwrap();
    let t = state.sim.t_ms();
    // The Save button of the first plot asks for that plot.
    let mut harness = Harness::new_ui_state(
        |ui, (st, asked): &mut (SimState, Option<PlotId>)| {
            if let Some(id) = fast_plots(ui, &[Shown { label: "", state: st }], 4.0, 40.0) {
                *asked = Some(id);
            }
        },
        (state.clone(), None),
    );
    harness.get_all_by_label("Save").next().unwrap().click();
    harness.run();
    assert_eq!(harness.state().1, Some(PlotId::CleftGlu));
    let dir = std::env::temp_dir().join(format!("synapse-figures-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let msg = save_figure(PlotId::Current, &[Shown { label: "", state: &state }], t, 40.0, &dir).unwrap();
    assert!(msg.contains("Current-1.svg"), "{msg}");
    let svg = std::fs::read_to_string(dir.join("Current-1.svg")).unwrap();
    assert!(svg.contains("AMPA") && svg.contains("current (pA)") && svg.contains("<polyline"), "the SVG keeps its text");
    let png = image::open(dir.join("Current-1.png")).unwrap();
    assert_eq!((png.width(), png.height()), (2400, 1500), "print resolution");
    let csv = std::fs::read_to_string(dir.join("Current-1.csv")).unwrap();
    let rows = state.history.rows.len();
    assert_eq!(csv.lines().count(), 1 + 3 * rows, "AMPA, NMDA and GABA-A, every sample");
    assert!(csv.starts_with("panel,line,t (ms),y\n"), "{}", &csv[..40]);
    // A second save never overwrites the first.
    assert!(save_figure(PlotId::Current, &[Shown { label: "", state: &state }], t, 40.0, &dir).unwrap().contains("Current-2.svg"));
    if std::env::var_os("SYNAPSE_KEEP_FIGURES").is_none() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn model_vs_experiment_shows_the_chosen_figure_with_its_verdict_and_sources() {
    use synapse_core::evidence::{Comparison, Curve, Panel, dataset};
    use synapse_core::validation::{Kind, Row};
    use synapse_lab::app::ui::evidence_panel;
    let rows = vec![Row {
        quantity: "ketamine IC50, NMDA, -70 mV, 0 Mg (uM)".into(),
        model: 0.68,
        literature: "0.71".into(),
        lo: 0.55,
        hi: 0.9,
        source: "Gilling et al. 2009".into(),
        pass: true,
        kind: Kind::Implementation,
        gap: None,
    }];
    let fig = |id: &'static str, title: &str| Comparison {
        id,
        title: title.into(),
        x_label: "ketamine (uM)".into(),
        x_log10: true,
        categories: Vec::new(),
        panels: vec![Panel { y_label: "current / control".into(), model: vec![Curve::new("model", vec![(-1.0, 0.9), (0.0, 0.5), (1.0, 0.1)])], data: vec![dataset("gilling2009_ketamine")] }],
        rows: rows.clone(),
        note: "a note".into(),
    };
    let figures = vec![fig("a", "First figure"), fig("b", "Second figure")];
    let mut harness = Harness::new_ui_state(|ui, (figs, selected): &mut (Vec<Comparison>, usize)| evidence_panel(ui, figs, selected, (3, 6)), (figures, 0));
    harness.run_steps(2);
    assert!(harness.query_by_label("computing: 3 of 6 groups of runs done").is_some());
    harness.get_by_label("Second figure").click();
    harness.run_steps(2);
    assert_eq!(harness.state().1, 1);
    assert!(harness.query_by_label_contains("ketamine IC50, NMDA, -70 mV, 0 Mg (uM): model 0.68 vs 0.71 (Gilling et al. 2009): pass, implementation").is_some(), "the row's verdict");
    assert!(harness.query_by_label_contains("assets/validation/gilling2009_ketamine.csv").is_some(), "the data's source is shown");
}

/// Each plot draws one line per column it declares (the lecture's
/// prediction rule reads the declaration, the room sees the lines).
#[test]
fn each_plot_draws_the_columns_it_declares() {
    use synapse_lab::app::sim_bridge::SimState;
    use synapse_lab::app::ui::{PlotId, Shown, printed};
    let mut state = SimState::new(synapse_core::builtin::get("single_spike").unwrap(), "single_spike".into(), false);
    state.apply(Command::Run { steps: 500 }).unwrap();
    let shown = [Shown { label: "", state: &state }];
    for id in [PlotId::CleftGlu, PlotId::OpenFraction, PlotId::Current, PlotId::NmdaCurrent, PlotId::Vm, PlotId::Pools, PlotId::Clearance, PlotId::Cascade, PlotId::Structure] {
        let lines = printed(id, &shown, state.sim.t_ms(), 40.0, "").map(|f| f.panels[0].lines.len()).unwrap_or(0);
        assert_eq!(lines, id.columns().len(), "{id:?}");
    }
}

/// A student alone gets the lecturer's notes for the cue, folded until opened,
/// and not while a question waits for its answer.
#[test]
fn student_mode_shows_the_cue_notes_after_the_answer() {
    use synapse_lab::app::lecture::student_notes;
    let notes = "Depolarisation expels Mg2+ from the pore.";
    let mut harness = Harness::new_ui_state(|ui, unanswered: &mut bool| student_notes(ui, notes, *unanswered, 400.0), false);
    harness.run();
    assert!(harness.query_by_label(notes).is_none(), "folded until opened");
    harness.get_by_label("What the lecturer would say").click();
    harness.run();
    assert!(harness.query_by_label(notes).is_some());
    *harness.state_mut() = true;
    harness.run();
    assert!(harness.query_by_label(notes).is_none() && harness.query_by_label_contains("After your answer").is_some(), "held back while the question waits");
}

#[test]
fn the_dendrite_panel_fires_the_chosen_synapse_blocks_uptake_and_saves_its_plot() {
    use synapse_lab::app::scene::Selectable;
    use synapse_lab::app::sim_bridge::{SimState, Slot, Target};
    use synapse_lab::app::ui::{PlotId, Shown, dendrite_panel, save_figure};
    let mut s = synapse_core::builtin::get("dendrite").unwrap();
    s.dendrite.as_mut().unwrap().length_um = 3.0;
    let mut state = SimState::new(s, "dendrite".into(), false);
    state.apply(Command::Run { steps: 400 }).unwrap();
    let mut harness = Harness::new_ui_state(|ui, (st, acts): &mut (SimState, Vec<AppCommand>)| acts.extend(dendrite_panel(ui, st, Slot::A, Some(Selectable::Synapse(2)))), (state.clone(), Vec::new()));
    harness.get_by_label("One vesicle").click();
    harness.run();
    harness.get_by_label("Block uptake (DL-TBOA)").click();
    harness.run();
    harness.get_by_label("Burst at 10").click();
    harness.run();
    assert_eq!(
        harness.state().1,
        vec![
            AppCommand::Sim(Target::Both, Command::DendriteVesicle { synapse: 2 }),
            AppCommand::Sim(Target::Both, Command::Drug { name: "tboa".into(), conc_um: 100.0 }),
            AppCommand::Sim(Target::Both, Command::DendriteBurst { synapse: 2, synapses: 9, count: 5, rate_hz: 100.0 }),
        ],
        "a 3 µm dendrite has 9 synapses: the burst takes them all"
    );
    assert!(harness.query_by_label_contains("Ambient glutamate:").is_some());
    assert!(harness.query_by_label_contains("Synapse 2: NMDA open").is_some());
    // Its plots save like the others: the drip's level over time, every sample.
    let dir = std::env::temp_dir().join(format!("synapse-dendrite-figures-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let msg = save_figure(PlotId::DendriteAmbient, &[Shown { label: "", state: &state }], state.sim.t_ms(), 40.0, &dir).unwrap();
    assert!(msg.contains("DendriteAmbient-1.svg"), "{msg}");
    let csv = std::fs::read_to_string(dir.join("DendriteAmbient-1.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + state.exp.dendrite_history.len(), "one row per sample (40 in 0.4 ms)");
    let _ = std::fs::remove_dir_all(&dir);
}
