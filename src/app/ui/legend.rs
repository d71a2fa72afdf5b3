//! The legend at the bottom: generated from the palette, with the states and what is to scale.

use super::super::palette;
use super::super::scene::{self};
use bevy_egui::egui;

pub fn legend(ui: &mut egui::Ui) {
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
