//! Figures for print and slides: columns of a trace (CSV) drawn as stacked
//! panels sharing the x axis, written as SVG (vector, text kept as text) or
//! PNG, both laid out with egui's built-in Hack font (no system fonts
//! needed). `synapse-lab plot trace.csv --columns glu_cleft_uM,i_nmda_pA --out fig.svg`.

use crate::app::palette::FIGURE_SERIES;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// One panel: a column against the x column.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub title: String,
    pub x_label: String,
    pub panels: Vec<Series>,
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
        let mut panels: Vec<Series> = columns.iter().map(|c| Series { name: c.clone(), points: Vec::new() }).collect();
        for (i, line) in lines {
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            let num = |j: usize| -> Result<f64, String> {
                let cell = cells.get(j).ok_or_else(|| format!("{file}:{}: the row has {} cells, the header {}", i + 1, cells.len(), names.len()))?;
                cell.parse::<f64>().map_err(|_| format!("{file}:{}: '{cell}' in column '{}' is not a number", i + 1, names[j]))
            };
            let xv = num(xi)?;
            for (p, &j) in panels.iter_mut().zip(&cols) {
                p.points.push((xv, num(j)?));
            }
        }
        if panels[0].points.is_empty() {
            return Err(format!("{file}: the trace has a header but no rows"));
        }
        Ok(Self { title: String::new(), x_label: x.to_string(), panels })
    }

    /// Write the figure, SVG or PNG by the file name, whole or not at all.
    pub fn write(&self, out: &Path, size: (u32, u32)) -> Result<(), String> {
        // Both backends measure text with it (the SVG keeps the text as text).
        register_font()?;
        match out.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
            Some("svg") => {
                let mut svg = String::new();
                {
                    let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
                    self.draw(&root)?;
                    root.present().map_err(|e| e.to_string())?;
                }
                crate::cli::write_atomically(out, |w| std::io::Write::write_all(w, svg.as_bytes()))
            }
            Some("png") => {
                let mut buf = vec![255u8; size.0 as usize * size.1 as usize * 3];
                {
                    let root = BitMapBackend::with_buffer(&mut buf, size).into_drawing_area();
                    self.draw(&root)?;
                    root.present().map_err(|e| e.to_string())?;
                }
                let img = image::RgbImage::from_raw(size.0, size.1, buf).ok_or("figure buffer size")?;
                crate::cli::write_atomically(out, |w| img.write_to(w, image::ImageFormat::Png).map_err(std::io::Error::other))
            }
            _ => Err(format!("--out {}: use a .svg or .png file name", out.display())),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        root.fill(&WHITE).map_err(err)?;
        let root = if self.title.is_empty() { root.clone() } else { root.titled(&self.title, ("sans-serif", 26)).map_err(err)? };
        let areas = root.split_evenly((self.panels.len(), 1));
        for (k, (area, s)) in areas.iter().zip(&self.panels).enumerate() {
            let (x0, x1) = range(s.points.iter().map(|p| p.0));
            let (y0, y1) = range(s.points.iter().map(|p| p.1));
            let last = k + 1 == self.panels.len();
            let mut chart = ChartBuilder::on(area).margin(12).x_label_area_size(if last { 44 } else { 20 }).y_label_area_size(90).build_cartesian_2d(x0..x1, y0..y1).map_err(err)?;
            let mut mesh = chart.configure_mesh();
            mesh.y_desc(s.name.as_str()).label_style(("sans-serif", 16)).axis_desc_style(("sans-serif", 18)).light_line_style(RGBColor(235, 235, 235));
            if last {
                mesh.x_desc(self.x_label.as_str());
            }
            mesh.draw().map_err(err)?;
            let (r, g, b) = FIGURE_SERIES[k % FIGURE_SERIES.len()];
            chart.draw_series(LineSeries::new(s.points.iter().copied(), RGBColor(r, g, b).stroke_width(2))).map_err(err)?;
        }
        Ok(())
    }
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
        assert_eq!(f.panels[1].points, vec![(0.0, 0.0), (0.5, -1.5), (1.0, -4.0)]);
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
