//! Model vs experiment: the papers' data beside the model's curves.
//!
//! Owns the experimental datasets (`assets/validation/*.csv`, built into the
//! binary), their parser, and `Comparison`, one figure's worth of model
//! curves, data and the validation rows it illustrates. The curves are
//! filled by `validation`'s row groups from the same simulations that give
//! the rows, so a figure and its row cannot disagree; `synapse-lab validate
//! --figures DIR` draws them and the app's "Model vs experiment" window
//! shows them.
//!
//! A dataset file is CSV with `#` header lines that say where its numbers
//! come from (`# source:`, `# figure:`, `# units:`, `# method:`,
//! `# label:`), then the columns `x,y,y_lo,y_hi` (the last two may be
//! empty: no error bar). The method line says honestly how the numbers were
//! taken: read from a table or the text, or computed from a fit the paper
//! reports.

use crate::validation::Row;

/// The datasets built into the binary: (id, file text).
pub const DATASETS: &[(&str, &str)] = &[
    ("clements1992_cleft_glutamate", include_str!("../../../assets/validation/clements1992_cleft_glutamate.csv")),
    ("jahr_stevens1990_mg_block", include_str!("../../../assets/validation/jahr_stevens1990_mg_block.csv")),
    ("gilling2009_ketamine", include_str!("../../../assets/validation/gilling2009_ketamine.csv")),
    ("gilling2009_memantine", include_str!("../../../assets/validation/gilling2009_memantine.csv")),
    ("myme2003_nmda_mini", include_str!("../../../assets/validation/myme2003_nmda_mini.csv")),
    ("paired_pulse_ratio", include_str!("../../../assets/validation/paired_pulse_ratio.csv")),
    ("li2010_mtorc1", include_str!("../../../assets/validation/li2010_mtorc1.csv")),
    ("li2010_synaptic_proteins", include_str!("../../../assets/validation/li2010_synaptic_proteins.csv")),
    ("lepack2015_bdnf", include_str!("../../../assets/validation/lepack2015_bdnf.csv")),
    ("zarate2006_response", include_str!("../../../assets/validation/zarate2006_response.csv")),
];

/// One experimental point, with its error bar when the paper gives one.
#[derive(Clone, Debug, PartialEq)]
pub struct DataPoint {
    pub x: f64,
    pub y: f64,
    pub y_lo: Option<f64>,
    pub y_hi: Option<f64>,
}

/// A paper's numbers and where they come from.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// The file's stem (`assets/validation/ID.csv`).
    pub id: String,
    /// The legend's name for the points.
    pub label: String,
    /// The paper, in full.
    pub source: String,
    /// Which figure, table or passage of it.
    pub figure: String,
    pub units: String,
    /// How the numbers were taken (read from a table, the text, or computed from a reported fit).
    pub method: String,
    pub points: Vec<DataPoint>,
}

impl Dataset {
    /// Read a dataset file; `file` names it in errors (with the line).
    pub fn parse(id: &str, text: &str, file: &str) -> Result<Self, String> {
        let mut d = Dataset { id: id.into(), label: String::new(), source: String::new(), figure: String::new(), units: String::new(), method: String::new(), points: Vec::new() };
        let mut header = false;
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if let Some(meta) = line.strip_prefix('#') {
                let (key, value) = meta.split_once(':').ok_or_else(|| format!("{file}:{n}: a '#' line is 'key: value' (source, figure, units, method or label)"))?;
                let value = value.trim().to_string();
                let slot = match key.trim() {
                    "source" => &mut d.source,
                    "figure" => &mut d.figure,
                    "units" => &mut d.units,
                    "method" => &mut d.method,
                    "label" => &mut d.label,
                    other => return Err(format!("{file}:{n}: unknown key '{other}'; use source, figure, units, method or label")),
                };
                // A long value may continue on the next '#' line with the same key.
                if slot.is_empty() {
                    *slot = value;
                } else {
                    slot.push(' ');
                    slot.push_str(&value);
                }
                continue;
            }
            if !header {
                if line.replace(' ', "") != "x,y,y_lo,y_hi" {
                    return Err(format!("{file}:{n}: the header must be 'x,y,y_lo,y_hi', found '{line}'"));
                }
                header = true;
                continue;
            }
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            if cells.len() != 4 {
                return Err(format!("{file}:{n}: {} cells; a point is x,y,y_lo,y_hi (leave y_lo and y_hi empty for no error bar)", cells.len()));
            }
            let num = |c: &str, what: &str| c.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| format!("{file}:{n}: {what} '{c}' is not a number"));
            let opt = |c: &str, what: &str| if c.is_empty() { Ok(None) } else { num(c, what).map(Some) };
            let p = DataPoint { x: num(cells[0], "x")?, y: num(cells[1], "y")?, y_lo: opt(cells[2], "y_lo")?, y_hi: opt(cells[3], "y_hi")? };
            if p.y_lo.is_some_and(|lo| lo > p.y) || p.y_hi.is_some_and(|hi| hi < p.y) {
                return Err(format!("{file}:{n}: the error bar [{:?}, {:?}] does not contain y = {}", p.y_lo, p.y_hi, p.y));
            }
            d.points.push(p);
        }
        for (key, value) in [("source", &d.source), ("figure", &d.figure), ("units", &d.units), ("method", &d.method), ("label", &d.label)] {
            if value.is_empty() {
                return Err(format!("{file}: no '# {key}:' line; every dataset says where its numbers come from"));
            }
        }
        if d.points.is_empty() {
            return Err(format!("{file}: no data points after the header"));
        }
        Ok(d)
    }
}

/// A built-in dataset by id. The files are tested, so a bad one is a bug;
/// it is still reported (as an empty dataset whose method is the error), not a panic.
pub fn dataset(id: &str) -> Dataset {
    let file = format!("assets/validation/{id}.csv");
    let parsed = DATASETS.iter().find(|(k, _)| *k == id).ok_or_else(|| format!("{file}: no such built-in dataset")).and_then(|(_, text)| Dataset::parse(id, text, &file));
    parsed.unwrap_or_else(|e| Dataset { id: id.into(), label: "data unavailable".into(), source: String::new(), figure: String::new(), units: String::new(), method: e, points: Vec::new() })
}

/// A model curve.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

impl Curve {
    pub fn new(name: &str, points: Vec<(f64, f64)>) -> Self {
        Self { name: name.into(), points }
    }
}

/// One panel: a y axis, the model's curves and the papers' points.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    pub y_label: String,
    pub model: Vec<Curve>,
    pub data: Vec<Dataset>,
}

/// One figure of "Model vs experiment".
#[derive(Clone, Debug)]
pub struct Comparison {
    /// The file stem `validate --figures` writes (`ID.svg`, `ID.png`).
    pub id: &'static str,
    pub title: String,
    pub x_label: String,
    /// The x values are log10 of the quantity (drawn with 10^x tick labels).
    pub x_log10: bool,
    /// Named categories at these x values (a bar-like figure), else numeric ticks.
    pub categories: Vec<(f64, String)>,
    pub panels: Vec<Panel>,
    /// The validation rows this figure shows.
    pub rows: Vec<Row>,
    /// What a reader must know to read it (a proxy, a reconstruction).
    pub note: String,
}

impl Comparison {
    /// One line per row: the model's value against the literature, the result and what the row proves.
    pub fn verdicts(&self) -> Vec<String> {
        self.rows.iter().map(|r| format!("{}: model {} vs {} ({}): {}, {}", r.quantity, crate::validation::fmt_num(r.model), r.literature, r.source, r.result(), r.kind.label())).collect()
    }

    /// Every source the figure's points come from, one line each.
    pub fn provenance(&self) -> Vec<String> {
        self.panels.iter().flat_map(|p| &p.data).map(|d| format!("{}: {}, {}. {}", d.label, d.source, d.figure, d.method)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every built-in dataset parses, says where it comes from, and has points.
    #[test]
    fn every_dataset_parses_with_its_provenance() {
        for (id, _) in DATASETS {
            let d = dataset(id);
            assert!(!d.points.is_empty(), "{id}: {}", d.method);
            assert!(d.source.contains("19") || d.source.contains("20"), "{id}: the source names a year: {}", d.source);
        }
    }

    #[test]
    fn a_bad_dataset_names_the_file_line_and_fix() {
        let head = "# source: A 2001\n# figure: Fig. 1\n# units: ms\n# method: table\n# label: A\n";
        let e = Dataset::parse("x", &format!("{head}x,y\n"), "x.csv").unwrap_err();
        assert_eq!(e, "x.csv:6: the header must be 'x,y,y_lo,y_hi', found 'x,y'");
        let e = Dataset::parse("x", &format!("{head}x,y,y_lo,y_hi\n1,two,,\n"), "x.csv").unwrap_err();
        assert_eq!(e, "x.csv:7: y 'two' is not a number");
        let e = Dataset::parse("x", &format!("{head}x,y,y_lo,y_hi\n1,2,3,4\n"), "x.csv").unwrap_err();
        assert!(e.starts_with("x.csv:7: the error bar"), "{e}");
        let e = Dataset::parse("x", "x,y,y_lo,y_hi\n1,2,,\n", "x.csv").unwrap_err();
        assert!(e.contains("no '# source:' line"), "{e}");
        let d = Dataset::parse("x", &format!("{head}# method: continued\nx,y,y_lo,y_hi\n1,2,1.5,\n"), "x.csv").unwrap();
        assert_eq!(d.method, "table continued");
        assert_eq!(d.points, vec![DataPoint { x: 1.0, y: 2.0, y_lo: Some(1.5), y_hi: None }]);
    }
}
