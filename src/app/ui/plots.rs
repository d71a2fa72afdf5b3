//! The plots: fast-clock observables and the slow cascade, one experiment
//! or A (solid) and B (dashed) with B − A.

use super::super::palette;
use super::super::sim_bridge::SimState;
use bevy::prelude::*;
use bevy_egui::egui;
use egui_plot::{Corner, HLine, Legend, Line, LineStyle, Plot, VLine};
use synapse_core::receptors::ReceptorKind;
use synapse_core::signalling::SlowColumn;

/// One experiment in the plots: its label ("" alone, "A" / "B" in a
/// comparison) and how its lines are drawn (A solid, B dashed).
pub struct Shown<'a> {
    pub label: &'static str,
    pub state: &'a SimState,
}

impl Shown<'_> {
    fn name(&self, what: &str) -> String {
        if self.label.is_empty() { what.to_string() } else { format!("{what} ({})", self.label) }
    }

    fn style(&self) -> LineStyle {
        if self.label == "B" { LineStyle::dashed_loose() } else { LineStyle::Solid }
    }
}

/// The slow clock's plots: drug levels (the PK curve with now marked),
/// resting NMDA block, the cascade against its calibration targets; in a
/// comparison A solid and B dashed on the same axes.
pub fn slow_plots(ui: &mut egui::Ui, shown: &[Shown]) {
    let Some(first) = shown.first() else { return };
    let now = first.state.cascade.t_min() / 60.0;
    let series = |s: &Shown, c: SlowColumn| -> Vec<[f64; 2]> { s.state.slow.series(c).map(|(t, v)| [t / 60.0, v]).collect() };
    let h = 120.0;
    let plot = |id: &str, y: &str| {
        Plot::new(id.to_string())
            .height(h)
            .legend(Legend::default().position(Corner::RightTop))
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .x_axis_label("slow clock (h)")
            .y_axis_label(y.to_string())
    };
    let mark = VLine::new("now", now);
    // The PK curve is a function of the schedule: drawn ahead of now too.
    let end_h = now.max(24.0);
    if shown.iter().any(|s| !s.state.cascade.drug_keys().is_empty()) {
        plot("pk", "free brain (µM)").show(ui, |p| {
            for s in shown {
                let c = &s.state.cascade;
                for (i, k) in c.drug_keys().iter().enumerate() {
                    let pts: Vec<[f64; 2]> = (0..=300)
                        .map(|j| {
                            let t = end_h * j as f64 / 300.0;
                            [t, c.concentrations_um(t * 60.0)[i].1]
                        })
                        .collect();
                    p.line(Line::new(s.name(k), pts).style(s.style()));
                }
            }
            p.vline(mark.clone());
        });
        plot("block", "NMDA block at rest").show(ui, |p| {
            for s in shown {
                p.line(Line::new(s.name("interneurons"), series(s, SlowColumn::BlockInterneuron)).style(s.style()));
                p.line(Line::new(s.name("pyramidal"), series(s, SlowColumn::BlockPyramidal)).style(s.style()));
            }
            p.vline(mark.clone());
        });
    }
    plot("cascade", "× baseline").show(ui, |p| {
        for s in shown {
            p.line(Line::new(s.name("glutamate"), series(s, SlowColumn::GlutamateSurge)).color(palette::egui(palette::GLUTAMATE)).style(s.style()));
            p.line(Line::new(s.name("BDNF"), series(s, SlowColumn::Bdnf)).color(palette::egui(palette::BDNF)).style(s.style()));
            p.line(Line::new(s.name("mTORC1"), series(s, SlowColumn::Mtorc1)).color(palette::egui(palette::MTORC1)).style(s.style()));
        }
        p.hline(HLine::new("BDNF calibrated to +30-50%", 1.4).color(palette::egui_alpha(palette::BDNF, 90)).width(6.0));
        p.vline(mark.clone());
    });
    plot("structure", "× baseline").show(ui, |p| {
        for s in shown {
            p.line(Line::new(s.name("synaptic proteins"), series(s, SlowColumn::SynapticProteins)).color(palette::egui(palette::SYNAPTIC_PROTEINS)).style(s.style()));
            p.line(Line::new(s.name("spine density"), series(s, SlowColumn::SpineDensity)).color(palette::egui(palette::SPINES)).style(s.style()));
        }
        p.hline(HLine::new("spines at 24 h calibrated to +30-40%", 1.35).color(palette::egui_alpha(palette::SPINES, 90)).width(6.0));
        p.vline(mark.clone());
    });
    if let [a, b] = shown {
        plot("slow-diff", "B − A (× baseline)").show(ui, |p| {
            for (col, name, color) in [(SlowColumn::Bdnf, "BDNF", palette::egui(palette::BDNF)), (SlowColumn::SpineDensity, "spine density", palette::egui(palette::SPINES))] {
                let (sa, sb) = (series(a, col), series(b, col));
                let diff = difference(&sa, &sb);
                p.line(Line::new(format!("{name}: B − A"), diff).color(color));
            }
            p.vline(mark.clone());
        });
    }
    ui.small("The cascade is calibrated to (not validated against) Li et al. 2010, Autry et al. 2011 and Moda-Sava et al. 2019 (docs/model.md §7): its gains were fitted to those bands. Cascade constants are assumptions; the disinhibition step is contested (hypothesis).");
}

/// The fast clock's plots, on the same clock as the 3D view; in a
/// comparison A solid and B dashed, and B − A of the synaptic current.
pub fn plots(ui: &mut egui::Ui, shown: &[Shown], t_now: f64) {
    let series = |s: &Shown, f: &dyn Fn(&synapse_core::recorder::Observables) -> f64| -> Vec<[f64; 2]> { s.state.history.rows.iter().map(|r| [r.t_ms, f(r)]).collect() };
    let n_plots = if shown.len() > 1 { 6.0 } else { 5.0 };
    let h = ((ui.available_height() - 60.0) / n_plots).clamp(70.0, 170.0);
    let plot =
        |id: &str, y: &str| Plot::new(id.to_string()).height(h).legend(Legend::default().position(Corner::LeftTop)).allow_drag(false).allow_zoom(false).allow_scroll(false).y_axis_label(y.to_string());
    let now = VLine::new("now", t_now);
    let kc = |k: ReceptorKind| palette::egui(palette::receptor(k));
    plot("glu", "cleft Glu (mM)").show(ui, |p| {
        for s in shown {
            p.line(Line::new(s.name("cleft glutamate"), series(s, &|r| r.glu_cleft_uM / 1000.0)).color(palette::egui(palette::GLUTAMATE)).style(s.style()));
        }
        p.vline(now.clone());
    });
    plot("open", "open fraction").show(ui, |p| {
        for s in shown {
            p.line(Line::new(s.name("AMPA"), series(s, &|r| r.ampa_open_frac)).color(kc(ReceptorKind::Ampa)).style(s.style()));
            p.line(Line::new(s.name("NMDA 2A"), series(s, &|r| r.nmda2a_open_frac)).color(kc(ReceptorKind::Nmda2A)).style(s.style()));
            p.line(Line::new(s.name("NMDA 2B"), series(s, &|r| r.nmda2b_open_frac)).color(kc(ReceptorKind::Nmda2B)).style(s.style()));
            p.line(Line::new(s.name("kainate"), series(s, &|r| r.kainate_open_frac)).color(kc(ReceptorKind::Kainate)).style(s.style()));
            p.line(Line::new(s.name("mGlu1/5"), series(s, &|r| r.mglu1_active_frac)).color(kc(ReceptorKind::MgluGroup1)).style(s.style()));
        }
        p.vline(now.clone());
    });
    plot("current", "current (pA)").show(ui, |p| {
        for s in shown {
            p.line(Line::new(s.name("AMPA"), series(s, &|r| r.i_ampa_pA)).color(kc(ReceptorKind::Ampa)).style(s.style()));
            p.line(Line::new(s.name("NMDA"), series(s, &|r| r.i_nmda_pA)).color(kc(ReceptorKind::Nmda2A)).style(s.style()));
            p.line(Line::new(s.name("GABA-A"), series(s, &|r| r.i_gaba_pA)).color(palette::egui(palette::INTERNEURON.with_alpha(1.0))).style(s.style()));
        }
        p.vline(now.clone());
    });
    if let [a, b] = shown {
        plot("diff", "B − A current (pA)").show(ui, |p| {
            let diff = |f: &dyn Fn(&synapse_core::recorder::Observables) -> f64| difference(&series(a, f), &series(b, f));
            p.line(Line::new("AMPA: B − A", diff(&|r| r.i_ampa_pA)).color(kc(ReceptorKind::Ampa)));
            p.line(Line::new("NMDA: B − A", diff(&|r| r.i_nmda_pA)).color(kc(ReceptorKind::Nmda2A)));
            p.vline(now.clone());
        });
    }
    plot("vm", "Vm (mV)").show(ui, |p| {
        for s in shown {
            p.line(Line::new(s.name("membrane"), series(s, &|r| r.vm_mV)).style(s.style()));
        }
        p.vline(now.clone());
    });
    plot("pools", "change (µM)").show(ui, |p| {
        for s in shown {
            let first = s.state.history.rows.front().copied().unwrap_or_default();
            p.line(Line::new(s.name("astro Glu"), series(s, &|r| (r.astro_glu_mM - first.astro_glu_mM) * 1e3)).style(s.style()));
            p.line(Line::new(s.name("astro Gln"), series(s, &|r| (r.astro_gln_mM - first.astro_gln_mM) * 1e3)).style(s.style()));
            p.line(Line::new(s.name("neuron Glu"), series(s, &|r| (r.neuron_glu_mM - first.neuron_glu_mM) * 1e3)).style(s.style()));
        }
        p.vline(now);
    });
}

/// B − A at the times both series have (sorted by time; rows at other
/// times are left out rather than paired with the wrong row).
pub fn difference(a: &[[f64; 2]], b: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        let (ta, tb) = (a[i][0], b[j][0]);
        if (ta - tb).abs() <= 1e-9 * ta.abs().max(1.0) {
            out.push([ta, b[j][1] - a[i][1]]);
            i += 1;
            j += 1;
        } else if ta < tb {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_difference_pairs_rows_by_time() {
        let a = [[0.0, 1.0], [1.0, 2.0], [2.0, 3.0]];
        let b = [[1.0, 5.0], [2.0, 7.0], [3.0, 9.0]];
        assert_eq!(super::difference(&a, &b), vec![[1.0, 3.0], [2.0, 4.0]]);
    }
}
