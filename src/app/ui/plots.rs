//! The plots: fast-clock observables and the slow cascade, one experiment
//! or A (solid) and B (dashed) with B − A.

use super::super::palette;
use super::super::sim_bridge::SimState;
pub use crate::command::view::PlotId;
use bevy::prelude::*;
use bevy_egui::egui;
use egui_plot::{HLine, Line, LineStyle, Plot, VLine};
use synapse_core::dendrite::DendriteSample;
use synapse_core::experiment::{FAST_HISTORY_LEN, FAST_SAMPLE_MS, LONG_HISTORY_LEN, LONG_SAMPLE_MS};
use synapse_core::receptors::ReceptorKind;
use synapse_core::signalling::SlowColumn;

/// One experiment in the plots: its label ("" alone, "A" / "B" in a
/// comparison) and how its lines are drawn (A solid, B dashed).
pub struct Shown<'a> {
    pub label: &'static str,
    pub state: &'a SimState,
}

/// One line of a plot: its legend name, colour, A or B, points.
struct Series {
    name: String,
    color: egui::Color32,
    slot: &'static str,
    points: Vec<[f64; 2]>,
    /// Line width (points): wider for a line that another may lie on.
    width: f32,
}

/// Plot lines' width (points).
const LINE_WIDTH: f32 = 1.5;

/// A plot's content, before drawing.
struct Figure {
    x: &'static str,
    y: &'static str,
    series: Vec<Series>,
    /// Calibration bands: (label, y, colour).
    bands: Vec<(&'static str, f64, egui::Color32)>,
    now: f64,
}

/// The least y range a plot spans, so a quiet trace (a few molecules left
/// in the cleft, channel noise) lies flat near zero instead of filling the
/// plot as if it were a signal; a real event (about 1 mM, tens of pA) is far larger.
fn least_y_range(id: PlotId) -> Option<(f64, f64)> {
    match id {
        PlotId::CleftGlu => Some((0.0, 0.1)),
        PlotId::Current | PlotId::CurrentDiff => Some((-5.0, 1.0)),
        // Whole channels: none blocked reads as a flat line at 0, not noise.
        PlotId::Blocked | PlotId::DendriteNmda => Some((0.0, 5.0)),
        PlotId::DendriteAmbient => Some((0.0, 50.0)),
        _ => None,
    }
}

/// Colours of lines with no colour of their own (Okabe–Ito, as printed figures).
fn figure_colour(i: usize) -> egui::Color32 {
    let (r, g, b) = palette::FIGURE_SERIES[1 + i % (palette::FIGURE_SERIES.len() - 1)];
    egui::Color32::from_rgb(r, g, b)
}

/// How much of the fast clock a plot shows at this playback speed: what
/// passed in the last ten seconds on screen (a spike stays in view that
/// long, a 20 Hz train shows as a train), at least the fine history's 40 ms,
/// at most the long history's 3 s.
pub fn window_ms(bio_us_per_s: f64) -> f64 {
    (bio_us_per_s / 1000.0 * 10.0).clamp(FAST_HISTORY_LEN as f64 * FAST_SAMPLE_MS, LONG_HISTORY_LEN as f64 * LONG_SAMPLE_MS)
}

/// Points a line keeps at most: more are thinned to each bucket's lowest
/// and highest (a spike's peak survives, egui draws a bounded number).
const MAX_POINTS: usize = 1200;

fn thin(points: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    if points.len() <= MAX_POINTS {
        return points;
    }
    let per = points.len().div_ceil(MAX_POINTS / 2);
    let mut out = Vec::with_capacity(MAX_POINTS + 2);
    for bucket in points.chunks(per) {
        let lo = bucket.iter().min_by(|a, b| a[1].total_cmp(&b[1])).copied().unwrap_or_default();
        let hi = bucket.iter().max_by(|a, b| a[1].total_cmp(&b[1])).copied().unwrap_or_default();
        // In time order, so the line goes through both.
        if lo[0] <= hi[0] {
            out.extend([lo, hi]);
        } else {
            out.extend([hi, lo]);
        }
    }
    out
}

/// The samples a fast plot draws: the fine history (10 µs) when the window
/// fits in it, else the long one (0.1 ms) over the window.
fn samples<'a>(s: &'a Shown, t_now: f64, window_ms: f64) -> impl Iterator<Item = &'a synapse_core::recorder::Observables> {
    let h = &s.state.history;
    let long = window_ms > FAST_HISTORY_LEN as f64 * FAST_SAMPLE_MS;
    let (rows, from) = if long { (&h.long, t_now - window_ms) } else { (&h.rows, f64::NEG_INFINITY) };
    // Rows are in time order: start at the window's first row instead of
    // testing all 30,000 every frame for every line.
    rows.range(rows.partition_point(|r| r.t_ms < from)..)
}

/// The content of plot `id` for these experiments (None: it does not apply, e.g. B − A alone).
fn figure(id: PlotId, shown: &[Shown], t_now: f64, window_ms: f64) -> Option<Figure> {
    let first = shown.first()?;
    let fast = |s: &Shown, f: &dyn Fn(&synapse_core::recorder::Observables) -> f64| -> Vec<[f64; 2]> { thin(samples(s, t_now, window_ms).map(|r| [r.t_ms, f(r)]).collect()) };
    let slow = |s: &Shown, c: SlowColumn| -> Vec<[f64; 2]> { s.state.slow.series(c).map(|(t, v)| [t / 60.0, v]).collect() };
    let kc = |k: ReceptorKind| palette::egui(palette::receptor(k));
    let line = |s: &Shown, name: &str, color: egui::Color32, points: Vec<[f64; 2]>| Series { name: name.to_string(), color, slot: s.label, points, width: LINE_WIDTH };
    let slow_now = first.state.cascade.t_min() / 60.0;
    let mut series = Vec::new();
    let mut bands = Vec::new();
    let (x, now) = if id.is_slow() { ("slow clock (h)", slow_now) } else { ("t (ms)", t_now) };
    let y = match id {
        PlotId::CleftGlu => {
            for s in shown {
                series.push(line(s, "cleft glutamate", palette::egui(palette::GLUTAMATE), fast(s, &|r| r.glu_cleft_uM / 1000.0)));
            }
            "cleft Glu (mM)"
        }
        PlotId::OpenFraction => {
            for s in shown {
                series.push(line(s, "AMPA", kc(ReceptorKind::Ampa), fast(s, &|r| r.ampa_open_frac)));
                series.push(line(s, "NMDA 2A", kc(ReceptorKind::Nmda2A), fast(s, &|r| r.nmda2a_open_frac)));
                series.push(line(s, "NMDA 2B", kc(ReceptorKind::Nmda2B), fast(s, &|r| r.nmda2b_open_frac)));
                series.push(line(s, "kainate", kc(ReceptorKind::Kainate), fast(s, &|r| r.kainate_open_frac)));
                series.push(line(s, "mGlu1/5", kc(ReceptorKind::MgluGroup1), fast(s, &|r| r.mglu1_active_frac)));
            }
            "open fraction"
        }
        PlotId::Current => {
            for s in shown {
                series.push(line(s, "AMPA", kc(ReceptorKind::Ampa), fast(s, &|r| r.i_ampa_pA)));
                series.push(line(s, "NMDA", kc(ReceptorKind::Nmda2A), fast(s, &|r| r.i_nmda_pA)));
                series.push(line(s, "GABA-A", palette::egui(palette::INTERNEURON.with_alpha(1.0)), fast(s, &|r| r.i_gaba_pA)));
            }
            "current (pA)"
        }
        PlotId::NmdaCurrent => {
            for s in shown {
                series.push(line(s, "NMDA", kc(ReceptorKind::Nmda2A), fast(s, &|r| r.i_nmda_pA)));
            }
            "NMDA current (pA)"
        }
        PlotId::Blocked => {
            for s in shown {
                series.push(line(s, "NMDA channels blocked", kc(ReceptorKind::Nmda2B), fast(s, &|r| r.nmda_blocked)));
            }
            "NMDA channels blocked"
        }
        PlotId::CurrentDiff => {
            let [a, b] = shown else { return None };
            let diff = |f: &dyn Fn(&synapse_core::recorder::Observables) -> f64| difference(&fast(a, f), &fast(b, f));
            series.push(Series { name: "AMPA: B − A".into(), color: kc(ReceptorKind::Ampa), slot: "", points: diff(&|r| r.i_ampa_pA), width: LINE_WIDTH });
            series.push(Series { name: "NMDA: B − A".into(), color: kc(ReceptorKind::Nmda2A), slot: "", points: diff(&|r| r.i_nmda_pA), width: LINE_WIDTH });
            "B − A current (pA)"
        }
        PlotId::Vm => {
            for s in shown {
                series.push(line(s, "membrane", figure_colour(0), fast(s, &|r| r.vm_mV)));
            }
            "Vm (mV)"
        }
        PlotId::Pools => {
            for s in shown {
                let f0 = samples(s, t_now, window_ms).next().copied().unwrap_or_default();
                series.push(line(s, "astro Glu", figure_colour(1), fast(s, &|r| (r.astro_glu_mM - f0.astro_glu_mM) * 1e3)));
                series.push(line(s, "astro Gln", figure_colour(2), fast(s, &|r| (r.astro_gln_mM - f0.astro_gln_mM) * 1e3)));
                series.push(line(s, "neuron Glu", figure_colour(3), fast(s, &|r| (r.neuron_glu_mM - f0.neuron_glu_mM) * 1e3)));
            }
            "change (µM)"
        }
        PlotId::Clearance => {
            for s in shown {
                series.push(line(s, "taken up", palette::egui(palette::EAAT_BOUND), fast(s, &|r| r.glu_uptaken)));
                series.push(line(s, "escaped the synapse", figure_colour(0), fast(s, &|r| r.glu_escaped)));
            }
            "glutamate (molecules)"
        }
        PlotId::DrugLevels => {
            if shown.iter().all(|s| s.state.cascade.drug_keys().is_empty()) {
                return None;
            }
            // The PK curve is a function of the schedule: drawn ahead of now too.
            let end_h = slow_now.max(24.0);
            for s in shown {
                let c = &s.state.cascade;
                for (i, k) in c.drug_keys().iter().enumerate() {
                    let pts = (0..=300)
                        .map(|j| {
                            let t = end_h * j as f64 / 300.0;
                            [t, c.concentrations_um(t * 60.0)[i].1]
                        })
                        .collect();
                    series.push(line(s, k, figure_colour(i), pts));
                }
            }
            "free brain (µM)"
        }
        PlotId::Block => {
            if shown.iter().all(|s| s.state.cascade.drug_keys().is_empty()) {
                return None;
            }
            for s in shown {
                // Wide and under the pyramidal line: where the two are equal both stay visible.
                series.push(Series { width: 3.0 * LINE_WIDTH, ..line(s, "interneurons", palette::egui(palette::INTERNEURON.with_alpha(1.0)), slow(s, SlowColumn::BlockInterneuron)) });
                series.push(line(s, "pyramidal", kc(ReceptorKind::Nmda2A), slow(s, SlowColumn::BlockPyramidal)));
            }
            "NMDA block at rest"
        }
        PlotId::Cascade => {
            for s in shown {
                series.push(line(s, "glutamate", palette::egui(palette::GLUTAMATE), slow(s, SlowColumn::GlutamateSurge)));
                series.push(line(s, "BDNF", palette::egui(palette::BDNF), slow(s, SlowColumn::Bdnf)));
                series.push(line(s, "mTORC1", palette::egui(palette::MTORC1), slow(s, SlowColumn::Mtorc1)));
            }
            bands.push(("BDNF calibrated to +30-50%", 1.4, palette::egui_alpha(palette::BDNF, 90)));
            "× baseline"
        }
        PlotId::Structure => {
            for s in shown {
                series.push(line(s, "synaptic proteins", palette::egui(palette::SYNAPTIC_PROTEINS), slow(s, SlowColumn::SynapticProteins)));
                series.push(line(s, "spine density", palette::egui(palette::SPINES), slow(s, SlowColumn::SpineDensity)));
            }
            bands.push(("spines at 24 h calibrated to +30-40%", 1.35, palette::egui_alpha(palette::SPINES, 90)));
            "× baseline"
        }
        PlotId::DendriteNmda | PlotId::DendriteAmbient => {
            if shown.iter().all(|s| s.state.exp.dendrite.is_none()) {
                return None;
            }
            let from = t_now - window_ms;
            let dendrite = |s: &Shown, f: &dyn Fn(&DendriteSample) -> f64| -> Vec<[f64; 2]> {
                let h = &s.state.exp.dendrite_history;
                thin(h.range(h.partition_point(|r| r.t_ms < from)..).map(|r| [r.t_ms, f(r)]).collect())
            };
            if id == PlotId::DendriteAmbient {
                for s in shown.iter().filter(|s| s.state.exp.dendrite.is_some()) {
                    series.push(line(s, "shared space", palette::egui(palette::GLUTAMATE), dendrite(s, &|r| r.ambient_nm)));
                }
                // The level the drip is calibrated to (25 nM unless the scenario says otherwise).
                let level = first.state.exp.dendrite.as_ref().or(shown.iter().find_map(|s| s.state.exp.dendrite.as_ref())).map_or(25.0, |d| d.config.ambient_nm);
                bands.push(("the drip's calibrated level", level, palette::egui_alpha(palette::GLUTAMATE, 90)));
                "ambient Glu (nM)"
            } else {
                for s in shown.iter().filter(|s| s.state.exp.dendrite.is_some()) {
                    series.push(line(s, "synapses that released", kc(ReceptorKind::Nmda2A), dendrite(s, &|r| r.firing_nmda_open as f64)));
                    series.push(line(s, "synapses that did not", figure_colour(0), dendrite(s, &|r| r.silent_nmda_open as f64)));
                    series.push(line(s, "shaft (extrasynaptic)", kc(ReceptorKind::Nmda2B), dendrite(s, &|r| r.shaft_nmda_open as f64)));
                }
                "NMDA channels open"
            }
        }
        PlotId::SlowDiff => {
            let [a, b] = shown else { return None };
            for (col, name, color) in [(SlowColumn::Bdnf, "BDNF: B − A", palette::egui(palette::BDNF)), (SlowColumn::SpineDensity, "spine density: B − A", palette::egui(palette::SPINES))] {
                series.push(Series { name: name.into(), color, slot: "", points: difference(&slow(a, col), &slow(b, col)), width: LINE_WIDTH });
            }
            "B − A (× baseline)"
        }
    };
    Some(Figure { x, y, series, bands, now })
}

/// A plot with its legend as a row above it (never over the data), each
/// name once; in a comparison A is solid and B dashed. `text` is the legend's
/// size. Returns whether "Save" was clicked (the figure as SVG, PNG and CSV).
fn draw(ui: &mut egui::Ui, id: PlotId, fig: Figure, height: f32, text: f32, saveable: bool) -> bool {
    let mut save = false;
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 6.0;
        let mut seen: Vec<&str> = Vec::new();
        // The quantity first, upright (a rotated axis title ran over the legend in a short plot).
        let entry = |ui: &mut egui::Ui, name: &str, swatch| super::legend_entry(ui, text, name, swatch, swatch.is_none());
        entry(ui, &format!("{}:", fig.y), None);
        for s in &fig.series {
            if !seen.contains(&s.name.as_str()) {
                seen.push(&s.name);
                entry(ui, &s.name, Some((s.color, 3.0)));
            }
        }
        for (label, _, color) in &fig.bands {
            entry(ui, label, Some((*color, 7.0)));
        }
        if fig.series.iter().any(|s| s.slot == "B") {
            super::legend_entry(ui, text, "(A solid, B dashed)", None, false);
        }
        if saveable {
            save = ui.small_button("Save").on_hover_text("This plot as SVG and PNG (print resolution) with its data as CSV, in figures/").clicked();
        }
    });
    // The top tick label stands half above the plot: room for it below the legend.
    ui.add_space(text * 0.6);
    // Room on the right for half of the last x tick label ("2000" was cut by the panel's edge).
    let mut plot = Plot::new(format!("{id:?}")).width((ui.available_width() - text * 1.2).max(80.0)).height(height).allow_drag(false).allow_zoom(false).allow_scroll(false).x_axis_label(fig.x);
    if let Some((lo, hi)) = least_y_range(id) {
        plot = plot.include_y(lo).include_y(hi);
    }
    ui.scope(|ui| {
        // egui_plot draws tick labels and axis titles in the Body style: as large
        // as the legend where that is larger (a cue's plot on a projector).
        if let Some(body) = ui.style_mut().text_styles.get_mut(&egui::TextStyle::Body) {
            body.size = body.size.max(text);
        }
        plot.show(ui, |p| {
            for s in fig.series {
                let name = if s.slot.is_empty() { s.name } else { format!("{} ({})", s.name, s.slot) };
                let style = if s.slot == "B" { LineStyle::dashed_loose() } else { LineStyle::Solid };
                p.line(Line::new(name, s.points).color(s.color).width(s.width).style(style));
            }
            for (label, y, color) in fig.bands {
                p.hline(HLine::new(label, y).color(color).width(6.0));
            }
            // "now" is the red line; it needs no legend entry.
            p.vline(VLine::new("", fig.now).color(palette::egui(palette::ERROR)));
        });
    });
    save
}

/// Plot `id` as a printed figure (one panel, its lines, B dashed), or None where it does not apply.
pub fn printed(id: PlotId, shown: &[Shown], t_now: f64, window_ms: f64, title: &str) -> Option<crate::record::figure::Figure> {
    use crate::record::figure::{Figure as Printed, Panel, Series as Line};
    let fig = figure(id, shown, t_now, window_ms)?;
    let lines = fig
        .series
        .into_iter()
        .map(|s| Line {
            name: if s.slot.is_empty() { s.name } else { format!("{} ({})", s.name, s.slot) },
            points: s.points.into_iter().map(|[x, y]| (x, y)).collect(),
            colour: Some((s.color.r(), s.color.g(), s.color.b())),
            dashed: s.slot == "B",
            ..Default::default()
        })
        .collect();
    Some(Printed { title: title.to_string(), x_label: fig.x.to_string(), panels: vec![Panel { y_label: fig.y.to_string(), lines }], ..Default::default() })
}

/// Write plot `id` as `DIR/NAME-n.svg`, `.png` (2400x1500) and `.csv`, each
/// whole or not at all, under a new name each time; the message says where.
pub fn save_figure(id: PlotId, shown: &[Shown], t_now: f64, window_ms: f64, dir: &std::path::Path) -> Result<String, String> {
    let title = shown.iter().map(|s| if s.label.is_empty() { s.state.base().name.clone() } else { format!("{}: {}", s.label, s.state.base().name) }).collect::<Vec<_>>().join(" | ");
    let fig = printed(id, shown, t_now, window_ms, &title).ok_or("this plot has nothing to save")?;
    // A page has no folder: the SVG and the CSV are downloads (PNG needs the
    // desktop's font rasteriser; a browser turns the SVG into any picture).
    #[cfg(web)]
    {
        let _ = dir;
        super::super::browser::download(&format!("{id:?}.svg"), fig.svg((1600, 1000))?.as_bytes(), "image/svg+xml")?;
        super::super::browser::download(&format!("{id:?}.csv"), fig.csv().as_bytes(), "text/csv")?;
        Ok(format!("downloaded {id:?}.svg and {id:?}.csv"))
    }
    #[cfg(native)]
    {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: cannot create the folder: {e}", dir.display()))?;
        let stem = (1..10_000).map(|n| dir.join(format!("{id:?}-{n}"))).find(|p| !p.with_extension("svg").exists()).ok_or("too many figures in the folder")?;
        fig.write(&stem.with_extension("svg"), (1600, 1000))?;
        fig.write(&stem.with_extension("png"), (2400, 1500))?;
        crate::files::write_atomically(&stem.with_extension("csv"), |w| std::io::Write::write_all(w, fig.csv().as_bytes()))?;
        Ok(format!("saved {}.svg, .png and .csv", stem.display()))
    }
}

/// The slow clock's plots: drug levels (the PK curve with now marked),
/// resting NMDA block, the cascade against its calibration targets; in a
/// comparison A solid and B dashed on the same axes.
pub fn slow_plots(ui: &mut egui::Ui, shown: &[Shown]) -> Option<PlotId> {
    let mut save = None;
    for id in PlotId::SLOW {
        if let Some(fig) = figure(id, shown, 0.0, 0.0)
            && draw(ui, id, fig, 120.0, super::LEGEND_TEXT, true)
        {
            save = Some(id);
        }
    }
    ui.small("The cascade is calibrated to (not validated against) Li et al. 2010, Autry et al. 2011 and Moda-Sava et al. 2019 (user's guide: the model, §7): its gains were fitted to those bands. Cascade constants are assumptions; the disinhibition step is contested (hypothesis).");
    save
}

/// The fast clock's plots, on the same clock as the 3D view; in a
/// comparison A solid and B dashed, and B − A of the synaptic current.
pub fn plots(ui: &mut egui::Ui, shown: &[Shown], t_now: f64, window_ms: f64) -> Option<PlotId> {
    fast_plots(ui, &PlotId::FAST, shown, t_now, window_ms)
}

/// The dendrite's plots (a scenario with a dendrite).
pub fn dendrite_plots(ui: &mut egui::Ui, shown: &[Shown], t_now: f64, window_ms: f64) -> Option<PlotId> {
    fast_plots(ui, &PlotId::DENDRITE, shown, t_now, window_ms)
}

fn fast_plots(ui: &mut egui::Ui, ids: &[PlotId], shown: &[Shown], t_now: f64, window_ms: f64) -> Option<PlotId> {
    let n_plots = if shown.len() > 1 { 6.0 } else { 5.0 };
    let h = ((ui.available_height() - 60.0) / n_plots - 18.0).clamp(60.0, 150.0);
    let mut save = None;
    for &id in ids {
        if let Some(fig) = figure(id, shown, t_now, window_ms)
            && draw(ui, id, fig, h, super::LEGEND_TEXT, true)
        {
            save = Some(id);
        }
    }
    save
}

/// One plot, large (presenter mode: the plot a cue needs).
pub fn one_plot(ui: &mut egui::Ui, id: PlotId, shown: &[Shown], t_now: f64, window_ms: f64, height: f32, text: f32) {
    match figure(id, shown, t_now, window_ms) {
        // Presenter mode: nothing to click on the projector.
        Some(fig) => {
            draw(ui, id, fig, height, text, false);
        }
        None => {
            ui.label("(this plot needs a comparison or a drug on the slow clock)");
        }
    }
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
