//! The View panel: camera viewpoints and what is shown (labels, plots, the
//! pathway in 3D, theme, UI scale), all as commands; and the system that
//! carries those commands out on `UiSettings`.

use super::super::shared::Settings;
use super::super::sim_bridge::AppCommand;
use crate::command::camera::{CameraCommand, Viewpoint};
use crate::command::view::UiSettings;
pub use crate::command::view::ViewCommand;
use bevy::prelude::*;
use bevy_egui::egui;

/// Viewpoints (the dendrite's where the scenario has one) and view
/// settings; returns the commands for what changed.
pub fn view_panel(ui: &mut egui::Ui, settings: &UiSettings, dendrite: bool) -> Vec<AppCommand> {
    let mut out = Vec::new();
    ui.horizontal_wrapped(|ui| {
        for v in Viewpoint::ALL.into_iter().filter(|v| dendrite || *v != Viewpoint::Dendrite) {
            if ui.button(v.label()).clicked() {
                out.push(AppCommand::Camera(CameraCommand::View(v)));
            }
        }
    });
    let mut s = settings.clone();
    if ui.checkbox(&mut s.show_labels, "Labels").changed() {
        out.push(AppCommand::View(ViewCommand::Labels(s.show_labels)));
    }
    if ui.checkbox(&mut s.show_plots, "Plots").changed() {
        out.push(AppCommand::View(ViewCommand::Plots(s.show_plots)));
    }
    if ui.checkbox(&mut s.show_evidence, "Evidence layer (E)").on_hover_text("Each label with its evidence level (established / hypothesis / illustrative) and source").changed() {
        out.push(AppCommand::View(ViewCommand::Evidence(s.show_evidence)));
    }
    if ui.checkbox(&mut s.reduce_motion, "Reduce motion").on_hover_text("No camera sweeps: viewpoints are reached at once").changed() {
        out.push(AppCommand::View(ViewCommand::ReduceMotion(s.reduce_motion)));
    }
    if ui.checkbox(&mut s.show_pathway, "Pathway in 3D (drug scenarios)").changed() {
        out.push(AppCommand::View(ViewCommand::Pathway(s.show_pathway)));
    }
    if ui.button("Hide panels (H)").on_hover_text("The 3D view takes the screen; H brings the panels back").clicked() {
        out.push(AppCommand::View(ViewCommand::Panels(false)));
    }
    ui.horizontal(|ui| {
        if ui.selectable_label(s.dark, "Dark").clicked() && !s.dark {
            out.push(AppCommand::View(ViewCommand::Dark(true)));
        }
        if ui.selectable_label(!s.dark, "Light").clicked() && s.dark {
            out.push(AppCommand::View(ViewCommand::Dark(false)));
        }
    });
    if ui.add(egui::Slider::new(&mut s.scale, 0.75..=2.5).text("UI scale")).changed() {
        out.push(AppCommand::View(ViewCommand::Scale(s.scale)));
    }
    out
}

/// Carry out `AppCommand::View` and `AppCommand::SaveScenario`.
pub fn view_commands(
    mut commands: MessageReader<AppCommand>,
    mut settings: ResMut<Settings>,
    mut ui_state: ResMut<super::UiState>,
    states: Query<&super::super::sim_bridge::SimState>,
    instances: Option<Res<super::super::sim_bridge::Instances>>,
) {
    for c in commands.read() {
        match c {
            AppCommand::View(v) => v.apply(&mut settings),
            AppCommand::Caption(text) => ui_state.caption = text.clone(),
            AppCommand::SaveScenario { path } => {
                let Some(state) = instances.as_ref().and_then(|i| states.get(i.shown()).ok()) else { continue };
                ui_state.scenario.message = Some(super::scenario::save(state, path));
            }
            AppCommand::Sim(..)
            | AppCommand::Playback(_)
            | AppCommand::Slow(_)
            | AppCommand::LoadScenario { .. }
            | AppCommand::Compare(_)
            | AppCommand::Camera(_)
            | AppCommand::Select(_)
            | AppCommand::Lecture(_) => {}
        }
    }
}
