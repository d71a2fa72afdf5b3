//! The Scenario panel: built-in scenarios by name, open and save files.

use super::super::palette;
use super::super::sim_bridge::{AppCommand, SimState, Target};
use bevy::prelude::*;
use bevy_egui::egui;

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

pub fn handle_file(act: FileAction, view: &mut ScenarioView, out: &mut Vec<AppCommand>) {
    match act {
        FileAction::Open(path) => match synapse_core::builtin::resolve(&path) {
            Ok((s, source)) => {
                view.message = Some((format!("opened {source}"), true));
                out.push(AppCommand::LoadScenario { target: Target::Both, scenario: Box::new(s), source });
            }
            // The running model is kept: a bad file loses nothing.
            Err(e) => view.message = Some((e.to_string(), false)),
        },
        FileAction::Save(path) => out.push(AppCommand::SaveScenario { path }),
    }
}

/// Save `state`'s scenario: as loaded (drug schedule included) with the
/// live bath and clamp, not the re-sampled synapse; written whole or not at
/// all. Returns the message to show and whether it worked.
pub fn save(state: &SimState, path: &str) -> (String, bool) {
    let text = state.live_scenario().to_ron();
    match crate::cli::write_atomically(std::path::Path::new(path), |w| std::io::Write::write_all(w, text.as_bytes())) {
        Ok(()) => (format!("saved {path}"), true),
        Err(e) => (e, false),
    }
}
