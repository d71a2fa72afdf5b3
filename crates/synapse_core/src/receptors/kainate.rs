//! Kainate receptors (GluK2/GluK5-like): a 4-state teaching scheme,
//! C0 ⇌ C1 (one glutamate) ⇌ O, O ⇌ D.
//!
//! Assumption: rates tuned to the slow kainate EPSC decay of 40–100 ms
//! (Castillo, Malenka & Nicoll 1997, approx.); the steady-state EC50 of this
//! scheme is ~0.1 mM against ~0.5 mM reported. Labelled illustrative.

use super::scheme::{Gate, RateKind, Scheme, StateDef, TransitionDef};

pub fn scheme() -> Scheme {
    let st = |name, glu_bound, open, desensitized| StateDef { name, glu_bound, open, desensitized };
    let states = vec![st("C0", 0, false, false), st("C1", 1, false, false), st("O", 1, true, false), st("D", 1, false, true)];
    let t = |from, to, rate, kind| TransitionDef { from, to, rate, kind, gate: Gate::None };
    use RateKind::{GluBinding as B, Unimolecular as U};
    let transitions = vec![t(0, 1, 0.2, B), t(1, 0, 0.1, U), t(1, 2, 0.3, U), t(2, 1, 0.1, U), t(2, 3, 0.02, U), t(3, 2, 0.002, U)];
    Scheme { name: "Kainate (teaching scheme)", source: "assumption tuned to Castillo et al. 1997", states, transitions }
}
