//! The Scenario panel: built-in scenarios by name, open and save files by
//! path or through a file dialog (drawn with egui, so it works under plain
//! X11 without a desktop portal). In a web page, Open file… is the
//! browser's picker and Save is a download.

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
    /// Pick a file to open, or a name to save under, in a dialog.
    BrowseOpen,
    BrowseSave,
}

/// The open file dialog and what its pick is for.
#[cfg(native)]
pub struct Dialog {
    pub dialog: egui_file_dialog::FileDialog,
    pub saving: bool,
}

#[cfg(native)]
impl Dialog {
    fn new(saving: bool) -> Self {
        let mut dialog = egui_file_dialog::FileDialog::new().add_file_filter_extensions("Scenarios (.ron)", vec!["ron"]).default_file_filter("Scenarios (.ron)");
        if saving {
            dialog.save_file();
        } else {
            dialog.pick_file();
        }
        Self { dialog, saving }
    }

    /// Draw the dialog; the command its pick makes, once picked. Closing it
    /// without a pick returns `Some(None)`: the dialog is done.
    pub fn update(&mut self, ctx: &egui::Context, view: &mut ScenarioView) -> Option<Option<AppCommand>> {
        self.dialog.update(ctx);
        if let Some(path) = self.dialog.take_picked() {
            let path = path.display().to_string();
            view.path = path.clone();
            let mut out = Vec::new();
            handle_file(if self.saving { FileAction::Save(path) } else { FileAction::Open(path) }, view, &mut out);
            return Some(out.pop());
        }
        matches!(self.dialog.state(), egui_file_dialog::DialogState::Closed | egui_file_dialog::DialogState::Cancelled).then_some(None)
    }
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
    ui.horizontal(|ui| {
        if ui.button("Open file…").clicked() {
            act = Some(FileAction::BrowseOpen);
        }
        if ui.button("Save as…").clicked() {
            act = Some(FileAction::BrowseSave);
        }
    });
    if let Some((msg, ok)) = &vm.message {
        let color = if *ok { palette::egui(palette::ESTABLISHED) } else { palette::egui(palette::ERROR) };
        ui.colored_label(color, msg);
    }
    act
}

/// The browser's file picker, open (web: Save as… is a download, it needs none).
#[cfg(web)]
pub struct Dialog(super::super::browser::FilePick);

#[cfg(web)]
impl Dialog {
    /// The command the pick makes, once picked (`Some(None)`: cancelled, or the file was bad).
    pub fn update(&mut self, _ctx: &egui::Context, view: &mut ScenarioView) -> Option<Option<AppCommand>> {
        let (name, text) = self.0.take()??;
        Some(match synapse_core::Scenario::from_ron(&text, &name) {
            Ok(s) => {
                view.message = Some((format!("opened {name}"), true));
                view.path = name.clone();
                Some(AppCommand::LoadScenario { target: Target::Both, scenario: Box::new(s), source: name })
            }
            // The running model is kept: a bad file loses nothing.
            Err(e) => {
                view.message = Some((e.to_string(), false));
                None
            }
        })
    }
}

/// Turn a file action into a command (or a dialog to open).
pub fn handle_file(act: FileAction, view: &mut ScenarioView, out: &mut Vec<AppCommand>) -> Option<Dialog> {
    match act {
        #[cfg(native)]
        FileAction::BrowseOpen => return Some(Dialog::new(false)),
        #[cfg(native)]
        FileAction::BrowseSave => return Some(Dialog::new(true)),
        #[cfg(web)]
        FileAction::BrowseOpen => match super::super::browser::FilePick::open(".ron") {
            Ok(p) => return Some(Dialog(p)),
            Err(e) => view.message = Some((e, false)),
        },
        #[cfg(web)]
        FileAction::BrowseSave => out.push(AppCommand::SaveScenario { path: file_name_of(&view.path) }),
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
    None
}

/// Save `state`'s scenario: as loaded (drug schedule included) with the
/// live bath and clamp, not the re-sampled synapse; written whole or not at
/// all. Returns the message to show and whether it worked.
pub fn save(state: &SimState, path: &str) -> (String, bool) {
    let text = state.live_scenario().to_ron();
    #[cfg(native)]
    let saved = crate::files::write_atomically(std::path::Path::new(path), |w| std::io::Write::write_all(w, text.as_bytes()));
    // A page has no files: the browser downloads it (to its downloads folder, or where the user says).
    #[cfg(web)]
    let saved = super::super::browser::download(&file_name_of(path), text.as_bytes(), "text/plain");
    match saved {
        Ok(()) => (format!("saved {path}"), true),
        Err(e) => (e, false),
    }
}

/// A download's name for what the path box holds (its last part, `.ron` added).
#[cfg(web)]
fn file_name_of(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().filter(|n| !n.is_empty()).unwrap_or("scenario");
    if name.ends_with(".ron") { name.to_string() } else { format!("{name}.ron") }
}
