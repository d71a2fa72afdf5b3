//! The Stimulation panel: spikes, minis, GABA spikes, trains, clamp and the bath.

use super::super::sim_bridge::{AppCommand, SimState, sim};
use bevy::prelude::*;
use bevy_egui::egui;
use synapse_core::experiment::Command;
use synapse_core::scenario::ClampMode;

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
    // Wrapped: in a narrow panel (a projector at UI scale 1.5) the buttons take two lines.
    ui.horizontal_wrapped(|ui| {
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
    ui.horizontal_wrapped(|ui| {
        ui.label("train of");
        // Number fields drawn as fields (dark, outlined), not as buttons: "10 spikes" was clicked as one.
        ui.scope(|ui| {
            let field = ui.visuals().extreme_bg_color;
            let outline = ui.visuals().widgets.noninteractive.bg_stroke;
            let w = &mut ui.visuals_mut().widgets.inactive;
            (w.weak_bg_fill, w.bg_fill, w.bg_stroke) = (field, field, outline);
            ui.add(egui::DragValue::new(&mut vm.train_count).range(1..=100).suffix(" spikes")).on_hover_text("Drag, or click and type: how many spikes");
            ui.label("at");
            ui.add(egui::DragValue::new(&mut vm.train_rate_hz).range(1.0..=200.0).suffix(" Hz")).on_hover_text("Drag, or click and type: spikes per second");
        });
        if ui.button("▶ Train").on_hover_text("Fire the train").clicked() {
            out.push(sim(Command::Train { rate_hz: vm.train_rate_hz, count: vm.train_count }));
        }
    });
    ui.separator();
    if ui.checkbox(&mut vm.current_clamp, "Current clamp (free membrane)").changed() {
        out.push(sim(Command::Clamp(if vm.current_clamp { ClampMode::CurrentClamp } else { ClampMode::VoltageClamp })));
    }
    if !vm.current_clamp && labelled_slider(ui, egui::Slider::new(&mut vm.hold_mv, -100.0..=40.0), "holding mV").changed() {
        out.push(sim(Command::HoldingMv(vm.hold_mv)));
    }
    if labelled_slider(ui, egui::Slider::new(&mut vm.mg_mm, 0.0..=10.0), "Mg2+ mM").changed() {
        out.push(sim(Command::MgMm(vm.mg_mm)));
    }
    if labelled_slider(ui, egui::Slider::new(&mut vm.glycine_um, 0.0..=100.0).logarithmic(true), "glycine µM").changed() {
        out.push(sim(Command::GlycineUm(vm.glycine_um)));
    }
    if labelled_slider(ui, egui::Slider::new(&mut vm.d_serine_um, 0.0..=100.0).logarithmic(true), "D-serine µM").changed() {
        out.push(sim(Command::DSerineUm(vm.d_serine_um)));
    }
    if labelled_slider(ui, egui::Slider::new(&mut vm.ca_mm, 0.0..=5.0), "Ca2+ mM").changed() {
        out.push(sim(Command::CaMm(vm.ca_mm)));
    }
    out
}

/// Below this panel width (points) a slider's label goes on its own line:
/// at 1024×768 and UI scale 1.5 the label beside the value was cut off.
const NARROW_PANEL: f32 = 230.0;

/// A slider with its label: beside it where the panel is wide enough,
/// above it (and the rail shortened to fit) where it is narrow.
pub fn labelled_slider(ui: &mut egui::Ui, slider: egui::Slider, label: &str) -> egui::Response {
    if ui.available_width() >= NARROW_PANEL {
        return ui.add(slider.text(label));
    }
    let name = ui.label(label);
    ui.scope(|ui| {
        // Room for the value box beside the rail (it is ~60 points wide at most scales).
        ui.spacing_mut().slider_width = (ui.available_width() - 100.0).max(40.0);
        ui.add(slider).labelled_by(name.id)
    })
    .inner
}
