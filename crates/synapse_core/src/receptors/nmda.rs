//! NMDA receptors: the 5-state scheme (C0–C1–C2–O, C2–D) of Destexhe, Mainen
//! & Sejnowski (1998, nmda5.mod, after Lester & Jahr 1992), in two variants
//! retuned to the deactivation of GluN1/GluN2A and GluN1/GluN2B receptors
//! (Vicini et al. 1998; Traynelis et al. 2010 Table 16), plus the obligatory
//! glycine/D-serine site (its occupancy: `pharmacology::effects::coagonist_factor`)
//! and the Mg²⁺ block of Jahr & Stevens (1990).
//!
//! Retuning: the Destexhe rates give a deactivation τ ≈ 145 ms and the same
//! peak open probability for both, neither subtype (book/src/model.md §10).
//! Each variant multiplies the unbinding rate by one factor, the gating and
//! desensitisation rates by a second and the opening rate by a third
//! (binding rate kept), chosen so that the master equation's response to a
//! 1 mM × 1 ms pulse has the subtype's weighted deactivation (2A: 40–90 ms;
//! 2B: 300–600 ms; Vicini et al. 1998) and its peak open probability
//! (Erreger et al., J Physiol 2005: 0.50 for GluN1/GluN2A, 0.12 for
//! GluN1/GluN2B, from their fitted single-channel schemes). The factors are
//! fitted numbers (`examples/tune_nmda.rs` prints the grid), checked by
//! `synapse-lab validate`.
use crate::math;

use super::scheme::{Gate, RateKind, Scheme, StateDef, TransitionDef};

/// Destexhe 1998 nmda5.mod rates (ms⁻¹; Rb in mM⁻¹ms⁻¹) ✔ book/src/model.md §3a.
const RB: f64 = 5.0;
const RU: f64 = 12.9e-3;
const RD: f64 = 8.4e-3;
const RR: f64 = 6.8e-3;
const RO: f64 = 46.5e-3;
const RC: f64 = 73.8e-3;

/// Rate factors of one variant of the Destexhe scheme.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Retune {
    /// Unbinding (Ru): sets how long glutamate stays, so the deactivation.
    pub unbinding: f64,
    /// Gating and desensitisation (Ro, Rc, Rd, Rr) together: sets the rise.
    pub gating: f64,
    /// Opening (Ro) on top of `gating`: sets the peak open probability.
    pub opening: f64,
}

/// GluN2A: peak Po 0.46, rise 10–90 % 5.1 ms, τw 71 ms for 1 mM × 1 ms
/// (fitted to Erreger et al. 2005's 0.50 and Vicini et al. 1998's 40–90 ms).
pub const GLUN2A: Retune = Retune { unbinding: 4.0, gating: 1.2, opening: 3.0 };
/// GluN2B: peak Po 0.12, rise 11.9 ms, τw 462 ms (fitted to Erreger et al.
/// 2005's 0.12 and Vicini et al. 1998's 300–600 ms).
pub const GLUN2B: Retune = Retune { unbinding: 0.25, gating: 1.3, opening: 0.3 };

/// Glycine-site EC50 at GluN1/GluN2A: 1–3 µM (Traynelis 2010, approx.).
pub const GLY_EC50_2A_UM: f64 = 2.0;
/// Glycine-site EC50 at GluN1/GluN2B: 0.3–0.7 µM (Traynelis 2010, approx.).
pub const GLY_EC50_2B_UM: f64 = 0.5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subunit {
    GluN2A,
    GluN2B,
}

pub fn scheme(subunit: Subunit) -> Scheme {
    scheme_with(
        subunit,
        match subunit {
            Subunit::GluN2A => GLUN2A,
            Subunit::GluN2B => GLUN2B,
        },
    )
}

/// The 5-state scheme with its rates scaled by `r`.
pub fn scheme_with(subunit: Subunit, r: Retune) -> Scheme {
    let (fu, fg, fo) = (r.unbinding, r.gating, r.opening);
    let st = |name, glu_bound, open, desensitized| StateDef { name, glu_bound, open, desensitized };
    let states = vec![st("C0", 0, false, false), st("C1", 1, false, false), st("C2", 2, false, false), st("D", 2, false, true), st("O", 2, true, false)];
    let (c0, c1, c2, d, o) = (0, 1, 2, 3, 4);
    let t = |from, to, rate, kind, gate| TransitionDef { from, to, rate, kind, gate };
    use Gate::{Coagonist, None as G0};
    use RateKind::{GluBinding as B, Unimolecular as U};
    let transitions = vec![
        t(c0, c1, RB, B, G0),
        t(c1, c0, RU * fu, U, G0),
        t(c1, c2, RB, B, G0),
        t(c2, c1, RU * fu, U, G0),
        t(c2, d, RD * fg, U, G0),
        t(d, c2, RR * fg, U, G0),
        // Opening needs the co-agonist site occupied (fast-equilibrium simplification).
        t(c2, o, RO * fg * fo, U, Coagonist),
        t(o, c2, RC * fg, U, G0),
    ];
    let name = match subunit {
        Subunit::GluN2A => "NMDA GluN1/GluN2A (Destexhe 1998, retuned)",
        Subunit::GluN2B => "NMDA GluN1/GluN2B (Destexhe 1998, retuned)",
    };
    Scheme { name, source: "Destexhe, Mainen & Sejnowski 1998; Vicini et al. 1998; Erreger et al. 2005", states, transitions }
}

/// Jahr & Stevens (1990) ✔: fraction of NMDA channels not blocked by Mg²⁺,
/// B(V) = 1 / (1 + [Mg]/3.57 mM · e^(−0.062 V)).
pub fn mg_unblock(v_mv: f64, mg_mm: f64) -> f64 {
    1.0 / (1.0 + mg_mm / 3.57 * math::exp(-0.062 * v_mv))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mg_block_matches_jahr_stevens_values() {
        // book/src/model.md §10: B(−70, 1 mM) = 0.0445, B(−40) = 0.230, B(−20) = 0.508.
        assert!((mg_unblock(-70.0, 1.0) - 0.0445).abs() < 5e-4);
        assert!((mg_unblock(-40.0, 1.0) - 0.230).abs() < 1e-3);
        assert!((mg_unblock(-20.0, 1.0) - 0.508).abs() < 1e-3);
        assert_eq!(mg_unblock(-70.0, 0.0), 1.0);
    }
}
