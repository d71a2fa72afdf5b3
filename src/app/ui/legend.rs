//! The legend at the bottom: generated from the palette, with the states and what is to scale.

use super::super::palette;
use super::super::scene::{self};
use bevy_egui::egui;

/// `compact`: the colours alone (a small window), without the drug note, the states and the scale.
pub fn legend(ui: &mut egui::Ui, compact: bool) {
    ui.horizontal_wrapped(|ui| {
        let drug = (!compact).then_some(palette::DRUG_LEGEND);
        for (c, text) in palette::legend().into_iter().chain(drug) {
            ui.colored_label(palette::egui(c), "■");
            ui.label(text);
        }
    });
    if compact {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("States: dim = closed, bright = glutamate bound, white glow = open, grey = desensitised, black = pore blocked (Mg2+, or a drug such as ketamine, trapped).");
    });
    ui.small(scene::SCALE_NOTE);
}
