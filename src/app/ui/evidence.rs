//! The "Model vs experiment" window: the figures `synapse-lab validate
//! --figures` draws (the model's curves over the papers' data, the rows'
//! verdicts above, each point's source below), computed in the app by the
//! same row groups. The groups run off the frame, one after another: on a
//! thread on the desktop, one per frame in a page (which pauses it while a
//! group runs, said beforehand). They use `validate --quick`'s repeats, so
//! a verdict can differ in the last digits from the guide's figures.

use super::palette;
use crate::record::figure::FIGURE_SERIES;
use bevy::prelude::Resource;
use bevy_egui::egui;
use egui_plot::{Legend, Line, Plot, Points};
#[cfg(native)]
use std::sync::{Arc, Mutex};
use synapse_core::evidence::Comparison;
use synapse_core::validation::{GroupFn, figure_groups};

/// The window's state and the computation behind it.
#[derive(Resource, Default)]
pub struct EvidenceJob {
    pub open: bool,
    /// The figure shown.
    pub selected: usize,
    pub figures: Vec<Comparison>,
    /// Groups computed of those with figures; None before the first opening.
    done: Option<usize>,
    /// The thread's figures and groups done, taken by `poll`.
    #[cfg(native)]
    shared: Arc<Mutex<(usize, Vec<Comparison>)>>,
    /// A page: the "pauses" note has been drawn once, so the next frame may run a group.
    #[cfg(web)]
    announced: bool,
}

/// The groups that draw figures, in order.
fn groups() -> Vec<GroupFn> {
    figure_groups().map(|(_, f)| *f).collect()
}

impl EvidenceJob {
    /// Open the window, starting the computation the first time.
    pub fn open(&mut self) {
        self.open = true;
        if self.done.is_some() {
            return;
        }
        self.done = Some(0);
        #[cfg(native)]
        {
            let shared = self.shared.clone();
            std::thread::spawn(move || {
                for g in groups() {
                    let figures = g(true).figures;
                    if let Ok(mut s) = shared.lock() {
                        s.0 += 1;
                        s.1.extend(figures);
                    }
                }
            });
        }
    }

    /// Once a frame: figures the thread finished (desktop), or the next group (page).
    pub fn poll(&mut self) {
        let Some(done) = self.done else { return };
        #[cfg(native)]
        if let Ok(mut s) = self.shared.lock()
            && s.0 > done
        {
            self.done = Some(s.0);
            self.figures.append(&mut s.1);
        }
        #[cfg(web)]
        if self.open && done < groups().len() {
            // A frame shows the note first; the group runs in the next.
            if self.announced {
                self.figures.extend(groups()[done](true).figures);
                self.done = Some(done + 1);
                self.announced = false;
            } else {
                self.announced = true;
            }
        }
    }

    /// (groups done, groups in all).
    pub fn progress(&self) -> (usize, usize) {
        (self.done.unwrap_or(0), groups().len())
    }
}

/// The window, when open.
pub fn evidence_window(ctx: &egui::Context, job: &mut EvidenceJob) {
    let mut open = job.open;
    let progress = job.progress();
    egui::Window::new("Model vs experiment").open(&mut open).default_size([900.0, 640.0]).vscroll(true).show(ctx, |ui| {
        evidence_panel(ui, &job.figures, &mut job.selected, progress);
    });
    job.open = open;
}

/// The list of figures and the chosen one: title, the rows' verdicts, the
/// plot (model lines, data points with error bars), the note and each
/// dataset's source and method. `progress` is (groups done, in all).
pub fn evidence_panel(ui: &mut egui::Ui, figures: &[Comparison], selected: &mut usize, progress: (usize, usize)) {
    ui.label("The model's curves (coloured) over the papers' data (black points). Each is computed now, by the runs behind the validation table's rows.");
    if progress.0 < progress.1 {
        ui.horizontal(|ui| {
            ui.spinner();
            let pause = if cfg!(web) { " (the page pauses a few seconds for each)" } else { "" };
            ui.label(format!("computing: {} of {} groups of runs done{pause}", progress.0, progress.1));
        });
    }
    if figures.is_empty() {
        return;
    }
    *selected = (*selected).min(figures.len() - 1);
    ui.horizontal_wrapped(|ui| {
        for (i, f) in figures.iter().enumerate() {
            ui.selectable_value(selected, i, f.title.as_str());
        }
    });
    ui.separator();
    let c = &figures[*selected];
    ui.heading(c.title.as_str());
    for (r, v) in c.rows.iter().zip(c.verdicts()) {
        let colour = match r.result() {
            "pass" => palette::egui(palette::ESTABLISHED),
            "GAP" | "MISS" => palette::egui(palette::WARNING),
            _ => palette::egui(palette::ERROR),
        };
        ui.colored_label(colour, v);
    }
    let height = (ui.available_height() - 120.0).max(220.0) / c.panels.len().max(1) as f32;
    for (k, panel) in c.panels.iter().enumerate() {
        plot_panel(ui, c, k, panel, height);
    }
    ui.label(c.note.as_str());
    for d in c.panels.iter().flat_map(|p| &p.data) {
        ui.small(format!("Data, {}: {}. {}. How: {}. (assets/validation/{}.csv)", d.label, d.source, d.figure, d.method, d.id));
    }
}

/// One panel of a figure as an egui plot.
fn plot_panel(ui: &mut egui::Ui, c: &Comparison, k: usize, panel: &synapse_core::evidence::Panel, height: f32) {
    let categories = c.categories.clone();
    let log10 = c.x_log10;
    // The panels share the x axis: each includes every panel's x range.
    let xs = c.panels.iter().flat_map(|p| p.model.iter().flat_map(|m| m.points.iter().map(|q| q.0)).chain(p.data.iter().flat_map(|d| d.points.iter().map(|q| q.x))));
    let (x0, x1) = if c.categories.is_empty() { xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x))) } else { (0.5, c.categories.len() as f64 + 0.5) };
    let mut plot = Plot::new(("evidence", c.id, k)).height(height).legend(Legend::default()).y_axis_label(panel.y_label.as_str()).allow_scroll(false);
    if x0 <= x1 {
        plot = plot.include_x(x0).include_x(x1);
    }
    if k + 1 == c.panels.len() {
        plot = plot.x_axis_label(c.x_label.as_str());
    }
    plot = plot.x_axis_formatter(move |mark, _range| {
        if !categories.is_empty() {
            return categories.iter().find(|(x, _)| (x - mark.value).abs() < 1e-6).map(|(_, n)| n.clone()).unwrap_or_default();
        }
        let v = if log10 { 10f64.powf(mark.value) } else { mark.value };
        format!("{}", (v * 1e3).round() / 1e3)
    });
    let bars = !c.categories.is_empty();
    // Over categories the model's point sits left of the data's, so neither hides the other.
    let shift = if bars { 0.08 } else { 0.0 };
    let dark = ui.visuals().dark_mode;
    let data_colour = if dark { egui::Color32::WHITE } else { egui::Color32::BLACK };
    plot.show(ui, |p| {
        for (i, m) in panel.model.iter().enumerate() {
            let (r, g, b) = FIGURE_SERIES[1 + i % (FIGURE_SERIES.len() - 1)];
            let colour = egui::Color32::from_rgb(r, g, b);
            let pts: Vec<[f64; 2]> = m.points.iter().map(|&(x, y)| [x - shift, y]).collect();
            if bars {
                p.points(Points::new(m.name.as_str(), pts).radius(6.0).color(colour));
            } else {
                p.line(Line::new(m.name.as_str(), pts).color(colour).width(2.0));
            }
        }
        for d in &panel.data {
            for q in &d.points {
                if let (Some(lo), Some(hi)) = (q.y_lo, q.y_hi) {
                    p.line(Line::new(d.label.as_str(), vec![[q.x + shift, lo], [q.x + shift, hi]]).color(data_colour).width(1.5));
                }
            }
            p.points(Points::new(d.label.as_str(), d.points.iter().map(|q| [q.x + shift, q.y]).collect::<Vec<_>>()).radius(4.0).color(data_colour));
        }
    });
}
