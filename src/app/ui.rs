//! The panels (egui): playback, stimulation, scenario files, view settings,
//! live plots, legend and the selected object's kinetic state.
//!
//! Each panel is a function of a plain view model that returns the actions
//! the user took (`AppCommand`s), so panels are tested with egui_kittest
//! without Bevy or a GPU; the systems here only move data between the ECS
//! and the view models, and size the 3D viewport to the space left.

use super::camera::{GoTo, Viewpoint};
use super::palette;
use super::scene::InInstance;
use super::scene::{self, Labels, Selectable, Selection};
use super::sim_bridge::{AppCommand, BUILTIN_COMPARISONS, CompareCommand, Instances, Playback, PlaybackCommand, SimState, Slot, SlowCommand, Target, builtin_comparison, differences, sim};
use super::time_lens::SlowClock;
use bevy::camera::Viewport;
use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use egui_plot::{Corner, HLine, Legend, Line, LineStyle, Plot, VLine};
use std::sync::{Arc, Mutex};
use synapse_core::experiment::Command;
use synapse_core::pharmacology::patch::DoseResponse;
use synapse_core::pharmacology::{Catalogue, Drug, Evidence, Mechanism};
use synapse_core::receptors::ReceptorKind;
use synapse_core::scenario::ClampMode;
use synapse_core::signalling::{SlowColumn, format_minutes};

/// Display settings that belong to the viewer, not the model.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct UiSettings {
    pub dark: bool,
    /// egui zoom factor (projector: 1.5–2).
    pub scale: f32,
    pub show_labels: bool,
    pub show_plots: bool,
    /// The signalling pathway inside the 3D spine (shown when the scenario
    /// has drugs on the slow clock).
    pub show_pathway: bool,
}

impl Default for UiSettings {
    fn default() -> Self {
        Self { dark: true, scale: 1.0, show_labels: true, show_plots: true, show_pathway: true }
    }
}

/// The UI plugin; `settings` are the starting theme and scale.
pub struct UiPlugin {
    pub settings: UiSettings,
}

/// The stimulation panel's model: the live solution and clamp, plus the
/// train the user is composing.
#[derive(Debug, Clone, PartialEq)]
pub struct StimView {
    pub hold_mv: f64,
    pub current_clamp: bool,
    pub mg_mm: f64,
    pub glycine_um: f64,
    pub d_serine_um: f64,
    pub ca_mm: f64,
    pub train_rate_hz: f64,
    pub train_count: u32,
}

impl StimView {
    pub fn of(state: &SimState) -> Self {
        let s = &state.sim;
        Self {
            hold_mv: s.membrane.hold_mv,
            current_clamp: s.membrane.mode == ClampMode::CurrentClamp,
            mg_mm: s.solution.mg_mm,
            glycine_um: s.solution.glycine_um,
            d_serine_um: s.solution.d_serine_um,
            ca_mm: s.solution.ca_mm,
            train_rate_hz: 20.0,
            train_count: 10,
        }
    }
}

/// Stimulation: spikes, trains, clamp, and the bath. Changes apply live.
pub fn stimulation_panel(ui: &mut egui::Ui, vm: &mut StimView) -> Vec<AppCommand> {
    let mut out = Vec::new();
    ui.horizontal(|ui| {
        if ui.button("⚡ Spike").on_hover_text("One presynaptic action potential (key S)").clicked() {
            out.push(sim(Command::Spike));
        }
        if ui.button("Mini").on_hover_text("Force one docked vesicle to fuse").clicked() {
            out.push(sim(Command::Mini));
        }
        if ui.button("GABA spike").on_hover_text("One spike of the interneuron").clicked() {
            out.push(sim(Command::InterneuronSpike));
        }
    });
    ui.horizontal(|ui| {
        ui.add(egui::DragValue::new(&mut vm.train_rate_hz).range(1.0..=200.0).suffix(" Hz"));
        ui.add(egui::DragValue::new(&mut vm.train_count).range(1..=100).suffix(" spikes"));
        if ui.button("Train").clicked() {
            out.push(sim(Command::Train { rate_hz: vm.train_rate_hz, count: vm.train_count }));
        }
    });
    ui.separator();
    if ui.checkbox(&mut vm.current_clamp, "Current clamp (free membrane)").changed() {
        out.push(sim(Command::Clamp(if vm.current_clamp { ClampMode::CurrentClamp } else { ClampMode::VoltageClamp })));
    }
    if !vm.current_clamp && ui.add(egui::Slider::new(&mut vm.hold_mv, -100.0..=40.0).text("holding mV")).changed() {
        out.push(sim(Command::HoldingMv(vm.hold_mv)));
    }
    if ui.add(egui::Slider::new(&mut vm.mg_mm, 0.0..=10.0).text("Mg2+ mM")).changed() {
        out.push(sim(Command::MgMm(vm.mg_mm)));
    }
    if ui.add(egui::Slider::new(&mut vm.glycine_um, 0.0..=100.0).logarithmic(true).text("glycine µM")).changed() {
        out.push(sim(Command::GlycineUm(vm.glycine_um)));
    }
    if ui.add(egui::Slider::new(&mut vm.d_serine_um, 0.0..=100.0).logarithmic(true).text("D-serine µM")).changed() {
        out.push(sim(Command::DSerineUm(vm.d_serine_um)));
    }
    if ui.add(egui::Slider::new(&mut vm.ca_mm, 0.0..=5.0).text("Ca2+ mM")).changed() {
        out.push(sim(Command::CaMm(vm.ca_mm)));
    }
    out
}

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
    match e {
        Evidence::Established => ("established", palette::egui(palette::ESTABLISHED)),
        Evidence::Hypothesis => ("hypothesis", palette::egui(palette::HYPOTHESIS)),
        Evidence::Illustrative => ("illustrative", palette::egui(palette::ILLUSTRATIVE)),
    }
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
    ui.add(egui::Slider::new(&mut vm.conc_um, 0.001..=10_000.0).logarithmic(true).text("µM"));
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
            let receptor = col.trim_start_matches(&format!("occ_{key}_"));
            ui.add(egui::ProgressBar::new(*v as f32).text(format!("{receptor}: {:.0}%", v * 100.0)).desired_height(14.0));
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

/// The literature potency and receptor a dose–response sweep of `drug` uses:
/// (receptor, IC50 or EC50 µM, maximal effect), or `None` for drugs that act
/// on release or uptake rather than on a receptor.
pub fn sweep_target(drug: &Drug) -> Option<(ReceptorKind, Option<f64>, f64)> {
    drug.mechanisms.iter().find_map(|m| match m {
        Mechanism::OpenChannelBlock { targets, ic50_um_minus70, .. } => Some((targets[0], Some(*ic50_um_minus70), 1.0)),
        Mechanism::Allosteric { targets, ic50_um, emax, .. } => Some((targets[0], Some(*ic50_um), -emax)),
        Mechanism::Competitive { targets, ki_um, .. } => Some((targets[0], Some(*ki_um), 1.0)),
        Mechanism::MagnesiumBlock { targets, .. } => Some((targets[0], None, 1.0)),
        Mechanism::SlowsClosing { targets, ec50_um, .. } | Mechanism::InvertedU { targets, ec50_um, .. } => Some((targets[0], Some(*ec50_um), -1.0)),
        Mechanism::GlycineSite { ec50_2a_um, .. } => Some((ReceptorKind::Nmda2A, Some(*ec50_2a_um), -1.0)),
        _ => None,
    })
}

/// A dose–response sweep running off the frame (it takes seconds).
#[derive(Resource, Default)]
pub struct DoseJob {
    pub running: Option<String>,
    pub result: Arc<Mutex<Option<(String, DoseResponse)>>>,
    pub last: Option<(String, DoseResponse)>,
}

/// The dose–response panel: sweep the selected drug through a simulated
/// patch and plot simulated inhibition against the literature Hill curve.
/// Returns true when the user asks for a sweep.
pub fn dose_panel(ui: &mut egui::Ui, drug: &Drug, running: bool, last: Option<&DoseResponse>) -> bool {
    let Some((kind, lit, emax)) = sweep_target(drug) else {
        ui.small("Acts on release or uptake, not on a receptor: no receptor dose-response.");
        return false;
    };
    ui.small(format!("{} receptors, 100 µM glutamate bath, -70 mV, 0 Mg2+ (Gilling et al. 2009 protocol).", kind.label()));
    let clicked = ui.add_enabled(!running, egui::Button::new(if running { "Sweeping… (seconds)" } else { "Sweep through the simulation" })).clicked();
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
                if let Some(k) = lit {
                    let (lo, hi) = (r.conc_um[0].log10(), r.conc_um[r.conc_um.len() - 1].log10());
                    let curve: Vec<[f64; 2]> = (0..=60).map(|i| lo + (hi - lo) * i as f64 / 60.0).map(|x| [x, emax * 10f64.powf(x) / (10f64.powf(x) + k)]).collect();
                    p.line(Line::new("literature Hill (n = 1)", curve));
                }
            });
        ui.small(format!("simulated IC50 {:.3} µM, Hill slope {:.2}", r.ic50_um, r.hill));
    }
    clicked
}

/// The playback bar's model.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaybackView {
    pub playing: bool,
    pub bio_us_per_s: f64,
    pub t_ms: f64,
    pub lagging: bool,
    pub actual_bio_us_per_s: f64,
}

/// "1 s on screen = …" with the slow-down factor.
pub fn speed_text(bio_us_per_s: f64) -> String {
    let slow = 1e6 / bio_us_per_s;
    let amount = if bio_us_per_s < 1000.0 { format!("{bio_us_per_s:.3} µs") } else { format!("{:.3} ms", bio_us_per_s / 1000.0) };
    if slow >= 1.0 { format!("1 s on screen = {amount} of biology ({slow:.0}× slower than life)") } else { format!("1 s on screen = {amount} of biology ({:.1}× faster than life)", 1.0 / slow) }
}

pub fn playback_bar(ui: &mut egui::Ui, vm: &mut PlaybackView) -> Vec<AppCommand> {
    let mut out = Vec::new();
    ui.horizontal_wrapped(|ui| {
        let label = if vm.playing { "⏸ Pause" } else { "▶ Play" };
        if ui.button(label).on_hover_text("Space").clicked() {
            vm.playing = !vm.playing;
            out.push(AppCommand::Playback(PlaybackCommand::Play(vm.playing)));
        }
        if ui.button("⏭ Step").on_hover_text("One time step (→)").clicked() {
            out.push(AppCommand::Playback(PlaybackCommand::StepOnce));
        }
        if ui.button("⟲ Restart").clicked() {
            out.push(sim(Command::Restart));
        }
        ui.separator();
        ui.label("speed");
        if ui.add(egui::Slider::new(&mut vm.bio_us_per_s, 1.0..=2_000_000.0).logarithmic(true).show_value(false)).changed() {
            out.push(AppCommand::Playback(PlaybackCommand::Speed(vm.bio_us_per_s)));
        }
        ui.separator();
        ui.strong(format!("t = {:.3} ms", vm.t_ms));
        ui.label(speed_text(vm.bio_us_per_s));
        if vm.lagging {
            ui.colored_label(palette::egui(palette::WARNING), format!("(computing limits it to {})", speed_text(vm.actual_bio_us_per_s)));
        }
    });
    out
}

/// The time lens bar's model: the slow clock beside the fast one.
#[derive(Debug, Clone, PartialEq)]
pub struct LensView {
    pub playing: bool,
    /// Slow minutes per real second.
    pub min_per_s: f64,
    pub t_min: f64,
    pub moments: Vec<String>,
}

/// "1 s on screen = 1 min of the slow clock (×60 faster than life)".
pub fn slow_speed_text(min_per_s: f64) -> String {
    let amount = if min_per_s < 1.0 {
        format!("{:.0} s", min_per_s * 60.0)
    } else if min_per_s < 120.0 {
        format!("{min_per_s:.0} min")
    } else {
        format!("{:.1} h", min_per_s / 60.0)
    };
    format!("1 s on screen = {amount} ({:.0}× faster than life)", min_per_s * 60.0)
}

/// Slow clock: run/pause, its rate, jumps ahead, kept moments to go back to.
pub fn time_lens_bar(ui: &mut egui::Ui, vm: &mut LensView) -> Vec<AppCommand> {
    let mut out = Vec::new();
    ui.horizontal_wrapped(|ui| {
        ui.add(egui::Label::new(egui::RichText::new(format!("slow clock {}", format_minutes(vm.t_min))).strong()).wrap_mode(egui::TextWrapMode::Extend));
        let label = if vm.playing { "⏸" } else { "▶" };
        if ui.button(label).on_hover_text("Run or pause the slow clock: BDNF, mTORC1, spines (T)").clicked() {
            vm.playing = !vm.playing;
            out.push(AppCommand::Slow(SlowCommand::Play(vm.playing)));
        }
        if ui.add(egui::Slider::new(&mut vm.min_per_s, 1.0 / 6.0..=120.0).logarithmic(true).show_value(false)).changed() {
            out.push(AppCommand::Slow(SlowCommand::Rate(vm.min_per_s)));
        }
        ui.label(slow_speed_text(vm.min_per_s));
        for (text, minutes) in [("+10 min", 10.0), ("+1 h", 60.0), ("+24 h", 1440.0)] {
            if ui.button(text).on_hover_text("Jump the slow clock ahead; the synapse is re-sampled from the slow state (J: +1 h)").clicked() {
                out.push(sim(Command::SlowJump { minutes }));
            }
        }
        if ui.button("Keep moment").clicked() {
            out.push(sim(Command::KeepMoment));
        }
        egui::ComboBox::from_id_salt("moments").selected_text("Back to…").show_ui(ui, |ui| {
            for (i, m) in vm.moments.iter().enumerate() {
                if ui.selectable_label(false, m).clicked() {
                    out.push(sim(Command::RestoreMoment(i)));
                }
            }
        });
    });
    out
}

/// One experiment in the plots: its label ("" alone, "A" / "B" in a
/// comparison) and how its lines are drawn (A solid, B dashed).
pub struct Shown<'a> {
    pub label: &'static str,
    pub state: &'a SimState,
}

impl Shown<'_> {
    fn name(&self, what: &str) -> String {
        if self.label.is_empty() { what.to_string() } else { format!("{what} ({})", self.label) }
    }

    fn style(&self) -> LineStyle {
        if self.label == "B" { LineStyle::dashed_loose() } else { LineStyle::Solid }
    }
}

/// The slow clock's plots: drug levels (the PK curve with now marked),
/// resting NMDA block, the cascade against its calibration targets; in a
/// comparison A solid and B dashed on the same axes.
fn slow_plots(ui: &mut egui::Ui, shown: &[Shown]) {
    let Some(first) = shown.first() else { return };
    let now = first.state.cascade.t_min() / 60.0;
    let series = |s: &Shown, c: SlowColumn| -> Vec<[f64; 2]> { s.state.slow.series(c).map(|(t, v)| [t / 60.0, v]).collect() };
    let h = 120.0;
    let plot = |id: &str, y: &str| {
        Plot::new(id.to_string())
            .height(h)
            .legend(Legend::default().position(Corner::RightTop))
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .x_axis_label("slow clock (h)")
            .y_axis_label(y.to_string())
    };
    let mark = VLine::new("now", now);
    // The PK curve is a function of the schedule: drawn ahead of now too.
    let end_h = now.max(24.0);
    if shown.iter().any(|s| !s.state.cascade.drug_keys().is_empty()) {
        plot("pk", "free brain (µM)").show(ui, |p| {
            for s in shown {
                let c = &s.state.cascade;
                for (i, k) in c.drug_keys().iter().enumerate() {
                    let pts: Vec<[f64; 2]> = (0..=300)
                        .map(|j| {
                            let t = end_h * j as f64 / 300.0;
                            [t, c.concentrations_um(t * 60.0)[i].1]
                        })
                        .collect();
                    p.line(Line::new(s.name(k), pts).style(s.style()));
                }
            }
            p.vline(mark.clone());
        });
        plot("block", "NMDA block at rest").show(ui, |p| {
            for s in shown {
                p.line(Line::new(s.name("interneurons"), series(s, SlowColumn::BlockInterneuron)).style(s.style()));
                p.line(Line::new(s.name("pyramidal"), series(s, SlowColumn::BlockPyramidal)).style(s.style()));
            }
            p.vline(mark.clone());
        });
    }
    plot("cascade", "× baseline").show(ui, |p| {
        for s in shown {
            p.line(Line::new(s.name("glutamate"), series(s, SlowColumn::GlutamateSurge)).color(palette::egui(palette::GLUTAMATE)).style(s.style()));
            p.line(Line::new(s.name("BDNF"), series(s, SlowColumn::Bdnf)).color(palette::egui(palette::BDNF)).style(s.style()));
            p.line(Line::new(s.name("mTORC1"), series(s, SlowColumn::Mtorc1)).color(palette::egui(palette::MTORC1)).style(s.style()));
        }
        p.hline(HLine::new("BDNF target +30-50%", 1.4).color(palette::egui_alpha(palette::BDNF, 90)).width(6.0));
        p.vline(mark.clone());
    });
    plot("structure", "× baseline").show(ui, |p| {
        for s in shown {
            p.line(Line::new(s.name("synaptic proteins"), series(s, SlowColumn::SynapticProteins)).color(palette::egui(palette::SYNAPTIC_PROTEINS)).style(s.style()));
            p.line(Line::new(s.name("spine density"), series(s, SlowColumn::SpineDensity)).color(palette::egui(palette::SPINES)).style(s.style()));
        }
        p.hline(HLine::new("spines at 24 h: +30-40%", 1.35).color(palette::egui_alpha(palette::SPINES, 90)).width(6.0));
        p.vline(mark.clone());
    });
    if let [a, b] = shown {
        plot("slow-diff", "B − A (× baseline)").show(ui, |p| {
            for (col, name, color) in [(SlowColumn::Bdnf, "BDNF", palette::egui(palette::BDNF)), (SlowColumn::SpineDensity, "spine density", palette::egui(palette::SPINES))] {
                let (sa, sb) = (series(a, col), series(b, col));
                let diff: Vec<[f64; 2]> = sa.iter().zip(&sb).map(|(x, y)| [x[0], y[1] - x[1]]).collect();
                p.line(Line::new(format!("{name}: B − A"), diff).color(color));
            }
            p.vline(mark.clone());
        });
    }
    ui.small("Targets: Li et al. 2010; Autry et al. 2011; Moda-Sava et al. 2019 (docs/model.md §7). Cascade constants are assumptions; the disinhibition step is contested (hypothesis).");
}

/// Scenario files: the built-in scenarios by name, open and save any file,
/// with the error of a bad file shown in place.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScenarioView {
    pub path: String,
    pub message: Option<(String, bool)>,
    /// The built-in scenarios: (name, title, description).
    pub builtins: Vec<(String, String, String)>,
}

impl ScenarioView {
    /// The view with the built-in scenarios listed (parsed once).
    pub fn with_builtins() -> Self {
        let builtins = synapse_core::builtin::names().into_iter().filter_map(|n| synapse_core::builtin::get(n).map(|s| (n.to_string(), s.name, s.description))).collect();
        Self { builtins, ..Default::default() }
    }
}

pub enum FileAction {
    Open(String),
    Save(String),
}

pub fn scenario_panel(ui: &mut egui::Ui, vm: &mut ScenarioView) -> Option<FileAction> {
    let mut act = None;
    egui::ComboBox::from_id_salt("builtin-scenarios").selected_text("Built-in scenarios…").width(230.0).show_ui(ui, |ui| {
        for (name, title, description) in &vm.builtins {
            if ui.selectable_label(false, title).on_hover_text(format!("{name}: {description}")).clicked() {
                act = Some(FileAction::Open(name.clone()));
            }
        }
    });
    ui.horizontal(|ui| {
        ui.add(egui::TextEdit::singleline(&mut vm.path).desired_width(170.0).hint_text("a .ron file or a built-in name"));
        if ui.button("Open").clicked() {
            act = Some(FileAction::Open(vm.path.clone()));
        }
        if ui.button("Save").clicked() {
            act = Some(FileAction::Save(vm.path.clone()));
        }
    });
    if let Some((msg, ok)) = &vm.message {
        let color = if *ok { palette::egui(palette::ESTABLISHED) } else { palette::egui(palette::ERROR) };
        ui.colored_label(color, msg);
    }
    act
}

fn legend(ui: &mut egui::Ui) {
    ui.horizontal_wrapped(|ui| {
        for (c, text) in palette::legend().into_iter().chain([palette::DRUG_LEGEND]) {
            ui.colored_label(palette::egui(c), "■");
            ui.label(text);
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.label("States: dim = closed, bright = glutamate bound, white glow = open, grey = desensitised, black = pore blocked (Mg2+, or a drug such as ketamine, trapped).");
    });
    ui.small(scene::SCALE_NOTE);
}

/// The fast clock's plots, on the same clock as the 3D view; in a
/// comparison A solid and B dashed, and B − A of the synaptic current.
fn plots(ui: &mut egui::Ui, shown: &[Shown], t_now: f64) {
    let series = |s: &Shown, f: &dyn Fn(&synapse_core::recorder::Observables) -> f64| -> Vec<[f64; 2]> { s.state.history.rows.iter().map(|r| [r.t_ms, f(r)]).collect() };
    let n_plots = if shown.len() > 1 { 6.0 } else { 5.0 };
    let h = ((ui.available_height() - 60.0) / n_plots).clamp(70.0, 170.0);
    let plot =
        |id: &str, y: &str| Plot::new(id.to_string()).height(h).legend(Legend::default().position(Corner::LeftTop)).allow_drag(false).allow_zoom(false).allow_scroll(false).y_axis_label(y.to_string());
    let now = VLine::new("now", t_now);
    let kc = |k: ReceptorKind| palette::egui(palette::receptor(k));
    plot("glu", "cleft Glu (mM)").show(ui, |p| {
        for s in shown {
            p.line(Line::new(s.name("cleft glutamate"), series(s, &|r| r.glu_cleft_uM / 1000.0)).color(palette::egui(palette::GLUTAMATE)).style(s.style()));
        }
        p.vline(now.clone());
    });
    plot("open", "open fraction").show(ui, |p| {
        for s in shown {
            p.line(Line::new(s.name("AMPA"), series(s, &|r| r.ampa_open_frac)).color(kc(ReceptorKind::Ampa)).style(s.style()));
            p.line(Line::new(s.name("NMDA 2A"), series(s, &|r| r.nmda2a_open_frac)).color(kc(ReceptorKind::Nmda2A)).style(s.style()));
            p.line(Line::new(s.name("NMDA 2B"), series(s, &|r| r.nmda2b_open_frac)).color(kc(ReceptorKind::Nmda2B)).style(s.style()));
            p.line(Line::new(s.name("kainate"), series(s, &|r| r.kainate_open_frac)).color(kc(ReceptorKind::Kainate)).style(s.style()));
            p.line(Line::new(s.name("mGlu1/5"), series(s, &|r| r.mglu1_active_frac)).color(kc(ReceptorKind::MgluGroup1)).style(s.style()));
        }
        p.vline(now.clone());
    });
    plot("current", "current (pA)").show(ui, |p| {
        for s in shown {
            p.line(Line::new(s.name("AMPA"), series(s, &|r| r.i_ampa_pA)).color(kc(ReceptorKind::Ampa)).style(s.style()));
            p.line(Line::new(s.name("NMDA"), series(s, &|r| r.i_nmda_pA)).color(kc(ReceptorKind::Nmda2A)).style(s.style()));
            p.line(Line::new(s.name("GABA-A"), series(s, &|r| r.i_gaba_pA)).color(palette::egui(palette::INTERNEURON.with_alpha(1.0))).style(s.style()));
        }
        p.vline(now.clone());
    });
    if let [a, b] = shown {
        plot("diff", "B − A current (pA)").show(ui, |p| {
            // Both instances run on one clock: rows are at the same times.
            let diff = |f: &dyn Fn(&synapse_core::recorder::Observables) -> f64| -> Vec<[f64; 2]> {
                a.state.history.rows.iter().zip(&b.state.history.rows).filter(|(x, y)| x.t_ms == y.t_ms).map(|(x, y)| [x.t_ms, f(y) - f(x)]).collect()
            };
            p.line(Line::new("AMPA: B − A", diff(&|r| r.i_ampa_pA)).color(kc(ReceptorKind::Ampa)));
            p.line(Line::new("NMDA: B − A", diff(&|r| r.i_nmda_pA)).color(kc(ReceptorKind::Nmda2A)));
            p.vline(now.clone());
        });
    }
    plot("vm", "Vm (mV)").show(ui, |p| {
        for s in shown {
            p.line(Line::new(s.name("membrane"), series(s, &|r| r.vm_mV)).style(s.style()));
        }
        p.vline(now.clone());
    });
    plot("pools", "change (µM)").show(ui, |p| {
        for s in shown {
            let first = s.state.history.rows.front().copied().unwrap_or_default();
            p.line(Line::new(s.name("astro Glu"), series(s, &|r| (r.astro_glu_mM - first.astro_glu_mM) * 1e3)).style(s.style()));
            p.line(Line::new(s.name("astro Gln"), series(s, &|r| (r.astro_gln_mM - first.astro_gln_mM) * 1e3)).style(s.style()));
            p.line(Line::new(s.name("neuron Glu"), series(s, &|r| (r.neuron_glu_mM - first.neuron_glu_mM) * 1e3)).style(s.style()));
        }
        p.vline(now);
    });
}

fn selection_info(ui: &mut egui::Ui, sel: Selectable, state: &SimState) {
    let s = &state.sim;
    match sel {
        Selectable::Receptor(k) if k < s.receptors.len() => {
            let r = &s.receptors;
            let ty = &r.types[r.kind[k] as usize];
            let st = &ty.scheme.states[r.state[k] as usize];
            ui.strong(format!("{} receptor #{k}", ty.kind.label()));
            ui.label(format!("state {} ({}), {} glutamate bound", st.name, scene::look_of(state, k).label(), st.glu_bound));
            ui.label(format!("scheme: {}", ty.scheme.name));
            let names: Vec<&str> = ty.scheme.states.iter().map(|s| s.name).collect();
            ui.label(format!("states: {}", names.join(" · ")));
            ui.small(format!("source: {}", ty.scheme.source));
            ui.small(format!("at ({:.0}, {:.0}) nm from the synapse axis", r.x_um[k] * 1e3, r.y_um[k] * 1e3));
        }
        Selectable::DockSite(d) if d < s.pre.sites.len() => {
            let site = &s.pre.sites[d];
            ui.strong(format!("Docking site #{d}"));
            match site.vesicle {
                Some(c) => ui.label(format!("vesicle docked, {c:.0} glutamate (VGLUT-loaded); Ca2+ sensor: {}/5 sites bound", site.sensor)),
                None => ui.label("empty: refills from the reserve at 0.24 /s (Wesseling & Lo 2002)"),
            };
            ui.small("sensor: synchronous 5-site model, Sun et al. 2007");
        }
        Selectable::CaChannel(c) => {
            let open = s.pre.ca_channel_open.get(c).copied().unwrap_or(false);
            ui.strong(format!("Ca2+ channel #{c}: {}", if open { "open" } else { "closed" }));
            ui.label(format!("nanodomain [Ca2+] at the sensors: {:.1} µM", s.pre.ca_local_um));
        }
        Selectable::Pathway(i) if i < super::pathway::NODES.len() => {
            let n = &super::pathway::NODES[i];
            ui.strong(n.long);
            ui.label(format!("{} at slow clock {}", super::pathway::level_text(n, &state.cascade), format_minutes(state.cascade.t_min())));
            ui.small(format!("source: {}", n.source));
            ui.small(format!("evidence: {}", n.evidence));
        }
        Selectable::Transporters => {
            let t = &s.transporters;
            ui.strong("Astrocyte EAATs (GLT-1 + GLAST)");
            ui.label(format!("{} carriers: {} glutamate-bound, {} cycling back", t.count(), t.bound_glutamate(), t.cycling_count()));
            ui.label(format!("{} glutamate taken up so far", t.taken_up));
            ui.small("density 8,500 + 2,300 /µm² (Lehre & Danbolt 1998); Km 15 µM (Wadiche 1995); 20 ms cycle");
        }
        _ => {}
    }
}

/// The built-in drug catalogue.
#[derive(Resource)]
pub struct DrugCatalogue(pub Catalogue);

/// The 3D view's rectangle in egui points (what the panels leave) and each
/// instance's part of it, for the cameras to know when the pointer is over
/// their scene.
#[derive(Resource, Default, Debug, Clone, PartialEq)]
pub struct ViewRect {
    pub all: Option<egui::Rect>,
    pub parts: Vec<(Entity, egui::Rect)>,
}

impl ViewRect {
    /// Instance `e`'s part of the 3D view.
    pub fn rect_of(&self, e: Entity) -> Option<egui::Rect> {
        self.parts.iter().find(|(x, _)| *x == e).map(|(_, r)| *r).or(self.all)
    }
}

/// Everything the UI system keeps between frames.
#[derive(Resource, Default)]
pub struct UiState {
    pub scenario: ScenarioView,
    drugs: Option<DrugView>,
    stim: Option<StimView>,
    /// The instance the panels showed last and its generation.
    shown: Option<(Entity, u64)>,
    applied: Option<(bool, f32)>,
}

impl Plugin for UiPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(self.settings.clone());
        let catalogue = Catalogue::builtin().unwrap_or_else(|e| {
            // The files are built in and tested; say so rather than panic.
            eprintln!("warning: the drug catalogue could not be read: {e}");
            Catalogue::default()
        });
        app.insert_resource(DrugCatalogue(catalogue)).init_resource::<UiState>().init_resource::<ViewRect>().init_resource::<DoseJob>().add_systems(EguiPrimaryContextPass, ui_system);
    }
}

/// The comparison panel's model.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareView {
    pub comparing: bool,
    pub target: Target,
    pub linked: bool,
    /// What B differs in from A (empty: identical).
    pub differences: Vec<String>,
}

/// A/B comparison: start one (B as a copy of A, or a built-in pair), say
/// where the panels' commands go (A, B or both), link the cameras, stop.
pub fn compare_panel(ui: &mut egui::Ui, vm: &mut CompareView) -> Vec<AppCommand> {
    let mut out = Vec::new();
    if !vm.comparing {
        if ui.button("Compare…").on_hover_text("B starts as an exact copy of A (same seed, same state): change B and every difference on screen comes from that change").clicked() {
            out.push(AppCommand::Compare(CompareCommand::Start(None)));
        }
    } else {
        ui.horizontal(|ui| {
            ui.label("panels act on");
            for (t, name) in [(Target::A, "A"), (Target::B, "B"), (Target::Both, "both")] {
                if ui.selectable_label(vm.target == t, name).clicked() {
                    vm.target = t;
                    out.push(AppCommand::Compare(CompareCommand::Target(t)));
                }
            }
        });
        if ui.checkbox(&mut vm.linked, "Link cameras").changed() {
            out.push(AppCommand::Compare(CompareCommand::LinkCameras(vm.linked)));
        }
        ui.label(if vm.differences.is_empty() { "B is identical to A".to_string() } else { format!("B: {}", vm.differences.join(", ")) });
        if ui.button("Stop comparing").clicked() {
            out.push(AppCommand::Compare(CompareCommand::Stop));
        }
    }
    ui.label("Built-in comparisons:");
    for (label, a, b) in BUILTIN_COMPARISONS {
        if ui.button(label).on_hover_text(format!("A = {a}, B = {b}, both from t = 0")).clicked()
            && let Some(c) = builtin_comparison(a, b)
        {
            out.push(c);
        }
    }
    out
}

/// Panel commands address "the panels' target"; send them where the
/// comparison panel points (A alone when not comparing).
fn retarget(c: AppCommand, target: Target) -> AppCommand {
    match c {
        AppCommand::Sim(_, cmd) => AppCommand::Sim(target, cmd),
        AppCommand::LoadScenario { scenario, source, .. } => AppCommand::LoadScenario { target, scenario, source },
        other @ (AppCommand::Playback(_) | AppCommand::Slow(_) | AppCommand::Compare(_)) => other,
    }
}

/// The title of one half: "A — Single spike at rest" / "B — + Ketamine 10 µM".
pub fn half_title(slot: Slot, state: &SimState, differences: &[String]) -> String {
    match slot {
        Slot::A => format!("A — {}", state.base().name),
        Slot::B if differences.is_empty() => "B — identical to A".to_string(),
        Slot::B => format!("B — {}", differences.join(", ")),
    }
}

fn ui_system(
    mut contexts: EguiContexts,
    mut settings: ResMut<UiSettings>,
    mut ui_state: ResMut<UiState>,
    states: Query<(Entity, &SimState, &Slot, Option<&Labels>)>,
    (instances, playback, clock): (Res<Instances>, Res<Playback>, Res<SlowClock>),
    mut selection: ResMut<Selection>,
    (mut actions, mut goto): (MessageWriter<AppCommand>, MessageWriter<GoTo>),
    mut cameras: Query<(&mut Camera, &mut Projection, &GlobalTransform, &InInstance), With<Camera3d>>,
    window: Query<&Window, With<PrimaryWindow>>,
    mut clear: ResMut<ClearColor>,
    mut view_rect: ResMut<ViewRect>,
    catalogue: Res<DrugCatalogue>,
    mut dose: ResMut<DoseJob>,
) -> Result {
    if let Some(done) = dose.result.lock().ok().and_then(|mut r| r.take()) {
        dose.running = None;
        dose.last = Some(done);
    }
    let Ok((_, a_state, _, _)) = states.get(instances.a) else { return Ok(()) };
    let b_state = instances.b.and_then(|b| states.get(b).ok()).map(|(_, s, _, _)| s);
    // The panels show the instance they act on (A, or B when they address B alone).
    let state = states.get(instances.shown()).map(|(_, s, _, _)| s).unwrap_or(a_state);
    let differences = b_state.map(|b| differences(a_state, b)).unwrap_or_default();
    let ctx = contexts.ctx_mut()?.clone();
    if ui_state.applied != Some((settings.dark, settings.scale)) {
        ctx.set_visuals(if settings.dark { egui::Visuals::dark() } else { egui::Visuals::light() });
        ctx.set_zoom_factor(settings.scale);
        clear.0 = palette::background(settings.dark);
        ui_state.applied = Some((settings.dark, settings.scale));
    }
    let shown_key = (instances.shown(), state.generation);
    if ui_state.shown != Some(shown_key) || ui_state.stim.is_none() {
        // The train being composed is the user's, not the model's: keep it.
        let train = ui_state.stim.as_ref().map(|v| (v.train_rate_hz, v.train_count));
        let mut vm = StimView::of(state);
        if let Some((rate, count)) = train {
            (vm.train_rate_hz, vm.train_count) = (rate, count);
        }
        ui_state.stim = Some(vm);
        ui_state.shown = Some(shown_key);
        if ui_state.scenario.builtins.is_empty() {
            ui_state.scenario = ScenarioView { path: std::mem::take(&mut ui_state.scenario.path), ..ScenarioView::with_builtins() };
        }
        if ui_state.scenario.path.is_empty() {
            ui_state.scenario.path = state.source.clone();
        }
    }
    // The sliders show the model as it is, whatever set it (a key, a lecture,
    // the other panel); the train being composed stays the user's.
    if let Some(vm) = ui_state.stim.as_mut() {
        let now = StimView::of(state);
        *vm = StimView { train_rate_hz: vm.train_rate_hz, train_count: vm.train_count, ..now };
    }
    let mut root = egui::Ui::new(ctx.clone(), "root".into(), egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(ctx.viewport_rect()));
    let mut out: Vec<AppCommand> = Vec::new();

    let top = egui::Panel::top("playback")
        .show(&mut root, |ui| {
            let mut vm = PlaybackView {
                playing: playback.playing,
                bio_us_per_s: playback.bio_us_per_s,
                t_ms: a_state.sim.t_ms(),
                lagging: playback.lagging,
                actual_bio_us_per_s: playback.actual_bio_us_per_s(a_state.sim.dt_ms()),
            };
            ui.horizontal(|ui| {
                ui.heading("Synapse Lab");
                match b_state {
                    None => ui.label(format!("— {}", a_state.sim.scenario.name)),
                    Some(_) => ui.label(format!("— comparing A: {} with {}", a_state.base().name, half_title(Slot::B, a_state, &differences))),
                };
            });
            out.extend(playback_bar(ui, &mut vm));
            let mut lens = LensView { playing: clock.playing, min_per_s: clock.min_per_s, t_min: state.cascade.t_min(), moments: state.slow.moments.iter().map(|m| m.label.clone()).collect() };
            out.extend(time_lens_bar(ui, &mut lens));
        })
        .response
        .rect
        .height();

    let bottom = egui::Panel::bottom("legend").show(&mut root, legend).response.rect.height();

    let left = egui::Panel::left("controls")
        .default_size(260.0)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                egui::CollapsingHeader::new("Compare A / B").default_open(b_state.is_some()).show(ui, |ui| {
                    let mut vm = CompareView { comparing: b_state.is_some(), target: instances.target, linked: instances.linked_cameras, differences: differences.clone() };
                    out.extend(compare_panel(ui, &mut vm));
                });
                egui::CollapsingHeader::new("Stimulation").default_open(true).show(ui, |ui| {
                    if let Some(vm) = ui_state.stim.as_mut() {
                        out.extend(stimulation_panel(ui, vm));
                    }
                });
                egui::CollapsingHeader::new("Drugs").default_open(true).show(ui, |ui| {
                    let vm = ui_state.drugs.get_or_insert_with(|| DrugView { selected: "ketamine".into(), conc_um: 1.0, applied: Vec::new(), occupancy: Vec::new() });
                    vm.applied = state.sim.drugs.iter().map(|a| (a.drug.key.clone(), a.drug.name.clone(), a.conc_um)).collect();
                    vm.occupancy = state.sim.drug_occupancy();
                    out.extend(drugs_panel(ui, vm, &catalogue.0));
                    if let Ok(drug) = catalogue.0.get(&vm.selected) {
                        egui::CollapsingHeader::new("Dose-response").id_salt("dose").show(ui, |ui| {
                            let last = dose.last.as_ref().filter(|(k, _)| *k == drug.key).map(|(_, r)| r);
                            if dose_panel(ui, drug, dose.running.is_some(), last) {
                                start_sweep(&mut dose, drug.clone());
                            }
                        });
                    }
                });
                egui::CollapsingHeader::new("Scenario file").default_open(false).show(ui, |ui| {
                    if let Some(act) = scenario_panel(ui, &mut ui_state.scenario) {
                        handle_file(act, state, &mut ui_state.scenario, &mut out);
                    }
                });
                egui::CollapsingHeader::new("View").default_open(true).show(ui, |ui| {
                    ui.horizontal_wrapped(|ui| {
                        for v in Viewpoint::ALL {
                            if ui.button(v.label()).clicked() {
                                goto.write(GoTo(v));
                            }
                        }
                    });
                    ui.checkbox(&mut settings.show_labels, "Labels");
                    ui.checkbox(&mut settings.show_plots, "Plots");
                    ui.checkbox(&mut settings.show_pathway, "Pathway in 3D (drug scenarios)");
                    ui.horizontal(|ui| {
                        ui.selectable_value(&mut settings.dark, true, "Dark");
                        ui.selectable_value(&mut settings.dark, false, "Light");
                    });
                    ui.add(egui::Slider::new(&mut settings.scale, 0.75..=2.5).text("UI scale"));
                });
                let selected_state = selection.1.and_then(|e| states.get(e).ok()).map(|(_, s, slot, _)| (s, *slot));
                egui::CollapsingHeader::new("Selected").default_open(true).show(ui, |ui| match (selection.0, selected_state) {
                    (Some(sel), Some((s, slot))) => {
                        if b_state.is_some() {
                            ui.small(format!("in {}", slot.letter()));
                        }
                        selection_info(ui, sel, s)
                    }
                    _ => {
                        ui.label("Click a receptor, vesicle, Ca2+ channel or the astrocyte.");
                    }
                });
                let l = state.sim.ledger();
                ui.small(format!(
                    "glutamate: {} released = {} free + {} on receptors + {} in EAATs + {} taken up + {} escaped",
                    l.released, l.free, l.bound_receptors, l.bound_transporters, l.taken_up, l.escaped
                ));
            });
        })
        .response
        .rect
        .width();

    let mut shown = vec![Shown { label: if b_state.is_some() { "A" } else { "" }, state: a_state }];
    if let Some(b) = b_state {
        shown.push(Shown { label: "B", state: b });
    }
    let right = if settings.show_plots {
        egui::Panel::right("plots")
            .default_size(380.0)
            .show(&mut root, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    let slow = shown.iter().any(|s| !s.state.cascade.drug_keys().is_empty());
                    egui::CollapsingHeader::new("Pathway (slow clock)").default_open(slow).show(ui, |ui| {
                        let sel = match selection.0 {
                            Some(Selectable::Pathway(i)) => Some(i),
                            _ => None,
                        };
                        if let Some(i) = super::pathway::pathway_graph(ui, &state.cascade, sel) {
                            *selection = Selection(Some(Selectable::Pathway(i)), Some(instances.shown()));
                        }
                    });
                    egui::CollapsingHeader::new("Slow clock plots").default_open(slow).show(ui, |ui| slow_plots(ui, &shown));
                    egui::CollapsingHeader::new("Fast clock plots").default_open(true).show(ui, |ui| plots(ui, &shown, a_state.sim.t_ms()));
                });
            })
            .response
            .rect
            .width()
    } else {
        0.0
    };

    // The 3D view gets what the panels leave; a comparison splits it in two
    // side by side, A on the left.
    let zoom = ctx.zoom_factor();
    let all = egui::Rect::from_min_max(egui::pos2(left, top), ctx.viewport_rect().max - egui::vec2(right, bottom));
    let halves: Vec<(Entity, Slot, egui::Rect)> = match instances.b {
        Some(b) => {
            let mid = all.center().x;
            vec![(instances.a, Slot::A, all.with_max_x(mid - 1.0)), (b, Slot::B, all.with_min_x(mid + 1.0))]
        }
        None => vec![(instances.a, Slot::A, all)],
    };
    *view_rect = ViewRect { all: Some(all), parts: halves.iter().map(|(e, _, r)| (*e, *r)).collect() };
    let Ok(win) = window.single() else { return Ok(()) };
    let sf = win.scale_factor() * zoom;
    let painter = ctx.layer_painter(egui::LayerId::new(egui::Order::Foreground, "labels".into()));
    let color = if settings.dark { egui::Color32::from_gray(235) } else { egui::Color32::from_gray(20) };
    for (mut cam, mut projection, cam_transform, of) in &mut cameras {
        let Some(&(root_e, slot, rect)) = halves.iter().find(|(e, _, _)| *e == of.0) else {
            // An instance not on screen any more: its camera draws nothing.
            cam.is_active = false;
            continue;
        };
        cam.is_active = true;
        let pos = UVec2::new((rect.min.x * sf) as u32, (rect.min.y * sf) as u32);
        let size = UVec2::new((rect.width() * sf) as u32, (rect.height() * sf) as u32);
        let full = UVec2::new(win.physical_width(), win.physical_height());
        if size.x > 16 && size.y > 16 && pos.x + size.x <= full.x && pos.y + size.y <= full.y {
            cam.viewport = Some(Viewport { physical_position: pos, physical_size: size, ..default() });
        }
        // A half-width view keeps most of what the full view shows: its
        // vertical field of view widens by the square root of the aspect loss.
        let widen = (all.width() / rect.width().max(1.0)).sqrt();
        let fov = 2.0 * (widen * (std::f32::consts::FRAC_PI_4 / 2.0).tan()).atan();
        if let Projection::Perspective(p) = projection.as_mut()
            && (p.fov - fov).abs() > 1e-4
        {
            p.fov = fov;
        }
        let Ok((_, st, _, labels)) = states.get(root_e) else { continue };
        if b_state.is_some() {
            // Which synapse is which, and what B differs in.
            let title = half_title(slot, st, &differences);
            let galley = painter.layout_no_wrap(title, egui::FontId::proportional(17.0), color);
            let at = rect.left_top() + egui::vec2(8.0, 6.0);
            painter.rect_filled(
                egui::Rect::from_min_size(at, galley.size()).expand(4.0),
                4.0,
                if settings.dark { egui::Color32::from_rgba_unmultiplied(20, 22, 28, 215) } else { egui::Color32::from_rgba_unmultiplied(245, 246, 248, 215) },
            );
            painter.galley(at, galley, color);
        }
        if settings.show_labels
            && let Some(labels) = labels
        {
            let inside = rect.shrink(6.0);
            for (text, p) in &labels.0 {
                if let Ok(v) = cam.world_to_viewport(cam_transform, *p + slot.origin()) {
                    // Window logical pixels (the viewport offset is included) to egui points.
                    let at = egui::pos2(v.x / zoom, v.y / zoom);
                    if !inside.contains(at) {
                        continue;
                    }
                    painter.text(at, egui::Align2::CENTER_CENTER, text, egui::FontId::proportional(15.0), color);
                }
            }
        }
    }
    for a in out {
        actions.write(retarget(a, instances.target));
    }
    Ok(())
}

/// Run the sweep on a thread; the result lands in `DoseJob` for the next frame.
fn start_sweep(job: &mut DoseJob, drug: Drug) {
    let Some((kind, lit, _)) = sweep_target(&drug) else { return };
    let centre = lit.unwrap_or(1.0);
    let (lo, hi) = (centre / 30.0, centre * 30.0);
    job.running = Some(drug.key.clone());
    let slot = job.result.clone();
    std::thread::spawn(move || {
        let mut p = synapse_core::pharmacology::patch::Patch::new(kind);
        // A lighter patch than `dose-response` (the frame keeps running meanwhile).
        p.receptors = 120;
        p.settle_ms = 40_000.0;
        p.measure_ms = 10_000.0;
        let r = synapse_core::pharmacology::patch::dose_response(&p, &drug, lo, hi, 7);
        if let Ok(mut s) = slot.lock() {
            *s = Some((drug.key.clone(), r));
        }
    });
}

fn handle_file(act: FileAction, state: &SimState, view: &mut ScenarioView, out: &mut Vec<AppCommand>) {
    match act {
        FileAction::Open(path) => match synapse_core::builtin::resolve(&path) {
            Ok((s, source)) => {
                view.message = Some((format!("opened {source}"), true));
                out.push(AppCommand::LoadScenario { target: Target::Both, scenario: Box::new(s), source });
            }
            // The running model is kept: a bad file loses nothing.
            Err(e) => view.message = Some((e.to_string(), false)),
        },
        FileAction::Save(path) => {
            // The scenario as loaded (drug schedule included) with the live
            // bath and clamp, not the re-sampled synapse; written whole or not at all.
            let text = state.live_scenario().to_ron();
            view.message = Some(match crate::cli::write_atomically(std::path::Path::new(&path), |w| std::io::Write::write_all(w, text.as_bytes())) {
                Ok(()) => (format!("saved {path}"), true),
                Err(e) => (e, false),
            });
        }
    }
}
