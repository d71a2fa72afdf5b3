//! Every colour of the app in one place. The 3D scene, the panels, the
//! plots and the legend read these, and the legend is generated from
//! [`LEGEND`], so a colour changed here changes everywhere it is shown.

use bevy::prelude::*;
use bevy_egui::egui;
use synapse_core::receptors::ReceptorKind;

/// Colour of each receptor kind (distinct hues; no magenta, which reads as
/// a missing texture). The legend's colours were chosen so that every pair
/// stays at least 10 CIEDE2000 apart in normal vision, on a washed-out
/// projector and under deuteranopia and protanopia (tested below); lightness
/// does most of the separating for colour-blind viewers.
pub fn receptor(kind: ReceptorKind) -> Color {
    match kind {
        ReceptorKind::Ampa => Color::srgb(0.0, 0.40, 0.81),
        ReceptorKind::Nmda2A => Color::srgb(0.97, 0.59, 0.13),
        ReceptorKind::Nmda2B => Color::srgb(0.75, 0.08, 0.10),
        ReceptorKind::Kainate => Color::srgb(0.68, 0.43, 1.0),
        ReceptorKind::MgluGroup1 => Color::srgb(0.29, 0.82, 0.43),
        ReceptorKind::MgluGroup2 => Color::srgb(0.25, 0.79, 0.77),
    }
}

// Receptor states, on top of the kind's colour.
pub const RECEPTOR_OPEN: Color = Color::srgb(1.0, 0.97, 0.75);

/// A receptor's colour in each display state, in the order of the scene's
/// `Look::ALL`: closed (dim), glutamate bound (bright), open, desensitised, blocked.
pub fn receptor_states(kind: ReceptorKind) -> [Color; 5] {
    let base = receptor(kind).to_srgba();
    let dim = |f: f32| Color::srgb(base.red * f, base.green * f, base.blue * f);
    [dim(0.45), dim(0.85), RECEPTOR_OPEN, RECEPTOR_DESENSITISED, RECEPTOR_BLOCKED]
}
pub const RECEPTOR_DESENSITISED: Color = Color::srgb(0.5, 0.5, 0.52);
pub const RECEPTOR_BLOCKED: Color = Color::srgb(0.12, 0.12, 0.14);

pub const GLUTAMATE: Color = Color::srgb(1.0, 0.85, 0.0);
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
pub const EAAT_FREE: Color = Color::srgb(0.77, 1.0, 0.80);
/// Dark gold: told apart from glutamate's yellow by lightness.
pub const EAAT_BOUND: Color = Color::srgb(0.59, 0.52, 0.0);
pub const EAAT_CYCLING: Color = Color::srgb(0.32, 0.68, 0.82);

pub const VESICLE_LOADED: Color = Color::srgb(0.70, 0.83, 1.0);
pub const VESICLE_REFILLING: Color = Color::srgba(0.6, 0.6, 0.65, 0.6);
pub const CA_CHANNEL_CLOSED: Color = Color::srgb(0.3, 0.32, 0.4);
pub const CA_CHANNEL_OPEN: Color = Color::srgb(1.0, 1.0, 0.54);

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

pub use crate::record::figure::FIGURE_SERIES;

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

    /// CIELAB (D65) of an sRGB colour (components 0..1).
    fn lab([r, g, b]: [f64; 3]) -> [f64; 3] {
        let lin = |c: f64| if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) };
        let (r, g, b) = (lin(r), lin(g), lin(b));
        let xyz = [0.4124564 * r + 0.3575761 * g + 0.1804375 * b, 0.2126729 * r + 0.7151522 * g + 0.0721750 * b, 0.0193339 * r + 0.1191920 * g + 0.9503041 * b];
        let white = [0.95047, 1.0, 1.08883];
        let f = |t: f64| if t > (6.0f64 / 29.0).powi(3) { t.cbrt() } else { t / (3.0 * (6.0f64 / 29.0).powi(2)) + 4.0 / 29.0 };
        let [fx, fy, fz] = [f(xyz[0] / white[0]), f(xyz[1] / white[1]), f(xyz[2] / white[2])];
        [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
    }

    /// CIEDE2000 colour difference (Sharma, Wu & Dalal 2005).
    fn ciede2000([l1, a1, b1]: [f64; 3], [l2, a2, b2]: [f64; 3]) -> f64 {
        use std::f64::consts::PI;
        let (c1, c2) = ((a1 * a1 + b1 * b1).sqrt(), (a2 * a2 + b2 * b2).sqrt());
        let cm = (c1 + c2) / 2.0;
        let g = 0.5 * (1.0 - (cm.powi(7) / (cm.powi(7) + 25f64.powi(7))).sqrt());
        let (a1p, a2p) = ((1.0 + g) * a1, (1.0 + g) * a2);
        let (c1p, c2p) = ((a1p * a1p + b1 * b1).sqrt(), (a2p * a2p + b2 * b2).sqrt());
        let hue = |b: f64, a: f64| if b == 0.0 && a == 0.0 { 0.0 } else { b.atan2(a).rem_euclid(2.0 * PI) };
        let (h1, h2) = (hue(b1, a1p), hue(b2, a2p));
        let dl = l2 - l1;
        let dc = c2p - c1p;
        let dh = if c1p * c2p == 0.0 {
            0.0
        } else if (h2 - h1).abs() <= PI {
            h2 - h1
        } else if h2 - h1 > PI {
            h2 - h1 - 2.0 * PI
        } else {
            h2 - h1 + 2.0 * PI
        };
        let dhh = 2.0 * (c1p * c2p).sqrt() * (dh / 2.0).sin();
        let lm = (l1 + l2) / 2.0;
        let cmp = (c1p + c2p) / 2.0;
        let hm = if c1p * c2p == 0.0 {
            h1 + h2
        } else if (h1 - h2).abs() <= PI {
            (h1 + h2) / 2.0
        } else if h1 + h2 < 2.0 * PI {
            (h1 + h2 + 2.0 * PI) / 2.0
        } else {
            (h1 + h2 - 2.0 * PI) / 2.0
        };
        let t = 1.0 - 0.17 * (hm - PI / 6.0).cos() + 0.24 * (2.0 * hm).cos() + 0.32 * (3.0 * hm + PI / 30.0).cos() - 0.20 * (4.0 * hm - 63.0 * PI / 180.0).cos();
        let dtheta = 30.0 * (-((hm.to_degrees() - 275.0) / 25.0).powi(2)).exp();
        let rc = 2.0 * (cmp.powi(7) / (cmp.powi(7) + 25f64.powi(7))).sqrt();
        let sl = 1.0 + 0.015 * (lm - 50.0).powi(2) / (20.0 + (lm - 50.0).powi(2)).sqrt();
        let sc = 1.0 + 0.045 * cmp;
        let sh = 1.0 + 0.015 * cmp * t;
        let rt = -(2.0 * dtheta.to_radians()).sin() * rc;
        ((dl / sl).powi(2) + (dc / sc).powi(2) + (dhh / sh).powi(2) + rt * (dc / sc) * (dhh / sh)).sqrt()
    }

    /// A colour-vision deficiency, Machado, Oliveira & Fernandes 2009 (severity 1.0), on linear RGB.
    fn machado(m: [[f64; 3]; 3], [r, g, b]: [f64; 3]) -> [f64; 3] {
        let lin = |c: f64| if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) };
        let enc = |c: f64| {
            let c = c.clamp(0.0, 1.0);
            if c <= 0.0031308 { 12.92 * c } else { 1.055 * c.powf(1.0 / 2.4) - 0.055 }
        };
        let v = [lin(r), lin(g), lin(b)];
        std::array::from_fn(|i| enc(m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2]))
    }

    #[test]
    fn ciede2000_matches_sharma_2005() {
        // Pairs 1, 2, 7 and 17 of Sharma, Wu & Dalal's table.
        for (a, b, want) in [
            ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
            ([50.0, 3.1571, -77.2803], [50.0, 0.0, -82.7485], 2.8615),
            ([50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669),
            ([50.0, 2.5, 0.0], [73.0, 25.0, -18.0], 27.1492),
        ] {
            assert!((ciede2000(a, b) - want).abs() < 1e-4, "{a:?} {b:?}: {} vs {want}", ciede2000(a, b));
        }
    }

    #[test]
    fn the_legend_stays_distinguishable_on_a_washed_out_projector_and_for_colour_blind_viewers() {
        const PROTANOPIA: [[f64; 3]; 3] = [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]];
        const DEUTERANOPIA: [[f64; 3]; 3] = [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]];
        let colours: Vec<(&str, [f64; 3])> = legend()
            .into_iter()
            .map(|(c, name)| {
                let s = c.to_srgba();
                (name, [s.red as f64, s.green as f64, s.blue as f64])
            })
            .collect();
        // Contrast halved, brightness raised (sRGB values).
        let washed = |c: [f64; 3]| c.map(|v| 0.5 * v + 0.45);
        let views: [(&str, &dyn Fn([f64; 3]) -> [f64; 3]); 4] =
            [("normal", &|c| c), ("washed-out projector", &washed), ("deuteranopia", &|c| machado(DEUTERANOPIA, c)), ("protanopia", &|c| machado(PROTANOPIA, c))];
        for (view, f) in views {
            for (i, (n1, c1)) in colours.iter().enumerate() {
                for (n2, c2) in &colours[i + 1..] {
                    let d = ciede2000(lab(f(*c1)), lab(f(*c2)));
                    assert!(d >= 10.0, "{view}: {n1} and {n2} are only {d:.1} apart (CIEDE2000)");
                }
            }
        }
    }
}
