//! The Compare A / B panel and the titles drawn over the two halves.

use super::super::sim_bridge::{AppCommand, BUILTIN_COMPARISONS, CompareCommand, SimState, Slot, Target, builtin_comparison};
use bevy::prelude::*;
use bevy_egui::egui;

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

/// The title of one half: "A — Single spike at rest" / "B — + Ketamine 10 µM".
pub fn half_title(slot: Slot, state: &SimState, differences: &[String]) -> String {
    match slot {
        // A's own drugs given by hand name it too (a lecture's "A: esketamine, B: arketamine").
        Slot::A => std::iter::once(format!("A — {}", state.base().name)).chain(super::super::sim_bridge::drugs_by_hand(state)).collect::<Vec<_>>().join(" "),
        Slot::B if differences.is_empty() => "B — identical to A".to_string(),
        Slot::B => format!("B — {}", differences.join(", ")),
    }
}
