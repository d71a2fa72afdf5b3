//! Scenario files: what to simulate (geometry, counts, solution, protocol,
//! seed, duration, recording), in versioned RON, with validation and
//! command-line overrides (`--set path=value`).
//!
//! Every default below cites its source; see `book/src/model.md`
//! for the table each number comes from. "approx." marks a value the sheet
//! itself marks as uncertain; "assumption" marks a teaching constant.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

/// The scenario format version this build reads.
pub const SCENARIO_VERSION: u32 = 1;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// Format version; must equal [`SCENARIO_VERSION`].
    pub version: u32,
    pub name: String,
    pub description: String,
    /// Seed of every random stream: same seed + same scenario = same bits.
    pub seed: u64,
    pub duration_ms: f64,
    /// Fixed time step. At 1 µs the rms step per axis is 25 nm for D = 0.32 µm²/ms.
    pub dt_us: f64,
    /// Temperature; AMPA rates (measured at 22 °C) are scaled by Q10.
    pub temperature_c: f64,
    pub geometry: GeometryConfig,
    pub presynaptic: PresynapticConfig,
    pub receptors: ReceptorConfig,
    pub uptake: UptakeConfig,
    pub metabolism: MetabolismConfig,
    pub solution: SolutionConfig,
    pub membrane: MembraneConfig,
    pub interneuron: InterneuronConfig,
    /// Stimuli, applied at their times.
    pub protocol: Vec<Stimulus>,
    pub record: RecordConfig,
    /// Drugs and when they are given, on the slow clock (minutes).
    pub drugs: Vec<DrugPlan>,
    /// The slow clock of the BDNF / TrkB / mTORC1 cascade.
    pub cascade: CascadeConfig,
    /// A stretch of dendrite with many synapses like this one in one
    /// shared extracellular space (absent: the single synapse alone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dendrite: Option<DendriteConfig>,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            version: SCENARIO_VERSION,
            name: "Single spike at rest".into(),
            description: String::new(),
            seed: 1,
            duration_ms: 50.0,
            dt_us: 1.0,
            temperature_c: 22.0,
            geometry: GeometryConfig::default(),
            presynaptic: PresynapticConfig::default(),
            receptors: ReceptorConfig::default(),
            uptake: UptakeConfig::default(),
            metabolism: MetabolismConfig::default(),
            solution: SolutionConfig::default(),
            membrane: MembraneConfig::default(),
            interneuron: InterneuronConfig::default(),
            protocol: vec![Stimulus::Spike { at_ms: 1.0 }],
            record: RecordConfig::default(),
            drugs: Vec::new(),
            cascade: CascadeConfig::default(),
            dendrite: None,
        }
    }
}

/// The segment: its size, its synapses and the space between them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct DendriteConfig {
    /// Length of the simulated segment (µm).
    pub length_um: f64,
    /// Spine synapses per µm of dendrite: 2.89 in adult rat CA1 stratum
    /// radiatum (Harris & Weinberg 2012, Table 1: median of the studies' means).
    pub spines_per_um: f64,
    /// Shaft radius: diameters 0.32–0.85 µm in CA1 stratum radiatum
    /// (Harris & Stevens 1989, Table 1); 0.3 µm (approx.).
    pub shaft_radius_um: f64,
    /// Spine neck length: ~0.5 µm (thin spines 0.51 ± 0.34 µm; Harris,
    /// Jensen & Tsao 1992, approx.).
    pub neck_um: f64,
    /// Spine head diameter: 0.45 µm (thin spines' heads are under 0.6 µm
    /// across, Harris, Jensen & Tsao 1992; approx.). The cleft faces the
    /// bouton on the far side of the head.
    pub head_um: f64,
    /// PSD area: median 0.069 µm², range 0.008–0.54 µm² in CA1 (Harris &
    /// Weinberg 2012, Table 1); log-normal with this median.
    pub psd_area_median_um2: f64,
    /// Spread of ln(PSD area): 0.7 (assumption, fitted so that ±3σ spans
    /// the measured range 0.008–0.54 µm²).
    pub psd_area_sigma_ln: f64,
    /// Share of synapses with an astrocytic process at their perimeter:
    /// ~60% in CA1, covering 1–100% of it (Ventura & Harris 1999). A
    /// contacted synapse's coverage is drawn uniformly in 0.1–1 of the ring
    /// (assumption within their range); the others have no sheath.
    pub astro_contact_fraction: f64,
    /// Share of the dendrite's NMDA receptors that are extrasynaptic: 36%
    /// (Harris & Pettit 2007); with the synapses' GluN2A:GluN2B mix, as they
    /// found no GluN2B enrichment outside synapses.
    pub extrasynaptic_fraction: f64,
    /// Ambient glutamate the drip is calibrated to: ~25 nM (Herman & Jahr
    /// 2007, from tonic NMDA currents in slices). Microdialysis reports
    /// 1–10 µM; the probe measures tissue its insertion has damaged, where
    /// uptake fails, so the two are not the same quantity.
    pub ambient_nm: f64,
    /// Radius of each synapse's own sheet (its cleft, perisynaptic ring and
    /// sheath) before the shared space begins: 0.35 µm (assumption: the
    /// single synapse's 0.8 µm sheet would overlap its neighbours, whose
    /// clefts lie ~0.47 µm apart, Rusakov & Kullmann 1998; the sheath keeps
    /// the ring beyond the perisynaptic zone, the neuropil's transporters
    /// take the rest).
    pub sheet_radius_um: f64,
    /// Space beyond the spines on every side (µm; numerics).
    pub margin_um: f64,
    /// Voxel side of the shared space (µm; numerics).
    pub voxel_um: f64,
    /// Fast steps per step of the shared space (numerics: its hop
    /// probability per coarse step stays below a few per cent).
    pub space_every_steps: u32,
    /// Voltage clamp of the shaft for the extrasynaptic current (mV).
    pub holding_mv: f64,
    /// Transporters in the neuropil relative to normal (a stressed
    /// astrocyte expresses fewer).
    pub uptake_scale: f64,
}

impl Default for DendriteConfig {
    fn default() -> Self {
        Self {
            length_um: 10.0,
            spines_per_um: 2.89,
            shaft_radius_um: 0.3,
            neck_um: 0.5,
            head_um: 0.45,
            psd_area_median_um2: 0.069,
            psd_area_sigma_ln: 0.7,
            astro_contact_fraction: 0.6,
            extrasynaptic_fraction: 0.36,
            ambient_nm: 25.0,
            sheet_radius_um: 0.35,
            margin_um: 1.5,
            voxel_um: 0.5,
            space_every_steps: 4,
            holding_mv: -70.0,
            uptake_scale: 1.0,
        }
    }
}

impl DendriteConfig {
    /// Every number in range, or the field and the fix.
    pub fn check(&self) -> Result<(), String> {
        self.check_each(
            |name, v, lo, hi| {
                if v.is_finite() && (lo..=hi).contains(&v) { Ok(()) } else { Err(format!("dendrite.{name} = {} is out of range: give {lo} to {hi}", crate::units::readable(v))) }
            },
        )
    }

    /// The shared space's per-step probabilities for this scenario's
    /// extracellular space and time step: (hop to each face neighbour,
    /// uptake). Their sum over the six faces must stay at or below 0.5 (a
    /// molecule moves at most one voxel a step, and the draws stay exact).
    pub fn space_probabilities(&self, ecs: &crate::ecs::EcsConfig, dt_ms: f64) -> (f64, f64) {
        let dt_c = dt_ms * self.space_every_steps as f64;
        let d_star = ecs.d_free_um2_per_ms / (ecs.tortuosity * ecs.tortuosity);
        (d_star * dt_c / (self.voxel_um * self.voxel_um), (ecs.uptake_per_ms * dt_c).min(0.3))
    }

    /// Each number with its allowed range, through `range` (field name
    /// without the `dendrite.` prefix): the one list of the ranges.
    pub fn check_each<E>(&self, mut range: impl FnMut(&str, f64, f64, f64) -> Result<(), E>) -> Result<(), E> {
        range("length_um", self.length_um, 0.5, 40.0)?;
        range("spines_per_um", self.spines_per_um, 0.1, 6.0)?;
        range("shaft_radius_um", self.shaft_radius_um, 0.1, 1.0)?;
        range("neck_um", self.neck_um, 0.1, 2.0)?;
        range("head_um", self.head_um, 0.1, 1.5)?;
        range("psd_area_median_um2", self.psd_area_median_um2, 0.005, 0.5)?;
        range("psd_area_sigma_ln", self.psd_area_sigma_ln, 0.0, 2.0)?;
        range("astro_contact_fraction", self.astro_contact_fraction, 0.0, 1.0)?;
        range("extrasynaptic_fraction", self.extrasynaptic_fraction, 0.0, 0.9)?;
        range("ambient_nm", self.ambient_nm, 0.0, 10_000.0)?;
        range("sheet_radius_um", self.sheet_radius_um, 0.2, 1.0)?;
        range("margin_um", self.margin_um, 0.5, 5.0)?;
        range("voxel_um", self.voxel_um, 0.2, 1.0)?;
        range("space_every_steps", self.space_every_steps as f64, 1.0, 20.0)?;
        range("holding_mv", self.holding_mv, -120.0, 60.0)?;
        range("uptake_scale", self.uptake_scale, 0.0, 10.0)?;
        Ok(())
    }
}

/// What happens at the rim of the simulated sheet of extracellular space.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rim {
    /// Molecules leave straight into the far extracellular pool.
    Absorbing,
    /// Molecules are reflected back (a closed box, for benchmarks and checks).
    Reflecting,
    /// Molecules enter the porous extracellular space around the synapse
    /// (`geometry.ecs`), from which they can come back (`ecs.rs`): the default.
    Ecs,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct GeometryConfig {
    /// Cleft width: ~20 nm (15–25), Schikorski & Stevens 1997; Savtchenko & Rusakov 2007 (approx.).
    pub cleft_height_nm: f64,
    /// PSD radius: a 300 nm PSD (Schikorski & Stevens 1997, approx.).
    pub psd_radius_um: f64,
    /// Active zone radius, where vesicles dock (approx., same source).
    pub active_zone_radius_um: f64,
    /// Inner edge of the astrocyte sheath; the ring between the PSD and it is
    /// the perisynaptic zone where group I mGluRs sit (Luján et al. 1996, approx.).
    pub astro_inner_radius_um: f64,
    /// Outer edge of the simulated sheet; beyond it molecules join the
    /// extracellular pool (assumption: sized so the sheath carries 3–5× one
    /// vesicle's glutamate in transporters, as Lehre & Danbolt 1998 estimate;
    /// 0.8 µm gives ≈ 3.4×, checked by `validate`).
    pub outer_radius_um: f64,
    /// Fraction of the perisynaptic ring covered by astrocyte (assumption;
    /// ~60% of CA1 synapses are contacted, Ventura & Harris 1999, approx.).
    pub astro_coverage: f64,
    /// The sheath is drawn and simulated as this many processes (sectors).
    pub astro_processes: u32,
    /// Glutamate diffusion coefficient: apparent 0.32 µm²/ms in the cleft
    /// (Zheng, Scimemi & Rusakov 2008 ✔; free value 0.76, Nielsen et al. 2004).
    pub d_glu_um2_per_ms: f64,
    /// Radius of the column of cleft a receptor samples for binding (see
    /// `receptors` docs: the local-concentration binding rule).
    pub binding_column_radius_nm: f64,
    /// Side of a transporter patch on the astrocyte membrane.
    pub eaat_patch_nm: f64,
    pub rim: Rim,
    /// The extracellular space beyond the rim when `rim` is `Ecs`.
    pub ecs: crate::ecs::EcsConfig,
    /// Centre distance of the GABAergic interneuron terminal from the synapse
    /// axis (for the 3D view; its chemistry is compartmental).
    pub interneuron_distance_um: f64,
}

impl Default for GeometryConfig {
    fn default() -> Self {
        Self {
            cleft_height_nm: 20.0,
            psd_radius_um: 0.15,
            active_zone_radius_um: 0.10,
            astro_inner_radius_um: 0.25,
            outer_radius_um: 0.8,
            astro_coverage: 0.6,
            astro_processes: 4,
            d_glu_um2_per_ms: 0.32,
            binding_column_radius_nm: 10.0,
            eaat_patch_nm: 25.0,
            rim: Rim::Ecs,
            ecs: crate::ecs::EcsConfig::default(),
            interneuron_distance_um: 0.6,
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PresynapticConfig {
    /// Docking sites = readily releasable pool: ~4–10 (Dobrunz & Stevens 1997, approx.).
    pub docked_sites: u32,
    /// Reserve vesicles in the bouton: ~200 (Schikorski & Stevens 1997, approx.).
    pub reserve_vesicles: u32,
    /// Glutamate per vesicle: 3,500 (2,000–5,000; Clements 1996, approx.).
    pub glutamate_per_vesicle: u32,
    /// P/Q-type Ca²⁺ channels coupled to the docked vesicles (assumption: 20).
    pub ca_channels: u32,
    /// Chance each channel opens during an action potential (assumption).
    pub ca_channel_open_prob: f64,
    /// Mean open time of a channel after the spike (assumption; ~0.5 ms, so the sensor sees Ca²⁺ for < 1 ms as Bollmann 2000 measured).
    pub ca_channel_open_ms: f64,
    /// [Ca²⁺] at the sensor per open channel, at 2 mM external Ca²⁺: chosen so
    /// the local peak is 10–25 µM (Bollmann et al. 2000; Schneggenburger & Neher 2000, approx.).
    pub ca_per_open_channel_um: f64,
    /// Resting [Ca²⁺]i (approx.).
    pub ca_rest_um: f64,
    /// Synchronous 5-site sensor (Sun et al., Nature 2007 ✔, ModelDB 105506):
    /// α = 1.53e8 M⁻¹s⁻¹ = 0.153 µM⁻¹ms⁻¹.
    pub sensor_kon_per_um_ms: f64,
    /// β = 5,800 s⁻¹.
    pub sensor_koff_per_ms: f64,
    /// Cooperativity factor b = 0.25.
    pub sensor_b: f64,
    /// Fusion rate from the 5-bound state γ = 6,000 s⁻¹.
    pub sensor_fusion_per_ms: f64,
    /// Spontaneous fusion per docked vesicle (minis; 0 keeps traces clean).
    pub spontaneous_per_s: f64,
    /// RRP refill per empty site: 0.24 s⁻¹ (Wesseling & Lo 2002 ✔).
    pub rrp_refill_per_s: f64,
    /// VGLUT refilling τ: 7–15 s (Hori & Takahashi 2012, approx.).
    pub vglut_fill_tau_s: f64,
    /// Endocytosis τ ≈ 15 s, clathrin-mediated (Granseth et al. 2006, approx.).
    pub endocytosis_tau_s: f64,
    /// Fusion-pore emptying τ (assumption: sub-100 µs pore expansion).
    pub fusion_pore_tau_ms: f64,
    /// Facilitation (Dittman, Kreitzer & Regehr 2000, Schaffer collateral
    /// fit, Table 2): Ca²⁺ bound to a high-affinity site X_F after each
    /// spike decays with τ_F = 100 ms ✔.
    pub facilitation_tau_ms: f64,
    /// K_F of that site, in units of one spike's increment at 2 mM Ca²⁺
    /// (Dittman's normalisation, Δ_F = 1): 0.67, from their Schaffer
    /// collateral fit (F1 = 0.24, ρ = 2.2 give K_F = (1−F1)/(ρ·F1/(1−F1) − F1) − 1).
    pub facilitation_kf: f64,
    /// Largest relative rise of the Ca²⁺ the release sensor sees when X_F is
    /// saturated: 1.0, fitted so two spikes 50 ms apart at 2 mM give the
    /// paired-pulse ratio of low-Pr CA3–CA1 synapses (1.5–2; Dobrunz &
    /// Stevens 1997): 1.66 over 1,500 synapses (0.75 gave 1.47, 1.05 gave
    /// 1.70). Fitted: the 50 ms row is calibration, not evidence.
    pub facilitation_max_boost: f64,
}

impl Default for PresynapticConfig {
    fn default() -> Self {
        Self {
            docked_sites: 7,
            reserve_vesicles: 200,
            glutamate_per_vesicle: 3500,
            ca_channels: 20,
            ca_channel_open_prob: 0.6,
            ca_channel_open_ms: 0.5,
            ca_per_open_channel_um: 1.8,
            ca_rest_um: 0.05,
            sensor_kon_per_um_ms: 0.153,
            sensor_koff_per_ms: 5.8,
            sensor_b: 0.25,
            sensor_fusion_per_ms: 6.0,
            spontaneous_per_s: 0.0,
            rrp_refill_per_s: 0.24,
            vglut_fill_tau_s: 10.0,
            endocytosis_tau_s: 15.0,
            fusion_pore_tau_ms: 0.05,
            facilitation_tau_ms: 100.0,
            facilitation_kf: 0.67,
            facilitation_max_boost: 1.0,
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ReceptorConfig {
    /// AMPA receptors in the PSD: up to ~150 in mushroom spines (Matsuzaki 2001 ✔);
    /// 80 chosen so the mEPSC falls in 10–30 pA (book/src/model.md §10).
    pub ampa: u32,
    /// NMDA receptors that gate like GluN1/GluN2A: the GluN2A diheteromers
    /// and the GluN1/GluN2A/GluN2B triheteromers, the majority of synaptic
    /// NMDA receptors in adult hippocampus and cortex (Luo et al., Mol
    /// Pharmacol 1997; Rauner & Köhr, J Biol Chem 2011), whose deactivation
    /// is close to GluN2A's (Hansen et al., Neuron 2014). 5 and 2 below: a
    /// mini at −70 mV in 0 Mg²⁺ opens about one NMDA channel at its peak, as
    /// the cortical NMDA/AMPA ratio of 0.27 with ~18 pA minis and 50 pS
    /// channels implies (Myme et al. 2003) and "fewer than one" in spines
    /// (Nimchinsky et al., J Neurosci 2004); the counts are chosen to that
    /// (an assumption; anatomical counts run higher: Racca et al. 2000).
    pub nmda_2a: u32,
    /// GluN1/GluN2B diheteromers: a minority at adult synapses (Rauner &
    /// Köhr 2011; assumption: 2 of 7), richer outside them (the slow
    /// cascade's resting signalling weights GluN2B on its own).
    pub nmda_2b: u32,
    /// Kainate receptors (assumption: a few).
    pub kainate: u32,
    /// Group I mGluRs (mGlu1/5) in the perisynaptic ring (assumption: count).
    pub mglu_group1: u32,
    /// Group II mGluRs (mGlu2/3) on the presynaptic membrane outside the AZ.
    pub mglu_group2: u32,
    /// AMPA single-channel conductance 10 pS (8–10; Smith & Howe 2000, approx.).
    pub ampa_conductance_ps: f64,
    /// NMDA (2A/2B) single-channel conductance 50 pS (Jahr & Stevens 1987 ✔).
    pub nmda_conductance_ps: f64,
    /// Kainate single-channel conductance (assumption).
    pub kainate_conductance_ps: f64,
    /// Reversal of AMPA, NMDA and kainate currents: 0 mV (Destexhe 1998 ✔).
    pub e_glu_mv: f64,
    /// Q10 of AMPA kinetics measured at 22 °C (assumption within the 2–3 range book/src/model.md §10 allows).
    pub ampa_q10: f64,
}

impl Default for ReceptorConfig {
    fn default() -> Self {
        Self {
            ampa: 80,
            nmda_2a: 5,
            nmda_2b: 2,
            kainate: 4,
            mglu_group1: 8,
            mglu_group2: 8,
            ampa_conductance_ps: 10.0,
            nmda_conductance_ps: 50.0,
            kainate_conductance_ps: 5.0,
            e_glu_mv: 0.0,
            ampa_q10: 2.0,
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct UptakeConfig {
    /// GLT-1 density 8,500 µm⁻² of astrocyte membrane (Lehre & Danbolt 1998 ✔).
    pub glt1_per_um2: f64,
    /// GLAST density 2,300 µm⁻² (Lehre & Danbolt 1998 ✔).
    pub glast_per_um2: f64,
    /// Binding rate (assumption: 1e7 M⁻¹s⁻¹, fast buffering as Diamond & Jahr 1997 describe).
    pub kon_per_mm_ms: f64,
    /// Unbinding (assumption, 200 s⁻¹: between Wadiche & Kavanaugh 1998's
    /// 31 s⁻¹ for EAAT1 and Diamond's 300 s⁻¹ model value).
    pub koff_per_ms: f64,
    /// Translocation of bound glutamate into the astrocyte: fast, 480 s⁻¹
    /// at 0 mV (EAAT2 patches at room temperature, Otis & Kavanaugh 2000;
    /// faster still at the astrocyte's −85 mV, which is left out).
    pub translocate_per_ms: f64,
    /// Return of the empty carrier, the slow step: with translocation a 69 ms
    /// cycle, the 70 ms Wadiche et al. 1995 measured for EAAT2 at −80 mV and
    /// room temperature (the simulation runs at 22 °C; at 37 °C ~20 ms).
    pub return_per_ms: f64,
}

impl Default for UptakeConfig {
    fn default() -> Self {
        Self { glt1_per_um2: 8500.0, glast_per_um2: 2300.0, kon_per_mm_ms: 10.0, koff_per_ms: 0.2, translocate_per_ms: 0.5, return_per_ms: 0.015 }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MetabolismConfig {
    /// Glutamate–glutamine cycle flux per synapse: 0.32 µmol g⁻¹ min⁻¹ (Shen et al. 1999 ✔)
    /// at ~1e12 synapses per gram (assumption) ≈ 3.2 molecules/ms.
    pub cycle_flux_per_ms: f64,
    /// Neuronal cytosol per synapse (assumption: sized so the 10 mM pool turns over in ~30 min, Erecińska & Silver 1990).
    pub neuron_volume_um3: f64,
    /// Astrocyte cytosol per synapse (assumption).
    pub astro_volume_um3: f64,
    /// Interneuron terminal cytosol (assumption).
    pub interneuron_volume_um3: f64,
    /// Extracellular volume the escaped glutamate mixes into (assumption).
    pub ecs_volume_um3: f64,
    /// Clearance τ of the extracellular pool by distant transporters (assumption).
    pub ecs_clearance_ms: f64,
    /// Neuronal glutamate 10 mM, glutamine 3–5 mM (Erecińska & Silver 1990, approx.).
    pub neuron_glu_mm: f64,
    pub neuron_gln_mm: f64,
    /// Astrocytic glutamate is kept low by GS (assumption: 0.1 mM); glutamine 3 mM.
    pub astro_glu_mm: f64,
    pub astro_gln_mm: f64,
    /// Glutamine synthetase Km(Glu) 3 mM (Listrom 1997 / Pamiljans 1961 via Calvetti 2011 ✔ secondary).
    pub gs_km_mm: f64,
    /// Glutaminase Km(Gln) 3 mM (2–5; Kvamme et al. 2001, approx.).
    pub pag_km_mm: f64,
    /// Share of the glutamine shuttle that feeds the GABAergic terminal (assumption).
    pub interneuron_share: f64,
}

impl Default for MetabolismConfig {
    fn default() -> Self {
        Self {
            cycle_flux_per_ms: 3.2,
            neuron_volume_um3: 1.0,
            astro_volume_um3: 0.5,
            interneuron_volume_um3: 0.25,
            ecs_volume_um3: 2.0,
            ecs_clearance_ms: 20.0,
            neuron_glu_mm: 10.0,
            neuron_gln_mm: 3.0,
            astro_glu_mm: 0.1,
            astro_gln_mm: 3.0,
            gs_km_mm: 3.0,
            pag_km_mm: 3.0,
            interneuron_share: 0.2,
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SolutionConfig {
    /// Extracellular Mg²⁺: CSF 1.0–1.2 mM (book/src/model.md §6 ✔).
    pub mg_mm: f64,
    /// Extracellular Ca²⁺ (approx. 2 mM in slice ACSF); scales Ca²⁺ entry.
    pub ca_mm: f64,
    /// Glycine at the NMDA co-agonist site; the synaptic site may be unsaturated (Bergeron et al. 1998, approx.).
    pub glycine_um: f64,
    /// D-serine, a full co-agonist of similar potency (Mothet et al. 2000, approx.).
    pub d_serine_um: f64,
    /// Ambient glutamate ~25 nM (Herman & Jahr 2007 ✔).
    pub ambient_glu_nm: f64,
}

impl Default for SolutionConfig {
    fn default() -> Self {
        Self { mg_mm: 1.0, ca_mm: 2.0, glycine_um: 5.0, d_serine_um: 1.0, ambient_glu_nm: 25.0 }
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClampMode {
    /// The membrane voltage is held at `hold_mv` (steps via `HoldStep`).
    VoltageClamp,
    /// The membrane integrates its currents (C dV/dt = −g_L(V − E_L) − I).
    CurrentClamp,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MembraneConfig {
    pub mode: ClampMode,
    /// Holding (voltage clamp) or starting (current clamp) potential.
    pub hold_mv: f64,
    /// Resting potential −65 to −75 mV (Spruston 2008, approx.).
    pub e_leak_mv: f64,
    /// τm ≈ 20 ms (McCormick et al. 1985 ✔).
    pub tau_m_ms: f64,
    /// Input resistance 100–200 MΩ (McCormick et al. 1985, approx.).
    pub r_in_mohm: f64,
    /// Injected current in current clamp (positive depolarises).
    pub inject_pa: f64,
}

impl Default for MembraneConfig {
    fn default() -> Self {
        Self { mode: ClampMode::VoltageClamp, hold_mv: -70.0, e_leak_mv: -70.0, tau_m_ms: 20.0, r_in_mohm: 150.0, inject_pa: 0.0 }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct InterneuronConfig {
    /// Spontaneous firing of the GABAergic interneuron, Poisson (assumption).
    pub rate_hz: f64,
    /// GABA release sites onto the postsynaptic cell (assumption).
    pub release_sites: u32,
    /// Release probability per site per spike (assumption).
    pub release_prob: f64,
    /// GABA-A channels under the terminal (assumption).
    pub gaba_a_channels: u32,
    /// GABA-A single-channel conductance (~25 pS main level, approx.).
    pub gaba_a_conductance_ps: f64,
    /// E_GABA-A −70 mV (Hille 2001, approx.).
    pub e_gaba_mv: f64,
    /// Holo-enzyme GAD copies (assumption: set so GAD carries the interneuron's
    /// share of the cycle flux at 10 mM glutamate).
    pub gad_copies: f64,
    /// Share of GAD that is GAD65 (the rest GAD67), and the holo fraction of
    /// GAD65: ≥ 50% of GAD is apo (Battaglioli et al. 2003 ✔).
    pub gad65_share: f64,
    pub gad65_holo_fraction: f64,
}

impl Default for InterneuronConfig {
    fn default() -> Self {
        Self { rate_hz: 0.0, release_sites: 5, release_prob: 0.3, gaba_a_channels: 30, gaba_a_conductance_ps: 25.0, e_gaba_mv: -70.0, gad_copies: 139.0, gad65_share: 0.5, gad65_holo_fraction: 0.5 }
    }
}

/// One stimulus of the protocol.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub enum Stimulus {
    /// One presynaptic action potential.
    Spike { at_ms: f64 },
    /// A train of `count` spikes at `rate_hz` from `start_ms`.
    Train { start_ms: f64, rate_hz: f64, count: u32 },
    /// Force one docked vesicle to fuse (a miniature EPSC).
    Mini { at_ms: f64 },
    /// Voltage clamp: change the holding potential.
    HoldStep { at_ms: f64, v_mv: f64 },
    /// Current clamp: change the injected current.
    CurrentStep { at_ms: f64, i_pa: f64 },
    /// One spike of the GABAergic interneuron.
    InterneuronSpike { at_ms: f64 },
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RecordConfig {
    /// Sampling interval of the trace.
    pub every_us: f64,
}

impl Default for RecordConfig {
    fn default() -> Self {
        Self { every_us: 10.0 }
    }
}

/// A drug and its timing on the slow clock (minutes from the scenario's
/// t = 0; a negative start means the drug was already on board, e.g. weeks
/// of memantine before the recording starts).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub enum DrugPlan {
    /// A fixed free concentration at the synapse, e.g. `conc: "10uM"`.
    Constant {
        drug: String,
        conc: String,
        #[serde(default)]
        start_min: f64,
        #[serde(default)]
        stop_min: Option<f64>,
    },
    /// The clinical regimen of the drug's file (its PK model).
    Regimen {
        drug: String,
        #[serde(default)]
        start_min: f64,
    },
    /// The rodent dose of the preclinical papers (the drug file's `rodent_regimen`).
    RodentRegimen {
        drug: String,
        #[serde(default)]
        start_min: f64,
    },
}

impl DrugPlan {
    pub fn drug(&self) -> &str {
        match self {
            DrugPlan::Constant { drug, .. } | DrugPlan::Regimen { drug, .. } | DrugPlan::RodentRegimen { drug, .. } => drug,
        }
    }

    pub fn start_min(&self) -> f64 {
        match self {
            DrugPlan::Constant { start_min, .. } | DrugPlan::Regimen { start_min, .. } | DrugPlan::RodentRegimen { start_min, .. } => *start_min,
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CascadeConfig {
    /// Euler step of the slow model (book/src/model.md §9: ≤ 0.02 min).
    pub dt_min: f64,
    /// Row interval of a slow-clock trace (`run --duration 24h`).
    pub record_every_min: f64,
    /// Resting potential at which the resting NMDA block is computed
    /// (−65 to −75 mV, Spruston 2008; approx.).
    pub v_rest_mv: f64,
    /// Chronic stress (illustrative; 0 = none, 1 = the stressed state of
    /// the `stressed_ketamine` scenario): REDD1 holds mTORC1 down and BDNF
    /// expression is lower (directions: Ota et al. 2014; Duman & Monteggia
    /// 2006), so synaptic proteins and spines settle lower (Li et al. 2011).
    /// The stress began 8 weeks before t = 0.
    pub stress: f64,
}

impl Default for CascadeConfig {
    fn default() -> Self {
        Self { dt_min: 0.01, record_every_min: 1.0, v_rest_mv: -70.0, stress: 0.0 }
    }
}

/// A scenario that could not be used, with what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub enum ScenarioError {
    Io { file: String, message: String },
    Parse { file: String, line: usize, col: usize, message: String },
    Version { file: String, at: Option<(usize, usize)>, found: u32 },
    Range { file: String, at: Option<(usize, usize)>, field: String, value: String, allowed: String },
    Override { arg: String, message: String },
    Drug { file: String, at: Option<(usize, usize)>, entry: String, message: String },
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { file, message } => write!(f, "{file}: cannot read the scenario: {message}"),
            Self::Parse { file, line, col, message } => write!(f, "{file}:{line}:{col}: not a valid scenario: {message}. Fix the RON at that place (see assets/scenarios/ for examples)"),
            Self::Version { file, at, found } => {
                write!(f, "{}: scenario version {found} is not supported; this build reads version {SCENARIO_VERSION}. Set `version: {SCENARIO_VERSION}`", placed(file, *at))
            }
            Self::Range { file, at, field, value, allowed } => {
                write!(f, "{}: {field} = {value} is out of range; allowed: {allowed}. Change the value in the file or with --set {field}=...", placed(file, *at))
            }
            Self::Override { arg, message } => write!(f, "--set {arg}: {message}"),
            Self::Drug { file, at, entry, message } => write!(f, "{}: {entry}: {message}", placed(file, *at)),
        }
    }
}

impl std::error::Error for ScenarioError {}

/// `file:line:col`, or `file` where the place is not known.
fn placed(file: &str, at: Option<(usize, usize)>) -> String {
    match at {
        Some((line, col)) => format!("{file}:{line}:{col}"),
        None => file.to_string(),
    }
}

impl ScenarioError {
    /// The same error for a scenario written from line `from_line` of a
    /// larger file (a command log's or a recording's): its places moved there.
    pub fn moved_down(mut self, from_line: usize) -> Self {
        let shift = |at: &mut Option<(usize, usize)>| *at = at.map(|(l, c)| (l + from_line - 1, c));
        match &mut self {
            Self::Parse { line, .. } => *line += from_line - 1,
            Self::Version { at, .. } | Self::Range { at, .. } | Self::Drug { at, .. } => shift(at),
            Self::Io { .. } | Self::Override { .. } => {}
        }
        self
    }
}

impl Scenario {
    /// Read, parse and validate a scenario file.
    pub fn load(path: &Path) -> Result<Self, ScenarioError> {
        let file = path.display().to_string();
        let text = crate::text::read_text(path).map_err(|e| match e {
            crate::text::ReadError::NotUtf8 { line, col, .. } => ScenarioError::Parse { file: file.clone(), line, col, message: e.to_string() },
            crate::text::ReadError::Io(message) => ScenarioError::Io { file: file.clone(), message },
        })?;
        Self::from_ron(&text, &file)
    }

    /// Parse and validate scenario text; `file` names it in messages.
    pub fn from_ron(text: &str, file: &str) -> Result<Self, ScenarioError> {
        let scenario: Scenario = ron::from_str(text).map_err(|e| ScenarioError::Parse { file: file.to_string(), line: e.span.start.line, col: e.span.start.col, message: e.code.to_string() })?;
        scenario.validate_in(file, Some(text))?;
        Ok(scenario)
    }

    /// Pretty RON, as written by the app's "save".
    pub fn to_ron(&self) -> String {
        let cfg = ron::ser::PrettyConfig::new().struct_names(true);
        ron::ser::to_string_pretty(self, cfg).expect("a scenario always serialises")
    }

    /// Check every number against its allowed range.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        self.validate_in("<scenario>", None)
    }

    /// Check every number, placing a bad one in `text`, a larger file
    /// (a command log, a recording) whose scenario is written from line
    /// `from_line` (1-based) on.
    pub fn validate_within(&self, file: &str, text: &str, from_line: usize) -> Result<(), ScenarioError> {
        let start = text.split_inclusive('\n').take(from_line.saturating_sub(1)).map(str::len).sum::<usize>();
        self.validate_in(file, Some(&text[start..])).map_err(|e| e.moved_down(from_line))
    }

    fn validate_in(&self, file: &str, text: Option<&str>) -> Result<(), ScenarioError> {
        if self.version != SCENARIO_VERSION {
            return Err(ScenarioError::Version { file: file.into(), at: text.and_then(|t| position_of_field(t, "version")), found: self.version });
        }
        let err = |field: &str, value: f64, lo: f64, hi: f64, unit: &str| ScenarioError::Range {
            file: file.into(),
            at: text.and_then(|t| position_of_field(t, field)),
            field: field.into(),
            value: crate::units::readable(value),
            allowed: format!("{lo} to {hi} {unit}").trim_end().to_string(),
        };
        let check = |field: &str, v: f64, lo: f64, hi: f64, unit: &str| -> Result<(), ScenarioError> { if v.is_finite() && v >= lo && v <= hi { Ok(()) } else { Err(err(field, v, lo, hi, unit)) } };
        let g = &self.geometry;
        let p = &self.presynaptic;
        let r = &self.receptors;
        let u = &self.uptake;
        let m = &self.metabolism;
        let s = &self.solution;
        let mb = &self.membrane;
        let i = &self.interneuron;
        check("duration_ms", self.duration_ms, 1e-3, 86_400_000.0, "ms")?;
        check("dt_us", self.dt_us, 0.05, 10.0, "µs")?;
        check("temperature_c", self.temperature_c, 15.0, 40.0, "°C")?;
        check("geometry.cleft_height_nm", g.cleft_height_nm, 5.0, 100.0, "nm")?;
        check("geometry.psd_radius_um", g.psd_radius_um, 0.03, 0.5, "µm")?;
        check("geometry.active_zone_radius_um", g.active_zone_radius_um, 0.02, g.psd_radius_um, "µm (at most the PSD radius)")?;
        check("geometry.astro_inner_radius_um", g.astro_inner_radius_um, g.psd_radius_um, 2.0, "µm (from the PSD radius)")?;
        check("geometry.outer_radius_um", g.outer_radius_um, g.astro_inner_radius_um + 0.05, 5.0, "µm (beyond the astrocyte's inner edge)")?;
        check("geometry.astro_coverage", g.astro_coverage, 0.0, 1.0, "")?;
        check("geometry.astro_processes", g.astro_processes as f64, 1.0, 32.0, "")?;
        check("geometry.d_glu_um2_per_ms", g.d_glu_um2_per_ms, 0.01, 2.0, "µm²/ms")?;
        check("geometry.binding_column_radius_nm", g.binding_column_radius_nm, 2.0, 30.0, "nm")?;
        check("geometry.eaat_patch_nm", g.eaat_patch_nm, 5.0, 100.0, "nm")?;
        check("geometry.interneuron_distance_um", g.interneuron_distance_um, 0.0, 10.0, "µm")?;
        check("presynaptic.docked_sites", p.docked_sites as f64, 0.0, 30.0, "")?;
        check("presynaptic.reserve_vesicles", p.reserve_vesicles as f64, 0.0, 1000.0, "")?;
        check("presynaptic.glutamate_per_vesicle", p.glutamate_per_vesicle as f64, 0.0, 20_000.0, "molecules")?;
        check("presynaptic.ca_channels", p.ca_channels as f64, 0.0, 200.0, "")?;
        check("presynaptic.ca_channel_open_prob", p.ca_channel_open_prob, 0.0, 1.0, "")?;
        check("presynaptic.ca_channel_open_ms", p.ca_channel_open_ms, 0.01, 10.0, "ms")?;
        check("presynaptic.ca_per_open_channel_um", p.ca_per_open_channel_um, 0.0, 50.0, "µM")?;
        check("presynaptic.ca_rest_um", p.ca_rest_um, 0.0, 1.0, "µM")?;
        check("presynaptic.sensor_kon_per_um_ms", p.sensor_kon_per_um_ms, 0.0, 10.0, "µM⁻¹ms⁻¹")?;
        check("presynaptic.sensor_koff_per_ms", p.sensor_koff_per_ms, 0.0, 100.0, "ms⁻¹")?;
        check("presynaptic.sensor_b", p.sensor_b, 0.01, 1.0, "")?;
        check("presynaptic.sensor_fusion_per_ms", p.sensor_fusion_per_ms, 0.0, 100.0, "ms⁻¹")?;
        check("presynaptic.spontaneous_per_s", p.spontaneous_per_s, 0.0, 100.0, "s⁻¹")?;
        check("presynaptic.rrp_refill_per_s", p.rrp_refill_per_s, 0.0, 100.0, "s⁻¹")?;
        check("presynaptic.vglut_fill_tau_s", p.vglut_fill_tau_s, 0.01, 600.0, "s")?;
        check("presynaptic.endocytosis_tau_s", p.endocytosis_tau_s, 0.01, 600.0, "s")?;
        check("presynaptic.fusion_pore_tau_ms", p.fusion_pore_tau_ms, 0.001, 5.0, "ms")?;
        for (name, n) in [("ampa", r.ampa), ("nmda_2a", r.nmda_2a), ("nmda_2b", r.nmda_2b), ("kainate", r.kainate), ("mglu_group1", r.mglu_group1), ("mglu_group2", r.mglu_group2)] {
            check(&format!("receptors.{name}"), n as f64, 0.0, 400.0, "")?;
        }
        check("receptors.ampa_conductance_ps", r.ampa_conductance_ps, 0.0, 100.0, "pS")?;
        check("receptors.nmda_conductance_ps", r.nmda_conductance_ps, 0.0, 200.0, "pS")?;
        check("receptors.kainate_conductance_ps", r.kainate_conductance_ps, 0.0, 100.0, "pS")?;
        check("receptors.e_glu_mv", r.e_glu_mv, -50.0, 50.0, "mV")?;
        check("receptors.ampa_q10", r.ampa_q10, 1.0, 5.0, "")?;
        check("uptake.glt1_per_um2", u.glt1_per_um2, 0.0, 50_000.0, "µm⁻²")?;
        check("uptake.glast_per_um2", u.glast_per_um2, 0.0, 50_000.0, "µm⁻²")?;
        check("uptake.kon_per_mm_ms", u.kon_per_mm_ms, 0.0, 1000.0, "mM⁻¹ms⁻¹")?;
        check("uptake.koff_per_ms", u.koff_per_ms, 0.0, 100.0, "ms⁻¹")?;
        check("uptake.translocate_per_ms", u.translocate_per_ms, 0.0, 100.0, "ms⁻¹")?;
        check("uptake.return_per_ms", u.return_per_ms, 1e-4, 100.0, "ms⁻¹")?;
        check("metabolism.cycle_flux_per_ms", m.cycle_flux_per_ms, 0.0, 1e4, "molecules/ms")?;
        for (name, v) in
            [("neuron_volume_um3", m.neuron_volume_um3), ("astro_volume_um3", m.astro_volume_um3), ("interneuron_volume_um3", m.interneuron_volume_um3), ("ecs_volume_um3", m.ecs_volume_um3)]
        {
            check(&format!("metabolism.{name}"), v, 1e-3, 1e3, "µm³")?;
        }
        check("metabolism.ecs_clearance_ms", m.ecs_clearance_ms, 0.01, 1e6, "ms")?;
        for (name, v) in [("neuron_glu_mm", m.neuron_glu_mm), ("neuron_gln_mm", m.neuron_gln_mm), ("astro_glu_mm", m.astro_glu_mm), ("astro_gln_mm", m.astro_gln_mm)] {
            check(&format!("metabolism.{name}"), v, 1e-3, 100.0, "mM")?;
        }
        check("metabolism.gs_km_mm", m.gs_km_mm, 0.01, 100.0, "mM")?;
        check("metabolism.pag_km_mm", m.pag_km_mm, 0.01, 100.0, "mM")?;
        check("metabolism.interneuron_share", m.interneuron_share, 0.0, 0.9, "")?;
        check("solution.mg_mm", s.mg_mm, 0.0, 20.0, "mM")?;
        check("solution.ca_mm", s.ca_mm, 0.0, 10.0, "mM")?;
        check("solution.glycine_um", s.glycine_um, 0.0, 10_000.0, "µM")?;
        check("solution.d_serine_um", s.d_serine_um, 0.0, 10_000.0, "µM")?;
        check("solution.ambient_glu_nm", s.ambient_glu_nm, 0.0, 100_000.0, "nM")?;
        check("membrane.hold_mv", mb.hold_mv, -120.0, 60.0, "mV")?;
        check("membrane.e_leak_mv", mb.e_leak_mv, -120.0, 0.0, "mV")?;
        check("membrane.tau_m_ms", mb.tau_m_ms, 1.0, 200.0, "ms")?;
        check("membrane.r_in_mohm", mb.r_in_mohm, 10.0, 2000.0, "MΩ")?;
        check("membrane.inject_pa", mb.inject_pa, -2000.0, 2000.0, "pA")?;
        check("interneuron.rate_hz", i.rate_hz, 0.0, 200.0, "Hz")?;
        check("interneuron.release_sites", i.release_sites as f64, 0.0, 50.0, "")?;
        check("interneuron.release_prob", i.release_prob, 0.0, 1.0, "")?;
        check("interneuron.gaba_a_channels", i.gaba_a_channels as f64, 0.0, 1000.0, "")?;
        check("interneuron.gaba_a_conductance_ps", i.gaba_a_conductance_ps, 0.0, 200.0, "pS")?;
        check("interneuron.e_gaba_mv", i.e_gaba_mv, -100.0, 0.0, "mV")?;
        check("interneuron.gad_copies", i.gad_copies, 0.0, 1e6, "")?;
        check("interneuron.gad65_share", i.gad65_share, 0.0, 1.0, "")?;
        check("interneuron.gad65_holo_fraction", i.gad65_holo_fraction, 0.0, 1.0, "")?;
        check("record.every_us", self.record.every_us, self.dt_us, 1e9, "µs (at least dt_us)")?;
        for (k, stim) in self.protocol.iter().enumerate() {
            let at = |name: &str, v: f64| check(&format!("protocol[{k}].{name}"), v, 0.0, 86_400_000.0, "ms");
            match stim {
                Stimulus::Spike { at_ms } | Stimulus::Mini { at_ms } | Stimulus::InterneuronSpike { at_ms } => at("at_ms", *at_ms)?,
                Stimulus::Train { start_ms, rate_hz, count } => {
                    at("start_ms", *start_ms)?;
                    check(&format!("protocol[{k}].rate_hz"), *rate_hz, 0.01, 500.0, "Hz")?;
                    check(&format!("protocol[{k}].count"), *count as f64, 1.0, 100_000.0, "")?;
                }
                Stimulus::HoldStep { at_ms, v_mv } => {
                    at("at_ms", *at_ms)?;
                    check(&format!("protocol[{k}].v_mv"), *v_mv, -120.0, 60.0, "mV")?;
                }
                Stimulus::CurrentStep { at_ms, i_pa } => {
                    at("at_ms", *at_ms)?;
                    check(&format!("protocol[{k}].i_pa"), *i_pa, -2000.0, 2000.0, "pA")?;
                }
            }
        }
        check("cascade.dt_min", self.cascade.dt_min, 1e-4, 0.02, "min (book/src/model.md §9: at most 0.02)")?;
        check("cascade.record_every_min", self.cascade.record_every_min, self.cascade.dt_min, 10_080.0, "min (at least dt_min)")?;
        check("cascade.v_rest_mv", self.cascade.v_rest_mv, -90.0, -40.0, "mV")?;
        check("cascade.stress", self.cascade.stress, 0.0, 1.0, "(0 = none, 1 = the illustrative stressed state)")?;
        let e = &self.geometry.ecs;
        check("geometry.ecs.volume_fraction", e.volume_fraction, 0.05, 1.0, "")?;
        check("geometry.ecs.tortuosity", e.tortuosity, 1.0, 3.0, "")?;
        check("geometry.ecs.d_free_um2_per_ms", e.d_free_um2_per_ms, 0.05, 2.0, "µm²/ms")?;
        check("geometry.ecs.shell_um", e.shell_um, 0.05, 1.0, "µm")?;
        check("geometry.ecs.uptake_per_ms", e.uptake_per_ms, 0.0, 100.0, "ms⁻¹")?;
        // At least two shells beyond the rim, at most 200.
        let (lo, hi) = (self.geometry.outer_radius_um + 2.0 * e.shell_um, (self.geometry.outer_radius_um + 200.0 * e.shell_um).min(20.0));
        check("geometry.ecs.radius_um", e.radius_um, lo, hi.max(lo), "µm (two shells beyond geometry.outer_radius_um at least; 20 at most)")?;
        if let Some(d) = &self.dendrite {
            d.check_each(|name, v, lo, hi| check(&format!("dendrite.{name}"), v, lo, hi, ""))?;
            // The space's step must be short for its voxels: the most space steps this voxel allows.
            let fits = |steps: u32| {
                let (hop, uptake) = DendriteConfig { space_every_steps: steps, ..d.clone() }.space_probabilities(e, self.dt_ms());
                6.0 * hop + uptake <= 0.5
            };
            if !fits(d.space_every_steps) {
                let most = (1..d.space_every_steps).rev().find(|&k| fits(k)).unwrap_or(0);
                let fix = if most == 0 { "none fits: raise dendrite.voxel_um or lower dt_us".to_string() } else { format!("1 to {most} with this voxel_um and dt_us") };
                return Err(ScenarioError::Range {
                    file: file.into(),
                    at: text.and_then(|t| position_of_field(t, "dendrite.space_every_steps")),
                    field: "dendrite.space_every_steps".into(),
                    value: d.space_every_steps.to_string(),
                    allowed: format!("{fix} (a molecule of the shared space may move at most one voxel a step)"),
                });
            }
        }
        self.resolve_drugs_in(file, text)?;
        Ok(())
    }

    /// The scenario's drugs from the built-in catalogue, each with its plan;
    /// an unknown name, a bad concentration or a missing regimen is an error
    /// that names the entry and the fix.
    pub fn resolve_drugs(&self) -> Result<Vec<(crate::pharmacology::Drug, DrugPlan)>, ScenarioError> {
        self.resolve_drugs_in("<scenario>", None)
    }

    fn resolve_drugs_in(&self, file: &str, text: Option<&str>) -> Result<Vec<(crate::pharmacology::Drug, DrugPlan)>, ScenarioError> {
        if self.drugs.is_empty() {
            return Ok(Vec::new());
        }
        let catalogue = crate::pharmacology::Catalogue::builtin().map_err(|e| ScenarioError::Io { file: "built-in drug catalogue".into(), message: e.to_string() })?;
        let bad = |k: usize, name: &str, message: String| ScenarioError::Drug { file: file.into(), at: text.and_then(|t| position_of_value(t, name)), entry: format!("drugs[{k}]"), message };
        let mut out = Vec::new();
        for (k, plan) in self.drugs.iter().enumerate() {
            let name = plan.drug();
            let drug = catalogue.get(name).map_err(|e| bad(k, name, e.to_string()))?.clone();
            // The slow model integrates from the earliest start: 8 weeks is ~2 s.
            if !plan.start_min().is_finite() || !(-80_640.0..=525_600.0).contains(&plan.start_min()) {
                return Err(bad(k, name, format!("start_min {} must lie between -80640 (8 weeks before t = 0) and 525600 (a year after)", plan.start_min())));
            }
            match plan {
                DrugPlan::Constant { conc, stop_min, start_min, .. } => {
                    crate::pharmacology::catalogue::parse_concentration_um(conc).map_err(|e| bad(k, name, format!("conc: {e}")))?;
                    if let Some(stop) = stop_min.filter(|stop| stop.partial_cmp(start_min) != Some(std::cmp::Ordering::Greater)) {
                        return Err(bad(k, name, format!("stop_min {stop} must come after start_min {start_min}")));
                    }
                }
                DrugPlan::Regimen { .. } if drug.regimen.is_none() => {
                    return Err(bad(k, name, format!("{} has no clinical regimen in its file; use Constant(drug: \"{}\", conc: \"1uM\")", drug.name, drug.key)));
                }
                DrugPlan::RodentRegimen { .. } if drug.rodent_regimen.is_none() => {
                    return Err(bad(k, name, format!("{} has no rodent regimen in its file; use Regimen or Constant", drug.name)));
                }
                _ => {}
            }
            out.push((drug, plan.clone()));
        }
        Ok(out)
    }

    /// Apply `path=value` overrides (e.g. `solution.mg_mm=0`, `seed=7`,
    /// `protocol.0.rate_hz=50`), then validate. Values are JSON literals
    /// (numbers, true/false) or bare words for enum variants.
    pub fn with_overrides(&self, sets: &[String]) -> Result<Self, ScenarioError> {
        let mut tree = serde_json::to_value(self).expect("a scenario always serialises");
        for arg in sets {
            let (path, raw) = arg.split_once('=').ok_or_else(|| ScenarioError::Override { arg: arg.clone(), message: "write path=value, e.g. solution.mg_mm=0".into() })?;
            let value: serde_json::Value = serde_json::from_str(raw.trim()).unwrap_or_else(|_| serde_json::Value::String(raw.trim().to_string()));
            // A dendrite's field on a scenario without one gives it the default dendrite
            // (`--set dendrite.length_um=20`: this synapse, many times, in one space).
            if path.trim().starts_with("dendrite.")
                && let serde_json::Value::Object(map) = &mut tree
            {
                map.entry("dendrite").or_insert_with(|| serde_json::to_value(DendriteConfig::default()).expect("a dendrite always serialises"));
            }
            let mut node = &mut tree;
            for seg in path.trim().split('.') {
                let next = match node {
                    serde_json::Value::Object(map) => {
                        // Enum variants such as Spike { at_ms } sit one level down.
                        if !map.contains_key(seg) && map.len() == 1 {
                            let only = map.values_mut().next().unwrap();
                            if let serde_json::Value::Object(inner) = only { inner.get_mut(seg) } else { None }
                        } else {
                            map.get_mut(seg)
                        }
                    }
                    serde_json::Value::Array(items) => seg.parse::<usize>().ok().and_then(|k| items.get_mut(k)),
                    _ => None,
                };
                node = next.ok_or_else(|| ScenarioError::Override { arg: arg.clone(), message: format!("no field '{seg}' in '{path}'; the README lists the field paths") })?;
            }
            *node = value;
        }
        let scenario: Scenario = serde_json::from_value(tree).map_err(|e| ScenarioError::Override { arg: sets.join(" "), message: e.to_string() })?;
        scenario.validate_in("--set", None)?;
        Ok(scenario)
    }

    pub fn dt_ms(&self) -> f64 {
        self.dt_us * 1e-3
    }
}

/// The 1-based (line, column) where the last segment of `field` is written
/// as a key (`key:`), if it is; comments are skipped.
fn position_of_field(text: &str, field: &str) -> Option<(usize, usize)> {
    crate::text::field_position(text, field.rsplit('.').next()?.split('[').next()?, 1, 0)
}

/// The 1-based (line, column) of the first quoted `"value"` outside comments.
fn position_of_value(text: &str, value: &str) -> Option<(usize, usize)> {
    let quoted = format!("\"{value}\"");
    text.lines().enumerate().find_map(|(n, l)| {
        let code = l.split("//").next().unwrap_or("");
        code.find(&quoted).map(|i| (n + 1, code[..i].chars().count() + 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_round_trips_through_ron() {
        let s = Scenario::default();
        let text = s.to_ron();
        let back = Scenario::from_ron(&text, "mem.ron").unwrap();
        assert_eq!(s, back);
    }

    #[test]
    fn syntax_error_names_line_and_column() {
        let text = "Scenario(\n  version: 1,\n  seed: ,\n)";
        let e = Scenario::from_ron(text, "bad.ron").unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("bad.ron:3:"), "{msg}");
    }

    #[test]
    fn a_bad_extracellular_space_is_refused_not_a_panic() {
        for (field, text) in [
            ("geometry.ecs.shell_um", "Scenario(version: 1, geometry: (ecs: (shell_um: 0.0)))"),
            ("geometry.ecs.radius_um", "Scenario(version: 1, geometry: (ecs: (radius_um: 0.9)))"),
            ("geometry.ecs.radius_um", "Scenario(version: 1, geometry: (ecs: (radius_um: 1e9)))"),
            ("geometry.ecs.volume_fraction", "Scenario(version: 1, geometry: (ecs: (volume_fraction: -0.2)))"),
        ] {
            let e = Scenario::from_ron(text, "ecs.ron").unwrap_err().to_string();
            assert!(e.contains(field), "{text}: {e}");
        }
    }

    #[test]
    fn unknown_field_is_an_error() {
        let e = Scenario::from_ron("Scenario(version: 1, sede: 3)", "typo.ron").unwrap_err();
        assert!(e.to_string().contains("sede"), "{e}");
    }

    #[test]
    fn out_of_range_names_field_line_and_range() {
        let text = "Scenario(\n  version: 1,\n  solution: (\n    mg_mm: -1.0,\n  ),\n)";
        let e = Scenario::from_ron(text, "neg.ron").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("neg.ron:4:5:"), "{msg}");
        assert!(msg.contains("solution.mg_mm = -1"), "{msg}");
        assert!(msg.contains("0 to 20 mM"), "{msg}");
    }

    #[test]
    fn wrong_version_is_refused() {
        let e = Scenario::from_ron("Scenario(version: 9)", "v.ron").unwrap_err();
        assert!(matches!(e, ScenarioError::Version { found: 9, .. }));
    }

    #[test]
    fn overrides_reach_nested_fields_and_enum_variants() {
        let s = Scenario::default();
        let t = s.with_overrides(&["solution.mg_mm=0".into(), "seed=7".into(), "membrane.mode=CurrentClamp".into(), "protocol.0.at_ms=2.5".into()]).unwrap();
        assert_eq!(t.solution.mg_mm, 0.0);
        assert_eq!(t.seed, 7);
        assert_eq!(t.membrane.mode, ClampMode::CurrentClamp);
        assert_eq!(t.protocol[0], Stimulus::Spike { at_ms: 2.5 });
        assert!(s.with_overrides(&["solution.mgg=0".into()]).unwrap_err().to_string().contains("mgg"));
        assert!(s.with_overrides(&["solution.mg_mm=-3".into()]).unwrap_err().to_string().contains("0 to 20 mM"));
        assert!(s.with_overrides(&["solution.mg_mm=abc".into()]).is_err());
    }

    #[test]
    fn a_bad_dendrite_number_names_its_field_and_line() {
        let text = "Scenario(\n    version: 1,\n    dendrite: Some((\n        length_um: -3.0,\n    )),\n)\n";
        let err = Scenario::from_ron(text, "d.ron").unwrap_err().to_string();
        assert!(err.contains("d.ron:4:") && err.contains("dendrite.length_um") && err.contains("0.5 to 40"), "{err}");
        let ok = Scenario::from_ron("Scenario(version: 1, dendrite: Some(()))", "d.ron").unwrap();
        assert_eq!(ok.dendrite, Some(DendriteConfig::default()));
        assert!(!Scenario::default().to_ron().contains("dendrite"), "files without one are written as before");
        // The numbers each in range, but the space's step too long for its voxels: refused, with the fix.
        let text = "Scenario(version: 1, dendrite: Some((voxel_um: 0.2, space_every_steps: 20)))";
        let err = Scenario::from_ron(text, "d.ron").unwrap_err().to_string();
        assert!(err.contains("dendrite.space_every_steps = 20") && err.contains("1 to 11 with this voxel_um"), "{err}");
        let set = Scenario::default().with_overrides(&["dendrite.uptake_scale=0.6".into()]).unwrap();
        assert_eq!(set.dendrite, Some(DendriteConfig { uptake_scale: 0.6, ..DendriteConfig::default() }), "--set gives a scenario the default dendrite");
    }
}
