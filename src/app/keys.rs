//! The keyboard: each frame's key presses, looked up in the keymap (the
//! built-in one or `--keymap FILE`), become `AppCommand`s in
//! `AppSystems::Input`, or a request to the recorder or the window.

use super::keymap::{KeyAction, Keymap, command_for};
use super::lecture::LectureState;
use super::shared::{RecordRequest, Settings};
use super::sim_bridge::{AppCommand, AppSystems, Instances, Playback};
use super::time_lens::SlowClock;
use bevy::prelude::*;
use bevy_egui::EguiContexts;

/// The keys: the built-in keymap, or the one `--keymap` named.
pub struct KeysPlugin(pub Keymap);

impl Plugin for KeysPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(self.0.clone()).add_message::<RecordRequest>().add_systems(Update, keys.in_set(AppSystems::Input));
    }
}

fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    keymap: Res<Keymap>,
    (playback, clock, instances, settings, lecture): (Res<Playback>, Res<SlowClock>, Res<Instances>, Option<Res<Settings>>, Option<Res<LectureState>>),
    (mut out, mut record): (MessageWriter<AppCommand>, MessageWriter<RecordRequest>),
    mut contexts: EguiContexts,
    mut windows: Query<&mut Window, With<bevy::window::PrimaryWindow>>,
) {
    // Typing into a text box is not a shortcut.
    if contexts.ctx_mut().is_ok_and(|c| c.egui_wants_keyboard_input()) {
        return;
    }
    let presenting = lecture.is_some_and(|l| l.presenter);
    for b in &keymap.0 {
        if keys.just_pressed(b.key) && b.when.active(presenting) {
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
