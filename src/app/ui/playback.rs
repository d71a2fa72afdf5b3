//! The two clock bars at the top: the fast clock's playback and speed, and
//! the slow clock (time lens) with its rate, jumps and kept moments.

use super::super::palette;
use super::super::sim_bridge::{AppCommand, PlaybackCommand, SlowCommand, sim};
use bevy::prelude::*;
use bevy_egui::egui;
use synapse_core::experiment::Command;
use synapse_core::signalling::format_minutes;

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

/// The readout when computing falls short: "1 s on screen = 0.150 ms of biology (asked 1.000 ms: computing limits it)".
pub fn lag_text(achieved_us_per_s: f64, asked_us_per_s: f64) -> String {
    let amount = |us: f64| if us < 1000.0 { format!("{us:.3} µs") } else { format!("{:.3} ms", us / 1000.0) };
    format!("1 s on screen = {} of biology (asked {}: computing limits it)", amount(achieved_us_per_s), amount(asked_us_per_s))
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
        if ui.button("⟲ Reset").on_hover_text("Back to the scenario's start: its drugs, stimuli, clocks and speed as loaded (both synapses of a comparison)").clicked() {
            out.push(sim(Command::Restart));
            out.push(AppCommand::Playback(PlaybackCommand::Speed(super::super::sim_bridge::Playback::default().bio_us_per_s)));
            out.push(AppCommand::Slow(SlowCommand::Play(false)));
        }
        ui.separator();
        ui.label("speed");
        if ui.add(egui::Slider::new(&mut vm.bio_us_per_s, 1.0..=2_000_000.0).logarithmic(true).show_value(false)).changed() {
            out.push(AppCommand::Playback(PlaybackCommand::Speed(vm.bio_us_per_s)));
        }
        ui.separator();
        ui.strong(format!("t = {:.3} ms", vm.t_ms));
        // One readout in one place: the asked speed, or, when the computer
        // falls short, the speed achieved instead (no second line that wraps
        // and moves the panels under the pointer).
        if vm.lagging {
            ui.colored_label(palette::egui(palette::WARNING), lag_text(vm.actual_bio_us_per_s, vm.bio_us_per_s))
                .on_hover_text("The computer cannot simulate this fast: biology runs at the achieved speed, and the clock still shows its true time");
        } else {
            ui.label(speed_text(vm.bio_us_per_s));
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
