//! The headless commands as a user (or a script) calls them: exact column
//! names, the bench line format, overrides, and clear errors on bad input.

use std::process::{Command, Output};

fn synapse_lab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synapse-lab")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().expect("the binary runs")
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("synapse-lab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn run_writes_the_named_columns_and_a_summary() {
    let out = tmp("trace.csv");
    let o = synapse_lab(&["run", "--scenario", "assets/scenarios/single_spike.ron", "--duration", "20ms", "--out", out.to_str().unwrap()]);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    for needle in ["peak cleft glutamate", "decay", "peak EPSC", "rise", "balanced"] {
        assert!(stdout.contains(needle), "summary lacks '{needle}':\n{stdout}");
    }
    let csv = std::fs::read_to_string(&out).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("t_ms,glu_cleft_uM,glu_free,glu_bound,glu_uptaken,glu_escaped,ampa_open_frac,nmda_open_frac,i_ampa_pA,i_nmda_pA,vm_mV"), "{header}");
    // 20 ms at 10 µs per row, plus t = 0.
    assert_eq!(csv.lines().count(), 1 + 2001);
    let last: Vec<f64> = csv.lines().last().unwrap().split(',').map(|v| v.parse().unwrap()).collect();
    assert!((last[0] - 20.0).abs() < 1e-9);
    assert_eq!(last[10], -70.0);
}

#[test]
fn run_on_a_dendrite_adds_its_readouts_and_set_gives_any_scenario_one() {
    let out = tmp("dendrite.csv");
    // The stressed synapse, many times over on 3 µm of dendrite with 40 % fewer transporters in the neuropil.
    let o = synapse_lab(&["run", "--scenario", "stressed", "--set", "dendrite.length_um=3", "--set", "dendrite.uptake_scale=0.6", "--duration", "2ms", "--out", out.to_str().unwrap()]);
    let (_, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    let csv = std::fs::read_to_string(&out).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|c| *c == name).unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    let ambient = col("dendrite_ambient_nM");
    for name in ["dendrite_firing_nmda_open", "dendrite_silent_nmda_open", "dendrite_shaft_nmda_open"] {
        col(name);
    }
    let rows: Vec<Vec<f64>> = csv.lines().skip(1).map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    assert_eq!(rows.len(), 201);
    // The drip's level (calibrated to 25 nM; fewer transporters let it rise slowly).
    let mean = rows.iter().map(|r| r[ambient]).sum::<f64>() / rows.len() as f64;
    assert!((15.0..60.0).contains(&mean), "ambient {mean} nM");
}

#[test]
fn run_writes_json_and_set_overrides_fields() {
    let out = tmp("trace.json");
    let o = synapse_lab(&["run", "--duration", "2ms", "--set", "membrane.hold_mv=-40", "--set", "seed=3", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let cols = doc["columns"].as_array().unwrap();
    let vm = cols.iter().position(|c| c == "vm_mV").unwrap();
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.last().unwrap()[vm].as_f64().unwrap(), -40.0);
    assert!(text(&o).0.contains("seed 3"));
}

#[test]
fn bad_inputs_get_clear_messages_and_exit_2() {
    let bad = tmp("bad.ron");
    std::fs::write(&bad, "Scenario(\n  version: 1,\n  solution: (mg_mm: -1.0),\n)\n").unwrap();
    let o = synapse_lab(&["run", "--scenario", bad.to_str().unwrap()]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("bad.ron:3:") && err.contains("solution.mg_mm") && err.contains("0 to 20 mM"), "{err}");

    std::fs::write(&bad, "Scenario(\n  version: 1\n  seed: 2,\n)\n").unwrap();
    let (_, err) = text(&synapse_lab(&["run", "--scenario", bad.to_str().unwrap()]));
    assert!(err.contains("bad.ron:3:"), "{err}");

    let (_, err) = text(&synapse_lab(&["run", "--scenario", "no/such/file.ron"]));
    assert!(err.contains("no/such/file.ron") && err.contains("cannot read"), "{err}");

    let o = synapse_lab(&["run", "--set", "solution.magnesium=1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("magnesium"));

    let o = synapse_lab(&["run", "--duration", "50"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("no unit"));

    let o = synapse_lab(&["run", "--duration", "59s", "--set", "dt_us=0.05"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("shorten --duration"), "{}", text(&o).1);

    let o = synapse_lab(&["run", "--duration", "20s", "--set", "dt_us=10"]);
    assert!(text(&o).1.contains("record.every_us="), "{}", text(&o).1);

    let o = synapse_lab(&["run", "--out", "trace.txt"]);
    assert!(text(&o).1.contains(".csv or .json"));
}

#[test]
fn bench_prints_one_line_with_the_rates() {
    let o = synapse_lab(&["bench", "--molecules", "20000", "--steps", "20", "--binding"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let line = out.trim_end();
    assert_eq!(line.lines().count(), 1);
    let tail: Vec<&str> = line.rsplit(' ').take(2).collect();
    assert!(tail[1].starts_with("molecule_steps_per_s=") && tail[0].starts_with("ns_per_molecule_step="), "{line}");
    let rate: f64 = tail[1].split('=').nth(1).unwrap().parse().unwrap();
    let ns: f64 = tail[0].split('=').nth(1).unwrap().parse().unwrap();
    assert!(rate > 0.0 && (rate * ns * 1e-9 - 1.0).abs() < 0.01, "{line}");
}

#[test]
fn bench_dendrite_prints_each_phase_and_the_peak_memory() {
    let o = synapse_lab(&["bench", "--dendrite", "--steps", "400"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    for (line, phase) in lines.iter().zip(["phase=rest ", "phase=one spike ", "phase=burst at ten synapses "]) {
        assert!(line.starts_with("bench --dendrite: ") && line.contains(phase) && line.contains("synapses=29 "), "{line}");
        let value = |key: &str| -> f64 { line.split(key).nth(1).and_then(|v| v.split(' ').next()).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no {key} in {line}")) };
        assert!(value("molecule_steps_per_s=") > 0.0 && value("bio_ms_per_wall_s=") > 0.0, "{line}");
    }
    let rss: f64 = lines[3].trim_start_matches("bench --dendrite: peak_rss_mib=").parse().expect("peak RSS in MiB");
    assert!(rss > 1.0, "{out}");
}

#[test]
fn dendrite_reports_each_row_with_its_result_and_kind() {
    let o = synapse_lab(&["dendrite", "--trials", "1", "--length-um", "2"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(out.starts_with("A 2 µm dendrite, 6 synapses, seeds 1..1:"), "{out}");
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("dendrite: ")).collect();
    assert_eq!(rows.len(), 6, "{out}");
    for source in ["Barbour 2001", "Arnth-Jensen", "Lozovaya et al. 2004", "Herman & Jahr 2007"] {
        assert!(out.contains(source), "no {source}:\n{out}");
    }
    // The drip is calibrated to 25 nM: the segment at rest holds it.
    let ambient = rows.iter().find(|l| l.contains("ambient glutamate")).unwrap();
    assert!(ambient.contains(" pass ") && ambient.contains("calibrated"), "{ambient}");
    assert!(rows.iter().filter(|l| l.contains("independent")).count() == 5, "{out}");
    assert!(err.contains("dendrite: one vesicle"), "progress on stderr: {err}");
}

#[test]
fn a_bad_dendrite_is_named_with_its_range() {
    let o = synapse_lab(&["dendrite", "--length-um", "-3"]);
    let (out, err) = text(&o);
    assert!(!o.status.success() && out.is_empty(), "{out}");
    assert!(err.contains("dendrite.length_um = -3 is out of range: give 0.5 to 40"), "{err}");
    let o = synapse_lab(&["dendrite", "--trials", "0"]);
    assert!(!o.status.success() && text(&o).1.contains("--trials"), "{}", text(&o).1);
}

#[test]
fn validate_passes_every_row_and_draws_its_figures() {
    let dir = std::env::temp_dir().join(format!("synapse-validate-figures-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let o = synapse_lab(&["validate", "--quick", "--figures", dir.to_str().unwrap()]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(out.contains("quantity") && out.contains("Clements") && out.contains("Jahr & Stevens"), "{out}");
    assert!(out.trim_end().ends_with("0 failed"), "{out}");
    // Every row says what it proves, and the kinds are counted.
    assert!(out.lines().next().unwrap().trim_end().ends_with("kind"), "{out}");
    assert!(out.contains("calibrated (AMPA receptor count, 80)") && out.contains("independent") && out.contains("implementation"), "{out}");
    let kinds = out.lines().find(|l| l.starts_with("kinds: ")).expect("a kinds line");
    let n: usize = kinds.split_whitespace().filter_map(|w| w.parse::<usize>().ok()).sum();
    let gap_line = out.lines().find(|l| l.starts_with("known gaps (GAP): "));
    assert_eq!(n, out.lines().count() - 3 - gap_line.iter().count(), "every row (all but the header, kinds, gaps and total lines) has a kind: {kinds}");
    // A prediction the model cannot make fails in the open, with the mechanism it lacks.
    assert!(gap_line.is_some_and(|l| l.contains("Hill slope") && l.contains("heterogeneity")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("ketamine inhibition Hill slope") && l.contains(" GAP ")), "{out}");
    // Facilitation is modelled: every paired-pulse row passes.
    let ppr: Vec<&str> = out.lines().filter(|l| l.starts_with("paired-pulse ratio")).collect();
    assert!(ppr.len() >= 3 && ppr.iter().all(|l| l.contains(" pass ")), "{out}");
    // Model vs experiment: every figure as SVG and PNG, the papers' points drawn
    // under the model's curve, the row's verdict in the figure, and a page listing them.
    let page = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let ids = ["cleft_glutamate", "nmda_mini", "mg_block", "paired_pulse", "ketamine_inhibition", "memantine_inhibition", "rat_mtorc1", "rat_synaptic_proteins", "bdnf_release", "infusion_course"];
    for id in ids {
        let svg = std::fs::read_to_string(dir.join(format!("{id}.svg"))).unwrap_or_else(|e| panic!("{id}.svg: {e}"));
        assert!(svg.contains("<polyline") && svg.contains("<circle"), "{id}: a model line and data points");
        assert!(page.contains(&format!("]({id}.svg)")), "{id} is on the page");
        let png = image::open(dir.join(format!("{id}.png"))).unwrap().to_rgb8();
        assert_eq!(png.dimensions(), (1200, 800));
        // The model's blue line is drawn.
        assert!(png.pixels().filter(|p| p.0 == [0, 114, 178]).count() > 150, "{id}: the model's line");
    }
    let ket = std::fs::read_to_string(dir.join("ketamine_inhibition.svg")).unwrap();
    assert!(ket.contains("ketamine IC50, NMDA, -70 mV, 0 Mg (uM): model") && ket.contains("pass, implementation") && ket.contains("Gilling"), "the verdict is in the figure");
    assert!(page.contains("assets/validation/gilling2009_ketamine.csv"), "the page names each dataset's file");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_app_refuses_bad_options_and_a_missing_display_in_one_line() {
    let o = synapse_lab(&["--size", "12"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("WIDTHxHEIGHT"), "{}", text(&o).1);
    let o = synapse_lab(&["--theme", "purple"]);
    assert!(text(&o).1.contains("dark or light"), "{}", text(&o).1);
    let o = synapse_lab(&["screenshot", "--out", "shot.jpg"]);
    assert!(text(&o).1.contains(".png"), "{}", text(&o).1);
    let o = synapse_lab(&["screenshot", "--out", "shot.png", "--view", "sideways"]);
    assert!(text(&o).1.contains("whole, cleft, receptor, astrocyte, signalling or dendrite"), "{}", text(&o).1);
    // No X display: one clear line, no backtrace.
    let o = Command::new(env!("CARGO_BIN_EXE_synapse-lab")).env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY").current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap();
    let err = text(&o).1;
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("no display") && err.contains("xvfb-run") && !err.contains("panicked"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn drugs_on_the_command_line_add_occupancy_columns_and_reject_bad_input() {
    let out = tmp("drug.csv");
    let o = synapse_lab(&["run", "--duration", "5ms", "--drug", "ketamine=1uM", "--drug", "mg=1mM", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    let csv = std::fs::read_to_string(&out).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.contains(",occ_ketamine_nmda2a,occ_ketamine_nmda2b,"), "{header}");
    let o = synapse_lab(&["run", "--drug", "ketamin=1uM"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o).1;
    assert!(err.contains("unknown drug 'ketamin'") && err.contains("esketamine") && err.contains("nbqx"), "{err}");
    assert!(text(&synapse_lab(&["run", "--drug", "ketamine=-1uM"])).1.contains("negative"));
    assert!(text(&synapse_lab(&["run", "--drug", "ketamine=1"])).1.contains("no unit"));
    let o = synapse_lab(&["run", "--duration", "1ms", "--regimen", "ketamine@40min"]);
    assert!(text(&o).0.contains("free brain 0.38"), "{}", text(&o).0);
    assert!(text(&synapse_lab(&["run", "--regimen", "nbqx@1h"])).1.contains("no clinical regimen"));
    let o = synapse_lab(&["dose-response", "--drug", "esketamine", "--from", "30nM", "--to", "10uM", "--points", "4"]);
    let (stdout, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let ic50: f64 = stdout.lines().find_map(|l| l.strip_prefix("simulated: IC50 ")).and_then(|l| l.split_whitespace().next()).unwrap().parse().unwrap();
    // Ebert et al. 1997's 0.30 µM binding Ki on the racemate's assay: 0.43 µM.
    assert!((0.3..0.6).contains(&ic50), "{stdout}");
    assert!(stdout.contains("input: IC50 0.43 µM"), "{stdout}");
    assert!(stdout.contains("measured: no measured curve"), "{stdout}");
}

#[test]
fn a_24_hour_run_writes_the_cascade_columns() {
    let out = tmp("cascade.csv");
    let o = synapse_lab(&["run", "--scenario", "assets/scenarios/ketamine_iv.ron", "--duration", "24h", "--out", out.to_str().unwrap()]);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("spine_density: peak"), "{stdout}");
    let csv = std::fs::read_to_string(&out).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    for c in ["t_ms", "t_min", "bdnf", "trkb", "mtorc1", "synaptic_proteins", "spine_density", "conc_ketamine_uM"] {
        assert!(header.contains(&c), "missing column {c}: {header:?}");
    }
    let rows: Vec<Vec<f64>> = lines.map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    assert_eq!(rows.len(), 1441, "one row a minute for 24 h");
    let spine = header.iter().position(|c| *c == "spine_density").unwrap();
    let last = rows.last().unwrap();
    assert!((1.28..=1.42).contains(&last[spine]), "spine density at 24 h: {}", last[spine]);
    assert_eq!(last[header.iter().position(|c| *c == "t_min").unwrap()], 1440.0);
    let _ = std::fs::remove_file(&out);

    // A short run keeps the particle trace and adds the five cascade columns (at baseline).
    let out = tmp("fast-cascade.csv");
    let o = synapse_lab(&["run", "--duration", "1ms", "--out", out.to_str().unwrap()]);
    assert!(o.status.success());
    let csv = std::fs::read_to_string(&out).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("t_ms,glu_cleft_uM"), "{header}");
    assert!(header.ends_with("bdnf,trkb,mtorc1,synaptic_proteins,spine_density"), "{header}");
    let _ = std::fs::remove_file(&out);
}

#[test]
fn a_scenario_with_an_unknown_drug_names_the_file_line_and_the_known_drugs() {
    let bad = tmp("bad-drug.ron");
    std::fs::write(&bad, "Scenario(\n    version: 1,\n    drugs: [\n        Regimen(drug: \"ketamin\", start_min: 0.0),\n    ],\n)\n").unwrap();
    let o = synapse_lab(&["run", "--scenario", bad.to_str().unwrap(), "--duration", "24h"]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr.contains(":4:") && stderr.contains("drugs[0]") && stderr.contains("unknown drug 'ketamin'") && stderr.contains("ketamine"), "{stderr}");
    std::fs::write(&bad, "Scenario(\n    version: 1,\n    drugs: [\n        Regimen(drug: \"nbqx\", start_min: 0.0),\n    ],\n)\n").unwrap();
    let o = synapse_lab(&["run", "--scenario", bad.to_str().unwrap(), "--duration", "24h"]);
    let (_, stderr) = text(&o);
    assert!(stderr.contains("no clinical regimen") && stderr.contains("Constant("), "{stderr}");
    let _ = std::fs::remove_file(&bad);
}

/// The binary run from a folder with no `assets/` in it (an installed binary).
fn synapse_lab_elsewhere(args: &[&str]) -> Output {
    let dir = std::env::temp_dir().join(format!("synapse-lab-elsewhere-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    Command::new(env!("CARGO_BIN_EXE_synapse-lab")).args(args).current_dir(&dir).output().expect("the binary runs")
}

#[test]
fn every_command_works_from_any_folder_with_built_in_scenarios() {
    let o = synapse_lab_elsewhere(&["run", "--duration", "1ms"]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert!(text(&o).0.contains("Single spike at rest (assets/scenarios/single_spike.ron)"), "{}", text(&o).0);
    // By name, and by the repository path the README gives.
    for arg in ["ketamine_iv", "assets/scenarios/ketamine_iv.ron"] {
        let o = synapse_lab_elsewhere(&["run", "--scenario", arg, "--duration", "2h"]);
        assert!(o.status.success(), "{arg}: {}", text(&o).1);
        assert!(text(&o).0.contains("mtorc1: peak"), "{}", text(&o).0);
    }
    let o = synapse_lab_elsewhere(&["scenarios"]);
    let out = text(&o).0;
    assert!(o.status.success());
    for name in ["single_spike", "train_20hz", "mg_free", "depolarised", "ketamine_iv", "memantine", "ketamine_escitalopram"] {
        assert!(out.lines().any(|l| l.starts_with(name)), "scenarios lacks {name}:\n{out}");
    }
    assert_eq!(out.lines().filter(|l| l.contains(" slow ")).count(), 15, "{out}");
    let o = synapse_lab_elsewhere(&["run", "--scenario", "no_such_one"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("built in: single_spike"), "{}", text(&o).1);
}

#[test]
fn drugs_on_the_slow_clock_act_from_t0_in_the_trace() {
    // `--drug` joins the schedule from t = 0: the first row already holds it,
    // and the trace starts at t = 0 (no extra step before it).
    let out = tmp("t0.csv");
    let o = synapse_lab(&["run", "--duration", "0.05ms", "--drug", "nbqx=10uM", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    let csv = std::fs::read_to_string(&out).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let first: Vec<f64> = csv.lines().nth(1).unwrap().split(',').map(|v| v.parse().unwrap()).collect();
    assert_eq!(first[0], 0.0);
    let occ = header.iter().position(|c| *c == "occ_nbqx_ampa").expect("an NBQX occupancy column");
    assert!(first[occ] > 0.9, "NBQX occupancy at t = 0: {}", first[occ]);
}

#[test]
fn replay_checks_the_final_hash_and_names_a_bad_log_s_line() {
    use synapse_core::experiment::{Command as Cmd, CommandLog, Experiment, format_hash};
    let scenario = synapse_core::builtin::get("single_spike").unwrap();
    let mut exp = Experiment::new(scenario.clone()).unwrap();
    let mut log = CommandLog::new("single_spike", &scenario);
    for c in [Cmd::Run { steps: 800 }, Cmd::Drug { name: "ketamine".into(), conc_um: 3.0 }, Cmd::Spike, Cmd::Run { steps: 1200 }] {
        log.push(0, &exp, c.clone());
        exp.apply(&c).unwrap();
    }
    log.final_hash = Some(format_hash(exp.state_hash()));
    let path = tmp("session.ron");
    std::fs::write(&path, log.to_ron()).unwrap();
    let o = synapse_lab(&["replay", path.to_str().unwrap()]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(out.contains(&format!("final state hash: {}", log.final_hash.as_ref().unwrap())) && out.contains("matches the recorded session"), "{out}");
    // A log whose hash does not match fails with status 1.
    log.final_hash = Some(format_hash(1));
    std::fs::write(&path, log.to_ron()).unwrap();
    assert_eq!(synapse_lab(&["replay", path.to_str().unwrap()]).status.code(), Some(1));
    // The longest Run a log may hold (hours of computing) says how far it is, not silently.
    let mut long = CommandLog::new("single_spike", &scenario);
    long.push(0, &Experiment::new(scenario.clone()).unwrap(), Cmd::Run { steps: synapse_core::experiment::MAX_RUN_STEPS });
    std::fs::write(&path, long.to_ron()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_synapse-lab")).args(["replay", path.to_str().unwrap()]).stderr(std::process::Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stderr.take().unwrap()), &mut line).unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(line.starts_with("replay: ") && line.contains("% of 1000000000 particle steps, about ") && line.contains("left (Ctrl-C stops it)"), "{line}");
    // A broken log: file, line and column.
    std::fs::write(&path, "CommandLog(\n    version: 1,\n    commands: [Spike,\n").unwrap();
    let o = synapse_lab(&["replay", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("session.ron:"), "{}", text(&o).1);
    // An unknown drug inside a log: the command's index and the known drugs.
    let bad = log.to_ron().replace("\"ketamine\"", "\"ketamin\"");
    std::fs::write(&path, bad).unwrap();
    let err = text(&synapse_lab(&["replay", path.to_str().unwrap()])).1;
    assert!(err.contains("command 2") && err.contains("esketamine"), "{err}");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_broken_keymap_or_a_too_far_slow_jump_is_named_before_any_window_opens() {
    let bad = tmp("keys.ron");
    std::fs::write(&bad, "Keymap([\n    (key: PageDown, action: Sim(Spike)),\n    (key: NoSuchKey, action: TogglePlay),\n])\n").unwrap();
    let o = synapse_lab(&["--keymap", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("keys.ron:3:"), "{}", text(&o).1);
    // Valid syntax, but a clicker's key rebound: refused with the binding and the fix.
    std::fs::write(&bad, synapse_lab::app::keymap::BUILTIN.replacen("Keymap([", "Keymap([\n    (key: PageDown, action: Sim(Spike)),", 1)).unwrap();
    let o = synapse_lab(&["--keymap", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("binding 1 (PageDown)") && text(&o).1.contains("means only Lecture(Next)"), "{}", text(&o).1);
    // A command does not take the window's keys, and says so.
    let o = synapse_lab(&["--keymap", bad.to_str().unwrap(), "screenshot", "--out", "x.png"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("--keymap before a command"), "{}", text(&o).1);
    let o = synapse_lab(&["screenshot", "--slow-at", "200d", "--out", "x.png"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("within 8 weeks"), "{}", text(&o).1);
    let _ = std::fs::remove_file(&bad);
}

#[test]
fn plot_draws_trace_columns_as_svg_and_png() {
    let csv = tmp("plot.csv");
    let o = synapse_lab(&["run", "--scenario", "assets/scenarios/single_spike.ron", "--duration", "5ms", "--out", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{:?}", text(&o));
    let svg = tmp("plot.svg");
    let o = synapse_lab(&["plot", csv.to_str().unwrap(), "--columns", "glu_cleft_uM,i_ampa_pA", "--out", svg.to_str().unwrap(), "--title", "One spike"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("2 panel(s)"), "{out}");
    let s = std::fs::read_to_string(&svg).unwrap();
    assert!(s.contains("glu_cleft_uM") && s.contains("i_ampa_pA") && s.contains("One spike") && s.matches("<polyline").count() >= 2);
    let png = tmp("plot.png");
    let o = synapse_lab(&["plot", csv.to_str().unwrap(), "--columns", "glu_cleft_uM", "--out", png.to_str().unwrap()]);
    assert!(o.status.success(), "{:?}", text(&o));
    assert_eq!(image::open(&png).unwrap().to_rgb8().dimensions(), (1600, 450));
    // A column the trace lacks: the file, line 1, and the columns it has.
    let o = synapse_lab(&["plot", csv.to_str().unwrap(), "--columns", "glu_cleft_mM", "--out", svg.to_str().unwrap()]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains(":1: no column 'glu_cleft_mM'; the trace has: t_ms, glu_cleft_uM"), "{err}");
    for p in [csv, svg, png] {
        let _ = std::fs::remove_file(p);
    }
}

/// A file that is not UTF-8 (saved in Latin-1, say) is named with the line and
/// column of its first bad byte, for every kind of file a person edits.
#[test]
fn a_file_that_is_not_utf8_is_placed_by_line_and_column() {
    let latin1 = |name: &str, text: &str| {
        let p = tmp(name);
        // "é" as one Latin-1 byte on line 2, after two characters.
        let bytes: Vec<u8> = text.bytes().chain(b"\n  \xE9\n".iter().copied()).collect();
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let s = latin1("bad-scenario.ron", "Scenario(");
    let o = synapse_lab(&["run", "--scenario", s.to_str().unwrap(), "--duration", "1ms"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("bad-scenario.ron:2:3: not a valid scenario: not UTF-8 text (byte 0xE9)"), "{}", text(&o).1);
    let l = latin1("bad-lecture.ron", "Lecture(");
    let o = synapse_lab(&["lecture", l.to_str().unwrap(), "--check"]);
    assert!(text(&o).1.contains("bad-lecture.ron:2:3: not UTF-8 text (byte 0xE9); save the file as UTF-8"), "{}", text(&o).1);
    let k = latin1("bad-keys.ron", "Keymap([");
    let o = synapse_lab(&["--keymap", k.to_str().unwrap()]);
    assert!(text(&o).1.contains("bad-keys.ron:2:3: not UTF-8"), "{}", text(&o).1);
    let g = latin1("bad-log.ron", "CommandLog(");
    let o = synapse_lab(&["replay", g.to_str().unwrap()]);
    assert!(text(&o).1.contains("bad-log.ron:2:3: not UTF-8"), "{}", text(&o).1);
    for p in [s, l, k, g] {
        let _ = std::fs::remove_file(p);
    }
}

#[test]
fn completions_and_man_pages_come_from_the_clap_definitions() {
    // Completions name every command and its options (bash's script lists them as words).
    let o = synapse_lab(&["completions", "bash"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("_synapse__lab()") && out.contains("complete -F _synapse__lab") && out.contains("lecture") && out.contains("--reduce-motion") && out.contains("dose-response"), "{out}");
    let o = synapse_lab(&["completions", "nushell"]);
    assert!(!o.status.success() && text(&o).1.contains("possible values"), "an unknown shell is refused with the choices");
    // One man page per visible command, in roff, with the command's own help in it.
    let dir = tmp("man");
    let o = synapse_lab(&["manpages", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    let mut pages: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    pages.sort();
    for page in ["synapse-lab.1", "synapse-lab-run.1", "synapse-lab-lecture.1", "synapse-lab-export.1", "synapse-lab-completions.1"] {
        assert!(pages.iter().any(|p| p == page), "{page} in {pages:?}");
    }
    assert!(!pages.iter().any(|p| p.contains("manpages") || p.contains("help")), "hidden commands get no page: {pages:?}");
    let lecture = std::fs::read_to_string(dir.join("synapse-lab-lecture.1")).unwrap();
    assert!(lecture.starts_with(".ie") || lecture.contains(".TH"), "roff: {}", &lecture[..200.min(lecture.len())]);
    assert!(lecture.contains("student"), "the lecture page has its options");
    let _ = std::fs::remove_dir_all(&dir);
}
