//! The postsynaptic membrane: voltage clamp at a holding potential, or a
//! passive current-clamped compartment C·dV/dt = −g_L(V − E_L) − I_syn + I_inj
//! (τm = R_in·C_m; McCormick et al. 1985). Units: nS × mV = pA; pA / pF = mV/ms.

use crate::scenario::{ClampMode, MembraneConfig};

#[derive(Clone, Debug, PartialEq)]
pub struct Membrane {
    pub mode: ClampMode,
    pub v_mv: f64,
    pub hold_mv: f64,
    pub inject_pa: f64,
    pub e_leak_mv: f64,
    pub g_leak_ns: f64,
    pub c_pf: f64,
}

impl Membrane {
    pub fn new(c: &MembraneConfig) -> Self {
        let g_leak_ns = 1e3 / c.r_in_mohm;
        Self { mode: c.mode, v_mv: c.hold_mv, hold_mv: c.hold_mv, inject_pa: c.inject_pa, e_leak_mv: c.e_leak_mv, g_leak_ns, c_pf: c.tau_m_ms * g_leak_ns }
    }

    /// Advance by `dt_ms` under synaptic current `i_syn_pa` (inward negative).
    pub fn step(&mut self, i_syn_pa: f64, dt_ms: f64) {
        match self.mode {
            ClampMode::VoltageClamp => self.v_mv = self.hold_mv,
            ClampMode::CurrentClamp => {
                let i_leak = self.g_leak_ns * (self.v_mv - self.e_leak_mv);
                self.v_mv += (-i_leak - i_syn_pa + self.inject_pa) / self.c_pf * dt_ms;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_clamp_charges_with_tau_m() {
        let mut m = Membrane::new(&MembraneConfig { mode: ClampMode::CurrentClamp, inject_pa: 100.0, ..Default::default() });
        // Steady state: ΔV = I·R = 100 pA × 150 MΩ = 15 mV; after one τ, 63%.
        let dt = 0.001;
        for _ in 0..20_000 {
            m.step(0.0, dt);
        }
        let dv = m.v_mv - m.e_leak_mv;
        assert!((dv - 15.0 * (1.0 - crate::math::exp(-1.0f64))).abs() < 0.01, "{dv}");
    }
}
