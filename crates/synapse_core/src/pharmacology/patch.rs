//! Dose–response through the simulation itself: a patch of receptors in a
//! bath of glutamate (the whole-cell protocol of Gilling et al. 2009:
//! steady agonist, voltage clamp), stepped by the same Markov tables,
//! drug mechanisms and blocker kinetics as the synapse, and a Hill fit of
//! the simulated inhibition.
use crate::math;

use super::effects::{Applied, Effects, combined_mods, effects};
use crate::molecules::Molecules;
use crate::receptors::nmda::mg_unblock;
use crate::receptors::scheme::RateMods;
use crate::receptors::{ReceptorKind, Receptors};
use crate::rng::{domain, stream};
use rayon::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Patch {
    pub kind: ReceptorKind,
    pub receptors: u32,
    /// Bath glutamate (100 µM for NMDA receptors, as Gilling used NMDA + glycine).
    pub glu_mm: f64,
    pub glycine_um: f64,
    pub v_mv: f64,
    pub mg_mm: f64,
    pub temperature_c: f64,
    /// Larger than the synapse's 1 µs: only receptor kinetics are stepped here.
    pub dt_ms: f64,
    pub settle_ms: f64,
    pub measure_ms: f64,
    pub seed: u64,
}

impl Patch {
    pub fn new(kind: ReceptorKind) -> Self {
        Self { kind, receptors: 200, glu_mm: 0.1, glycine_um: 30.0, v_mv: -70.0, mg_mm: 0.0, temperature_c: 22.0, dt_ms: 0.1, settle_ms: 60_000.0, measure_ms: 20_000.0, seed: 7 }
    }
}

/// A running patch: receptors, their drugs, the clock.
pub struct PatchRun {
    pub p: Patch,
    pub r: Receptors,
    /// Change with `apply()` afterwards.
    pub drugs: Vec<Applied>,
    effects: Effects,
    pub glu_on: bool,
    step: u64,
    scratch: Molecules,
}

impl PatchRun {
    pub fn new(p: &Patch, drugs: Vec<Applied>) -> Self {
        let mut rng = stream(p.seed, domain::PLACEMENT, 0, 0);
        let r = Receptors::patch(p.kind, p.receptors, p.dt_ms, p.glu_mm, &mut rng);
        let mut me = Self { p: p.clone(), r, drugs, effects: Effects::default(), glu_on: true, step: 0, scratch: Molecules::default() };
        me.apply();
        me
    }

    /// Re-apply the drugs (after changing them).
    pub fn apply(&mut self) {
        self.effects = effects(&self.drugs);
        let mods = combined_mods(self.p.kind, RateMods::default(), &self.effects, self.p.glycine_um, 0.0);
        self.r.set_mods(self.p.kind, mods);
        let pore_free = mg_unblock(self.p.v_mv, self.p.mg_mm + self.effects.extra_mg_mm);
        self.r.blockers = self.effects.blockers.iter().map(|b| b.step(self.p.v_mv, self.p.temperature_c, self.p.dt_ms, pore_free)).collect();
    }

    /// Conducting fraction now (open, unblocked, × activity × Mg²⁺ unblock);
    /// for a metabotropic kind, the active fraction its G-protein sees.
    pub fn response(&self) -> f64 {
        let e = &self.effects;
        let c = self.r.counts(self.p.kind);
        if matches!(self.p.kind, ReceptorKind::MgluGroup1 | ReceptorKind::MgluGroup2) {
            return super::effects::metabotropic_drive(self.p.kind, c.open_fraction(), e);
        }
        let mg = if self.p.kind.blockable() { mg_unblock(self.p.v_mv, self.p.mg_mm + e.extra_mg_mm) } else { 1.0 };
        c.open_fraction() * e.activity[self.p.kind as usize] * mg
    }

    pub fn blocked_fraction(&self) -> f64 {
        let c = self.r.counts(self.p.kind);
        c.blocked as f64 / c.total.max(1) as f64
    }

    pub fn run(&mut self, ms: f64) {
        self.run_steps((ms / self.p.dt_ms).round() as u64);
    }

    /// Run `steps` steps of `dt_ms`.
    pub fn run_steps(&mut self, steps: u64) {
        for _ in 0..steps {
            let mut rng = stream(self.p.seed, domain::RECEPTORS, self.step, 0);
            self.r.begin_step();
            if self.glu_on {
                self.r.bind_from_bath(&mut rng);
            }
            self.r.step_unimolecular(&mut rng, &mut self.scratch);
            self.r.step_blockers(&mut rng);
            self.scratch.truncate(0);
            self.step += 1;
        }
    }

    /// Mean response over `ms`, sampled every step.
    pub fn measure(&mut self, ms: f64) -> f64 {
        let steps = ((ms / self.p.dt_ms).round() as u64).max(1);
        let mut acc = 0.0;
        for _ in 0..steps {
            self.run(self.p.dt_ms);
            acc += self.response();
        }
        acc / steps as f64
    }
}

/// Steady-state response of the patch with `drugs` applied.
pub fn steady_response(p: &Patch, drugs: Vec<Applied>) -> f64 {
    let mut run = PatchRun::new(p, drugs);
    run.run(p.settle_ms);
    run.measure(p.measure_ms)
}

/// A simulated dose–response: concentrations, inhibition (1 − response/control),
/// and the Hill fit.
#[derive(Clone, Debug)]
pub struct DoseResponse {
    pub conc_um: Vec<f64>,
    pub inhibition: Vec<f64>,
    pub ic50_um: f64,
    pub hill: f64,
}

/// Sweep `drug` over log-spaced concentrations from `from_um` to `to_um`.
pub fn dose_response(p: &Patch, drug: &super::Drug, from_um: f64, to_um: f64, points: usize) -> DoseResponse {
    dose_response_with(p, drug, from_um, to_um, points, &|| {})
}

/// `dose_response`, calling `done()` after the control and after each point
/// (`points + 1` calls, for a progress bar).
pub fn dose_response_with(p: &Patch, drug: &super::Drug, from_um: f64, to_um: f64, points: usize, done: &(dyn Fn() + Sync)) -> DoseResponse {
    let control = steady_response(p, Vec::new());
    done();
    let conc = log_spaced(from_um, to_um, points);
    let inhibition: Vec<f64> = conc
        .par_iter()
        .map(|&c| {
            let i = 1.0 - steady_response(p, vec![Applied { drug: drug.clone(), conc_um: c }]) / control;
            done();
            i
        })
        .collect();
    let (ic50_um, hill) = fit_hill(&conc, &inhibition);
    DoseResponse { conc_um: conc, inhibition, ic50_um, hill }
}

/// `points` concentrations log-spaced from `from_um` to `to_um`.
fn log_spaced(from_um: f64, to_um: f64, points: usize) -> Vec<f64> {
    (0..points).map(|i| from_um * math::powf(to_um / from_um, i as f64 / (points - 1).max(1) as f64)).collect()
}

/// `dose_response` a slice at a time, for a caller with no threads (the
/// web page runs a slice per frame and shows the progress): the same
/// points, the same runs, the same result to the last bit.
pub struct DoseSweep {
    p: Patch,
    drug: super::Drug,
    conc: Vec<f64>,
    control: Option<f64>,
    inhibition: Vec<f64>,
    /// The run under way: its patch, steps taken of settle + measure, and the measure's sum.
    run: Option<(PatchRun, u64, f64)>,
    steps_done: u64,
}

impl DoseSweep {
    pub fn new(p: &Patch, drug: &super::Drug, from_um: f64, to_um: f64, points: usize) -> Self {
        Self { p: p.clone(), drug: drug.clone(), conc: log_spaced(from_um, to_um, points), control: None, inhibition: Vec::new(), run: None, steps_done: 0 }
    }

    fn steps_per_run(&self) -> (u64, u64) {
        ((self.p.settle_ms / self.p.dt_ms).round() as u64, ((self.p.measure_ms / self.p.dt_ms).round() as u64).max(1))
    }

    /// Done so far, from 0 to 1.
    pub fn progress(&self) -> f64 {
        let (settle, measure) = self.steps_per_run();
        self.steps_done as f64 / ((settle + measure) * (self.conc.len() as u64 + 1)) as f64
    }

    /// Take up to `budget` patch steps (at least one); the result once the
    /// control and every concentration have run.
    pub fn advance(&mut self, budget: u64) -> Option<DoseResponse> {
        let (settle, measure) = self.steps_per_run();
        let mut left = budget.max(1);
        while left > 0 {
            let next = self.control.is_some() as usize + self.inhibition.len();
            if next > self.conc.len() {
                break;
            }
            let (run, taken, acc) = self.run.get_or_insert_with(|| {
                let drugs = if next == 0 { Vec::new() } else { vec![Applied { drug: self.drug.clone(), conc_um: self.conc[next - 1] }] };
                (PatchRun::new(&self.p, drugs), 0, 0.0)
            });
            if *taken < settle {
                let n = left.min(settle - *taken);
                run.run_steps(n);
                (*taken, left, self.steps_done) = (*taken + n, left - n, self.steps_done + n);
            } else {
                // As `measure`: one step, then the response, summed in order.
                run.run_steps(1);
                *acc += run.response();
                (*taken, left, self.steps_done) = (*taken + 1, left - 1, self.steps_done + 1);
            }
            if *taken == settle + measure {
                let response = *acc / measure as f64;
                self.run = None;
                match self.control {
                    None => self.control = Some(response),
                    Some(control) => self.inhibition.push(1.0 - response / control),
                }
            }
        }
        (self.inhibition.len() == self.conc.len()).then(|| {
            let (ic50_um, hill) = fit_hill(&self.conc, &self.inhibition);
            DoseResponse { conc_um: self.conc.clone(), inhibition: self.inhibition.clone(), ic50_um, hill }
        })
    }
}

/// IC50 and Hill slope from the linear regression of logit(I) on ln(D)
/// over the points with 3% < I < 97% (NaN with fewer than two).
pub fn fit_hill(conc_um: &[f64], inhibition: &[f64]) -> (f64, f64) {
    let pts: Vec<(f64, f64)> = conc_um.iter().zip(inhibition).filter(|&(_, &i)| i > 0.03 && i < 0.97).map(|(&c, &i)| (math::ln(c), math::ln(i / (1.0 - i)))).collect();
    let (slope, intercept) = crate::stats::linear_fit(&pts);
    // logit(I) = slope·(ln D − ln IC50)
    (math::exp(-intercept / slope), slope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_in_slices_is_the_sweep() {
        let drug = crate::pharmacology::Catalogue::builtin().unwrap().get("ketamine").unwrap().clone();
        let mut p = Patch::new(ReceptorKind::Nmda2B);
        (p.receptors, p.settle_ms, p.measure_ms) = (40, 300.0, 100.0);
        let whole = dose_response(&p, &drug, 0.1, 30.0, 4);
        let mut sweep = DoseSweep::new(&p, &drug, 0.1, 30.0, 4);
        let mut calls = 0;
        // An odd budget, so slices end mid-settle and mid-measure.
        let sliced = loop {
            calls += 1;
            assert!(sweep.progress() < 1.0);
            if let Some(r) = sweep.advance(777) {
                break r;
            }
        };
        assert_eq!(sweep.progress(), 1.0);
        assert_eq!(calls, (4000 * 5) / 777 + 1);
        assert_eq!(sliced.conc_um, whole.conc_um);
        assert_eq!(sliced.inhibition.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), whole.inhibition.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
        assert!(whole.inhibition[3] > whole.inhibition[0], "{:?}", whole.inhibition);
    }

    #[test]
    fn hill_fit_recovers_a_known_curve() {
        let c: Vec<f64> = (0..9).map(|i| 0.01 * math::powf(10f64, i as f64 * 0.5)).collect();
        let inh: Vec<f64> = c.iter().map(|&d| math::powf(d, 1.3) / (math::powf(d, 1.3) + math::powf(0.7f64, 1.3))).collect();
        let (ic50, n) = fit_hill(&c, &inh);
        assert!((ic50 - 0.7).abs() < 1e-6 && (n - 1.3).abs() < 1e-6, "{ic50} {n}");
    }
}
