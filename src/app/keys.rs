//! The keyboard: each frame's key presses, looked up in the keymap (the
//! built-in one or `--keymap FILE`), become `AppCommand`s in
//! `AppSystems::Input`, or a request to the recorder or the window; and
//! the help card (F1) that says what the keys do.

use super::keymap::{HelpGroup, KeyAction, Keymap, command_for};
use super::lecture::LectureState;
use super::shared::{RecordRequest, Settings};
use super::sim_bridge::{AppCommand, AppSystems, Instances, Playback};
use super::time_lens::SlowClock;
use crate::command::lecture::LectureCommand;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

/// The keys: the built-in keymap, or the one `--keymap` named.
pub struct KeysPlugin(pub Keymap);

impl Plugin for KeysPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(self.0.clone())
            .init_resource::<HelpCard>()
            .add_message::<RecordRequest>()
            .add_systems(Update, keys.in_set(AppSystems::Input))
            .add_systems(Update, quit_on_ctrl_q)
            .add_systems(bevy_egui::EguiPrimaryContextPass, help_card);
    }
}

/// The help card is open (F1 or /, in the explorer and while presenting).
#[derive(Resource, Default, Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpCard(pub bool);

/// The help card: the active keys in words, grouped, sized for the back row
/// (each line at least ~2.5 % of the window's height), in two columns where
/// they fit, else one.
fn help_card(mut contexts: EguiContexts, mut open: ResMut<HelpCard>, keymap: Res<Keymap>, lecture: Option<Res<LectureState>>) -> Result {
    if !open.0 {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?.clone();
    let presenting = lecture.as_ref().is_some_and(|l| l.presenter);
    let card = keymap.help_card(presenting);
    let screen = ctx.viewport_rect();
    let size = (screen.height() * 0.026).max(14.0);
    let mut still_open = true;
    egui::Window::new(if presenting { "Keys while presenting" } else { "Keys" })
        .open(&mut still_open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .max_width(screen.width() * 0.92)
        .show(&ctx, |ui| {
            // Two columns where they fit (a wide window), else one that scrolls.
            let width = |g: &HelpGroup| g.1.iter().map(|(k, w)| k.chars().count() as f32 * 0.6 + w.chars().count() as f32 * 0.45).fold(0.0, f32::max) * size + size * 2.0;
            let half = card.len().div_ceil(2);
            let two = card[..half].iter().map(width).fold(0.0, f32::max) + card[half..].iter().map(width).fold(0.0, f32::max) < screen.width() * 0.9;
            let group = |ui: &mut egui::Ui, i: usize, (heading, lines): &HelpGroup| {
                ui.label(egui::RichText::new(*heading).size(size * 1.05).strong());
                egui::Grid::new(("help", i)).num_columns(2).spacing([size * 0.6, size * 0.2]).show(ui, |ui| {
                    for (keys, words) in lines {
                        ui.label(egui::RichText::new(keys).monospace().size(size));
                        ui.label(egui::RichText::new(words).size(size));
                        ui.end_row();
                    }
                });
                ui.add_space(size * 0.5);
            };
            // No scroll area: the card is sized to fit (22 lines at 1024x768 while presenting).
            {
                if two {
                    ui.horizontal_top(|ui| {
                        for part in [0..half, half..card.len()] {
                            ui.vertical(|ui| {
                                for i in part {
                                    group(ui, i, &card[i]);
                                }
                            });
                            ui.add_space(size);
                        }
                    });
                } else {
                    for (i, g) in card.iter().enumerate() {
                        group(ui, i, g);
                    }
                }
            }
        });
    open.0 = still_open;
    Ok(())
}

/// Ctrl+Q (Cmd+Q on a Mac) closes the app as the window's close button
/// does: the command log is written, the exit status is 0. Fixed, not in the
/// keymap: a keymap binds single keys, and quitting must always work. In a
/// page the browser's tab is closed instead.
fn quit_on_ctrl_q(keys: Res<ButtonInput<KeyCode>>, mut exit: MessageWriter<AppExit>) {
    let held = keys.any_pressed([KeyCode::ControlLeft, KeyCode::ControlRight, KeyCode::SuperLeft, KeyCode::SuperRight]);
    if cfg!(native) && held && keys.just_pressed(KeyCode::KeyQ) {
        exit.write(AppExit::Success);
    }
}

fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    keymap: Res<Keymap>,
    (playback, clock, instances, settings, lecture): (Res<Playback>, Res<SlowClock>, Res<Instances>, Option<Res<Settings>>, Option<Res<LectureState>>),
    (mut out, mut record): (MessageWriter<AppCommand>, MessageWriter<RecordRequest>),
    mut contexts: EguiContexts,
    mut windows: Query<&mut Window, With<bevy::window::PrimaryWindow>>,
    mut help: ResMut<HelpCard>,
) {
    // Typing into a text box is not a shortcut.
    if contexts.ctx_mut().is_ok_and(|c| c.egui_wants_keyboard_input()) {
        return;
    }
    let presenting = lecture.is_some_and(|l| l.presenter);
    for b in &keymap.0 {
        if keys.just_pressed(b.key) && b.when.active(presenting) {
            // The help card is the keys' own, lecture or not.
            if b.action == KeyAction::Lecture(LectureCommand::ToggleHelp) {
                help.0 = !help.0;
                continue;
            }
            let (panels, evidence) = settings.as_ref().map(|s| (s.show_panels, s.show_evidence)).unwrap_or((true, false));
            match command_for(&b.action, (playback.playing, clock.playing, panels, evidence), instances.target) {
                Some(c) => {
                    out.write(c);
                }
                None if b.action == KeyAction::ToggleRecord => {
                    record.write(RecordRequest::Toggle);
                }
                None => {
                    for mut w in &mut windows {
                        w.mode = match w.mode {
                            bevy::window::WindowMode::Windowed => bevy::window::WindowMode::BorderlessFullscreen(bevy::window::MonitorSelection::Current),
                            _ => bevy::window::WindowMode::Windowed,
                        };
                    }
                }
            }
        }
    }
}
