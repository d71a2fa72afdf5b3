//! Generic Markov kinetic schemes: states, transitions, and the per-step
//! transition tables the simulation draws from.
//!
//! One table drives both the stochastic single-channel simulation and the
//! deterministic master equation (`mean_field`), so the validation of a
//! scheme's ensemble behaviour checks the same numbers the particles use.

use crate::rng::{p_event, threshold};

/// One state of a scheme.
#[derive(Clone, Debug)]
pub struct StateDef {
    pub name: &'static str,
    /// Glutamate molecules bound in this state.
    pub glu_bound: u8,
    /// Conducting (ionotropic) or active (metabotropic).
    pub open: bool,
    pub desensitized: bool,
}

/// What a transition's rate depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateKind {
    /// A first-order rate in ms⁻¹.
    Unimolecular,
    /// Glutamate binding: rate in mM⁻¹ms⁻¹ times the local [Glu].
    GluBinding,
}

/// A hook through which the solution (and later, drugs) scale a rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    None,
    /// NMDA channel opening needs glycine or D-serine at the GluN1 site.
    Coagonist,
}

#[derive(Clone, Debug)]
pub struct TransitionDef {
    pub from: usize,
    pub to: usize,
    pub rate: f64,
    pub kind: RateKind,
    pub gate: Gate,
}

#[derive(Clone, Debug)]
pub struct Scheme {
    pub name: &'static str,
    pub source: &'static str,
    pub states: Vec<StateDef>,
    pub transitions: Vec<TransitionDef>,
}

/// Multipliers applied to rates: the hook through which the solution and
/// drugs act on binding and gating (a competitive antagonist scales
/// `binding`, a negative allosteric modulator `opening`, a PAM divides
/// `closing`, E4/E6 of book/src/model.md §9).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateMods {
    /// Co-agonist occupancy factor on `Gate::Coagonist` transitions (0–1).
    pub coagonist: f64,
    /// Scale of every glutamate-binding rate.
    pub binding: f64,
    /// Scale of every transition that loses a glutamate.
    pub unbinding: f64,
    /// Scale of every transition into an open state.
    pub opening: f64,
    /// Scale of every transition out of an open state.
    pub closing: f64,
    /// Scale of every transition into a desensitised state.
    pub desensitizing: f64,
}

impl Default for RateMods {
    fn default() -> Self {
        Self { coagonist: 1.0, binding: 1.0, unbinding: 1.0, opening: 1.0, closing: 1.0, desensitizing: 1.0 }
    }
}

impl Scheme {
    /// A state index by name (panics on a typo in a scheme definition).
    pub fn state(&self, name: &str) -> usize {
        self.states.iter().position(|s| s.name == name).unwrap_or_else(|| panic!("{}: no state {name}", self.name))
    }

    /// Multiply every rate by `factor` (temperature scaling).
    pub fn scaled(mut self, factor: f64) -> Self {
        for t in &mut self.transitions {
            t.rate *= factor;
        }
        self
    }

    /// The effective rate of transition `t` under `mods`, at glutamate `glu_mm`
    /// (for binding transitions).
    pub fn rate(&self, t: &TransitionDef, mods: &RateMods, glu_mm: f64) -> f64 {
        let mut k = t.rate;
        if t.kind == RateKind::GluBinding {
            k *= glu_mm * mods.binding;
        }
        if t.gate == Gate::Coagonist {
            k *= mods.coagonist;
        }
        let (from, to) = (&self.states[t.from], &self.states[t.to]);
        if to.glu_bound < from.glu_bound {
            k *= mods.unbinding;
        }
        if to.open && !from.open {
            k *= mods.opening;
        }
        if from.open && !to.open {
            k *= mods.closing;
        }
        if to.desensitized && !from.desensitized {
            k *= mods.desensitizing;
        }
        k
    }

    /// Master equation dp/dt for occupancy vector `p` at `glu_mm`.
    pub fn derivative(&self, p: &[f64], mods: &RateMods, glu_mm: f64, out: &mut [f64]) {
        out.iter_mut().for_each(|v| *v = 0.0);
        for t in &self.transitions {
            let flux = self.rate(t, mods, glu_mm) * p[t.from];
            out[t.from] -= flux;
            out[t.to] += flux;
        }
    }

    /// Integrate the master equation (RK4) from all-in-state-0 under a
    /// glutamate time course `glu_mm(t_ms)`, returning the open fraction
    /// sampled every `dt_ms` up to `t_end_ms`.
    pub fn mean_field_open(&self, mods: &RateMods, glu_mm: impl Fn(f64) -> f64, dt_ms: f64, t_end_ms: f64) -> Vec<f64> {
        let n = self.states.len();
        let mut p = vec![0.0; n];
        p[0] = 1.0;
        let steps = (t_end_ms / dt_ms).round() as usize;
        let mut out = Vec::with_capacity(steps + 1);
        let (mut k1, mut k2, mut k3, mut k4, mut tmp) = (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        let open = |p: &[f64]| p.iter().zip(&self.states).filter(|(_, s)| s.open).map(|(v, _)| v).sum::<f64>();
        out.push(open(&p));
        for i in 0..steps {
            let t = i as f64 * dt_ms;
            self.derivative(&p, mods, glu_mm(t), &mut k1);
            for j in 0..n {
                tmp[j] = p[j] + 0.5 * dt_ms * k1[j];
            }
            self.derivative(&tmp, mods, glu_mm(t + 0.5 * dt_ms), &mut k2);
            for j in 0..n {
                tmp[j] = p[j] + 0.5 * dt_ms * k2[j];
            }
            self.derivative(&tmp, mods, glu_mm(t + 0.5 * dt_ms), &mut k3);
            for j in 0..n {
                tmp[j] = p[j] + dt_ms * k3[j];
            }
            self.derivative(&tmp, mods, glu_mm(t + dt_ms), &mut k4);
            for j in 0..n {
                p[j] += dt_ms / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j]);
            }
            out.push(open(&p));
        }
        out
    }
}

/// Per-state draw tables for one time step: what a channel in each state
/// does this step, as u64 thresholds against one random draw.
#[derive(Clone, Debug, Default)]
pub struct StepTable {
    /// Per state: probability (as threshold) that one glutamate molecule in
    /// the receptor's column binds this step, and the state it then enters.
    pub bind: Vec<Option<(u64, u8)>>,
    /// Per state: cumulative thresholds of the unimolecular exits, with targets.
    /// A draw below the last threshold leaves the state.
    pub exits: Vec<Vec<(u64, u8)>>,
}

impl StepTable {
    /// Build the tables for step `dt_ms`, with one molecule in the binding
    /// column standing for `c1_mm` of glutamate.
    pub fn build(scheme: &Scheme, mods: &RateMods, dt_ms: f64, c1_mm: f64) -> Self {
        let n = scheme.states.len();
        let mut bind = vec![None; n];
        let mut exits = vec![Vec::new(); n];
        for s in 0..n {
            let binding: Vec<_> = scheme.transitions.iter().filter(|t| t.from == s && t.kind == RateKind::GluBinding).collect();
            assert!(binding.len() <= 1, "{}: state {} has more than one binding exit", scheme.name, scheme.states[s].name);
            if let Some(t) = binding.first() {
                let k = scheme.rate(t, mods, c1_mm);
                bind[s] = Some((threshold(p_event(k, dt_ms)), t.to as u8));
            }
            let uni: Vec<(f64, usize)> = scheme.transitions.iter().filter(|t| t.from == s && t.kind == RateKind::Unimolecular).map(|t| (scheme.rate(t, mods, 0.0), t.to)).collect();
            let total: f64 = uni.iter().map(|(k, _)| k).sum();
            if total > 0.0 {
                // Competing exponential clocks: leave with p = 1 − e^(−Σk·dt),
                // to target j with probability k_j / Σk.
                let p_leave = p_event(total, dt_ms);
                let mut acc = 0.0;
                for (k, to) in uni {
                    acc += p_leave * k / total;
                    exits[s].push((threshold(acc), to as u8));
                }
            }
        }
        Self { bind, exits }
    }

    /// The state reached from `state` by unimolecular exits, given one draw.
    #[inline]
    pub fn exit(&self, state: u8, draw: u64) -> Option<u8> {
        self.exits[state as usize].iter().find(|(t, _)| draw < *t).map(|&(_, to)| to)
    }
}
