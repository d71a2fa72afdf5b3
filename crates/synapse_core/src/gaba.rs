//! The neighbouring GABAergic interneuron terminal: glutaminase makes
//! glutamate from shuttled glutamine, GAD65/GAD67 decarboxylate it to GABA
//! (Michaelis–Menten, Km 1.37 mM, kcat 7 s⁻¹; Chu & Metzler 1994 ✔ values),
//! VGAT packages it, spikes release it onto GABA-A receptors of the
//! postsynaptic cell.
//!
//! Teaching simplifications: the terminal's chemistry is compartmental
//! (amounts, not particles); each released GABA vesicle gives the
//! square-pulse transient 1 mM × 1 ms (Destexhe et al. 1994/1998 ✔) at the
//! GABA-A receptors, which follow the 2-state scheme
//! dr/dt = α[GABA](1 − r) − βr with α = 5 mM⁻¹ms⁻¹, β = 0.18 ms⁻¹
//! (Destexhe, Mainen & Sejnowski 1994, approx.) as an ensemble.

use crate::rng::{Stream, p_event, threshold};
use crate::scenario::{InterneuronConfig, MetabolismConfig};
use crate::units::{mm_to_molecules, molecules_to_mm};
use rand::Rng;

/// GAD Km(Glu) 1.37 mM (Chu & Metzler 1994 ✔).
pub const GAD_KM_MM: f64 = 1.37;
/// GAD kcat 7 s⁻¹ (Chu & Metzler 1994 ✔).
pub const GAD_KCAT_PER_MS: f64 = 7e-3;
/// GABA-A binding and unbinding (Destexhe et al. 1994, approx.).
pub const GABA_A_ALPHA_PER_MM_MS: f64 = 5.0;
pub const GABA_A_BETA_PER_MS: f64 = 0.18;
/// The square-pulse transient of one vesicle (Destexhe 1998 ✔).
pub const GABA_PULSE_MM: f64 = 1.0;
pub const GABA_PULSE_MS: f64 = 1.0;
/// Turnover τ of glutamine arriving in the terminal by glutaminase (assumption).
pub const PAG_TAU_MS: f64 = 1000.0;
/// Site refill τ (assumption, as for the glutamatergic RRP).
pub const GABA_SITE_REFILL_S: f64 = 4.0;
/// Interneuron glutamate and GABA at rest (assumption: 10 mM and 5 mM).
pub const INTERNEURON_GLU_MM: f64 = 10.0;
pub const INTERNEURON_GABA_MM: f64 = 5.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Interneuron {
    cfg: InterneuronConfig,
    volume_um3: f64,
    pub glu: f64,
    pub gaba: f64,
    pub gln_in: f64,
    /// Docked GABA vesicles ready to release.
    pub docked: u32,
    /// End times of the GABA pulses in flight (ms).
    pulses: Vec<f64>,
    pub gaba_cleft_mm: f64,
    /// Open fraction of the GABA-A ensemble.
    pub gaba_a_open: f64,
    vmax_gad: f64,
    k_catabolism: f64,
    pub flux_gad: f64,
    pub spikes: u64,
}

impl Interneuron {
    pub fn new(c: &InterneuronConfig, m: &MetabolismConfig) -> Self {
        let v = m.interneuron_volume_um3;
        let glu = mm_to_molecules(INTERNEURON_GLU_MM, v);
        let gaba = mm_to_molecules(INTERNEURON_GABA_MM, v);
        let holo = c.gad_copies * ((1.0 - c.gad65_share) + c.gad65_share * c.gad65_holo_fraction);
        let vmax_gad = holo * GAD_KCAT_PER_MS;
        let gad0 = vmax_gad * INTERNEURON_GLU_MM / (GAD_KM_MM + INTERNEURON_GLU_MM);
        // Rest is a fixed point: GABA catabolism and glutaminase match GAD.
        Self {
            cfg: c.clone(),
            volume_um3: v,
            glu,
            gaba,
            gln_in: 0.0,
            docked: c.release_sites,
            pulses: Vec::new(),
            gaba_cleft_mm: 0.0,
            gaba_a_open: 0.0,
            vmax_gad,
            k_catabolism: gad0 / gaba,
            flux_gad: gad0,
            spikes: 0,
        }
    }

    /// An interneuron action potential: each docked vesicle releases with `release_prob`.
    pub fn spike(&mut self, t_ms: f64, rng: &mut Stream) -> u32 {
        self.spikes += 1;
        let thr = threshold(self.cfg.release_prob);
        let n = (0..self.docked).filter(|_| rng.next_u64() < thr).count() as u32;
        self.docked -= n;
        for _ in 0..n {
            self.pulses.push(t_ms + GABA_PULSE_MS);
        }
        n
    }

    /// Advance by `dt_ms`; `gln_arrived` molecules of glutamine came from the
    /// astrocyte. Returns GABA catabolised (molecules) for the astrocyte's pool.
    pub fn step(&mut self, t_ms: f64, dt_ms: f64, rng: &mut Stream, gln_arrived: f64) -> f64 {
        // Poisson firing.
        if self.cfg.rate_hz > 0.0 && rng.next_u64() < threshold(p_event(self.cfg.rate_hz * 1e-3, dt_ms)) {
            self.spike(t_ms, rng);
        }
        self.pulses.retain(|&end| end > t_ms);
        self.gaba_cleft_mm = self.pulses.len() as f64 * GABA_PULSE_MM;
        let r = self.gaba_a_open;
        self.gaba_a_open += (GABA_A_ALPHA_PER_MM_MS * self.gaba_cleft_mm * (1.0 - r) - GABA_A_BETA_PER_MS * r) * dt_ms;
        // Refill empty sites; each new vesicle is loaded from cytosolic GABA
        // and the released GABA is recovered by GAT-1 (assumption: fully).
        let empty = self.cfg.release_sites - self.docked;
        if empty > 0 && rng.next_u64() < threshold(p_event(empty as f64 / (GABA_SITE_REFILL_S * 1e3), dt_ms)) {
            self.docked += 1;
        }
        // Chemistry.
        self.gln_in += gln_arrived;
        let pag = self.gln_in * dt_ms / PAG_TAU_MS;
        self.gln_in -= pag;
        let g = molecules_to_mm(self.glu, self.volume_um3);
        let gad = self.vmax_gad * g / (GAD_KM_MM + g);
        let cat = self.k_catabolism * self.gaba * dt_ms;
        self.glu += pag - gad * dt_ms;
        self.gaba += gad * dt_ms - cat;
        self.flux_gad = gad;
        cat
    }

    pub fn gaba_mm(&self) -> f64 {
        molecules_to_mm(self.gaba, self.volume_um3)
    }
    pub fn glu_mm(&self) -> f64 {
        molecules_to_mm(self.glu, self.volume_um3)
    }

    /// GABA-A current (pA) at `v_mv`.
    pub fn gaba_a_current_pa(&self, v_mv: f64) -> f64 {
        crate::units::current_pa(self.cfg.gaba_a_channels as f64 * self.cfg.gaba_a_conductance_ps * self.gaba_a_open, v_mv, self.cfg.e_gaba_mv)
    }
}
