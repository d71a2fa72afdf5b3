//! Metabotropic glutamate receptors: binding as a 2-state scheme per receptor,
//! then a pooled G-protein → effector cascade on the slow clock.
//!
//! Group I (mGlu1/5, perisynaptic on the spine): Gq → PLC → IP3/DAG; slow
//! EPSC peaks 0.2–0.5 s and lasts 1–2 s (Batchelor & Garthwaite 1997, approx.).
//! Group II (mGlu2/3, presynaptic): Gi/o, acting over 0.1–1 s
//! (Niswender & Conn 2010, approx.), here reducing Ca²⁺ entry.
//! The cascade constants are assumptions tuned to those timescales.

use super::scheme::{Gate, RateKind, Scheme, StateDef, TransitionDef};

/// Binding rate (assumption: 1e7 M⁻¹s⁻¹, a typical ligand association rate).
const KON_PER_MM_MS: f64 = 10.0;
/// Group I EC50 1–10 µM (Conn & Pin 1997, approx.): Kd 5 µM.
pub const GROUP1_KD_MM: f64 = 0.005;
/// Group II EC50 2–20 µM (Niswender & Conn 2010, approx.): Kd 10 µM.
pub const GROUP2_KD_MM: f64 = 0.010;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// mGlu1/5.
    I,
    /// mGlu2/3.
    II,
}

pub fn scheme(group: Group) -> Scheme {
    let kd = match group {
        Group::I => GROUP1_KD_MM,
        Group::II => GROUP2_KD_MM,
    };
    let states = vec![StateDef { name: "R", glu_bound: 0, open: false, desensitized: false }, StateDef { name: "R*", glu_bound: 1, open: true, desensitized: false }];
    let transitions = vec![
        TransitionDef { from: 0, to: 1, rate: KON_PER_MM_MS, kind: RateKind::GluBinding, gate: Gate::None },
        TransitionDef { from: 1, to: 0, rate: KON_PER_MM_MS * kd, kind: RateKind::Unimolecular, gate: Gate::None },
    ];
    let name = match group {
        Group::I => "mGlu1/5 (group I)",
        Group::II => "mGlu2/3 (group II)",
    };
    Scheme { name, source: "Conn & Pin 1997; Niswender & Conn 2010 (approx.)", states, transitions }
}

/// G-protein activation by active receptors (per ms per active fraction; assumption).
pub const G_ACTIVATION_PER_MS: f64 = 0.05;
/// G-protein deactivation τ (GTP hydrolysis; assumption ~0.3 s).
pub const G_OFF_MS: f64 = 300.0;
/// Effector (PLC/IP3 for group I, Ca²⁺-channel inhibition for group II) τ (assumption).
pub const EFFECTOR_TAU_MS: f64 = 200.0;

/// The pooled second-messenger cascade of one receptor group.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GCascade {
    /// Fraction of G-protein active (0–1).
    pub g_active: f64,
    /// Effector level (0–1), lagging the G-protein.
    pub effector: f64,
}

impl GCascade {
    /// The effector level a constant active fraction settles at (the fixed
    /// point of `step`: the effector follows the G-protein).
    pub fn steady_effector(active_fraction: f64) -> f64 {
        let on = G_ACTIVATION_PER_MS * active_fraction;
        on / (on + 1.0 / G_OFF_MS)
    }

    pub fn step(&mut self, active_fraction: f64, dt_ms: f64) {
        let dg = G_ACTIVATION_PER_MS * active_fraction * (1.0 - self.g_active) - self.g_active / G_OFF_MS;
        self.g_active += dg * dt_ms;
        self.effector += (self.g_active - self.effector) / EFFECTOR_TAU_MS * dt_ms;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `steady_effector` is where `step` settles for a constant input.
    #[test]
    fn the_steady_effector_is_the_fixed_point_of_the_cascade() {
        for a in [0.0, 0.01, 0.2, 1.0] {
            let mut c = GCascade::default();
            for _ in 0..60_000 {
                c.step(a, 0.1);
            }
            assert!((c.effector - GCascade::steady_effector(a)).abs() < 1e-6, "{a}: {} vs {}", c.effector, GCascade::steady_effector(a));
        }
    }
}
