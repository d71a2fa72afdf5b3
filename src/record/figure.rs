//! Figures for print and slides: columns of a trace (CSV) drawn as stacked
//! panels sharing the x axis, written as SVG (vector, text kept as text) or
//! PNG, both laid out with egui's built-in Hack font (no system fonts
//! needed). `synapse-lab plot trace.csv --columns glu_cleft_uM,i_nmda_pA --out fig.svg`.

use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// Line colours of printed figures (`synapse-lab plot`), on white: the
/// Okabe–Ito colour-blind-safe set (Okabe & Ito 2008), black first.
pub const FIGURE_SERIES: [(u8, u8, u8); 8] = [(0, 0, 0), (0, 114, 178), (213, 94, 0), (0, 158, 115), (204, 121, 167), (230, 159, 0), (86, 180, 233), (240, 228, 66)];

/// One line of a panel, or a set of points (experimental data).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// Its colour (None: the figure palette's, in order).
    pub colour: Option<(u8, u8, u8)>,
    /// Dashed (B of a comparison).
    pub dashed: bool,
    /// Drawn as points (filled circles), not joined.
    pub markers: bool,
    /// Each point's error bar (low, high), where it has one.
    pub errors: Vec<Option<(f64, f64)>>,
}

/// One panel: its y axis and its lines (a legend when there are several).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Panel {
    pub y_label: String,
    pub lines: Vec<Series>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Figure {
    pub title: String,
    pub x_label: String,
    pub panels: Vec<Panel>,
    /// Lines under the title (what the figure's rows found).
    pub notes: Vec<String>,
    /// Lines under the plot (where the data come from, what to keep in mind).
    pub footer: Vec<String>,
    /// The x values are log10 of the quantity: ticks are labelled 10^x.
    pub x_log10: bool,
    /// Named categories at these x values (ticks elsewhere stay blank).
    pub categories: Vec<(f64, String)>,
}

impl Figure {
    /// Columns `columns` of a CSV trace against column `x`; `file` names it in errors.
    pub fn from_csv(text: &str, file: &str, x: &str, columns: &[String]) -> Result<Self, String> {
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let (_, header) = lines.next().ok_or_else(|| format!("{file}: the file is empty; write a trace with `synapse-lab run --out trace.csv`"))?;
        let names: Vec<&str> = header.split(',').map(str::trim).collect();
        let index = |c: &str| names.iter().position(|n| *n == c).ok_or_else(|| format!("{file}:1: no column '{c}'; the trace has: {}", names.join(", ")));
        let xi = index(x)?;
        let cols: Vec<usize> = columns.iter().map(|c| index(c)).collect::<Result<_, _>>()?;
        if cols.is_empty() {
            return Err("--columns: name at least one column, e.g. --columns glu_cleft_uM,i_nmda_pA".into());
        }
        let mut panels: Vec<Panel> = columns.iter().map(|c| Panel { y_label: c.clone(), lines: vec![Series { name: c.clone(), ..Default::default() }] }).collect();
        for (i, line) in lines {
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            let num = |j: usize| -> Result<f64, String> {
                let cell = cells.get(j).ok_or_else(|| format!("{file}:{}: the row has {} cells, the header {}", i + 1, cells.len(), names.len()))?;
                cell.parse::<f64>().map_err(|_| format!("{file}:{}: '{cell}' in column '{}' is not a number", i + 1, names[j]))
            };
            let xv = num(xi)?;
            for (p, &j) in panels.iter_mut().zip(&cols) {
                p.lines[0].points.push((xv, num(j)?));
            }
        }
        if panels[0].lines[0].points.is_empty() {
            return Err(format!("{file}: the trace has a header but no rows"));
        }
        Ok(Self { x_label: x.to_string(), panels, ..Default::default() })
    }

    /// The figure's data as CSV, one row per point: panel, line, x, y.
    pub fn csv(&self) -> String {
        let mut out = format!("panel,line,{},y\n", csv_cell(&self.x_label));
        for p in &self.panels {
            for l in &p.lines {
                for (x, y) in &l.points {
                    out.push_str(&format!("{},{},{x},{y}\n", csv_cell(&p.y_label), csv_cell(&l.name)));
                }
            }
        }
        out
    }

    /// The figure as SVG text (`size` in pixels).
    pub fn svg(&self, size: (u32, u32)) -> Result<String, String> {
        #[cfg(native)]
        register_font()?;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            self.draw(&root)?;
            root.present().map_err(|e| e.to_string())?;
        }
        Ok(svg)
    }

    /// Write the figure, SVG or PNG by the file name, whole or not at all.
    pub fn write(&self, out: &Path, size: (u32, u32)) -> Result<(), String> {
        // Both backends measure text with it (the SVG keeps the text as text).
        #[cfg(native)]
        register_font()?;
        match out.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
            Some("svg") => {
                let svg = self.svg(size)?;
                crate::files::write_atomically(out, |w| std::io::Write::write_all(w, svg.as_bytes()))
            }
            Some("png") => {
                let mut buf = vec![255u8; size.0 as usize * size.1 as usize * 3];
                {
                    let root = BitMapBackend::with_buffer(&mut buf, size).into_drawing_area();
                    self.draw(&root)?;
                    root.present().map_err(|e| e.to_string())?;
                }
                let img = image::RgbImage::from_raw(size.0, size.1, buf).ok_or("figure buffer size")?;
                crate::files::write_atomically(out, |w| img.write_to(w, image::ImageFormat::Png).map_err(std::io::Error::other))
            }
            _ => Err(format!("--out {}: use a .svg or .png file name", out.display())),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        root.fill(&WHITE).map_err(err)?;
        // Text and lines grow with a taller figure (print resolution), never shrink.
        let k = (root.dim_in_pixel().1 as f64 / (450.0 * self.panels.len().max(1) as f64).max(1000.0)).max(1.0);
        let px = |v: f64| (v * k).round() as u32;
        let width = root.dim_in_pixel().0;
        // Notes above and the footer below, wrapped to the width (Hack is monospaced: 0.6 em a character).
        let wrap = |lines: &[String], size: f64| -> Vec<String> { lines.iter().flat_map(|l| wrap_words(l, ((width as f64 - px(24.0) as f64) / (0.6 * px(size) as f64)) as usize)).collect() };
        let (notes, footer) = (wrap(&self.notes, 15.0), wrap(&self.footer, 13.0));
        let line_h = |size: f64| px(size * 1.35);
        let head_h = if self.title.is_empty() { 0 } else { line_h(26.0) + px(8.0) } + notes.len() as u32 * line_h(15.0);
        let foot_h = footer.len() as u32 * line_h(13.0) + if footer.is_empty() { 0 } else { px(8.0) };
        let (head, rest) = root.split_vertically(head_h);
        let (body, foot) = rest.split_vertically(rest.dim_in_pixel().1.saturating_sub(foot_h));
        let mut y = px(6.0) as i32;
        if !self.title.is_empty() {
            head.draw_text(&self.title, &("sans-serif", px(26.0)).into_text_style(&head), (px(12.0) as i32, y)).map_err(err)?;
            y += (line_h(26.0) + px(2.0)) as i32;
        }
        for l in &notes {
            head.draw_text(l, &("sans-serif", px(15.0)).into_text_style(&head).color(&RGBColor(40, 40, 40)), (px(12.0) as i32, y)).map_err(err)?;
            y += line_h(15.0) as i32;
        }
        let mut y = px(4.0) as i32;
        for l in &footer {
            foot.draw_text(l, &("sans-serif", px(13.0)).into_text_style(&foot).color(&RGBColor(70, 70, 70)), (px(12.0) as i32, y)).map_err(err)?;
            y += line_h(13.0) as i32;
        }
        let areas = body.split_evenly((self.panels.len(), 1));
        let mut colour_index = 0;
        let categories = &self.categories;
        let log10 = self.x_log10;
        let x_ticks = move |v: &f64| -> String {
            if !categories.is_empty() {
                return categories.iter().find(|(x, _)| (x - v).abs() < 1e-6).map(|(_, n)| n.clone()).unwrap_or_default();
            }
            if log10 { format_number(10f64.powf(*v)) } else { format_number(*v) }
        };
        // The panels share the x axis: one range over all of them.
        let (x0, x1) = if categories.is_empty() { range(self.panels.iter().flat_map(|p| &p.lines).flat_map(|l| l.points.iter().map(|p| p.0))) } else { (0.5, categories.len() as f64 + 0.5) };
        for (k, (area, panel)) in areas.iter().zip(&self.panels).enumerate() {
            let all = || panel.lines.iter().flat_map(|l| l.points.iter().copied().chain(l.errors.iter().zip(&l.points).filter_map(|(e, p)| e.map(|(lo, hi)| [(p.0, lo), (p.0, hi)])).flatten()));
            let (y0, y1) = range(all().map(|p| p.1));
            let last = k + 1 == self.panels.len();
            let mut chart =
                ChartBuilder::on(area).margin(px(12.0)).x_label_area_size(px(if last { 44.0 } else { 20.0 })).y_label_area_size(px(90.0)).build_cartesian_2d(x0..x1, y0..y1).map_err(err)?;
            let mut mesh = chart.configure_mesh();
            mesh.y_desc(panel.y_label.as_str()).label_style(("sans-serif", px(16.0))).axis_desc_style(("sans-serif", px(18.0))).light_line_style(RGBColor(235, 235, 235));
            mesh.x_label_formatter(&x_ticks);
            if !categories.is_empty() {
                // Ticks at every category (half steps are drawn blank).
                mesh.x_labels(categories.len() * 2 + 1).disable_x_mesh();
            } else if log10 {
                mesh.x_labels(((x1 - x0).ceil() as usize + 1).max(2));
            }
            if last {
                mesh.x_desc(self.x_label.as_str());
            }
            mesh.draw().map_err(err)?;
            for l in &panel.lines {
                let (r, g, b) = l.colour.unwrap_or_else(|| {
                    colour_index += 1;
                    FIGURE_SERIES[(colour_index - 1) % FIGURE_SERIES.len()]
                });
                let colour = RGBColor(r, g, b);
                let style = colour.stroke_width(px(2.0));
                for (p, e) in l.points.iter().zip(&l.errors) {
                    if let Some((lo, hi)) = e {
                        let cap = (x1 - x0) * 0.006;
                        for seg in [vec![(p.0, *lo), (p.0, *hi)], vec![(p.0 - cap, *lo), (p.0 + cap, *lo)], vec![(p.0 - cap, *hi), (p.0 + cap, *hi)]] {
                            chart.draw_series(std::iter::once(PathElement::new(seg, style))).map_err(err)?;
                        }
                    }
                }
                let (len, width) = (px(20.0) as i32, px(3.0));
                if l.markers {
                    let radius = px(5.0);
                    chart
                        .draw_series(l.points.iter().map(|&p| Circle::new(p, radius, colour.filled())))
                        .map_err(err)?
                        .label(l.name.as_str())
                        .legend(move |(x, y)| Circle::new((x + len / 2, y), radius, colour.filled()));
                    continue;
                }
                let drawn = if l.dashed {
                    chart.draw_series(DashedLineSeries::new(l.points.iter().copied(), 8, 5, style)).map_err(err)?
                } else {
                    chart.draw_series(LineSeries::new(l.points.iter().copied(), style)).map_err(err)?
                };
                drawn.label(l.name.as_str()).legend(move |(x, y)| PathElement::new(vec![(x, y), (x + len, y)], colour.stroke_width(width)));
            }
            if panel.lines.len() > 1 || panel.lines.iter().any(|l| l.markers) {
                chart
                    .configure_series_labels()
                    .background_style(WHITE.mix(0.85))
                    .border_style(RGBColor(180, 180, 180))
                    .label_font(("sans-serif", px(15.0)))
                    .position(SeriesLabelPosition::UpperRight)
                    .draw()
                    .map_err(err)?;
            }
        }
        Ok(())
    }
}

/// Colours of "Model vs experiment": the model's lines from the palette (blue first), the papers' points black.
const DATA_COLOUR: (u8, u8, u8) = (0, 0, 0);

impl From<&synapse_core::evidence::Comparison> for Figure {
    /// A figure of "Model vs experiment": the model's curves as lines (points
    /// where the x axis holds categories), the papers' data as black points
    /// with their error bars; the rows' verdicts under the title; the note and
    /// each dataset's source and method under the plot.
    fn from(c: &synapse_core::evidence::Comparison) -> Self {
        let bars = !c.categories.is_empty();
        // Over categories the model's point sits left of the data's, so neither hides the other.
        let shift = if bars { 0.08 } else { 0.0 };
        let panels = c
            .panels
            .iter()
            .map(|p| {
                let model = p.model.iter().enumerate().map(|(i, m)| Series {
                    name: m.name.clone(),
                    points: m.points.iter().map(|&(x, y)| (x - shift, y)).collect(),
                    colour: Some(FIGURE_SERIES[1 + i % (FIGURE_SERIES.len() - 1)]),
                    markers: bars,
                    ..Default::default()
                });
                let data = p.data.iter().map(|d| Series {
                    name: d.label.clone(),
                    points: d.points.iter().map(|q| (q.x + shift, q.y)).collect(),
                    colour: Some(DATA_COLOUR),
                    markers: true,
                    errors: d.points.iter().map(|q| Some((q.y_lo.unwrap_or(q.y), q.y_hi.unwrap_or(q.y))).filter(|(lo, hi)| lo < hi)).collect(),
                    ..Default::default()
                });
                Panel { y_label: p.y_label.clone(), lines: model.chain(data).collect() }
            })
            .collect();
        let data = c.panels.iter().flat_map(|p| &p.data).map(|d| format!("Data, {}: {}. {}. How: {}.", d.label, d.source, d.figure, d.method));
        Figure {
            title: c.title.clone(),
            x_label: c.x_label.clone(),
            panels,
            notes: c.verdicts(),
            footer: std::iter::once(c.note.clone()).chain(data).collect(),
            x_log10: c.x_log10,
            categories: c.categories.clone(),
        }
    }
}

/// A tick's number without trailing zeros (0.1, 1, 10, 2.5).
fn format_number(v: f64) -> String {
    let s = if v.abs() >= 1e4 || (v != 0.0 && v.abs() < 1e-3) { format!("{v:.1e}") } else { format!("{v:.3}").trim_end_matches('0').trim_end_matches('.').to_string() };
    if s == "-0" { "0".into() } else { s }
}

/// Split `text` into lines of at most `width` characters, at spaces where it can.
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(20);
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

/// A CSV cell: quoted when it holds a comma or a quote.
fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// The value range of a column, widened when flat so the line shows.
fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.filter(|v| v.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = if hi > lo { 0.05 * (hi - lo) } else { lo.abs().max(1.0) * 0.1 };
    (lo - pad, hi + pad)
}

/// Text is measured and drawn with egui's Hack font, built into the binary
/// (its Ubuntu Light drew "cl" as "d" at these sizes).
#[cfg(native)]
fn register_font() -> Result<(), String> {
    static DONE: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    DONE.get_or_init(|| plotters::style::register_font("sans-serif", FontStyle::Normal, epaint_default_fonts::HACK_REGULAR).map_err(|_| "the built-in font could not be read".to_string())).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "t_ms,glu_cleft_uM,i_nmda_pA\n0,0,0\n0.5,1200,-1.5\n1,300,-4\n";

    #[test]
    fn columns_are_read_with_the_x_axis() {
        let f = Figure::from_csv(CSV, "t.csv", "t_ms", &["glu_cleft_uM".into(), "i_nmda_pA".into()]).unwrap();
        assert_eq!(f.panels.len(), 2);
        assert_eq!(f.panels[1].lines[0].points, vec![(0.0, 0.0), (0.5, -1.5), (1.0, -4.0)]);
        assert_eq!(f.csv().lines().nth(4), Some("i_nmda_pA,i_nmda_pA,0,0"));
        assert_eq!(f.csv().lines().next(), Some("panel,line,t_ms,y"));
    }

    #[test]
    fn bad_traces_name_the_file_line_and_column() {
        assert!(Figure::from_csv(CSV, "t.csv", "t_ms", &["nope".into()]).unwrap_err().starts_with("t.csv:1: no column 'nope'; the trace has: t_ms, glu_cleft_uM"));
        let bad = "t_ms,a\n0,1\n1,x\n";
        assert_eq!(Figure::from_csv(bad, "t.csv", "t_ms", &["a".into()]).unwrap_err(), "t.csv:3: 'x' in column 'a' is not a number");
    }

    #[test]
    fn svg_and_png_are_written_with_the_data_drawn() {
        let d = std::env::temp_dir().join(format!("synapse-fig-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        let mut f = Figure::from_csv(CSV, "t.csv", "t_ms", &["glu_cleft_uM".into(), "i_nmda_pA".into()]).unwrap();
        f.title = "One spike".into();
        f.write(&d.join("f.svg"), (800, 600)).unwrap();
        let svg = std::fs::read_to_string(d.join("f.svg")).unwrap();
        assert!(svg.contains("<svg") && svg.contains("glu_cleft_uM") && svg.contains("One spike") && svg.contains("<polyline"), "{svg}");
        f.write(&d.join("f.png"), (800, 600)).unwrap();
        let img = image::open(d.join("f.png")).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), (800, 600));
        // The second series' blue line is drawn.
        let blue = img.pixels().filter(|p| p.0 == [0, 114, 178]).count();
        assert!(blue > 200, "{blue} blue pixels");
        // Dark text pixels (axis labels) are drawn with the built-in font.
        assert!(img.pixels().filter(|p| p.0[0] < 80 && p.0[1] < 80 && p.0[2] < 80).count() > 1000);
        std::fs::remove_dir_all(&d).unwrap();
    }
}
