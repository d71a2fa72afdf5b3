//! The simulation: one synapse stepped by a fixed dt on an integer clock.
//!
//! `Simulation::step` is the only way time moves. Order within a step:
//! scheduled stimuli and controls → presynaptic channels, sensors, fusion
//! pores → Brownian step → surface pass (escape at the rim, binding to
//! receptors and transporters, compaction) → the extracellular space
//! beyond the rim, if any (`ecs`: uptake, return) → receptor transitions, pore
//! blockers and the drug molecules that follow them → transporter
//! transitions → currents and membrane → mGluR cascades →
//! glutamate–glutamine cycle and the GABAergic terminal. The slow clock
//! (minutes to days) is `signalling::Cascade`; it re-samples this synapse.
//!
//! Conservation holds exactly at the end of every step:
//! released = free + bound to receptors + bound to transporters + taken up + escaped
//! (with the extracellular space, `escaped` counts what is in it, was taken
//! up there or left it: the rim's crossings net of the returns).
use crate::math;

use crate::gaba::Interneuron;
use crate::membrane::Membrane;
use crate::metabolism::Metabolism;
use crate::molecules::{Molecules, StepBounds, diffuse};
use crate::pharmacology::Drug;
use crate::pharmacology::effects::{Applied, Effects, column_name, combined_mods, effects};
use crate::pharmacology::particles::{self, DrugParticles};
use crate::receptors::mglur::GCascade;
use crate::receptors::nmda::mg_unblock;
use crate::receptors::scheme::RateMods;
use crate::receptors::{Placement, ReceptorKind, Receptors};
use crate::release::{Presynaptic, ReleaseEvents};
use crate::rng::{domain, stream, unit_f64};
use crate::scenario::{ClampMode, Rim, Scenario, SolutionConfig, Stimulus};
use crate::units::{current_pa, molecules_to_mm};
use crate::uptake::Transporters;
use rand::Rng;

/// Things a user (or a protocol) can do to a running synapse. The app sends
/// these as messages; the protocol's stimuli become these at their step.
#[derive(Clone, Debug, PartialEq)]
pub enum Control {
    Spike,
    Mini,
    InterneuronSpike,
    SetHoldingMv(f64),
    SetInjectPa(f64),
    SetClamp(ClampMode),
    SetMgMm(f64),
    SetCaMm(f64),
    SetGlycineUm(f64),
    SetDSerineUm(f64),
    /// Drug hook: rate multipliers for one receptor kind (the co-agonist
    /// factor of NMDA receptors is applied on top by the simulation).
    SetReceptorMods {
        kind: ReceptorKind,
        mods: RateMods,
    },
    /// Drug hook: scale of presynaptic Ca²⁺ entry (release).
    SetReleaseScale(f64),
    /// Drug hook: scale of transporter expression (uptake).
    SetUptakeScale(f64),
    /// Apply a drug at a free concentration (µM) at the synapse; 0 washes it
    /// out (a trapped blocker stays until its channel reopens).
    SetDrug {
        drug: Box<Drug>,
        conc_um: f64,
    },
    /// Put an applied blocker into `fraction` of the receptors it targets,
    /// chosen at random (the resting block the slow clock has built up when
    /// the fast synapse is re-sampled after a time jump).
    SeedBlock {
        drug_key: String,
        fraction: f64,
    },
}

/// Synaptic currents of the last step (pA, inward negative).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Currents {
    pub ampa_pa: f64,
    pub nmda_pa: f64,
    pub kainate_pa: f64,
    pub gaba_pa: f64,
}

/// Exact molecule bookkeeping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ledger {
    pub released: u64,
    pub free: u64,
    pub bound_receptors: u64,
    pub bound_transporters: u64,
    pub taken_up: u64,
    pub escaped: u64,
}

impl Ledger {
    pub fn balanced(&self) -> bool {
        self.released == self.free + self.bound_receptors + self.bound_transporters + self.taken_up + self.escaped
    }
}

#[derive(Clone)]
pub struct Simulation {
    pub scenario: Scenario,
    pub step_index: u64,
    dt_ms: f64,
    sigma_um: f32,
    bounds: StepBounds,
    absorbing: bool,
    pub molecules: Molecules,
    pub receptors: Receptors,
    pub transporters: Transporters,
    pub pre: Presynaptic,
    pub membrane: Membrane,
    pub metabolism: Metabolism,
    pub interneuron: Interneuron,
    pub mglu1: GCascade,
    pub mglu2: GCascade,
    pub solution: SolutionConfig,
    /// Rate multipliers set through `Control::SetReceptorMods`, by kind.
    pub receptor_mods: [RateMods; 6],
    /// Drugs applied, and what they do together.
    pub drugs: Vec<Applied>,
    pub effects: Effects,
    /// The drugs' molecules in the cleft (shown; rates use the concentration).
    pub drug_particles: DrugParticles,
    drug_per_um: f64,
    /// Hooks set directly (`SetReleaseScale`, `SetUptakeScale`).
    release_hook: f64,
    uptake_hook: f64,
    /// GLT-1 expression relative to baseline (moves towards the drugs' target over days).
    pub uptake_expression: f64,
    pub currents: Currents,
    /// Molecules that left the sheet at its rim (for `Rim::Ecs`: into the
    /// extracellular space, net of those that came back).
    pub escaped: u64,
    /// The extracellular space beyond the rim (`Rim::Ecs`).
    pub ecs: Option<crate::ecs::Ecs>,
    /// Spread diffusion over threads (same bits either way).
    pub parallel: bool,
    /// Binding to receptors and transporters (off only for diffusion benchmarks).
    pub binding: bool,
    schedule: Vec<(u64, Control)>,
    next_scheduled: usize,
    pending: Vec<Control>,
    /// Events of the last step.
    pub last_events: ReleaseEvents,
    psd_r2: f32,
    receptor_r2: f32,
    astro_r2: f32,
    outer_r2: f32,
}

impl Simulation {
    /// Build the synapse a scenario describes (the scenario must be valid).
    pub fn new(scenario: &Scenario) -> Self {
        let s = scenario.clone();
        let g = &s.geometry;
        let dt_ms = s.dt_ms();
        let h_um = g.cleft_height_nm * 1e-3;
        let col_um = g.binding_column_radius_nm * 1e-3;
        let mut place_rng = stream(s.seed, domain::PLACEMENT, 0, 0);
        let r = &s.receptors;
        let psd = g.psd_radius_um - col_um;
        let placements = [
            Placement { kind: ReceptorKind::Ampa, count: r.ampa, r_min_um: 0.0, r_max_um: psd },
            Placement { kind: ReceptorKind::Nmda2A, count: r.nmda_2a, r_min_um: 0.0, r_max_um: psd },
            Placement { kind: ReceptorKind::Nmda2B, count: r.nmda_2b, r_min_um: 0.0, r_max_um: psd },
            Placement { kind: ReceptorKind::Kainate, count: r.kainate, r_min_um: 0.0, r_max_um: psd },
            Placement { kind: ReceptorKind::MgluGroup1, count: r.mglu_group1, r_min_um: g.psd_radius_um, r_max_um: g.astro_inner_radius_um },
            Placement { kind: ReceptorKind::MgluGroup2, count: r.mglu_group2, r_min_um: g.psd_radius_um, r_max_um: g.astro_inner_radius_um },
        ];
        let mut receptors = Receptors::place(&placements, col_um, h_um, dt_ms, &mut place_rng);
        // AMPA rates were measured at 22 °C: scale by Q10.
        let q = math::powf(r.ampa_q10, (s.temperature_c - crate::receptors::ampa::AMPA_RATES_TEMPERATURE_C) / 10.0);
        for t in &mut receptors.types {
            if t.kind == ReceptorKind::Ampa {
                t.scheme = t.scheme.clone().scaled(q);
            }
        }
        receptors.rebuild_tables();
        let transporters = Transporters::new(g, &s.uptake, dt_ms, &mut place_rng);
        let pre = Presynaptic::new(&s.presynaptic, g.active_zone_radius_um, h_um, s.solution.ca_mm, &mut place_rng);
        let mut schedule = Vec::new();
        let at = |t_ms: f64| (t_ms / dt_ms).round() as u64;
        for stim in &s.protocol {
            match *stim {
                Stimulus::Spike { at_ms } => schedule.push((at(at_ms), Control::Spike)),
                Stimulus::Mini { at_ms } => schedule.push((at(at_ms), Control::Mini)),
                Stimulus::InterneuronSpike { at_ms } => schedule.push((at(at_ms), Control::InterneuronSpike)),
                Stimulus::HoldStep { at_ms, v_mv } => schedule.push((at(at_ms), Control::SetHoldingMv(v_mv))),
                Stimulus::CurrentStep { at_ms, i_pa } => schedule.push((at(at_ms), Control::SetInjectPa(i_pa))),
                Stimulus::Train { start_ms, rate_hz, count } => {
                    for k in 0..count {
                        schedule.push((at(start_ms + k as f64 * 1e3 / rate_hz), Control::Spike));
                    }
                }
            }
        }
        schedule.sort_by_key(|(step, _)| *step);
        let rim_r = g.outer_radius_um as f32;
        let mut sim = Self {
            dt_ms,
            sigma_um: (2.0 * g.d_glu_um2_per_ms * dt_ms).sqrt() as f32,
            bounds: StepBounds { height_um: h_um as f32, reflect_radius_um: (g.rim == Rim::Reflecting).then_some(rim_r) },
            absorbing: g.rim != Rim::Reflecting,
            molecules: Molecules::default(),
            receptors,
            transporters,
            pre,
            membrane: Membrane::new(&s.membrane),
            metabolism: Metabolism::new(&s.metabolism),
            interneuron: Interneuron::new(&s.interneuron, &s.metabolism),
            mglu1: GCascade::default(),
            mglu2: GCascade::default(),
            solution: s.solution.clone(),
            receptor_mods: [RateMods::default(); 6],
            drugs: Vec::new(),
            effects: Effects::default(),
            release_hook: 1.0,
            uptake_hook: 1.0,
            uptake_expression: 1.0,
            currents: Currents::default(),
            escaped: 0,
            ecs: (g.rim == Rim::Ecs).then(|| crate::ecs::Ecs::new(&g.ecs, g.outer_radius_um, h_um, g.d_glu_um2_per_ms, dt_ms)),
            parallel: true,
            binding: true,
            schedule,
            next_scheduled: 0,
            pending: Vec::new(),
            last_events: ReleaseEvents::default(),
            psd_r2: math::sq32(g.psd_radius_um as f32),
            receptor_r2: math::sq32((g.astro_inner_radius_um + col_um) as f32),
            astro_r2: math::sq32(g.astro_inner_radius_um as f32),
            outer_r2: rim_r * rim_r,
            step_index: 0,
            drug_particles: DrugParticles::default(),
            drug_per_um: DrugParticles::per_um(g.outer_radius_um, h_um),
            scenario: s,
        };
        sim.update_mods();
        sim
    }

    pub fn dt_ms(&self) -> f64 {
        self.dt_ms
    }

    /// Biological time (ms) on the integer clock.
    pub fn t_ms(&self) -> f64 {
        self.step_index as f64 * self.dt_ms
    }

    /// Apply a control. Settings (clamp, bath, drugs, hooks, seeded block)
    /// take effect at once, so what the synapse reports is what was set,
    /// even while the clock is paused; stimuli (spikes, minis) are queued
    /// and fire at the start of the next step. Either way the next step is
    /// the first to run with them: the bits are those of a control queued
    /// for that step.
    pub fn apply(&mut self, c: Control) {
        match c {
            Control::Spike | Control::Mini | Control::InterneuronSpike => self.pending.push(c),
            _ => self.execute(c),
        }
    }

    /// Push the rate multipliers (hooks × drugs × the NMDA co-agonist
    /// mixture of bath and drugs) into the receptors' step tables, and the
    /// release and uptake scales into the terminal and the astrocyte.
    fn update_mods(&mut self) {
        self.effects = effects(&self.drugs);
        for kind in ReceptorKind::ALL {
            let mods = combined_mods(kind, self.receptor_mods[kind as usize], &self.effects, self.solution.glycine_um, self.solution.d_serine_um);
            self.receptors.set_mods(kind, mods);
        }
        self.pre.ca_entry_scale = self.release_hook * self.effects.release_scale;
        self.transporters.set_expression_scale(self.transporter_scale());
        if let Some(ecs) = self.ecs.as_mut() {
            ecs.set_free_carriers(1.0 - self.effects.uptake_block);
        }
        if self.effects.blockers.is_empty() {
            self.receptors.blockers.clear();
        }
    }

    /// Transporters free to take up glutamate, relative to baseline: the
    /// hook, the expression the drugs have moved over days, less what a
    /// transporter blocker holds.
    pub fn transporter_scale(&self) -> f64 {
        self.uptake_hook * self.uptake_expression * (1.0 - self.effects.uptake_block)
    }

    /// Mg²⁺ at the NMDA pore: the bath plus any Mg²⁺ given as a drug.
    pub fn mg_mm(&self) -> f64 {
        self.solution.mg_mm + self.effects.extra_mg_mm
    }

    /// `occ_<drug>_<receptor>` values: the fraction of receptors holding an
    /// open-channel blocker, or the Hill occupancy of other mechanisms.
    pub fn drug_occupancy(&self) -> Vec<(String, f64)> {
        let mut out = Vec::new();
        let r = &self.receptors;
        for a in &self.drugs {
            for m in &a.drug.mechanisms {
                if let crate::pharmacology::Mechanism::OpenChannelBlock { targets, .. } = m {
                    let b = self.effects.blockers.iter().position(|b| b.key == a.drug.key).map(|b| b as u8 + 1);
                    for &kind in targets {
                        let (mut n, mut hit) = (0u32, 0u32);
                        for k in 0..r.len() {
                            if r.types[r.kind[k] as usize].kind == kind {
                                n += 1;
                                hit += (Some(r.blocked[k]) == b) as u32;
                            }
                        }
                        out.push((format!("occ_{}_{}", a.drug.key, column_name(kind)), if n == 0 { 0.0 } else { hit as f64 / n as f64 }));
                    }
                } else if let Some((kinds, theta)) = m.occupancy(a.conc_um) {
                    for kind in kinds {
                        out.push((format!("occ_{}_{}", a.drug.key, column_name(kind)), theta));
                    }
                }
            }
        }
        out
    }

    fn execute(&mut self, c: Control) {
        let t = self.t_ms();
        match c {
            Control::Spike => {
                let mut rng = stream(self.scenario.seed, domain::RELEASE, self.step_index, 1);
                self.last_events.channels_opened += self.pre.spike(&mut rng);
            }
            Control::Mini => {
                let mut rng = stream(self.scenario.seed, domain::RELEASE, self.step_index, 2);
                if let Some(s) = self.pre.mini(t, &mut rng) {
                    self.last_events.fused_sites.push(s);
                }
            }
            Control::InterneuronSpike => {
                let mut rng = stream(self.scenario.seed, domain::INTERNEURON, self.step_index, 1);
                self.interneuron.spike(t, &mut rng);
            }
            Control::SetHoldingMv(v) => self.membrane.hold_mv = v,
            Control::SetInjectPa(i) => self.membrane.inject_pa = i,
            Control::SetClamp(m) => self.membrane.mode = m,
            Control::SetMgMm(v) => self.solution.mg_mm = v.max(0.0),
            Control::SetCaMm(v) => {
                self.solution.ca_mm = v.max(0.0);
                self.pre.ca_ext_mm = self.solution.ca_mm;
            }
            Control::SetGlycineUm(v) => {
                self.solution.glycine_um = v.max(0.0);
                self.update_mods();
            }
            Control::SetDSerineUm(v) => {
                self.solution.d_serine_um = v.max(0.0);
                self.update_mods();
            }
            Control::SetReceptorMods { kind, mods } => {
                self.receptor_mods[kind as usize] = mods;
                self.update_mods();
            }
            Control::SetReleaseScale(f) => {
                self.release_hook = f.max(0.0);
                self.update_mods();
            }
            Control::SetUptakeScale(f) => {
                self.uptake_hook = f.max(0.0);
                self.update_mods();
            }
            Control::SetDrug { drug, conc_um } => {
                // Update in place (washout = 0): blocker indices never move.
                match self.drugs.iter_mut().find(|a| a.drug.key == drug.key) {
                    Some(a) => a.conc_um = conc_um.max(0.0),
                    None => self.drugs.push(Applied { drug: *drug, conc_um: conc_um.max(0.0) }),
                }
                self.update_mods();
            }
            Control::SeedBlock { drug_key, fraction } => {
                let Some(b) = self.effects.blockers.iter().position(|b| b.key == drug_key) else { return };
                let targets = self.effects.blockers[b].targets.clone();
                let threshold = crate::rng::threshold(fraction.clamp(0.0, 1.0));
                let mut rng = stream(self.scenario.seed, domain::RECEPTORS, self.step_index, 7);
                let r = &mut self.receptors;
                for k in 0..r.len() {
                    let kind = r.types[r.kind[k] as usize].kind;
                    if targets.contains(&kind) && r.blocked[k] == 0 && rand::Rng::next_u64(&mut rng) < threshold {
                        r.blocked[k] = b as u8 + 1;
                    }
                }
            }
        }
    }

    /// Advance by one dt.
    pub fn step(&mut self) {
        let seed = self.scenario.seed;
        let step = self.step_index;
        let t = self.t_ms();
        let dt = self.dt_ms;
        self.last_events = ReleaseEvents::default();
        for c in std::mem::take(&mut self.pending) {
            self.execute(c);
        }
        while self.next_scheduled < self.schedule.len() && self.schedule[self.next_scheduled].0 <= step {
            let c = self.schedule[self.next_scheduled].1.clone();
            self.next_scheduled += 1;
            self.execute(c);
        }
        self.receptors.begin_step();

        let mut rng = stream(seed, domain::RELEASE, step, 0);
        let mut events = std::mem::take(&mut self.last_events);
        self.pre.step(t, dt, &mut rng, &mut self.molecules, &mut self.metabolism.neuron_glu, &mut events);
        self.last_events = events;

        diffuse(&mut self.molecules, self.sigma_um, self.bounds, seed, step, self.parallel);
        let escaped_before = self.escaped;
        if self.binding || self.absorbing {
            self.surface_pass(seed, step);
        }
        // What left the sheet goes to the far pool, or first into the
        // extracellular space, from which some come back (`ecs.rs`).
        let (mut to_pool, mut ecs_uptake) = (self.escaped - escaped_before, 0);
        if let Some(ecs) = self.ecs.as_mut() {
            ecs.shells[0] += to_pool;
            let e = ecs.step(seed, step);
            self.escaped -= e.reentered;
            (to_pool, ecs_uptake) = (e.escaped, e.taken_up);
            self.reenter(e.reentered, seed, step);
        }

        if !self.effects.blockers.is_empty() {
            let (v, temp) = (self.membrane.v_mv, self.scenario.temperature_c);
            let pore_free = mg_unblock(v, self.mg_mm());
            self.receptors.blockers = self.effects.blockers.iter().map(|b| b.step(v, temp, dt, pore_free)).collect();
        }
        let mut rng = stream(seed, domain::RECEPTORS, step, 0);
        self.receptors.step_unimolecular(&mut rng, &mut self.molecules);
        let drugs_here = !self.drugs.is_empty() || !self.drug_particles.is_empty();
        let blocked_before = if drugs_here { Some(self.receptors.blocked.clone()) } else { None };
        self.receptors.step_blockers(&mut rng);
        if drugs_here {
            self.step_drug_particles(blocked_before.unwrap_or_default(), seed, step);
        }
        let taken_before = self.transporters.taken_up;
        let mut rng = stream(seed, domain::UPTAKE, step, 0);
        self.transporters.step(&mut rng, &mut self.molecules);

        // Currents and membrane.
        let v = self.membrane.v_mv;
        let r = &self.scenario.receptors;
        let e = r.e_glu_mv;
        let counts = self.receptors.counts_all();
        let act = self.effects.activity;
        let open = |k: ReceptorKind| counts[k as usize].open as f64 * act[k as usize];
        let ampa = open(ReceptorKind::Ampa);
        let nmda = open(ReceptorKind::Nmda2A) + open(ReceptorKind::Nmda2B);
        let kai = open(ReceptorKind::Kainate);
        self.currents = Currents {
            ampa_pa: current_pa(ampa * r.ampa_conductance_ps, v, e),
            nmda_pa: current_pa(nmda * r.nmda_conductance_ps * mg_unblock(v, self.mg_mm()), v, e),
            kainate_pa: current_pa(kai * r.kainate_conductance_ps, v, e),
            gaba_pa: self.interneuron.gaba_a_current_pa(v),
        };
        let c = self.currents;
        self.membrane.step(c.ampa_pa + c.nmda_pa + c.kainate_pa + c.gaba_pa, dt);

        // Slow signalling.
        let drive = |k: ReceptorKind| crate::pharmacology::effects::metabotropic_drive(k, counts[k as usize].open_fraction(), &self.effects);
        self.mglu1.step(drive(ReceptorKind::MgluGroup1), dt);
        self.mglu2.step(drive(ReceptorKind::MgluGroup2), dt);
        // GLT-1 expression follows its drug-set target over days (ceftriaxone).
        let target = self.effects.uptake_target;
        if (self.uptake_expression - target).abs() > 1e-12 {
            let tau_ms = self.effects.uptake_tau_days * 86_400e3;
            self.uptake_expression += (target - self.uptake_expression) * dt / tau_ms;
            self.transporters.set_expression_scale(self.transporter_scale());
        }
        self.pre.mglu2_effector = self.mglu2.effector;
        let mut rng = stream(seed, domain::INTERNEURON, step, 0);
        let gln = std::mem::take(&mut self.metabolism.to_interneuron_gln);
        let gaba_back = self.interneuron.step(t, dt, &mut rng, gln);
        self.metabolism.step(dt, self.transporters.taken_up - taken_before + ecs_uptake, to_pool, gaba_back);

        self.step_index += 1;
    }

    /// Drug molecules: keep their number at the concentration, move them,
    /// and pass one into (or out of) each pore a blocker entered (or left).
    fn step_drug_particles(&mut self, blocked_before: Vec<u8>, seed: u64, step: u64) {
        let (r_um, h_um) = (self.scenario.geometry.outer_radius_um as f32, (self.scenario.geometry.cleft_height_nm * 1e-3) as f32);
        let drug_of = |b: u8, effects: &Effects, drugs: &[Applied]| -> Option<u8> {
            let key = &effects.blockers.get(b as usize - 1)?.key;
            drugs.iter().position(|a| a.drug.key == *key).map(|d| d as u8)
        };
        for (k, (&before, &after)) in blocked_before.iter().zip(&self.receptors.blocked).enumerate() {
            if before == after {
                continue;
            }
            let (x, y) = (self.receptors.x_um[k], self.receptors.y_um[k]);
            if let Some(d) = (before != 0).then(|| drug_of(before, &self.effects, &self.drugs)).flatten() {
                self.drug_particles.leave_pore(d, x, y, h_um);
            }
            if let Some(d) = (after != 0).then(|| drug_of(after, &self.effects, &self.drugs)).flatten() {
                self.drug_particles.enter_pore(d, x, y);
            }
        }
        let mut rng = particles::rng(seed, step);
        self.drug_particles.match_concentrations(&self.drugs, self.drug_per_um, r_um, h_um, &mut rng);
        self.drug_particles.step(self.dt_ms, r_um, h_um, seed, step);
    }

    /// `n` molecules come back through the rim from a space the simulation
    /// does not own (the dendrite's shared extracellular space): `escaped`
    /// counts what left net of what came back.
    pub fn take_back(&mut self, n: u64) {
        self.escaped -= n;
        self.reenter(n, self.scenario.seed ^ crate::rng::mix64(domain::DENDRITE), self.step_index);
    }

    /// Put `n` molecules back into the sheet just inside its rim (uniform in
    /// angle and height, within one step's reach of the rim).
    fn reenter(&mut self, n: u64, seed: u64, step: u64) {
        if n == 0 {
            return;
        }
        let mut rng = stream(seed, domain::ECS, step, 1);
        let r_um = self.scenario.geometry.outer_radius_um as f32;
        let h_um = (self.scenario.geometry.cleft_height_nm * 1e-3) as f32;
        for _ in 0..n {
            let (a, b, c) = (unit_f64(rng.next_u64()) as f32, unit_f64(rng.next_u64()) as f32, unit_f64(rng.next_u64()) as f32);
            let r = r_um - a * self.sigma_um.min(0.5 * r_um);
            let th = b * std::f32::consts::TAU;
            self.molecules.push(r * math::cosf(th), r * math::sinf(th), c * h_um);
        }
    }

    /// Escape at the rim, binding, and compaction of the free arrays.
    fn surface_pass(&mut self, seed: u64, step: u64) {
        let mut rng = stream(seed, domain::BINDING, step, 0);
        let n = self.molecules.len();
        let mut w = 0;
        for i in 0..n {
            let (x, y, z) = (self.molecules.x[i], self.molecules.y[i], self.molecules.z[i]);
            let r2 = x * x + y * y;
            if self.absorbing && r2 > self.outer_r2 {
                self.escaped += 1;
                continue;
            }
            if self.binding {
                if r2 < self.receptor_r2 && self.receptors.try_bind(x, y, &mut rng) {
                    continue;
                }
                if r2 >= self.astro_r2 && self.transporters.try_bind(x, y, &mut rng) {
                    continue;
                }
            }
            self.molecules.x[w] = x;
            self.molecules.y[w] = y;
            self.molecules.z[w] = z;
            w += 1;
        }
        self.molecules.truncate(w);
    }

    /// Step until the clock reaches `t_ms`.
    pub fn run_until(&mut self, t_ms: f64) {
        let end = (t_ms / self.dt_ms).round() as u64;
        while self.step_index < end {
            self.step();
        }
    }

    pub fn ledger(&self) -> Ledger {
        Ledger {
            released: self.pre.released,
            free: self.molecules.len() as u64,
            bound_receptors: self.receptors.bound_glutamate(),
            bound_transporters: self.transporters.bound_glutamate(),
            taken_up: self.transporters.taken_up,
            escaped: self.escaped,
        }
    }

    /// Free glutamate over the PSD (r < PSD radius), as a concentration (µM).
    pub fn glu_cleft_um(&self) -> f64 {
        let n = self.molecules.x.iter().zip(&self.molecules.y).filter(|&(&x, &y)| x * x + y * y < self.psd_r2).count();
        let g = &self.scenario.geometry;
        let v = std::f64::consts::PI * math::powi(g.psd_radius_um, 2) * g.cleft_height_nm * 1e-3;
        molecules_to_mm(n as f64, v) * 1e3
    }

    /// A 64-bit FNV-1a hash of the whole dynamic state (positions as bits).
    pub fn state_hash(&self) -> u64 {
        let mut h = crate::hash::Fnv1a::default();
        use std::hash::Hasher;
        h.write_u64(self.step_index);
        for v in [&self.molecules.x, &self.molecules.y, &self.molecules.z] {
            for f in v.iter() {
                h.write_u32(f.to_bits());
            }
        }
        h.write(self.receptors.states());
        h.write(&self.receptors.blocked);
        self.transporters.hash_into(&mut h);
        h.write_u64(self.pre.released);
        // Residual Ca²⁺ at the facilitation site sets the next spike's release
        // (written only after a spike, so a run without one hashes as before).
        if self.pre.facilitation_caxf != 0.0 {
            h.write_u64(self.pre.facilitation_caxf.to_bits());
        }
        h.write_u64(self.escaped);
        if let Some(e) = &self.ecs {
            for n in &e.shells {
                h.write_u64(*n);
            }
        }
        h.write_u64(self.membrane.v_mv.to_bits());
        h.write_u64(self.metabolism.astro_glu.to_bits());
        // A spike or mini given but not yet stepped is state too (a paused
        // synapse that was just stimulated differs from one that was not).
        // Nothing is written when none waits, so hashes taken between steps stay as they were.
        for c in &self.pending {
            h.write_u8(match c {
                Control::Spike => 1,
                Control::Mini => 2,
                Control::InterneuronSpike => 3,
                _ => 0,
            });
        }
        h.finish()
    }
}

#[cfg(test)]
mod ecs_tests {
    use super::*;

    /// With the extracellular space beyond the rim, every molecule is still
    /// accounted for at every step, the same seed gives the same bits, and
    /// molecules come back into the sheet (the cleft's tail is higher).
    #[test]
    fn a_stimulus_not_yet_stepped_changes_the_hash() {
        let mut s = Scenario::default();
        s.protocol.clear();
        let mut a = Simulation::new(&s);
        let before = a.state_hash();
        a.apply(Control::Spike);
        let spiked = a.state_hash();
        assert_ne!(before, spiked);
        let mut b = Simulation::new(&s);
        b.apply(Control::Mini);
        assert_ne!(b.state_hash(), spiked);
        assert_ne!(b.state_hash(), before);
    }

    /// DL-TBOA takes the neuropil's uptake away as well as the sheath's:
    /// what escaped a vesicle's cleft lingers in the space around it.
    #[test]
    fn a_transporter_blocker_slows_uptake_beyond_the_rim() {
        let cat = crate::pharmacology::Catalogue::builtin().unwrap();
        let run = |tboa: bool| {
            let mut sim = Simulation::new(&Scenario { protocol: vec![Stimulus::Mini { at_ms: 0.0 }], ..Scenario::default() });
            if tboa {
                sim.apply(Control::SetDrug { drug: Box::new(cat.get("tboa").unwrap().clone()), conc_um: 100.0 });
            }
            sim.run_until(3.0);
            assert!(sim.ledger().balanced());
            let ecs = sim.ecs.as_ref().unwrap();
            (ecs.held(), ecs.taken_up)
        };
        let ((held, taken), (held_b, taken_b)) = (run(false), run(true));
        assert!(held_b > 5 * held && taken_b * 3 < taken, "held {held} -> {held_b}, taken up {taken} -> {taken_b}");
    }

    #[test]
    fn the_extracellular_space_keeps_the_ledger_and_returns_molecules() {
        let mut s = Scenario::default();
        s.protocol = vec![Stimulus::Mini { at_ms: 1.0 }];
        let mut absorbing = s.clone();
        absorbing.geometry.rim = Rim::Absorbing;
        s.geometry.rim = Rim::Ecs;
        let mut a = Simulation::new(&s);
        a.parallel = false;
        let mut b = a.clone();
        for k in 0..6000 {
            a.step();
            assert!(a.ledger().balanced(), "step {k}: {:?}", a.ledger());
        }
        for _ in 0..6000 {
            b.step();
        }
        assert_eq!(a.state_hash(), b.state_hash());
        let e = a.ecs.as_ref().unwrap();
        assert!(e.taken_up > 0 && e.held() > 0, "{:?} taken {} far {} escaped {} released {}", e.shells, e.taken_up, e.escaped, a.escaped, a.ledger().released);
        // The tail 2.5-5 ms after the vesicle, summed over seeds (one trial is noise).
        let tail = |scenario: &Scenario| {
            (0..8u64)
                .map(|seed| {
                    let mut sc = scenario.clone();
                    sc.seed = 100 + seed;
                    let mut sim = Simulation::new(&sc);
                    sim.parallel = false;
                    (0..6000)
                        .map(|k| {
                            sim.step();
                            if k > 3500 { sim.glu_cleft_um() } else { 0.0 }
                        })
                        .sum::<f64>()
                })
                .sum::<f64>()
        };
        let (cleft_tail, absorbing_tail) = (tail(&s), tail(&absorbing));
        assert!(cleft_tail > absorbing_tail, "return from the ECS: {cleft_tail} vs {absorbing_tail}");
    }
}
