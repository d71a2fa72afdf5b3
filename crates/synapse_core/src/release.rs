//! The presynaptic bouton: Ca²⁺ channels at the active zone, the synchronous
//! 5-site Ca²⁺ sensor on each docked vesicle, fusion and fusion-pore
//! emptying, RRP refilling, VGLUT loading and endocytosis.
//!
//! Mechanism: an action potential opens each AZ Ca²⁺ channel with
//! `ca_channel_open_prob`; open channels close at 1/`ca_channel_open_ms`.
//! The nanodomain [Ca²⁺] at the sensors follows the open count at once
//! (nanodomains equilibrate within microseconds; Naraghi & Neher 1997,
//! approx.) and scales with external Ca²⁺. Each docked vesicle carries its own
//! sensor (Sun et al. 2007 ✔): state k of 0–5 Ca²⁺ bound, k→k+1 at
//! (5−k)·α·[Ca], k→k−1 at k·β·b^(k−1), fusion from k = 5 at γ. Release is
//! therefore binomial across sites with a probability set by the Ca²⁺ transient.
//!
//! Facilitation (Dittman, Kreitzer & Regehr 2000): each spike adds Ca²⁺ to
//! a high-affinity site X_F in proportion to its Ca²⁺ entry (so it follows
//! external Ca²⁺, mGluR2 and riluzole); X_F decays with τ_F. A spike's
//! nanodomain Ca²⁺ is raised by `max_boost · X_F/(X_F + K_F)`, read just
//! before the spike adds its own: the first spike after a pause is unchanged.
use crate::math;

use crate::molecules::Molecules;
use crate::rng::{Stream, binomial, p_event, threshold, unit_f64};
use crate::scenario::PresynapticConfig;
use rand::Rng;
use std::collections::VecDeque;

/// Largest fraction of Ca²⁺ entry removed by group II mGluR (Gi/o) activity (assumption).
pub const MGLU2_MAX_CA_INHIBITION: f64 = 0.5;

#[derive(Clone, Debug, PartialEq)]
pub struct DockSite {
    pub x_um: f32,
    pub y_um: f32,
    /// Glutamate content of the docked vesicle, if one is docked.
    pub vesicle: Option<f64>,
    /// Ca²⁺ ions bound to this vesicle's sensor (0–5).
    pub sensor: u8,
}

/// A vesicle emptying through its fusion pore.
#[derive(Clone, Debug, PartialEq)]
pub struct Fusion {
    pub site: usize,
    pub remaining: u32,
    pub t_fused_ms: f64,
}

/// Things that happened in one step, for the app and the recorder.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReleaseEvents {
    pub channels_opened: u32,
    pub fused_sites: Vec<usize>,
    pub docked_sites: Vec<usize>,
}

#[derive(Clone, Debug)]
pub struct Presynaptic {
    cfg: PresynapticConfig,
    pub sites: Vec<DockSite>,
    /// Reserve vesicles' glutamate contents, oldest first.
    pub reserve: VecDeque<f64>,
    /// Times (ms) at which endocytosed vesicles rejoin the reserve.
    pub recycling: Vec<f64>,
    pub ca_channel_x_um: Vec<f32>,
    pub ca_channel_y_um: Vec<f32>,
    pub ca_channel_open: Vec<bool>,
    pub fusing: Vec<Fusion>,
    /// External Ca²⁺ (mM).
    pub ca_ext_mm: f64,
    /// Group II mGluR effector level (0–1), set by the simulation.
    pub mglu2_effector: f64,
    /// Hook for drugs acting on release (e.g. riluzole): scales Ca²⁺ entry.
    pub ca_entry_scale: f64,
    pub ca_local_um: f64,
    /// Ca²⁺ bound to the facilitation site X_F (one spike's increment at 2 mM = 1).
    pub facilitation_caxf: f64,
    /// This spike's multiplier on the nanodomain Ca²⁺ (1 = unfacilitated).
    pub facilitation_gain: f64,
    /// Glutamate molecules emitted into the cleft (cumulative).
    pub released: u64,
    pub fusions: u64,
    height_um: f32,
}

impl Presynaptic {
    pub fn new(cfg: &PresynapticConfig, az_radius_um: f64, height_um: f64, ca_ext_mm: f64, rng: &mut Stream) -> Self {
        let mut disc = |r_max: f64| {
            let r = r_max * unit_f64(rng.next_u64()).sqrt();
            let a = unit_f64(rng.next_u64()) * std::f64::consts::TAU;
            ((r * math::cos(a)) as f32, (r * math::sin(a)) as f32)
        };
        let full = cfg.glutamate_per_vesicle as f64;
        let sites = (0..cfg.docked_sites)
            .map(|_| {
                let (x, y) = disc(az_radius_um * 0.8);
                DockSite { x_um: x, y_um: y, vesicle: Some(full), sensor: 0 }
            })
            .collect();
        let (mut cx, mut cy) = (Vec::new(), Vec::new());
        for _ in 0..cfg.ca_channels {
            let (x, y) = disc(az_radius_um);
            cx.push(x);
            cy.push(y);
        }
        Self {
            cfg: cfg.clone(),
            sites,
            reserve: std::iter::repeat_n(full, cfg.reserve_vesicles as usize).collect(),
            recycling: Vec::new(),
            ca_channel_open: vec![false; cx.len()],
            ca_channel_x_um: cx,
            ca_channel_y_um: cy,
            fusing: Vec::new(),
            ca_ext_mm,
            mglu2_effector: 0.0,
            ca_entry_scale: 1.0,
            ca_local_um: cfg.ca_rest_um,
            facilitation_caxf: 0.0,
            facilitation_gain: 1.0,
            released: 0,
            fusions: 0,
            height_um: height_um as f32,
        }
    }

    /// Ca²⁺ entry per open channel relative to 2 mM external Ca²⁺ with no
    /// mGluR2 or drug acting on release.
    fn relative_entry(&self) -> f64 {
        (self.ca_ext_mm / 2.0) * (1.0 - MGLU2_MAX_CA_INHIBITION * self.mglu2_effector) * self.ca_entry_scale
    }

    /// An action potential invades the bouton: open Ca²⁺ channels.
    pub fn spike(&mut self, rng: &mut Stream) -> u32 {
        // X_F as the spike arrives sets its facilitation; then it adds its own Ca²⁺.
        let x = self.facilitation_caxf;
        self.facilitation_gain = 1.0 + self.cfg.facilitation_max_boost * x / (x + self.cfg.facilitation_kf);
        self.facilitation_caxf += self.relative_entry();
        let thr = threshold(self.cfg.ca_channel_open_prob);
        let mut n = 0;
        for open in &mut self.ca_channel_open {
            if !*open && rng.next_u64() < thr {
                *open = true;
                n += 1;
            }
        }
        n
    }

    /// Force one docked, loaded vesicle to fuse (a miniature event).
    pub fn mini(&mut self, t_ms: f64, rng: &mut Stream) -> Option<usize> {
        let loaded: Vec<usize> = (0..self.sites.len()).filter(|&s| self.sites[s].vesicle.is_some()).collect();
        if loaded.is_empty() {
            return None;
        }
        let s = loaded[(unit_f64(rng.next_u64()) * loaded.len() as f64) as usize];
        self.fuse(s, t_ms, rng);
        Some(s)
    }

    fn fuse(&mut self, s: usize, t_ms: f64, rng: &mut Stream) {
        let content = self.sites[s].vesicle.take().unwrap_or(0.0);
        self.sites[s].sensor = 0;
        self.fusing.push(Fusion { site: s, remaining: content.round() as u32, t_fused_ms: t_ms });
        self.fusions += 1;
        // Endocytosis returns the membrane after an exponential delay.
        let delay_ms = -math::ln(1.0 - unit_f64(rng.next_u64())) * self.cfg.endocytosis_tau_s * 1e3;
        self.recycling.push(t_ms + delay_ms);
    }

    /// Advance channels, sensors, fusion pores and pools by `dt_ms`.
    /// Emitted molecules are appended to `molecules`; VGLUT draws glutamate
    /// from `neuron_glu` (molecules in the neuronal cytosol).
    pub fn step(&mut self, t_ms: f64, dt_ms: f64, rng: &mut Stream, molecules: &mut Molecules, neuron_glu: &mut f64, events: &mut ReleaseEvents) {
        let c = self.cfg.clone();
        // Channels close.
        let close = threshold(p_event(1.0 / c.ca_channel_open_ms, dt_ms));
        let mut n_open = 0u32;
        for open in &mut self.ca_channel_open {
            if *open && rng.next_u64() < close {
                *open = false;
            }
            n_open += *open as u32;
        }
        // Nanodomain Ca²⁺ at the sensors; entry ∝ external Ca²⁺ (2 mM reference).
        let entry = c.ca_per_open_channel_um * self.relative_entry() * self.facilitation_gain;
        if self.facilitation_caxf > 0.0 {
            self.facilitation_caxf *= math::exp(-dt_ms / c.facilitation_tau_ms);
        }
        self.ca_local_um = c.ca_rest_um + n_open as f64 * entry;
        // Sensors and fusion.
        let spont = threshold(p_event(c.spontaneous_per_s * 1e-3, dt_ms));
        for s in 0..self.sites.len() {
            if self.sites[s].vesicle.is_none() {
                continue;
            }
            let k = self.sites[s].sensor as f64;
            let up = (5.0 - k) * c.sensor_kon_per_um_ms * self.ca_local_um;
            let down = if k > 0.0 { k * c.sensor_koff_per_ms * math::powf(c.sensor_b, k - 1.0) } else { 0.0 };
            let fuse = if self.sites[s].sensor == 5 { c.sensor_fusion_per_ms } else { 0.0 };
            let total = up + down + fuse;
            let d = rng.next_u64();
            if total > 0.0 && d < threshold(p_event(total, dt_ms)) {
                let pick = unit_f64(rng.next_u64()) * total;
                if pick < up {
                    self.sites[s].sensor += 1;
                } else if pick < up + down {
                    self.sites[s].sensor -= 1;
                } else {
                    self.fuse(s, t_ms, rng);
                    events.fused_sites.push(s);
                }
            } else if spont > 0 && rng.next_u64() < spont {
                self.fuse(s, t_ms, rng);
                events.fused_sites.push(s);
            }
        }
        // Fusion pores empty exponentially.
        let p_out = p_event(1.0 / c.fusion_pore_tau_ms, dt_ms);
        let h = self.height_um;
        for f in &mut self.fusing {
            let n = if f.remaining < 64 { binomial(rng, f.remaining, p_out) } else { binomial_large(rng, f.remaining, p_out) };
            f.remaining -= n;
            self.released += n as u64;
            let site = &self.sites[f.site];
            for _ in 0..n {
                // Leave the pore mouth (~5 nm) just under the presynaptic membrane.
                let a = unit_f64(rng.next_u64()) as f32 * std::f32::consts::TAU;
                let r = 0.005 * (unit_f64(rng.next_u64()) as f32).sqrt();
                molecules.push(site.x_um + r * math::cosf(a), site.y_um + r * math::sinf(a), h * 0.999);
            }
        }
        self.fusing.retain(|f| f.remaining > 0);
        // Recycled vesicles rejoin the reserve, empty.
        let before = self.recycling.len();
        self.recycling.retain(|&t| t > t_ms);
        for _ in self.recycling.len()..before {
            self.reserve.push_back(0.0);
        }
        // Empty sites refill from the reserve (Wesseling & Lo 2002).
        let refill = threshold(p_event(c.rrp_refill_per_s * 1e-3, dt_ms));
        for s in 0..self.sites.len() {
            if self.sites[s].vesicle.is_none() && !self.fusing.iter().any(|f| f.site == s) && !self.reserve.is_empty() && rng.next_u64() < refill {
                self.sites[s].vesicle = self.reserve.pop_front();
                events.docked_sites.push(s);
            }
        }
        // VGLUT loads every vesicle towards full (τ = vglut_fill_tau_s).
        let full = c.glutamate_per_vesicle as f64;
        let f = p_event(1.0 / (c.vglut_fill_tau_s * 1e3), dt_ms);
        let mut drawn = 0.0;
        for v in self.reserve.iter_mut().chain(self.sites.iter_mut().filter_map(|s| s.vesicle.as_mut())) {
            let add = (full - *v) * f;
            *v += add;
            drawn += add;
        }
        *neuron_glu -= drawn;
    }

    /// Docked vesicles ready to fuse.
    pub fn docked(&self) -> usize {
        self.sites.iter().filter(|s| s.vesicle.is_some()).count()
    }

    pub fn open_channels(&self) -> usize {
        self.ca_channel_open.iter().filter(|&&o| o).count()
    }
}

/// Binomial(n, p) for larger n by counting geometric gaps between successes
/// (exact; cost ∝ n·p draws instead of n).
fn binomial_large(rng: &mut Stream, n: u32, p: f64) -> u32 {
    if p >= 1.0 {
        return n;
    }
    if p <= 0.0 {
        return 0;
    }
    let log_q = math::ln(1.0 - p);
    let mut count = 0u32;
    let mut pos = 0.0f64;
    loop {
        let u = 1.0 - unit_f64(rng.next_u64());
        pos += (math::ln(u) / log_q).floor() + 1.0;
        if pos > n as f64 {
            return count;
        }
        count += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{domain, stream};

    #[test]
    fn large_binomial_has_the_right_mean_and_variance() {
        let mut rng = stream(3, domain::BENCH, 0, 0);
        let (n, p, trials) = (3500u32, 0.02, 20_000);
        let xs: Vec<f64> = (0..trials).map(|_| binomial_large(&mut rng, n, p) as f64).collect();
        let mean = xs.iter().sum::<f64>() / trials as f64;
        let var = xs.iter().map(|x| math::powi(x - mean, 2)).sum::<f64>() / (trials - 1) as f64;
        let (m0, v0) = (n as f64 * p, n as f64 * p * (1.0 - p));
        assert!((mean - m0).abs() < 5.0 * (v0 / trials as f64).sqrt(), "mean {mean} vs {m0}");
        assert!((var / v0 - 1.0).abs() < 0.05, "var {var} vs {v0}");
    }
}
