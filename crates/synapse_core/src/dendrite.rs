//! A stretch of dendrite: many spine synapses in one shared extracellular
//! space, with extrasynaptic NMDA receptors on the shaft and the astrocytes'
//! steady non-vesicular glutamate (the "drip").
//!
//! Each synapse is today's single synapse (`Simulation`: its own release
//! machinery, cleft sheet, PSD receptors, perisynaptic sheath and seed
//! streams), with its PSD size and astrocytic coverage drawn from measured
//! distributions. What leaves a synapse's sheet at its rim does not vanish:
//! it enters the voxel of the shared space at that spine, diffuses through
//! the porous neuropil (volume fraction α, tortuosity λ; Nicholson & Syková
//! 1998), is taken up by transporters at tissue density (the same
//! first-order rate as the single synapse's extracellular space), binds the
//! shaft's extrasynaptic NMDA receptors, or re-enters a cleft — its own or
//! a neighbour's. That return is spillover.
//!
//! The shared space is a lattice of cubic voxels holding whole molecules;
//! per coarse step (a few fast steps) a molecule hops to one of six
//! neighbours with p = D*·dt/h² each (D* = D_free/λ²) or is taken up;
//! binomial draws keep the ledger exact. Voxels inside the shaft are solid
//! (a hop into one is refused). The outer faces reflect: the tissue beyond
//! is the same tissue, so on average as much comes in as goes out; the
//! uptake length √(D*/k) ≈ 0.65 µm is short against the margin, so a
//! released vesicle's cloud never feels the faces.
//!
//! Teaching simplifications, said here and in the guide: each synapse's
//! sheet (0.8 µm radius, its sheath included) is its own near field and the
//! shared space begins at its rim, in the voxel of the spine head; the
//! synapses of other dendrites that share this neuropil are not simulated;
//! uptake in the neuropil is one first-order rate.
//!
//! Determinism: the synapses step independently within a step (in
//! parallel when asked), then the exchange with the shared space runs
//! serially in synapse order, so the bits are the same on any number of
//! threads.
use crate::ecs::binomial;
use crate::math;
use crate::pharmacology::Drug;
use crate::pharmacology::effects::{Applied, Effects, combined_mods, effects};
use crate::receptors::nmda::mg_unblock;
use crate::receptors::scheme::RateMods;
use crate::receptors::{Placement, ReceptorKind, Receptors};
use crate::rng::{domain, mix64, stream, unit_f64};
pub use crate::scenario::DendriteConfig;
use crate::scenario::{Rim, Scenario};
use crate::sim::{Control, Simulation};
use crate::units::{MOLECULES_PER_UM3_PER_MM, current_pa};
use rand::Rng;
use rayon::prelude::*;

fn sq(x: f64) -> f64 {
    x * x
}

/// Where one synapse sits and what was drawn for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// Centre of the cleft (µm; the dendrite's axis is x).
    pub pos_um: [f64; 3],
    /// Unit vector from the axis to the cleft (the spine's direction).
    pub normal: [f64; 3],
    /// Voxel of the shared space at the cleft's rim.
    pub voxel: usize,
    pub psd_area_um2: f64,
    /// Fraction of the perisynaptic ring under astrocyte (0: no contact).
    pub astro_coverage: f64,
}

/// Up to this many molecules in a voxel, each draws its own fate (one
/// draw, no `pow`); above it, chained binomials.
const FEW: u64 = 32;

/// The shared extracellular space: whole molecules in voxels.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedSpace {
    /// Voxels along x (the axis), y, z.
    pub dims: [usize; 3],
    /// Corner of voxel (0, 0, 0) (µm).
    pub origin_um: [f64; 3],
    pub voxel_um: f64,
    /// Molecules per voxel (x fastest).
    pub count: Vec<u64>,
    /// Voxels inside the shaft.
    pub solid: Vec<bool>,
    /// Per molecule per coarse step: a hop to each face neighbour; uptake
    /// at normal expression.
    p_hop: f64,
    p_uptake_normal: f64,
    /// Uptake now (normal × expression × what a blocker leaves free).
    p_uptake: f64,
    /// Per open voxel per coarse step: one molecule of drip.
    p_drip: f64,
    /// Cumulative thresholds of a molecule's fates in a coarse step:
    /// taken up, then a hop to each face (−x, +x, −y, +y, −z, +z).
    fate: [u64; 7],
    /// The open (non-solid) voxels, for placing the drip.
    open: Vec<u32>,
    next: Vec<u64>,
    pub taken_up: u64,
    pub dripped: u64,
}

impl SharedSpace {
    pub fn index(&self, i: usize, j: usize, k: usize) -> usize {
        i + self.dims[0] * (j + self.dims[1] * k)
    }

    /// The voxel holding a point (clamped to the lattice).
    pub fn voxel_at(&self, p: [f64; 3]) -> usize {
        let c = |a: usize| (((p[a] - self.origin_um[a]) / self.voxel_um).floor().max(0.0) as usize).min(self.dims[a] - 1);
        self.index(c(0), c(1), c(2))
    }

    pub fn centre(&self, v: usize) -> [f64; 3] {
        let (i, j, k) = (v % self.dims[0], (v / self.dims[0]) % self.dims[1], v / (self.dims[0] * self.dims[1]));
        let h = self.voxel_um;
        [self.origin_um[0] + (i as f64 + 0.5) * h, self.origin_um[1] + (j as f64 + 0.5) * h, self.origin_um[2] + (k as f64 + 0.5) * h]
    }

    /// Molecules in the space now.
    pub fn held(&self) -> u64 {
        self.count.iter().sum()
    }

    /// Mean concentration over the open voxels (nM).
    pub fn mean_nm(&self, pore_volume_um3: f64) -> f64 {
        self.held() as f64 / (MOLECULES_PER_UM3_PER_MM * pore_volume_um3 * self.open.len() as f64) * 1e6
    }

    /// Set the uptake probability per coarse step, and the fates' thresholds.
    fn set_uptake(&mut self, p_uptake: f64) {
        self.p_uptake = p_uptake;
        for (f, t) in self.fate.iter_mut().enumerate() {
            *t = crate::rng::threshold(p_uptake + f as f64 * self.p_hop);
        }
    }

    /// One coarse step: uptake, hops to the six face neighbours (refused
    /// into the shaft and at the outer faces), then the drip.
    fn step(&mut self, rng: &mut crate::rng::Stream) {
        let [nx, ny, nz] = self.dims;
        let mut next = std::mem::take(&mut self.next);
        next.iter_mut().for_each(|v| *v = 0);
        for v in 0..self.count.len() {
            let m = self.count[v];
            if m == 0 {
                continue;
            }
            let (i, j, k) = (v % nx, (v / nx) % ny, v / (nx * ny));
            // A face neighbour, or the voxel itself where the hop is refused.
            let target = |ok: bool, n: usize| if ok && !self.solid[n] { n } else { v };
            let neighbours = [
                target(i > 0, v.wrapping_sub(1)),
                target(i + 1 < nx, v + 1),
                target(j > 0, v.wrapping_sub(nx)),
                target(j + 1 < ny, v + nx),
                target(k > 0, v.wrapping_sub(nx * ny)),
                target(k + 1 < nz, v + nx * ny),
            ];
            if m <= FEW {
                // Few molecules: one draw each against the fates' thresholds.
                let mut stay = 0;
                for _ in 0..m {
                    let u = rng.next_u64();
                    match self.fate.iter().position(|&t| u < t) {
                        Some(0) => self.taken_up += 1,
                        Some(f) => next[neighbours[f - 1]] += 1,
                        None => stay += 1,
                    }
                }
                next[v] += stay;
                continue;
            }
            let up = binomial(m, self.p_uptake, rng);
            self.taken_up += up;
            let mut rest = m - up;
            let mut left = 1.0 - self.p_uptake;
            // Chained binomials give the multinomial over the six faces.
            for n in neighbours {
                let go = binomial(rest, (self.p_hop / left).min(1.0), rng);
                left -= self.p_hop;
                next[n] += go;
                rest -= go;
            }
            next[v] += rest;
        }
        self.next = std::mem::replace(&mut self.count, next);
        self.drip(self.p_drip, rng);
    }

    /// Drip: a binomial number of molecules (`p` per open voxel), each
    /// into an open voxel drawn at random, counted as dripped.
    fn drip(&mut self, p: f64, rng: &mut crate::rng::Stream) {
        let drops = binomial(self.open.len() as u64, p, rng);
        for _ in 0..drops {
            let v = self.open[(unit_f64(rng.next_u64()) * self.open.len() as f64) as usize % self.open.len()];
            self.count[v as usize] += 1;
        }
        self.dripped += drops;
    }
}

/// Exact molecule bookkeeping over every synapse and the shared space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DendriteLedger {
    /// Released by vesicles at all synapses.
    pub released: u64,
    /// Put into the space by the drip.
    pub dripped: u64,
    /// Free in the clefts or bound to their receptors and transporters.
    pub in_synapses: u64,
    /// Taken up by the synapses' sheaths.
    pub taken_up_sheaths: u64,
    /// Free in the shared space.
    pub in_space: u64,
    /// Taken up in the neuropil.
    pub taken_up_space: u64,
    /// Bound to the extrasynaptic receptors.
    pub bound_extrasynaptic: u64,
}

impl DendriteLedger {
    pub fn balanced(&self) -> bool {
        self.released + self.dripped == self.in_synapses + self.taken_up_sheaths + self.in_space + self.taken_up_space + self.bound_extrasynaptic
    }
}

/// The segment.
#[derive(Clone)]
pub struct Dendrite {
    pub config: DendriteConfig,
    pub seed: u64,
    pub synapses: Vec<Simulation>,
    pub sites: Vec<Site>,
    pub space: SharedSpace,
    /// Extrasynaptic NMDA receptors on the shaft, and the voxel of each.
    pub extrasynaptic: Receptors,
    pub extrasynaptic_voxel: Vec<u32>,
    /// Current through them at the shaft's clamp (pA, inward negative).
    pub extrasynaptic_pa: f64,
    /// Drugs applied to the whole segment.
    pub drugs: Vec<Applied>,
    effects: Effects,
    /// Each synapse's `escaped` when the space last took its outflow.
    exported: Vec<u64>,
    /// Molecules that came into each cleft from the shared space, in all.
    pub returned: Vec<u64>,
    /// Per molecule in a spine's voxel per coarse step: back into that cleft.
    p_return: f64,
    pore_volume_um3: f64,
    pub step_index: u64,
    dt_ms: f64,
    /// Step the synapses on rayon's threads (same bits either way).
    pub parallel: bool,
    /// Stimuli to come: (fast step, synapse, control), in step order.
    pending: Vec<(u64, usize, Control)>,
}

impl Dendrite {
    /// Build a segment whose synapses are `base` (a valid scenario: its
    /// receptors, release, sheath and solution) varied per synapse.
    pub fn new(config: &DendriteConfig, base: &Scenario) -> Result<Self, String> {
        config.check()?;
        let seed = base.seed;
        let c = config;
        let mut rng = stream(seed, domain::DENDRITE, 0, 0);
        let g = &base.geometry;
        let ecs = &g.ecs;
        let n_syn = ((c.length_um * c.spines_per_um).round() as usize).max(1);
        let reach = c.shaft_radius_um + c.neck_um + c.head_um;
        let half = reach + c.margin_um;
        let h = c.voxel_um;
        let dims = [((c.length_um + 2.0 * c.margin_um) / h).ceil() as usize, (2.0 * half / h).ceil() as usize, (2.0 * half / h).ceil() as usize];
        let origin_um = [-c.margin_um, -(dims[1] as f64) * h / 2.0, -(dims[2] as f64) * h / 2.0];
        let nvox = dims[0] * dims[1] * dims[2];
        let dt_ms = base.dt_ms();
        let dt_c = dt_ms * c.space_every_steps as f64;
        let (p_hop, p_uptake_normal) = c.space_probabilities(ecs, dt_ms);
        let pore_volume_um3 = ecs.volume_fraction * h * h * h;
        let mut space = SharedSpace {
            dims,
            origin_um,
            voxel_um: h,
            count: vec![0; nvox],
            solid: vec![false; nvox],
            p_hop,
            p_uptake_normal,
            p_uptake: p_uptake_normal * c.uptake_scale,
            p_drip: 0.0,
            fate: [0; 7],
            open: Vec::new(),
            next: vec![0; nvox],
            taken_up: 0,
            dripped: 0,
        };
        // `Scenario::validate` refuses a longer step, with the fix; a config built in code is checked here.
        if 6.0 * space.p_hop + p_uptake_normal > 0.5 {
            return Err("dendrite: the shared space's step is too long for its voxels (raise voxel_um or lower space_every_steps)".into());
        }
        for v in 0..nvox {
            let p = space.centre(v);
            space.solid[v] = p[0] >= 0.0 && p[0] <= c.length_um && sq(p[1]) + sq(p[2]) < sq(c.shaft_radius_um);
        }
        space.open = (0..nvox as u32).filter(|&v| !space.solid[v as usize]).collect();
        // The drip balances uptake at the ambient level: a voxel's mean
        // count is p_drip / p_uptake (calibrated to Herman & Jahr 2007).
        space.p_drip = c.ambient_nm * 1e-6 * MOLECULES_PER_UM3_PER_MM * pore_volume_um3 * p_uptake_normal;
        // Start at that level (a voxel holds ~4·10⁻⁴ molecules at 25 nM:
        // one draw per voxel), counted as drip.
        space.drip((space.p_drip / p_uptake_normal).min(1.0), &mut rng);

        // Synapses: evenly spaced along the axis with a jitter of a quarter
        // spacing, at random angles round the shaft.
        let spacing = c.length_um / n_syn as f64;
        let mut sites = Vec::with_capacity(n_syn);
        let mut synapses = Vec::with_capacity(n_syn);
        let normal_table = crate::rng::NormalTable::get();
        for i in 0..n_syn {
            let x = (i as f64 + 0.5 + 0.5 * (unit_f64(rng.next_u64()) - 0.5)) * spacing;
            let th = unit_f64(rng.next_u64()) * std::f64::consts::TAU;
            let normal = [0.0, math::cos(th), math::sin(th)];
            let pos_um = [x, reach * normal[1], reach * normal[2]];
            let z = normal_table.sample((rng.next_u64() & 0xFFFF) as u16, &mut rng) as f64;
            let psd_area_um2 = c.psd_area_median_um2 * math::exp(c.psd_area_sigma_ln * z.clamp(-3.0, 3.0));
            let contacted = unit_f64(rng.next_u64()) < c.astro_contact_fraction;
            let cover_draw = unit_f64(rng.next_u64());
            let astro_coverage = if contacted { 0.1 + 0.9 * cover_draw } else { 0.0 };
            let mut s = base.clone();
            s.seed = mix64(seed ^ mix64(i as u64 + 1));
            s.protocol.clear();
            s.geometry.rim = Rim::Absorbing;
            s.geometry.outer_radius_um = c.sheet_radius_um.max(g.astro_inner_radius_um + 0.05);
            s.geometry.astro_coverage = astro_coverage;
            // PSD and active zone scale together (they face each other,
            // Schikorski & Stevens 1997); receptor numbers with PSD area
            // (AMPA: Takumi et al. 1999; NMDA: Racca et al. 2000, approx.).
            let area0 = std::f64::consts::PI * sq(g.psd_radius_um);
            let area_scale = psd_area_um2 / area0;
            let lin = area_scale.sqrt();
            let psd = (g.psd_radius_um * lin).clamp(0.05, 0.95 * g.astro_inner_radius_um);
            let lin = psd / g.psd_radius_um;
            s.geometry.psd_radius_um = psd;
            s.geometry.active_zone_radius_um = (g.active_zone_radius_um * lin).clamp(0.02, psd);
            let scale = |n: u32| ((n as f64 * lin * lin).round() as u32).max((n > 0) as u32);
            s.receptors.ampa = scale(base.receptors.ampa);
            s.receptors.nmda_2a = scale(base.receptors.nmda_2a);
            s.receptors.nmda_2b = scale(base.receptors.nmda_2b);
            s.validate().map_err(|e| format!("dendrite synapse {i}: {e}"))?;
            let mut sim = Simulation::new(&s);
            sim.parallel = false;
            sites.push(Site { pos_um, normal, voxel: space.voxel_at(pos_um), psd_area_um2, astro_coverage });
            synapses.push(sim);
        }

        // Extrasynaptic receptors: the synapses' NMDA mix, in the open
        // voxels that touch the shaft.
        let syn_2a: u32 = synapses.iter().map(|s| s.scenario.receptors.nmda_2a).sum();
        let syn_2b: u32 = synapses.iter().map(|s| s.scenario.receptors.nmda_2b).sum();
        let extra = |n: u32| (n as f64 * c.extrasynaptic_fraction / (1.0 - c.extrasynaptic_fraction)).round() as u32;
        let placements = [
            Placement { kind: ReceptorKind::Nmda2A, count: extra(syn_2a), r_min_um: 0.0, r_max_um: 10.0 },
            Placement { kind: ReceptorKind::Nmda2B, count: extra(syn_2b), r_min_um: 0.0, r_max_um: 10.0 },
        ];
        let mut place_rng = stream(seed, domain::DENDRITE, 0, 1);
        let mut extrasynaptic = Receptors::place(&placements, 0.01, 0.02, dt_c, &mut place_rng);
        extrasynaptic.set_column_molecule_mm(1.0 / (MOLECULES_PER_UM3_PER_MM * pore_volume_um3));
        let surface: Vec<u32> = space
            .open
            .iter()
            .copied()
            .filter(|&v| {
                let p = space.centre(v as usize);
                let r = (sq(p[1]) + sq(p[2])).sqrt();
                p[0] >= 0.0 && p[0] <= c.length_um && r < c.shaft_radius_um + h * std::f64::consts::SQRT_2
            })
            .collect();
        let extrasynaptic_voxel = (0..extrasynaptic.len()).map(|_| surface[(unit_f64(place_rng.next_u64()) * surface.len() as f64) as usize % surface.len()]).collect();

        let rim_open_um2 = 2.0 * std::f64::consts::PI * synapses[0].scenario.geometry.outer_radius_um * g.cleft_height_nm * 1e-3;
        let per_fast = rim_open_um2 * (g.d_glu_um2_per_ms * dt_ms / std::f64::consts::PI).sqrt() / pore_volume_um3;
        let mut me = Self {
            config: c.clone(),
            seed,
            exported: vec![0; synapses.len()],
            returned: vec![0; synapses.len()],
            synapses,
            sites,
            space,
            extrasynaptic,
            extrasynaptic_voxel,
            extrasynaptic_pa: 0.0,
            drugs: Vec::new(),
            effects: Effects::default(),
            p_return: (per_fast * c.space_every_steps as f64).min(0.3),
            pore_volume_um3,
            step_index: 0,
            dt_ms,
            parallel: true,
            pending: Vec::new(),
        };
        me.update_mods();
        Ok(me)
    }

    pub fn t_ms(&self) -> f64 {
        self.step_index as f64 * self.dt_ms
    }

    pub fn dt_ms(&self) -> f64 {
        self.dt_ms
    }

    /// A control to one synapse (a spike, a mini, a clamp).
    pub fn apply_to(&mut self, synapse: usize, c: Control) {
        if let Some(s) = self.synapses.get_mut(synapse) {
            s.apply(c);
        }
    }

    /// A control to one synapse at fast step `at_step` (now, if that has
    /// passed): `advance` applies it at the start of that step.
    pub fn schedule(&mut self, at_step: u64, synapse: usize, c: Control) {
        let at_step = at_step.max(self.step_index);
        // After every stimulus already due at that step: order of scheduling kept.
        let k = self.pending.partition_point(|(s, _, _)| *s <= at_step);
        self.pending.insert(k, (at_step, synapse, c));
    }

    /// Stimuli scheduled and not yet applied: (fast step, synapse).
    pub fn pending(&self) -> impl Iterator<Item = (u64, usize)> + '_ {
        self.pending.iter().map(|(s, i, _)| (*s, *i))
    }

    /// A drug at `conc_um` over the whole segment (0 washes it out).
    pub fn set_drug(&mut self, drug: &Drug, conc_um: f64) {
        for s in &mut self.synapses {
            s.apply(Control::SetDrug { drug: Box::new(drug.clone()), conc_um });
        }
        match self.drugs.iter_mut().find(|a| a.drug.key == drug.key) {
            Some(a) => a.conc_um = conc_um.max(0.0),
            None => self.drugs.push(Applied { drug: drug.clone(), conc_um: conc_um.max(0.0) }),
        }
        self.update_mods();
    }

    /// Transporters in the neuropil and the sheaths relative to normal.
    pub fn set_uptake_scale(&mut self, scale: f64) {
        self.config.uptake_scale = scale.max(0.0);
        for s in &mut self.synapses {
            s.apply(Control::SetUptakeScale(self.config.uptake_scale));
        }
        self.update_mods();
    }

    /// Extrasynaptic receptors see glycine, not D-serine (Papouin et al.
    /// 2012), and the drugs; the neuropil's uptake what a blocker leaves.
    fn update_mods(&mut self) {
        self.effects = effects(&self.drugs);
        let sol = &self.synapses[0].solution;
        for kind in [ReceptorKind::Nmda2A, ReceptorKind::Nmda2B] {
            let mods = combined_mods(kind, RateMods::default(), &self.effects, sol.glycine_um, 0.0);
            self.extrasynaptic.set_mods(kind, mods);
        }
        if self.effects.blockers.is_empty() {
            self.extrasynaptic.blockers.clear();
        }
        self.space.set_uptake(self.space.p_uptake_normal * self.config.uptake_scale * (1.0 - self.effects.uptake_block));
    }

    /// Advance by one fast step.
    pub fn step(&mut self) {
        self.advance(1);
    }

    /// Advance by `n` fast steps. The synapses step on their own up to the
    /// next step of the shared space (in parallel, one task per synapse, so
    /// a thread hands over once per space step, not once per fast step);
    /// then what left each sheet enters the voxel at its spine. The space
    /// reads its counts only at its own steps, so the bits are those of `n`
    /// calls to `step`.
    pub fn advance(&mut self, n: u64) {
        let every = self.config.space_every_steps as u64;
        let mut left = n;
        while left > 0 {
            while self.pending.first().is_some_and(|(s, _, _)| *s <= self.step_index) {
                let (_, i, c) = self.pending.remove(0);
                self.apply_to(i, c);
            }
            let k = self.next_chunk(left);
            let run = |s: &mut Simulation| (0..k).for_each(|_| s.step());
            if self.parallel && self.synapses.len() > 1 {
                self.synapses.par_iter_mut().for_each(run);
            } else {
                self.synapses.iter_mut().for_each(run);
            }
            for (i, s) in self.synapses.iter().enumerate() {
                self.space.count[self.sites[i].voxel] += s.escaped - self.exported[i];
                self.exported[i] = s.escaped;
            }
            self.step_index += k;
            left -= k;
            if self.step_index.is_multiple_of(every) {
                self.step_space();
            }
        }
    }

    /// The shared space's coarse step: diffusion, uptake and drip; the
    /// return into each cleft; the extrasynaptic receptors.
    fn step_space(&mut self) {
        let mut rng = stream(self.seed, domain::DENDRITE, self.step_index, 2);
        self.space.step(&mut rng);
        for (i, s) in self.synapses.iter_mut().enumerate() {
            let v = self.sites[i].voxel;
            let back = binomial(self.space.count[v], self.p_return, &mut rng);
            self.space.count[v] -= back;
            s.take_back(back);
            self.returned[i] += back;
            self.exported[i] = s.escaped;
        }
        let r = &mut self.extrasynaptic;
        r.begin_step();
        for k in 0..r.len() {
            let v = self.extrasynaptic_voxel[k] as usize;
            if r.try_bind_among(k, self.space.count[v], &mut rng) {
                self.space.count[v] -= 1;
            }
        }
        let (v_mv, temp) = (self.config.holding_mv, self.synapses[0].scenario.temperature_c);
        let mg = self.synapses[0].mg_mm();
        if !self.effects.blockers.is_empty() {
            let pore_free = mg_unblock(v_mv, mg);
            let dt_c = self.dt_ms * self.config.space_every_steps as f64;
            r.blockers = self.effects.blockers.iter().map(|b| b.step(v_mv, temp, dt_c, pore_free)).collect();
        }
        let (count, voxel) = (&mut self.space.count, &self.extrasynaptic_voxel);
        r.step_unimolecular_with(&mut rng, |k, _, lost, _| count[voxel[k] as usize] += lost as u64);
        r.step_blockers(&mut rng);
        let open = self.extrasynaptic_open();
        let rc = &self.synapses[0].scenario.receptors;
        self.extrasynaptic_pa = current_pa(open as f64 * rc.nmda_conductance_ps * mg_unblock(v_mv, mg), v_mv, rc.e_glu_mv);
    }

    /// Conducting extrasynaptic NMDA channels now.
    pub fn extrasynaptic_open(&self) -> u32 {
        let c = self.extrasynaptic.counts_all();
        c[ReceptorKind::Nmda2A as usize].open + c[ReceptorKind::Nmda2B as usize].open
    }

    /// Conducting NMDA channels at synapse `i`.
    pub fn synaptic_nmda_open(&self, i: usize) -> u32 {
        let c = self.synapses[i].receptors.counts_all();
        c[ReceptorKind::Nmda2A as usize].open + c[ReceptorKind::Nmda2B as usize].open
    }

    /// Mean free glutamate in the shared space (nM).
    pub fn ambient_nm(&self) -> f64 {
        self.space.mean_nm(self.pore_volume_um3)
    }

    /// Step until the clock reaches `t_ms`.
    pub fn run_until(&mut self, t_ms: f64) {
        let end = (t_ms / self.dt_ms).round() as u64;
        while self.step_index < end {
            self.step();
        }
    }

    /// The `n` synapses round synapse `i` along the shaft, itself included
    /// (the synapses are numbered along it), moved inwards at the ends.
    pub fn neighbours_along(&self, i: usize, n: usize) -> Vec<usize> {
        let len = self.synapses.len();
        let n = n.min(len);
        let lo = i.saturating_sub(n / 2).min(len - n);
        (lo..lo + n).collect()
    }

    /// The synapse nearest synapse `i` (by the distance between clefts).
    pub fn nearest(&self, i: usize) -> Option<usize> {
        let p = self.sites[i].pos_um;
        let d2 = |q: [f64; 3]| sq(p[0] - q[0]) + sq(p[1] - q[1]) + sq(p[2] - q[2]);
        (0..self.sites.len()).filter(|&j| j != i).min_by(|&a, &b| d2(self.sites[a].pos_um).total_cmp(&d2(self.sites[b].pos_um)))
    }

    pub fn ledger(&self) -> DendriteLedger {
        let mut l = DendriteLedger {
            released: 0,
            dripped: self.space.dripped,
            in_synapses: 0,
            taken_up_sheaths: 0,
            in_space: self.space.held(),
            taken_up_space: self.space.taken_up,
            bound_extrasynaptic: self.extrasynaptic.bound_glutamate(),
        };
        for s in &self.synapses {
            let sl = s.ledger();
            l.released += sl.released;
            l.in_synapses += sl.free + sl.bound_receptors + sl.bound_transporters;
            l.taken_up_sheaths += sl.taken_up;
        }
        l
    }

    /// A 64-bit FNV-1a hash of the whole segment's state.
    pub fn state_hash(&self) -> u64 {
        use std::hash::Hasher;
        let mut h = crate::hash::Fnv1a::default();
        h.write_u64(self.step_index);
        for s in &self.synapses {
            h.write_u64(s.state_hash());
        }
        for n in &self.space.count {
            h.write_u64(*n);
        }
        h.write_u64(self.space.taken_up);
        h.write_u64(self.space.dripped);
        h.write(self.extrasynaptic.states());
        h.write(&self.extrasynaptic.blocked);
        for (s, i, c) in &self.pending {
            h.write_u64(*s);
            h.write_u64(*i as u64);
            // The stimulus too: a spike and a vesicle due at one step differ.
            h.write(format!("{c:?}").as_bytes());
        }
        h.finish()
    }
}

/// What the segment shows now, for plots and a lecture's checks: the
/// conducting NMDA channels at the synapses that have released glutamate,
/// at those that have not (all they see came from elsewhere: crosstalk),
/// on the shaft; the mean free glutamate in the shared space.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DendriteSample {
    pub t_ms: f64,
    pub firing_nmda_open: u32,
    pub silent_nmda_open: u32,
    pub shaft_nmda_open: u32,
    pub ambient_nm: f64,
}

impl DendriteSample {
    /// Its values' names (a lecture's `Expect` names them) in `values` order.
    pub const COLUMNS: [&'static str; 4] = ["dendrite_firing_nmda_open", "dendrite_silent_nmda_open", "dendrite_shaft_nmda_open", "dendrite_ambient_nM"];

    pub fn values(&self) -> [f64; 4] {
        [self.firing_nmda_open as f64, self.silent_nmda_open as f64, self.shaft_nmda_open as f64, self.ambient_nm]
    }
}

impl Dendrite {
    /// The segment's readouts now.
    pub fn sample(&self) -> DendriteSample {
        let mut s = DendriteSample { t_ms: self.t_ms(), shaft_nmda_open: self.extrasynaptic_open(), ambient_nm: self.ambient_nm(), ..DendriteSample::default() };
        for (i, syn) in self.synapses.iter().enumerate() {
            let open = self.synaptic_nmda_open(i);
            if syn.pre.released > 0 { s.firing_nmda_open += open } else { s.silent_nmda_open += open }
        }
        s
    }
}

/// A stimulus at one synapse at a time (ms).
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub at_ms: f64,
    pub synapse: usize,
    pub control: Control,
}

/// Channel-milliseconds of NMDA opening over a window: at each synapse and
/// on the shaft (the conductance-free measure: Mg²⁺ block and voltage left
/// out, as in recordings at +40 mV or in Mg²⁺-free solution).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NmdaCharge {
    pub synaptic_channel_ms: Vec<f64>,
    pub extrasynaptic_channel_ms: f64,
    /// Peak and mean free glutamate in the shared space (nM).
    pub ambient_peak_nm: f64,
    pub ambient_mean_nm: f64,
}

impl Dendrite {
    /// The next chunk of fast steps, at most `left`: up to the next step of
    /// the space or the next scheduled stimulus, whichever comes first.
    fn next_chunk(&self, left: u64) -> u64 {
        let every = self.config.space_every_steps as u64;
        let k = left.min(every - self.step_index % every);
        self.pending.first().map_or(k, |(s, _, _)| if *s > self.step_index { k.min(s - self.step_index) } else { k })
    }

    /// Run the events from now for `window_ms`, integrating NMDA opening.
    pub fn measure(&mut self, events: &[Event], window_ms: f64) -> NmdaCharge {
        let start = self.step_index;
        for e in events {
            self.schedule(start + (e.at_ms / self.dt_ms).round() as u64, e.synapse, e.control.clone());
        }
        let end = start + (window_ms / self.dt_ms).round() as u64;
        let mut out = NmdaCharge { synaptic_channel_ms: vec![0.0; self.synapses.len()], ..NmdaCharge::default() };
        let every = self.config.space_every_steps as u64;
        let mut samples = 0u64;
        while self.step_index < end {
            // The open channels are sampled at each chunk's end (≤ 4 µs apart).
            let k = self.next_chunk(end - self.step_index);
            self.advance(k);
            let w = k as f64 * self.dt_ms;
            for (i, q) in out.synaptic_channel_ms.iter_mut().enumerate() {
                *q += self.synaptic_nmda_open(i) as f64 * w;
            }
            out.extrasynaptic_channel_ms += self.extrasynaptic_open() as f64 * w;
            if self.step_index.is_multiple_of(every) {
                let a = self.ambient_nm();
                out.ambient_peak_nm = out.ambient_peak_nm.max(a);
                out.ambient_mean_nm += a;
                samples += 1;
            }
        }
        out.ambient_mean_nm /= samples.max(1) as f64;
        out
    }
}

/// What the segment's experiments measured (NMDA opening in
/// channel-ms, means over the trials); `validation` turns them into rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measured {
    /// One vesicle at the middle synapse: its own NMDA opening and its
    /// nearest neighbour's, with uptake and with DL-TBOA.
    pub vesicle_own: f64,
    pub vesicle_near: f64,
    pub vesicle_own_tboa: f64,
    pub vesicle_near_tboa: f64,
    /// The silent middle synapse among ten firing five spikes at 100 Hz,
    /// and the mean of the ten firing ones, with uptake and with DL-TBOA.
    pub silent: f64,
    pub silent_tboa: f64,
    pub firing: f64,
    pub firing_tboa: f64,
    /// The shaft's extrasynaptic opening: one spike at the ten, five at
    /// 100 Hz, five with DL-TBOA.
    pub shaft_single: f64,
    pub shaft_burst: f64,
    pub shaft_burst_tboa: f64,
    /// The shared space at rest (nM).
    pub ambient_nm: f64,
}

/// DL-TBOA's concentration in the experiments: 100 µM, as in slices.
pub const TBOA_UM: f64 = 100.0;

/// The segment's experiments, each averaged over `trials` seeds from
/// `base.seed` (`progress` hears each one's name as it starts):
/// - one vesicle (a mini) at the middle synapse, with uptake and with
///   DL-TBOA: its own and its nearest neighbour's NMDA opening;
/// - five spikes at 100 Hz at the ten synapses round the middle one, which
///   is silent: its NMDA opening from their pooled glutamate, with uptake
///   and with DL-TBOA (the design of crosstalk experiments);
/// - one spike against five at those ten: the shaft's extrasynaptic
///   NMDA opening;
/// - the ambient level at rest.
pub fn experiments(config: &DendriteConfig, base: &Scenario, tboa: &Drug, trials: u32, mut progress: impl FnMut(&str)) -> Result<Measured, String> {
    let trials = trials.max(1);
    let k = trials as f64;
    // Mean over the trials of what `read` takes from a measured segment.
    let mut mean = |label: &str, block: bool, window_ms: f64, events: &dyn Fn(usize, usize) -> Vec<Event>, read: &dyn Fn(&Dendrite, usize, &NmdaCharge) -> [f64; 3]| -> Result<[f64; 3], String> {
        progress(label);
        let mut acc = [0.0; 3];
        for t in 0..trials {
            let mut d = Dendrite::new(config, &Scenario { seed: base.seed.wrapping_add(t as u64), ..base.clone() })?;
            if block {
                d.set_drug(tboa, TBOA_UM);
            }
            let mid = d.synapses.len() / 2;
            let q = d.measure(&events(mid, d.synapses.len()), window_ms);
            for (a, v) in acc.iter_mut().zip(read(&d, mid, &q)) {
                *a += v / k;
            }
        }
        Ok(acc)
    };
    let mini = |mid: usize, _: usize| vec![Event { at_ms: 0.0, synapse: mid, control: Control::Mini }];
    // Ten synapses round the middle one (which stays silent), `n` spikes each at 100 Hz.
    let round = |n: u32| {
        move |mid: usize, len: usize| -> Vec<Event> {
            let lo = mid.saturating_sub(5);
            (lo..(lo + 11).min(len)).filter(|&i| i != mid).flat_map(|i| (0..n).map(move |j| Event { at_ms: j as f64 * 10.0, synapse: i, control: Control::Spike })).collect()
        }
    };
    let own_and_near = |d: &Dendrite, mid: usize, q: &NmdaCharge| [q.synaptic_channel_ms[mid], d.nearest(mid).map_or(0.0, |n| q.synaptic_channel_ms[n]), 0.0];
    // The silent synapse, the shaft, and the firing synapses' mean.
    let silent = |_: &Dendrite, mid: usize, q: &NmdaCharge| {
        let lo = mid.saturating_sub(5);
        let hi = (lo + 11).min(q.synaptic_channel_ms.len());
        let firing = (q.synaptic_channel_ms[lo..hi].iter().sum::<f64>() - q.synaptic_channel_ms[mid]) / (hi - lo - 1).max(1) as f64;
        [q.synaptic_channel_ms[mid], q.extrasynaptic_channel_ms, firing]
    };
    let [vesicle_own, vesicle_near, _] = mean("one vesicle", false, 40.0, &mini, &own_and_near)?;
    let [vesicle_own_tboa, vesicle_near_tboa, _] = mean("one vesicle, DL-TBOA 100 uM", true, 40.0, &mini, &own_and_near)?;
    let [silent_ctl, shaft_burst, firing] = mean("a burst round a silent synapse", false, 80.0, &round(5), &silent)?;
    let [silent_tboa, shaft_burst_tboa, firing_tboa] = mean("a burst round a silent synapse, DL-TBOA 100 uM", true, 80.0, &round(5), &silent)?;
    let [_, shaft_single, _] = mean("one spike round a silent synapse", false, 80.0, &round(1), &silent)?;
    let [ambient_nm, _, _] = mean("at rest", false, 40.0, &|_, _| Vec::new(), &|_, _, q| [q.ambient_mean_nm, 0.0, 0.0])?;
    Ok(Measured { vesicle_own, vesicle_near, vesicle_own_tboa, vesicle_near_tboa, silent: silent_ctl, silent_tboa, firing, firing_tboa, shaft_single, shaft_burst, shaft_burst_tboa, ambient_nm })
}

/// One phase of `bench`.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchPhase {
    pub phase: &'static str,
    pub synapses: usize,
    pub steps: u64,
    /// Free molecules stepped: in the clefts each fast step, in the shared
    /// space each of its steps.
    pub molecule_steps: u64,
    pub bio_ms: f64,
    pub wall_s: f64,
}

/// Time the default segment for `steps` fast steps in each phase: at rest,
/// after one spike at its middle synapse, during five spikes at 100 Hz at
/// ten synapses (a benchmark: nothing is asserted on the times).
pub fn bench(steps: u64) -> Result<Vec<BenchPhase>, String> {
    let mut out = Vec::new();
    let phases: [(&'static str, u32, usize); 3] = [("rest", 0, 0), ("one spike", 1, 1), ("burst at ten synapses", 5, 10)];
    for (phase, spikes, at) in phases {
        let mut d = Dendrite::new(&DendriteConfig::default(), &Scenario::default())?;
        let mid = d.synapses.len() / 2;
        let lo = mid.saturating_sub(at / 2);
        for i in lo..(lo + at).min(d.synapses.len()) {
            for k in 0..spikes {
                d.schedule(((k as f64 * 10.0) / d.dt_ms).round() as u64, i, Control::Spike);
            }
        }
        let start = web_time::Instant::now();
        let mut molecule_steps = 0;
        let every = d.config.space_every_steps as u64;
        while d.step_index < steps {
            let k = d.next_chunk(steps - d.step_index);
            // Molecules stepped: the clefts' free ones per fast step (counted
            // at the chunk's start), the space's per its step.
            molecule_steps += k * d.synapses.iter().map(|s| s.molecules.len() as u64).sum::<u64>();
            d.advance(k);
            if d.step_index.is_multiple_of(every) {
                molecule_steps += d.space.held();
            }
        }
        out.push(BenchPhase { phase, synapses: d.synapses.len(), steps, molecule_steps, bio_ms: steps as f64 * d.dt_ms, wall_s: start.elapsed().as_secs_f64() });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Dendrite {
        let c = DendriteConfig { length_um: 2.0, ..DendriteConfig::default() };
        Dendrite::new(&c, &Scenario::default()).unwrap()
    }

    #[test]
    fn a_released_vesicle_is_accounted_for_exactly_across_the_segment() {
        let mut d = small();
        assert_eq!(d.synapses.len(), 6);
        d.apply_to(2, Control::Mini);
        for _ in 0..3000 {
            d.step();
            let l = d.ledger();
            assert!(l.balanced(), "{l:?}");
        }
        let l = d.ledger();
        assert!(l.released > 1000, "one vesicle released: {l:?}");
        assert!(l.in_space + l.taken_up_space > 100, "some left the cleft into the shared space: {l:?}");
    }

    /// Molecules started in one voxel spread as a walk with D* = D/λ²: the
    /// mean squared displacement after t is 6·D*·t.
    #[test]
    fn the_shared_space_diffuses_at_the_tortuous_coefficient() {
        let c = DendriteConfig { length_um: 2.0, margin_um: 3.0, ambient_nm: 0.0, ..DendriteConfig::default() };
        let d = Dendrite::new(&c, &Scenario::default()).unwrap();
        let mut space = d.space.clone();
        space.set_uptake(0.0);
        let start = space.voxel_at([1.0, 2.0, 2.0]);
        let n = 20_000u64;
        space.count[start] = n;
        let coarse = 60;
        let mut rng = stream(9, domain::DENDRITE, 0, 9);
        for _ in 0..coarse {
            space.step(&mut rng);
        }
        assert_eq!(space.held(), n, "no uptake, no drip: every molecule is still there");
        let p0 = space.centre(start);
        let msd: f64 = (0..space.count.len()).map(|v| space.count[v] as f64 * (0..3).map(|a| sq(space.centre(v)[a] - p0[a])).sum::<f64>()).sum::<f64>() / n as f64;
        let ecs = &Scenario::default().geometry.ecs;
        let d_star = ecs.d_free_um2_per_ms / sq(ecs.tortuosity);
        let t_ms = coarse as f64 * c.space_every_steps as f64 * d.dt_ms();
        let expect = 6.0 * d_star * t_ms;
        assert!((msd / expect - 1.0).abs() < 0.05, "MSD {msd:.4} µm² against 6·D*·t = {expect:.4} µm²");
    }

    /// The drip balances uptake at the ambient level it is calibrated to.
    #[test]
    fn the_drip_holds_the_ambient_level() {
        let c = DendriteConfig { length_um: 2.0, ambient_nm: 2500.0, ..DendriteConfig::default() };
        let d = Dendrite::new(&c, &Scenario::default()).unwrap();
        let mut space = d.space.clone();
        let mut rng = stream(3, domain::DENDRITE, 0, 3);
        let (mut sum, mut n) = (0.0, 0);
        for k in 0..20_000 {
            space.step(&mut rng);
            if k >= 5_000 {
                sum += space.mean_nm(d.pore_volume_um3);
                n += 1;
            }
        }
        let mean = sum / n as f64;
        assert!((mean / 2500.0 - 1.0).abs() < 0.05, "ambient {mean:.0} nM against 2500");
        assert_eq!(space.dripped, space.held() + space.taken_up, "the drip's molecules are all accounted for");
    }

    /// DL-TBOA at 100 µM leaves 1/(1 + 100/5.7) of the transporters free.
    #[test]
    fn tboa_takes_the_transporters_away() {
        let cat = crate::pharmacology::Catalogue::builtin().unwrap();
        let mut d = small();
        d.set_drug(cat.get("tboa").unwrap(), 100.0);
        let free = 1.0 / (1.0 + 100.0 / 5.7);
        for s in &d.synapses {
            assert!((s.transporter_scale() - free).abs() < 1e-12, "the sheath's carriers bind at {} of their rate", s.transporter_scale());
        }
        assert!((d.space.p_uptake / d.space.p_uptake_normal - free).abs() < 1e-12);
    }

    #[test]
    fn advancing_in_chunks_gives_the_bits_of_single_steps() {
        let run = |chunk: u64| {
            let mut d = small();
            d.apply_to(3, Control::Mini);
            while d.step_index < 1999 {
                d.advance(chunk.min(1999 - d.step_index));
            }
            d.state_hash()
        };
        assert_eq!(run(1), run(7));
        assert_eq!(run(1), run(1999));
    }

    #[test]
    fn one_and_two_threads_give_the_same_bits() {
        let run = |parallel: bool| {
            let mut d = small();
            d.parallel = parallel;
            d.apply_to(1, Control::Mini);
            d.apply_to(4, Control::Mini);
            d.run_until(2.0);
            d.state_hash()
        };
        assert_eq!(run(false), run(true));
    }
}
