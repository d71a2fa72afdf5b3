//! AMPA receptor: the 7-state scheme of Jonas, Major & Sakmann (J Physiol
//! 1993), with desensitisation from the singly bound, doubly bound and open
//! states. Rates as tabulated in book/src/model.md §3a (✔ two model files agree).
//! They were measured at room temperature (22 °C); the simulation scales them
//! by Q10^((T − 22)/10) (see `ReceptorConfig::ampa_q10`).

use super::scheme::{Gate, RateKind, Scheme, StateDef, TransitionDef};

/// Temperature at which the Jonas 1993 rates were measured (approx.).
pub const AMPA_RATES_TEMPERATURE_C: f64 = 22.0;

pub fn scheme() -> Scheme {
    let st = |name, glu_bound, open, desensitized| StateDef { name, glu_bound, open, desensitized };
    let states =
        vec![st("C0", 0, false, false), st("C1", 1, false, false), st("C2", 2, false, false), st("O", 2, true, false), st("D1", 1, false, true), st("D2", 2, false, true), st("D3", 2, false, true)];
    let (c0, c1, c2, o, d1, d2, d3) = (0, 1, 2, 3, 4, 5, 6);
    let b = |from, to, rate| TransitionDef { from, to, rate, kind: RateKind::GluBinding, gate: Gate::None };
    let u = |from, to, rate| TransitionDef { from, to, rate, kind: RateKind::Unimolecular, gate: Gate::None };
    let transitions = vec![
        b(c0, c1, 4.59),
        u(c1, c0, 4.26),
        b(c1, c2, 28.4),
        u(c2, c1, 3.26),
        u(c2, o, 4.24),
        u(o, c2, 0.90),
        u(c1, d1, 2.89),
        u(d1, c1, 0.0392),
        u(c2, d2, 0.172),
        u(d2, c2, 0.000727),
        u(o, d3, 0.0177),
        u(d3, o, 0.004),
        b(d1, d2, 1.27),
        u(d2, d1, 0.0457),
        u(d2, d3, 0.0168),
        u(d3, d2, 0.1904),
    ];
    Scheme { name: "AMPA (Jonas 1993, 7-state)", source: "Jonas, Major & Sakmann, J Physiol 1993", states, transitions }
}
