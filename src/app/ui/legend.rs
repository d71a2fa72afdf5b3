//! The legend at the bottom: generated from the palette, with the states and what is to scale.

use super::super::palette;
use super::super::scene::{self};
use bevy_egui::egui;

/// `compact`: the colours alone (a small window), without the drug note, the states and the scale.
pub fn legend(ui: &mut egui::Ui, compact: bool) {
    ui.horizontal_wrapped(|ui| {
        let drug = (!compact).then_some(palette::DRUG_LEGEND);
        let size = ui.style().text_styles[&egui::TextStyle::Body].size;
        for (c, text) in palette::legend().into_iter().chain(drug) {
            // A thick swatch: the colour of the dots and receptors it names.
            super::legend_entry(ui, size, text, Some((palette::egui(c), size * 0.8)), false);
        }
    });
    if compact {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("States: dim = closed, bright = glutamate bound, white glow = open, grey = desensitised, black = pore blocked (Mg2+, or a drug such as ketamine, trapped).");
    });
    // As large as the plots' legends (egui's "small" text was 9 points).
    ui.label(egui::RichText::new(scene::SCALE_NOTE).size(super::LEGEND_TEXT));
}
