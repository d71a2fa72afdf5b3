//! Every colour of the app in one place. The 3D scene, the panels, the
//! plots and the legend read these, and the legend is generated from
//! [`LEGEND`], so a colour changed here changes everywhere it is shown.

use bevy::prelude::*;
use bevy_egui::egui;
use synapse_core::receptors::ReceptorKind;

/// Colour of each receptor kind (distinct hues; no magenta, which reads as a missing texture).
pub fn receptor(kind: ReceptorKind) -> Color {
    match kind {
        ReceptorKind::Ampa => Color::srgb(0.25, 0.55, 1.0),
        ReceptorKind::Nmda2A => Color::srgb(1.0, 0.6, 0.15),
        ReceptorKind::Nmda2B => Color::srgb(0.9, 0.25, 0.2),
        ReceptorKind::Kainate => Color::srgb(0.65, 0.4, 0.95),
        ReceptorKind::MgluGroup1 => Color::srgb(0.3, 0.85, 0.4),
        ReceptorKind::MgluGroup2 => Color::srgb(0.2, 0.8, 0.8),
    }
}

// Receptor states, on top of the kind's colour.
pub const RECEPTOR_OPEN: Color = Color::srgb(1.0, 0.97, 0.75);
pub const RECEPTOR_DESENSITISED: Color = Color::srgb(0.5, 0.5, 0.52);
pub const RECEPTOR_BLOCKED: Color = Color::srgb(0.12, 0.12, 0.14);

pub const GLUTAMATE: Color = Color::srgb(1.0, 0.85, 0.15);
/// Drug molecules by drug (first applied: orange, like a blocker in a pore).
pub const DRUGS: [Color; 4] = [Color::srgb(1.0, 0.45, 0.1), Color::srgb(0.95, 0.3, 0.45), Color::srgb(0.2, 0.85, 0.95), Color::srgb(0.95, 0.95, 0.95)];
pub const PORE_DRUG: Color = Color::srgb(1.0, 0.35, 0.1);

// Membranes (translucent).
pub const BOUTON: Color = Color::srgba(0.55, 0.68, 0.9, 0.28);
pub const SPINE: Color = Color::srgba(0.92, 0.62, 0.72, 0.28);
pub const ASTROCYTE: Color = Color::srgba(0.45, 0.85, 0.55, 0.30);
pub const INTERNEURON: Color = Color::srgba(0.72, 0.58, 0.95, 0.30);
pub const PSD: Color = Color::srgba(0.35, 0.12, 0.2, 0.7);

// Transporter patches: all carriers free, all glutamate-bound, all cycling
// back (a patch mixes the three by its carriers' shares).
pub const EAAT_FREE: Color = Color::linear_rgb(0.55, 1.0, 0.6);
pub const EAAT_BOUND: Color = Color::linear_rgb(1.0, 0.75, 0.05);
pub const EAAT_CYCLING: Color = Color::linear_rgb(0.25, 0.7, 1.0);

pub const VESICLE_LOADED: Color = Color::srgb(0.85, 0.92, 1.0);
pub const VESICLE_REFILLING: Color = Color::srgba(0.6, 0.6, 0.65, 0.6);
pub const CA_CHANNEL_CLOSED: Color = Color::srgb(0.3, 0.32, 0.4);
pub const CA_CHANNEL_OPEN: Color = Color::srgb(1.0, 0.95, 0.3);

// Slow-clock quantities, in the plots and the pathway.
pub const BDNF: Color = Color::srgb(0.24, 0.78, 0.43);
pub const MTORC1: Color = Color::srgb(0.9, 0.47, 0.16);
pub const SYNAPTIC_PROTEINS: Color = Color::srgb(0.35, 0.55, 0.94);
pub const SPINES: Color = Color::srgb(0.31, 0.86, 0.31);

// Evidence levels and messages.
pub const ESTABLISHED: Color = Color::srgb(0.35, 0.75, 0.43);
pub const HYPOTHESIS: Color = Color::srgb(0.9, 0.67, 0.24);
pub const ILLUSTRATIVE: Color = Color::srgb(0.59, 0.59, 0.9);
/// The colour of an evidence level (badges, the console).
pub fn evidence(e: crate::lecture::Evidence) -> Color {
    match e {
        crate::lecture::Evidence::Established => ESTABLISHED,
        crate::lecture::Evidence::Hypothesis => HYPOTHESIS,
        crate::lecture::Evidence::Illustrative => ILLUSTRATIVE,
    }
}
pub const WARNING: Color = Color::srgb(0.9, 0.63, 0.16);
pub const ERROR: Color = Color::srgb(0.92, 0.35, 0.31);

/// A membrane's colour in a theme: as defined on the dark background; on
/// the light (projector) one darker and less transparent, so it keeps its
/// contrast in a lit room.
pub fn membrane(c: Color, dark: bool) -> Color {
    if dark {
        return c;
    }
    let s = c.to_srgba();
    // Alpha only a little higher: close-ups look through a membrane (the cleft view from inside the bouton).
    Color::srgba(s.red * 0.75, s.green * 0.75, s.blue * 0.75, (s.alpha * 1.25).min(0.4))
}

/// The 3D view's background.
pub fn background(dark: bool) -> Color {
    if dark { Color::srgb(0.05, 0.06, 0.09) } else { Color::srgb(0.93, 0.94, 0.96) }
}

/// The colour of a transporter patch with these shares of bound and cycling carriers (linear RGBA).
pub fn eaat_patch(bound: f32, cycling: f32) -> [f32; 4] {
    let [f, b, c] = [EAAT_FREE, EAAT_BOUND, EAAT_CYCLING].map(|c| c.to_linear().to_f32_array());
    std::array::from_fn(|i| if i == 3 { 1.0 } else { f[i] + bound * (b[i] - f[i]) + cycling * (c[i] - f[i]) })
}

/// The backing of text drawn over the 3D view (half titles, captions).
pub fn egui_overlay(dark: bool) -> egui::Color32 {
    if dark { egui::Color32::from_rgba_unmultiplied(20, 22, 28, 220) } else { egui::Color32::from_rgba_unmultiplied(245, 246, 248, 225) }
}

/// The backing of a scene label: enough to read it over a white vesicle or a dark membrane.
pub fn egui_label_backing(dark: bool) -> egui::Color32 {
    if dark { egui::Color32::from_rgba_unmultiplied(10, 12, 16, 150) } else { egui::Color32::from_rgba_unmultiplied(255, 255, 255, 170) }
}

/// A colour for egui (opaque, sRGB).
pub fn egui(c: Color) -> egui::Color32 {
    let s = c.to_srgba();
    egui::Color32::from_rgb((s.red * 255.0).round() as u8, (s.green * 255.0).round() as u8, (s.blue * 255.0).round() as u8)
}

/// The same colour, translucent (bands in plots).
pub fn egui_alpha(c: Color, alpha: u8) -> egui::Color32 {
    let o = egui(c);
    egui::Color32::from_rgba_unmultiplied(o.r(), o.g(), o.b(), alpha)
}

/// What the legend shows: each colour with what it means (receptor kinds first).
pub fn legend() -> Vec<(Color, &'static str)> {
    let mut v: Vec<(Color, &'static str)> = ReceptorKind::ALL.iter().map(|&k| (receptor(k), k.label())).collect();
    v.extend(LEGEND.iter().copied());
    v
}

/// The legend's entries after the receptor kinds.
pub const LEGEND: [(Color, &str); 6] = [
    (GLUTAMATE, "glutamate"),
    (EAAT_FREE, "EAAT patch"),
    (EAAT_BOUND, "glutamate-bound EAATs"),
    (EAAT_CYCLING, "EAATs cycling back"),
    (CA_CHANNEL_OPEN, "Ca2+ channel open"),
    (VESICLE_LOADED, "vesicle loaded by VGLUT (grey: refilling)"),
];

/// The legend's entry for drug molecules (shown with its note on counts).
pub const DRUG_LEGEND: (Color, &str) = (DRUGS[0], "drug molecules (illustrative: 1 µM ≈ 24 in the cleft; the block follows the concentration, not these dots)");

/// Line colours of printed figures (`synapse-lab plot`), on white: the
/// Okabe–Ito colour-blind-safe set (Okabe & Ito 2008), black first.
pub const FIGURE_SERIES: [(u8, u8, u8); 8] = [(0, 0, 0), (0, 114, 178), (213, 94, 0), (0, 158, 115), (204, 121, 167), (230, 159, 0), (86, 180, 233), (240, 228, 66)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_mixes_the_three_eaat_states() {
        let close = |a: [f32; 4], c: Color| a.iter().zip(c.to_linear().to_f32_array()).all(|(x, y)| (x - y).abs() < 1e-6);
        assert!(close(eaat_patch(0.0, 0.0), EAAT_FREE));
        assert!(close(eaat_patch(1.0, 0.0), EAAT_BOUND));
        assert!(close(eaat_patch(0.0, 1.0), EAAT_CYCLING));
        assert_eq!(legend().len(), ReceptorKind::ALL.len() + LEGEND.len());
    }
}
