//! The extracellular space beyond the simulated sheet (`Rim::Ecs`): a porous
//! medium around the synapse with its volume fraction α and tortuosity λ
//! (Nicholson & Syková, Trends Neurosci 1998: α ≈ 0.2, λ ≈ 1.6), as
//! concentric spherical shells from the sheet's rim R out to `radius_um`,
//! each holding a whole number of glutamate molecules.
//!
//! Per step a molecule in shell k moves one shell out or in with the
//! probabilities of radial diffusion at D* = D_free/λ² through the shells'
//! pore area (α·4πr², divided by the shell's pore volume α·V_k), is taken
//! up by the neuropil's transporters at a first-order rate, or, from the
//! first shell, re-enters the sheet through the cleft's open rim (2πR·h) at
//! the one-way Brownian flux c·√(D·dt/π) per area. Out of the last shell it
//! joins the far pool (the old absorbing rim's `escaped`). Molecules that
//! come back into the sheet can bind the synapse's receptors again: that
//! return is what gives cleft glutamate its slow phase (Clements et al.
//! 1992), on top of the fast escape (Diamond & Jahr 1997).
//!
//! The return is the one-way flux of the sheet's discrete walk (∝ √dt per
//! step): at the default 1 µs step it is faster than diffusion between the
//! shells, so it keeps the concentration continuous across the rim; at
//! steps of several µs the rim itself would start to limit the exchange.
//!
//! Binomial draws on whole molecules keep the ledger exact and the bits the
//! same for a seed. Teaching simplifications, said here and in the README:
//! the shells are spheres around a flat synapse (the cells above and below
//! it are part of the porous average), and uptake in the neuropil is one
//! first-order rate (no binding and release by the transporters there).
use crate::math;

use crate::rng::{NormalTable, domain, stream, unit_f64};
use rand::Rng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

/// The porous medium beyond the sheet.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct EcsConfig {
    /// Extracellular volume fraction α: 0.2 (Nicholson & Syková 1998 ✔).
    pub volume_fraction: f64,
    /// Tortuosity λ: 1.6 (Nicholson & Syková 1998 ✔); D* = D_free/λ².
    pub tortuosity: f64,
    /// Free diffusion coefficient of glutamate: 0.76 µm²/ms (Nielsen et al. 2004).
    pub d_free_um2_per_ms: f64,
    /// Outer radius of the shells (assumption: molecules farther out join
    /// the far pool and do not come back within tens of milliseconds).
    pub radius_um: f64,
    /// Shell thickness (numerics).
    pub shell_um: f64,
    /// Uptake by the neuropil's transporters, per molecule (ms⁻¹): binding
    /// at k_on = 10 mM⁻¹ms⁻¹ to ~0.1 mM of carriers in the pore volume,
    /// times the share that is translocated rather than released,
    /// k_tr/(k_off + k_tr) = 0.5/0.7 (the sheath's scheme): 0.71 ms⁻¹
    /// (assumption built from the model's own EAAT constants; the carrier
    /// concentration is approx., Lehre & Danbolt 1998).
    pub uptake_per_ms: f64,
}

impl Default for EcsConfig {
    fn default() -> Self {
        Self { volume_fraction: 0.2, tortuosity: 1.6, d_free_um2_per_ms: 0.76, radius_um: 3.0, shell_um: 0.2, uptake_per_ms: 0.71 }
    }
}

/// What became of the ECS's molecules in one step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EcsStep {
    /// Back into the sheet through its rim.
    pub reentered: u64,
    /// Taken up by the neuropil's transporters.
    pub taken_up: u64,
    /// Out of the last shell, into the far pool.
    pub escaped: u64,
}

/// The shells and their per-step transition probabilities.
#[derive(Clone, Debug, PartialEq)]
pub struct Ecs {
    /// Molecules in each shell, innermost first.
    pub shells: Vec<u64>,
    /// Per molecule per step: one shell out, one shell in (shell 0: back
    /// into the sheet), taken up.
    p_out: Vec<f64>,
    p_in: Vec<f64>,
    p_uptake: f64,
    /// Uptake per step with every carrier free (before a blocker).
    p_uptake_free: f64,
    /// The next step's counts (kept to avoid an allocation each step).
    next: Vec<u64>,
    /// Totals since the start.
    pub taken_up: u64,
    pub escaped: u64,
}

impl Ecs {
    /// Shells from the sheet's rim `rim_um` outward, for a sheet of height
    /// `height_um` whose glutamate diffuses with `d_sheet_um2_per_ms`.
    pub fn new(cfg: &EcsConfig, rim_um: f64, height_um: f64, d_sheet_um2_per_ms: f64, dt_ms: f64) -> Self {
        let n = (((cfg.radius_um - rim_um) / cfg.shell_um).ceil().max(1.0)) as usize;
        let d_star = cfg.d_free_um2_per_ms / (cfg.tortuosity * cfg.tortuosity);
        let r = |k: usize| rim_um + k as f64 * cfg.shell_um;
        let volume = |k: usize| 4.0 / 3.0 * std::f64::consts::PI * (math::powi(r(k + 1), 3) - math::powi(r(k), 3));
        let area = |rr: f64| 4.0 * std::f64::consts::PI * rr * rr;
        // Through the pore area α·A into the pore volume α·V: α cancels.
        let across = |k: usize, rr: f64| (d_star * area(rr) * dt_ms / (cfg.shell_um * volume(k))).min(0.3);
        let p_out = (0..n).map(|k| across(k, r(k + 1))).collect();
        let rim_open_um2 = 2.0 * std::f64::consts::PI * rim_um * height_um;
        let reenter = rim_open_um2 * (d_sheet_um2_per_ms * dt_ms / std::f64::consts::PI).sqrt() / (cfg.volume_fraction * volume(0));
        let p_in = (0..n).map(|k| if k == 0 { reenter.min(0.3) } else { across(k, r(k)) }).collect();
        let p_uptake = (cfg.uptake_per_ms * dt_ms).min(0.3);
        Self { shells: vec![0; n], p_out, p_in, p_uptake, p_uptake_free: p_uptake, next: vec![0; n], taken_up: 0, escaped: 0 }
    }

    /// The share of the neuropil's carriers free to take glutamate up (a
    /// transporter blocker holds the rest).
    pub fn set_free_carriers(&mut self, fraction: f64) {
        self.p_uptake = self.p_uptake_free * fraction.clamp(0.0, 1.0);
    }

    /// Molecules in the shells now.
    pub fn held(&self) -> u64 {
        self.shells.iter().sum()
    }

    /// One step: moves between shells, uptake, return to the sheet and
    /// loss to the far pool, drawn for whole molecules.
    pub fn step(&mut self, seed: u64, step: u64) -> EcsStep {
        let mut out = EcsStep::default();
        if self.shells.iter().all(|&m| m == 0) {
            return out;
        }
        let mut rng = stream(seed, domain::ECS, step, 0);
        let n = self.shells.len();
        let mut next = std::mem::take(&mut self.next);
        next.iter_mut().for_each(|v| *v = 0);
        for k in 0..n {
            let m = self.shells[k];
            if m == 0 {
                continue;
            }
            // Chained binomials give the multinomial (out, in, uptake, stay).
            let up = binomial(m, self.p_uptake, &mut rng);
            let rest = m - up;
            let go_out = binomial(rest, self.p_out[k] / (1.0 - self.p_uptake), &mut rng);
            let rest2 = rest - go_out;
            let go_in = binomial(rest2, self.p_in[k] / (1.0 - self.p_uptake - self.p_out[k]).max(1e-12), &mut rng);
            out.taken_up += up;
            next[k] += rest2 - go_in;
            if k + 1 < n {
                next[k + 1] += go_out;
            } else {
                out.escaped += go_out;
            }
            if k == 0 {
                out.reentered += go_in;
            } else {
                next[k - 1] += go_in;
            }
        }
        self.next = std::mem::replace(&mut self.shells, next);
        self.taken_up += out.taken_up;
        self.escaped += out.escaped;
        out
    }
}

/// A binomial draw: inversion for small means, the normal approximation
/// (rounded, clamped) above (deterministic for a stream either way).
pub(crate) fn binomial(n: u64, p: f64, rng: &mut Xoshiro256PlusPlus) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    let mean = n as f64 * p;
    if mean < 10.0 {
        let u = unit_f64(rng.next_u64());
        let q = 1.0 - p;
        let mut pk = math::powf(q, n as f64);
        let mut cum = pk;
        let mut k = 0u64;
        while u > cum && k < n {
            pk *= (n - k) as f64 / (k + 1) as f64 * p / q;
            k += 1;
            cum += pk;
        }
        k
    } else {
        let z = NormalTable::get().sample((rng.next_u64() & 0xFFFF) as u16, rng) as f64;
        (mean + z * (mean * (1.0 - p)).sqrt()).round().clamp(0.0, n as f64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomial_draws_have_the_right_mean_and_are_repeatable() {
        let mut rng = stream(1, domain::ECS, 0, 0);
        let draws: Vec<u64> = (0..20_000).map(|_| binomial(40, 0.05, &mut rng)).collect();
        let mean = draws.iter().sum::<u64>() as f64 / draws.len() as f64;
        assert!((mean - 2.0).abs() < 0.05, "{mean}");
        let big: Vec<u64> = (0..20_000).map(|_| binomial(5000, 0.01, &mut rng)).collect();
        let mean = big.iter().sum::<u64>() as f64 / big.len() as f64;
        assert!((mean - 50.0).abs() < 0.3, "{mean}");
        let mut a = stream(9, domain::ECS, 3, 0);
        let mut b = stream(9, domain::ECS, 3, 0);
        assert_eq!(binomial(777, 0.3, &mut a), binomial(777, 0.3, &mut b));
    }

    #[test]
    fn the_shells_conserve_molecules_and_drain_by_uptake_and_loss() {
        let mut e = Ecs::new(&EcsConfig::default(), 0.8, 0.02, 0.32, 1e-3);
        e.shells[0] = 10_000;
        let mut back = 0;
        for s in 0..5000 {
            back += e.step(7, s).reentered;
        }
        assert_eq!(e.held() + e.taken_up + e.escaped + back, 10_000);
        // In 5 ms (0.33 ms⁻¹ uptake) about as many are taken up as come back
        // through the rim; a few reach the far pool, few are left.
        assert!(e.taken_up > 2000 && back > 2000 && e.held() < 1000, "taken {} back {back} held {} far {}", e.taken_up, e.held(), e.escaped);
    }
}
