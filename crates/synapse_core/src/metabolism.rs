//! The glutamate–glutamine cycle as compartments (amounts in molecules,
//! per synapse): neuronal glutamate and glutamine, astrocytic glutamate and
//! glutamine, and the extracellular pool that escaped glutamate joins.
//!
//! Fluxes (molecules/ms):
//! - EAAT translocation (from `uptake`) and clearance of the extracellular
//!   pool by distant transporters → astrocytic glutamate;
//! - glutamine synthetase (astrocyte only; Martinez-Hernandez et al. 1977 ✔):
//!   Michaelis–Menten, Km(Glu) 3 mM;
//! - the glutamine shuttle (SNAT3/5 out, SNAT1/2 in), first order, split
//!   between the glutamatergic bouton and the GABAergic terminal;
//! - phosphate-activated glutaminase (neuronal; Kvamme et al. 2001, approx.):
//!   Michaelis–Menten, Km(Gln) 3 mM.
//!
//! Teaching simplification: the synapse's background release (not simulated as
//! particles) is a steady drain of neuronal glutamate into the astrocyte,
//! and the interneuron's GABA returns to astrocytic glutamate (GABA-T → TCA);
//! maximal rates are set so the resting state is a fixed point carrying the
//! measured cycle flux (Shen et al. 1999 ✔). Stimulated release perturbs it.

use crate::scenario::MetabolismConfig;
use crate::units::{mm_to_molecules, molecules_to_mm};

#[derive(Clone, Debug, PartialEq)]
pub struct Metabolism {
    cfg: MetabolismConfig,
    pub neuron_glu: f64,
    pub neuron_gln: f64,
    pub astro_glu: f64,
    pub astro_gln: f64,
    /// Escaped glutamate mixing in the extracellular space (molecules).
    pub ecs_glu: f64,
    /// Glutamine delivered to the interneuron, to be drained by `gaba`.
    pub to_interneuron_gln: f64,
    vmax_gs: f64,
    k_shuttle: f64,
    vmax_pag: f64,
    /// Last step's fluxes (molecules/ms), for plots.
    pub flux_gs: f64,
    pub flux_pag: f64,
    pub flux_shuttle: f64,
}

impl Metabolism {
    pub fn new(c: &MetabolismConfig) -> Self {
        let neuron_glu = mm_to_molecules(c.neuron_glu_mm, c.neuron_volume_um3);
        let neuron_gln = mm_to_molecules(c.neuron_gln_mm, c.neuron_volume_um3);
        let astro_glu = mm_to_molecules(c.astro_glu_mm, c.astro_volume_um3);
        let astro_gln = mm_to_molecules(c.astro_gln_mm, c.astro_volume_um3);
        let j = c.cycle_flux_per_ms;
        // Rest is a fixed point: each step carries J at the initial concentrations.
        let vmax_gs = j * (c.gs_km_mm + c.astro_glu_mm) / c.astro_glu_mm;
        let k_shuttle = j / astro_gln;
        let vmax_pag = j * (1.0 - c.interneuron_share) * (c.pag_km_mm + c.neuron_gln_mm) / c.neuron_gln_mm;
        Self { cfg: c.clone(), neuron_glu, neuron_gln, astro_glu, astro_gln, ecs_glu: 0.0, to_interneuron_gln: 0.0, vmax_gs, k_shuttle, vmax_pag, flux_gs: j, flux_pag: j, flux_shuttle: j }
    }

    /// Advance by `dt_ms`. `taken_up` and `escaped` are molecules that reached
    /// the astrocyte and the extracellular pool this step; `gaba_returned` is
    /// GABA carbon coming back to astrocytic glutamate.
    pub fn step(&mut self, dt_ms: f64, taken_up: u64, escaped: u64, gaba_returned: f64) {
        let c = &self.cfg;
        let j = c.cycle_flux_per_ms;
        self.ecs_glu += escaped as f64;
        let cleared = self.ecs_glu * dt_ms / c.ecs_clearance_ms;
        self.ecs_glu -= cleared;
        let background = j * (1.0 - c.interneuron_share);
        let ga = molecules_to_mm(self.astro_glu, c.astro_volume_um3);
        let gs = self.vmax_gs * ga / (c.gs_km_mm + ga);
        let shuttle = self.k_shuttle * self.astro_gln;
        let qn = molecules_to_mm(self.neuron_gln, c.neuron_volume_um3);
        let pag = self.vmax_pag * qn / (c.pag_km_mm + qn);
        self.astro_glu += taken_up as f64 + cleared + (background - gs) * dt_ms + gaba_returned;
        self.astro_gln += (gs - shuttle) * dt_ms;
        self.neuron_gln += (shuttle * (1.0 - c.interneuron_share) - pag) * dt_ms;
        self.to_interneuron_gln += shuttle * c.interneuron_share * dt_ms;
        self.neuron_glu += (pag - background) * dt_ms;
        self.flux_gs = gs;
        self.flux_pag = pag;
        self.flux_shuttle = shuttle;
    }

    pub fn neuron_glu_mm(&self) -> f64 {
        molecules_to_mm(self.neuron_glu, self.cfg.neuron_volume_um3)
    }
    pub fn neuron_gln_mm(&self) -> f64 {
        molecules_to_mm(self.neuron_gln, self.cfg.neuron_volume_um3)
    }
    pub fn astro_glu_mm(&self) -> f64 {
        molecules_to_mm(self.astro_glu, self.cfg.astro_volume_um3)
    }
    pub fn astro_gln_mm(&self) -> f64 {
        molecules_to_mm(self.astro_gln, self.cfg.astro_volume_um3)
    }
    /// Ambient glutamate: the resting level plus the escaped pool (nM).
    pub fn ambient_glu_nm(&self, resting_nm: f64) -> f64 {
        resting_nm + molecules_to_mm(self.ecs_glu, self.cfg.ecs_volume_um3) * 1e6
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_is_a_fixed_point_and_uptake_flows_to_glutamine() {
        let c = MetabolismConfig::default();
        let mut m = Metabolism::new(&c);
        let (n0, a0) = (m.neuron_glu, m.astro_gln);
        // One minute at rest (GABA returns its share, as the interneuron would).
        for _ in 0..60_000 {
            m.step(1.0, 0, 0, c.cycle_flux_per_ms * c.interneuron_share);
        }
        assert!((m.neuron_glu / n0 - 1.0).abs() < 1e-9);
        assert!((m.astro_gln / a0 - 1.0).abs() < 1e-9);
        // 10 vesicles' worth taken up: astrocytic glutamate then glutamine rise.
        m.step(1.0, 35_000, 0, 0.0);
        let g1 = m.astro_glu;
        for _ in 0..10_000 {
            m.step(1.0, 0, 0, 0.0);
        }
        assert!(g1 > m.astro_glu);
        assert!(m.astro_gln > a0);
    }
}
