//! The Drugs panel: choose a drug, its concentration, apply or wash out; its
//! mechanism, evidence, constants with sources and clinical notes; the
//! model against the clinic (each drug's row computed when first shown);
//! the dose-response sweep through a simulated patch (on a thread; in a
//! web page, which has none, a slice per frame).

use super::super::palette;
use super::super::sim_bridge::{AppCommand, sim};
use bevy::prelude::*;
use bevy_egui::egui;
use egui_plot::{Corner, Legend, Line, Plot};
#[cfg(native)]
use std::sync::atomic::{AtomicUsize, Ordering};
#[cfg(native)]
use std::sync::{Arc, Mutex};
use synapse_core::clinic::{Agreement, Comparison};
use synapse_core::experiment::Command;
use synapse_core::pharmacology::patch::DoseResponse;
#[cfg(web)]
use synapse_core::pharmacology::patch::DoseSweep;
use synapse_core::pharmacology::{Catalogue, Drug, Evidence, Mechanism};
use synapse_core::receptors::ReceptorKind;

/// The drug panel's model.
#[derive(Debug, Clone, PartialEq)]
pub struct DrugView {
    /// Key of the drug chosen in the list.
    pub selected: String,
    /// Concentration to apply (µM), set on a log slider.
    pub conc_um: f64,
    /// Drugs in the bath now: key, display name, µM.
    pub applied: Vec<(String, String, f64)>,
    /// `occ_<drug>_<receptor>` occupancies now.
    pub occupancy: Vec<(String, f64)>,
}

fn evidence_text(e: Evidence) -> (&'static str, egui::Color32) {
    (e.label(), palette::egui(palette::evidence(e)))
}

/// Drugs: choose one, set its concentration, apply or wash out; read its
/// mechanism, constants with sources, evidence level and clinical notes.
pub fn drugs_panel(ui: &mut egui::Ui, vm: &mut DrugView, catalogue: &Catalogue) -> Vec<AppCommand> {
    let mut out = Vec::new();
    let name_of = |key: &str| catalogue.get(key).map(|d| d.name.clone()).unwrap_or_else(|_| key.to_string());
    egui::ComboBox::from_id_salt("drug").selected_text(name_of(&vm.selected)).width(220.0).show_ui(ui, |ui| {
        for d in &catalogue.drugs {
            ui.selectable_value(&mut vm.selected, d.key.clone(), &d.name);
        }
    });
    super::stimulation::labelled_slider(ui, egui::Slider::new(&mut vm.conc_um, 0.001..=10_000.0).logarithmic(true), "µM");
    ui.horizontal(|ui| {
        if ui.button("Apply").clicked()
            && let Ok(d) = catalogue.get(&vm.selected)
        {
            out.push(sim(Command::Drug { name: d.key.clone(), conc_um: vm.conc_um }));
        }
        if ui.button("Wash out").on_hover_text("Set it to 0: a trapped blocker stays until its channel opens").clicked()
            && let Ok(d) = catalogue.get(&vm.selected)
        {
            out.push(sim(Command::WashOut { name: d.key.clone() }));
        }
    });
    for (key, name, c) in &vm.applied {
        ui.label(format!("{name}: {c:.3} µM"));
        for (col, v) in vm.occupancy.iter().filter(|(col, _)| col.starts_with(&format!("occ_{key}_"))) {
            // The receptor's name for people (GluN2A, not the column's nmda2a).
            let column = col.trim_start_matches(&format!("occ_{key}_"));
            let receptor = ReceptorKind::ALL.into_iter().find(|k| synapse_core::pharmacology::effects::column_name(*k) == column).map_or(column, |k| k.label());
            ui.add(egui::ProgressBar::new(*v as f32).text(format!("{receptor}: {:.0}%", v * 100.0)).desired_height(14.0))
                .on_hover_text("Receptors bound by the drug now. A channel blocker enters only open channels, so at a few spikes it blocks few: the bar grows with use (a train), not with time alone");
        }
    }
    if let Ok(d) = catalogue.get(&vm.selected) {
        let (ev, color) = evidence_text(d.evidence);
        ui.horizontal_wrapped(|ui| {
            ui.strong(&d.class);
            ui.colored_label(color, format!("[{ev}]"));
        });
        ui.label(&d.explanation);
        egui::CollapsingHeader::new("Constants and sources").id_salt("drug-sources").show(ui, |ui| {
            for m in &d.mechanisms {
                ui.small(format!("{m:?}").split(", source").next().unwrap_or_default().to_string());
                ui.small(format!("source: {}", m.source()));
            }
            if let Some(r) = &d.regimen {
                ui.small(format!("regimen: {} ({})", r.description, r.source));
            }
        });
        if !d.clinical_notes.is_empty() {
            ui.small(&d.clinical_notes);
        }
    }
    out
}

/// The model-vs-clinic rows, computed the first time a drug is shown and
/// kept (ketamine's 24 h take ~0.03 s, a daily drug's four weeks ~1 s).
/// On the frame, not on a thread, so a screenshot or a video shows the same
/// panel whenever it is taken.
#[derive(Resource, Default)]
pub struct ClinicTable {
    reference_rise: Option<Option<f64>>,
    rows: std::collections::HashMap<String, Comparison>,
}

impl ClinicTable {
    /// The row of `drug` (`None` when the catalogue has no ketamine to compare with).
    pub fn row(&mut self, catalogue: &Catalogue, drug: &Drug) -> Option<&Comparison> {
        let reference = *self.reference_rise.get_or_insert_with(|| synapse_core::clinic::reference_rise(catalogue));
        let k = reference?;
        Some(self.rows.entry(drug.key.clone()).or_insert_with(|| synapse_core::clinic::compare(drug, k)))
    }
}

fn agreement_color(a: Agreement) -> egui::Color32 {
    match a {
        Agreement::Agree => palette::egui(palette::ESTABLISHED),
        Agreement::Partly => palette::egui(palette::WARNING),
        Agreement::Disagree => palette::egui(palette::ERROR),
        Agreement::Unknown => palette::egui(palette::ILLUSTRATIVE),
    }
}

/// Model vs clinic for the chosen drug: the model's rapid outcome at its
/// regimen (`row`; `None` without a reference), what the trials found,
/// and, where the two part, why.
pub fn clinic_panel(ui: &mut egui::Ui, drug: &Drug, row: Option<&Comparison>) {
    let Some(c) = &drug.clinic else { return };
    ui.separator();
    ui.horizontal_wrapped(|ui| {
        ui.strong("Model vs clinic:");
        match row {
            Some(r) => ui.colored_label(agreement_color(r.agreement), r.agreement.label()),
            None => ui.weak("no reference (ketamine) to compare with"),
        };
    });
    if let Some(r) = row {
        match r.spine_rise_vs_ketamine {
            Some(x) => ui.small(format!("model: {} — {}: spine rise at 24 h {x:.2}× ketamine IV's", r.prediction.label(), r.regimen)),
            None => ui.small("model: no clinical regimen in the catalogue, so no prediction"),
        };
    }
    ui.small(format!("clinic: {} ({})", c.finding, c.source));
    if !c.why_model_differs.is_empty() {
        ui.colored_label(palette::egui(palette::WARNING), format!("Where the model parts from the clinic: {}", c.why_model_differs));
    }
}

/// The literature potency and receptor a dose–response sweep of `drug` uses:
/// (receptor, IC50 or EC50 µM, maximal effect), or `None` for drugs that act
/// on release or uptake rather than on a receptor.
pub fn sweep_target(drug: &Drug) -> Option<(ReceptorKind, Option<f64>, f64)> {
    drug.mechanisms.iter().find_map(Mechanism::sweep)
}

/// A dose–response sweep running off the frame (it takes seconds).
#[derive(Resource, Default)]
pub struct DoseJob {
    /// The drug being swept.
    pub running: Option<String>,
    /// The thread's result, taken by `poll`.
    #[cfg(native)]
    result: Arc<Mutex<Option<(String, DoseResponse)>>>,
    /// Runs done of the sweep's total (the control and each concentration).
    #[cfg(native)]
    done: Arc<(AtomicUsize, AtomicUsize)>,
    /// The sweep, run a slice per frame.
    #[cfg(web)]
    sweep: Option<DoseSweep>,
    pub last: Option<(String, DoseResponse)>,
}

impl DoseJob {
    /// Once a frame: the next slice of a sweep (web), and a finished sweep's result into `last`.
    pub fn poll(&mut self) {
        #[cfg(native)]
        let finished = self.result.lock().ok().and_then(|mut r| r.take());
        #[cfg(web)]
        let finished = self.sweep.as_mut().and_then(|s| s.advance(WEB_STEPS_PER_FRAME)).zip(self.running.clone()).map(|(r, key)| (key, r));
        if let Some(done) = finished {
            #[cfg(web)]
            {
                self.sweep = None;
            }
            self.running = None;
            self.last = Some(done);
        }
    }

    /// How far the sweep is, from 0 to 1; none when none runs.
    pub fn progress(&self) -> Option<f64> {
        self.running.as_ref()?;
        #[cfg(native)]
        let p = self.done.0.load(Ordering::Relaxed) as f64 / self.done.1.load(Ordering::Relaxed).max(1) as f64;
        #[cfg(web)]
        let p = self.sweep.as_ref().map_or(0.0, |s| s.progress());
        Some(p)
    }
}

/// Patch steps a page runs per frame: about 10-30 ms of a 120-receptor
/// patch, so the page keeps drawing while a sweep runs for seconds.
#[cfg(web)]
const WEB_STEPS_PER_FRAME: u64 = 10_000;

/// The dose–response panel: sweep the selected drug through a simulated
/// patch and plot simulated inhibition against the literature Hill curve.
/// `progress`: how far a running sweep is (none when none runs). Returns
/// true when the user asks for a sweep.
pub fn dose_panel(ui: &mut egui::Ui, drug: &Drug, progress: Option<f64>, last: Option<&DoseResponse>) -> bool {
    let Some((kind, lit, emax)) = sweep_target(drug) else {
        ui.small("Acts on release or uptake, not on a receptor: no receptor dose-response.");
        return false;
    };
    ui.small(format!("{} receptors, 100 µM glutamate bath, -70 mV, 0 Mg2+ (Gilling et al. 2009 protocol).", kind.label()));
    let clicked = match progress {
        Some(p) => {
            ui.add(egui::ProgressBar::new(p as f32).text("Sweeping through the simulation…"));
            false
        }
        None => ui.button("Sweep through the simulation").clicked(),
    };
    if let Some(r) = last {
        let points: Vec<[f64; 2]> = r.conc_um.iter().zip(&r.inhibition).map(|(c, i)| [c.log10(), *i]).collect();
        Plot::new("dose-response")
            .height(150.0)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .x_axis_label("log10 conc (µM)")
            .y_axis_label("inhibition")
            .legend(Legend::default().position(Corner::LeftTop))
            .show(ui, |p| {
                p.points(egui_plot::Points::new("simulated", points).radius(4.0));
                let (lo, hi) = (r.conc_um[0].log10(), r.conc_um[r.conc_um.len() - 1].log10());
                let xs = || (0..=60).map(move |i| lo + (hi - lo) * i as f64 / 60.0);
                // An equilibrium constant left of the sweep (MK-801) is not drawn:
                // the block does not reach it within the sweep (said below).
                if let Some(k) = lit.filter(|k| *k >= r.conc_um[0]) {
                    let curve: Vec<[f64; 2]> = xs().map(|x| [x, emax * 10f64.powf(x) / (10f64.powf(x) + k)]).collect();
                    // The model's own input constant, not a measurement: the
                    // sweep shows the simulation reproduces what it was given.
                    p.line(Line::new("input IC50, Hill n = 1", curve).style(egui_plot::LineStyle::dashed_loose()));
                }
                if let Some(m) = &drug.measured_curve {
                    let curve: Vec<[f64; 2]> = xs().map(|x| [x, m.inhibition(10f64.powf(x))]).collect();
                    p.line(Line::new(format!("measured ({}): IC50 {} µM, Hill {}", m.source, m.ic50_um, m.hill), curve));
                }
            });
        ui.small(format!("simulated IC50 {:.3} µM, Hill slope {:.2}", r.ic50_um, r.hill));
        if let Some(k) = lit.filter(|k| *k < r.conc_um[0]) {
            ui.small(format!(
                "time-limited: in {SWEEP_SECONDS:.0} s per point the block never reaches its equilibrium constant koff/kon = {k:.1e} µM; measured IC50s of such blockers depend on the time too"
            ));
        }
        match &drug.measured_curve {
            Some(m) => ui.small(format!("measured: IC50 {} µM, Hill slope {} ({}; {})", m.ic50_um, m.hill, m.conditions, m.source)),
            None => ui.small("no measured curve in the catalogue: the dashed line is the model's input IC50 (slope 1), not a measurement"),
        };
    }
    clicked
}

/// How long the panel's patch runs at each concentration (s).
const SWEEP_SECONDS: f64 = 50.0;

/// For a blocker too slow to reach equilibrium within `seconds` (MK-801
/// leaves over ~90 min), the concentration that blocks about half the
/// channels in that time, ~1/(k_on·Po·t) with Po ≈ 0.3; 0 for others. The
/// sweep is centred there, where the experiments' time-limited IC50 lies,
/// rather than at the equilibrium constant koff/kon.
fn time_limited_half_block_um(drug: &Drug, seconds: f64) -> f64 {
    drug.mechanisms
        .iter()
        .find_map(|m| match m {
            Mechanism::OpenChannelBlock { ic50_um_minus70, koff_per_s, on_rate_factor, .. } => Some(1.0 / (on_rate_factor * koff_per_s / ic50_um_minus70 * 0.3 * seconds)),
            _ => None,
        })
        .unwrap_or(0.0)
}

/// Start a sweep: on a thread (native), or a slice per frame (web); the
/// result lands in `DoseJob` through `poll`.
pub fn start_sweep(job: &mut DoseJob, drug: Drug) {
    let Some((kind, lit, _)) = sweep_target(&drug) else { return };
    let centre = lit.unwrap_or(1.0).max(time_limited_half_block_um(&drug, SWEEP_SECONDS));
    let (lo, hi) = (centre / 30.0, centre * 30.0);
    let mut p = synapse_core::pharmacology::patch::Patch::new(kind);
    // A lighter patch than `dose-response` (the frame keeps running meanwhile).
    p.receptors = 120;
    p.settle_ms = (SWEEP_SECONDS - 10.0) * 1e3;
    p.measure_ms = 10_000.0;
    job.running = Some(drug.key.clone());
    #[cfg(native)]
    {
        let (slot, done) = (job.result.clone(), job.done.clone());
        done.0.store(0, Ordering::Relaxed);
        done.1.store(SWEEP_POINTS + 1, Ordering::Relaxed);
        std::thread::spawn(move || {
            let tick = || {
                done.0.fetch_add(1, Ordering::Relaxed);
            };
            let r = synapse_core::pharmacology::patch::dose_response_with(&p, &drug, lo, hi, SWEEP_POINTS, &tick);
            if let Ok(mut s) = slot.lock() {
                *s = Some((drug.key.clone(), r));
            }
        });
    }
    #[cfg(web)]
    {
        job.sweep = Some(DoseSweep::new(&p, &drug, lo, hi, SWEEP_POINTS));
    }
}

/// Concentrations in the panel's sweep.
const SWEEP_POINTS: usize = 7;
