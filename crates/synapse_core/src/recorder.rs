//! Traces: the observables sampled at a fixed interval, written as CSV or
//! JSON, and the summary of a run (peak cleft glutamate and its decay, peak
//! EPSC with its rise and decay).
//!
//! Column names are part of the CLI contract (scripts read them): the first
//! eleven are fixed (the first columns every trace has); the rest follow.
use crate::math;

use crate::receptors::ReceptorKind;
use crate::sim::Simulation;
use std::io::Write;

macro_rules! observables {
    ($($name:ident),* $(,)?) => {
        /// One row of a trace.
        #[allow(non_snake_case)]
        #[derive(Clone, Copy, Debug, Default, PartialEq)]
        pub struct Observables { $(pub $name: f64),* }

        impl Observables {
            /// Column names, in order.
            pub const COLUMNS: &'static [&'static str] = &[$(stringify!($name)),*];
            pub fn values(&self) -> Vec<f64> { vec![$(self.$name),*] }
        }
    };
}

observables!(
    t_ms,
    glu_cleft_uM,
    glu_free,
    glu_bound,
    glu_uptaken,
    glu_escaped,
    ampa_open_frac,
    nmda_open_frac,
    i_ampa_pA,
    i_nmda_pA,
    vm_mV,
    glu_released,
    glu_in_eaat,
    eaat_cycling,
    ampa_desens_frac,
    nmda2a_open_frac,
    nmda2b_open_frac,
    kainate_open_frac,
    mglu1_active_frac,
    mglu2_active_frac,
    mglu1_gq,
    mglu2_gi,
    i_kainate_pA,
    i_gaba_pA,
    ca_sensor_uM,
    ca_channels_open,
    rrp_docked,
    vesicles_fused,
    gaba_cleft_uM,
    gaba_a_open_frac,
    glu_ambient_nM,
    neuron_glu_mM,
    neuron_gln_mM,
    astro_glu_mM,
    astro_gln_mM,
    interneuron_glu_mM,
    interneuron_gaba_mM,
    flux_gs_per_ms,
    flux_pag_per_ms,
    flux_gad_per_ms,
    nmda_blocked,
);

impl Observables {
    pub fn of(sim: &Simulation) -> Self {
        let counts = sim.receptors.counts_all();
        let of = |k: ReceptorKind| counts[k as usize];
        let ampa = of(ReceptorKind::Ampa);
        let n2a = of(ReceptorKind::Nmda2A);
        let n2b = of(ReceptorKind::Nmda2B);
        let nmda_total = n2a.total + n2b.total;
        let frac = |a: u32, b: u32| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let l = sim.ledger();
        let m = &sim.metabolism;
        let i = &sim.interneuron;
        Self {
            t_ms: sim.t_ms(),
            glu_cleft_uM: sim.glu_cleft_um(),
            glu_free: l.free as f64,
            glu_bound: l.bound_receptors as f64,
            glu_uptaken: l.taken_up as f64,
            glu_escaped: l.escaped as f64,
            ampa_open_frac: ampa.open_fraction(),
            nmda_open_frac: frac(n2a.open + n2b.open, nmda_total),
            i_ampa_pA: sim.currents.ampa_pa,
            i_nmda_pA: sim.currents.nmda_pa,
            vm_mV: sim.membrane.v_mv,
            glu_released: l.released as f64,
            glu_in_eaat: l.bound_transporters as f64,
            eaat_cycling: sim.transporters.cycling_count() as f64,
            ampa_desens_frac: frac(ampa.desensitized, ampa.total),
            nmda2a_open_frac: n2a.open_fraction(),
            nmda2b_open_frac: n2b.open_fraction(),
            kainate_open_frac: of(ReceptorKind::Kainate).open_fraction(),
            mglu1_active_frac: of(ReceptorKind::MgluGroup1).open_fraction(),
            mglu2_active_frac: of(ReceptorKind::MgluGroup2).open_fraction(),
            mglu1_gq: sim.mglu1.effector,
            mglu2_gi: sim.mglu2.effector,
            i_kainate_pA: sim.currents.kainate_pa,
            i_gaba_pA: sim.currents.gaba_pa,
            ca_sensor_uM: sim.pre.ca_local_um,
            ca_channels_open: sim.pre.open_channels() as f64,
            rrp_docked: sim.pre.docked() as f64,
            vesicles_fused: sim.pre.fusions as f64,
            gaba_cleft_uM: i.gaba_cleft_mm * 1e3,
            gaba_a_open_frac: i.gaba_a_open,
            glu_ambient_nM: m.ambient_glu_nm(sim.solution.ambient_glu_nm),
            neuron_glu_mM: m.neuron_glu_mm(),
            neuron_gln_mM: m.neuron_gln_mm(),
            astro_glu_mM: m.astro_glu_mm(),
            astro_gln_mM: m.astro_gln_mm(),
            interneuron_glu_mM: i.glu_mm(),
            interneuron_gaba_mM: i.gaba_mm(),
            flux_gs_per_ms: m.flux_gs,
            flux_pag_per_ms: m.flux_pag,
            flux_gad_per_ms: i.flux_gad,
            // Open or trapped: any channel blocker in the pore (not Mg2+,
            // whose block is the pore's instantaneous voltage-dependent factor).
            nmda_blocked: (n2a.blocked + n2b.blocked) as f64,
        }
    }
}

/// A recorded time series: the fixed observables, then one column per
/// applied drug and receptor (`occ_<drug>_<receptor>`).
#[derive(Clone, Debug, Default)]
pub struct Trace {
    pub rows: Vec<Observables>,
    pub extra_columns: Vec<String>,
    pub extra: Vec<Vec<f64>>,
}

impl Trace {
    /// Run `sim` to `t_end_ms`, sampling every `every_ms` (at t = 0 too).
    pub fn record(sim: &mut Simulation, t_end_ms: f64, every_ms: f64) -> Self {
        let every_steps = ((every_ms / sim.dt_ms()).round() as u64).max(1);
        let end = (t_end_ms / sim.dt_ms()).round() as u64;
        let extra_columns: Vec<String> = sim.drug_occupancy().into_iter().map(|(n, _)| n).collect();
        let extras = |sim: &Simulation| sim.drug_occupancy().into_iter().map(|(_, v)| v).collect::<Vec<f64>>();
        let mut rows = vec![Observables::of(sim)];
        let mut extra = vec![extras(sim)];
        while sim.step_index < end {
            sim.step();
            if sim.step_index.is_multiple_of(every_steps) || sim.step_index == end {
                rows.push(Observables::of(sim));
                extra.push(extras(sim));
            }
        }
        Self { rows, extra_columns, extra }
    }

    fn header(&self) -> Vec<String> {
        Observables::COLUMNS.iter().map(|c| c.to_string()).chain(self.extra_columns.iter().cloned()).collect()
    }

    fn row_values(&self, i: usize) -> Vec<f64> {
        let mut v = self.rows[i].values();
        if let Some(e) = self.extra.get(i) {
            v.extend(e);
        }
        v
    }

    pub fn column(&self, f: impl Fn(&Observables) -> f64) -> Vec<f64> {
        self.rows.iter().map(f).collect()
    }

    pub fn write_csv(&self, mut w: impl Write) -> std::io::Result<()> {
        writeln!(w, "{}", self.header().join(","))?;
        for i in 0..self.rows.len() {
            let vals: Vec<String> = self.row_values(i).iter().map(|v| format!("{v}")).collect();
            writeln!(w, "{}", vals.join(","))?;
        }
        Ok(())
    }

    /// JSON: `{"columns": [...], "rows": [[...], ...]}`.
    pub fn write_json(&self, w: impl Write) -> std::io::Result<()> {
        let rows: Vec<Vec<f64>> = (0..self.rows.len()).map(|i| self.row_values(i)).collect();
        let doc = serde_json::json!({ "columns": self.header(), "rows": rows });
        serde_json::to_writer(w, &doc).map_err(std::io::Error::other)
    }

    pub fn summary(&self) -> Summary {
        let t = self.column(|r| r.t_ms);
        let glu = self.column(|r| r.glu_cleft_uM);
        let epsc = self.column(|r| r.i_ampa_pA + r.i_nmda_pA + r.i_kainate_pA);
        let g = transient(&t, &glu);
        let e = transient(&t, &epsc);
        Summary {
            peak_glu_cleft_mm: g.peak / 1e3,
            t_peak_glu_ms: g.t_peak,
            glu_decay_tau_ms: g.decay_tau,
            peak_epsc_pa: e.peak,
            t_peak_epsc_ms: e.t_peak,
            epsc_rise_10_90_ms: e.rise_10_90,
            epsc_decay_tau_ms: e.decay_tau,
            released: self.rows.last().map(|r| r.glu_released).unwrap_or(0.0),
            vesicles_fused: self.rows.last().map(|r| r.vesicles_fused).unwrap_or(0.0),
        }
    }
}

/// Shape of a single transient: its extreme value (by magnitude), time of
/// the extreme, 10–90% rise time, and 1/e decay time from the extreme.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Transient {
    pub peak: f64,
    pub t_peak: f64,
    pub rise_10_90: f64,
    pub decay_tau: f64,
}

/// Measure the largest-magnitude transient in `y(t)` (NaN where undefined).
pub fn transient(t: &[f64], y: &[f64]) -> Transient {
    let Some((ip, &peak)) = y.iter().enumerate().max_by(|a, b| a.1.abs().total_cmp(&b.1.abs())) else {
        return Transient { peak: f64::NAN, t_peak: f64::NAN, rise_10_90: f64::NAN, decay_tau: f64::NAN };
    };
    if peak == 0.0 {
        return Transient { peak: 0.0, t_peak: f64::NAN, rise_10_90: f64::NAN, decay_tau: f64::NAN };
    }
    let frac = |i: usize| y[i] / peak;
    // Crossing time of level `lv` between samples, searching backwards/forwards.
    let cross = |i0: usize, i1: usize, lv: f64| {
        let (a, b) = (frac(i0), frac(i1));
        if (b - a).abs() < 1e-300 { t[i1] } else { t[i0] + (lv - a) / (b - a) * (t[i1] - t[i0]) }
    };
    let back = |lv: f64| (1..=ip).rev().find(|&i| frac(i - 1) < lv && frac(i) >= lv).map(|i| cross(i - 1, i, lv));
    let rise = match (back(0.1), back(0.9)) {
        (Some(a), Some(b)) => b - a,
        _ => f64::NAN,
    };
    let e = math::exp(-1.0f64);
    let decay = (ip + 1..y.len()).find(|&i| frac(i) <= e).map(|i| cross(i - 1, i, e) - t[ip]).unwrap_or(f64::NAN);
    Transient { peak, t_peak: t[ip], rise_10_90: rise, decay_tau: decay }
}

/// What `synapse-lab run` prints.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub peak_glu_cleft_mm: f64,
    pub t_peak_glu_ms: f64,
    pub glu_decay_tau_ms: f64,
    pub peak_epsc_pa: f64,
    pub t_peak_epsc_ms: f64,
    pub epsc_rise_10_90_ms: f64,
    pub epsc_decay_tau_ms: f64,
    pub released: f64,
    pub vesicles_fused: f64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "vesicles fused: {}   glutamate released: {} molecules", self.vesicles_fused, self.released)?;
        writeln!(f, "peak cleft glutamate: {:.3} mM at {:.3} ms; decay (1/e) {:.3} ms", self.peak_glu_cleft_mm, self.t_peak_glu_ms, self.glu_decay_tau_ms)?;
        write!(f, "peak EPSC: {:.2} pA at {:.3} ms; rise (10-90%) {:.3} ms; decay (1/e) {:.2} ms", self.peak_epsc_pa, self.t_peak_epsc_ms, self.epsc_rise_10_90_ms, self.epsc_decay_tau_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_of_a_known_waveform() {
        // Rises linearly 0→-10 over 1 ms, then decays with τ = 2 ms.
        let t: Vec<f64> = (0..10_000).map(|i| i as f64 * 0.001).collect();
        let y: Vec<f64> = t.iter().map(|&t| if t < 1.0 { -10.0 * t } else { -10.0 * math::exp(-(t - 1.0) / 2.0) }).collect();
        let tr = transient(&t, &y);
        assert!((tr.peak + 10.0).abs() < 1e-9);
        assert!((tr.t_peak - 1.0).abs() < 1e-3);
        assert!((tr.rise_10_90 - 0.8).abs() < 2e-3, "{}", tr.rise_10_90);
        assert!((tr.decay_tau - 2.0).abs() < 2e-3, "{}", tr.decay_tau);
    }
}
