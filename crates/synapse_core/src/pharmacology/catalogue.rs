//! The drug catalogue: one RON file per drug with its mechanism(s), cited
//! constants, evidence level, clinical regimen and plain-language notes;
//! loaded and validated at start-up with errors that name the file, line,
//! field and fix, and lookups that list the known names on a miss.
use crate::math;

pub use super::mechanism::Mechanism;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

/// The catalogue format version this build reads.
pub const DRUG_VERSION: u32 = 1;

/// How well established a claim is (shown on screen next to it): a drug
/// file's mechanism, a lecture cue, a scene label.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// Measured and replicated.
    Established,
    /// Proposed, with support, and contested.
    Hypothesis,
    /// A picture to think with: schematic, or magnitudes chosen to show a direction.
    Illustrative,
}

impl Evidence {
    pub fn label(self) -> &'static str {
        match self {
            Evidence::Established => "established",
            Evidence::Hypothesis => "hypothesis",
            Evidence::Illustrative => "illustrative",
        }
    }
}

/// A clinical regimen and the pharmacokinetic model behind it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Regimen {
    pub description: String,
    pub pk: Pk,
    pub source: String,
}

/// One-compartment PK models (book/src/model.md §9 C1); concentrations are
/// free brain concentrations.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub enum Pk {
    /// Constant-rate IV infusion, then first-order elimination.
    IvInfusion { dose_mg_per_kg: f64, minutes: f64, vd_l_per_kg: f64, half_life_min: f64, brain_free_fraction: f64, mw_g_per_mol: f64 },
    /// A single dose with first-order absorption.
    Bolus { dose_mg: f64, body_kg: f64, bioavailability: f64, absorption_half_life_min: f64, vd_l_per_kg: f64, half_life_min: f64, brain_free_fraction: f64, mw_g_per_mol: f64 },
    /// A steady state reached by repeated dosing.
    SteadyState { free_brain_um: f64 },
    /// An inhaled gas at a fixed fraction (concentration given directly).
    Inhaled { fraction: f64, minutes: f64, free_brain_um: f64 },
}

/// Washout τ of an inhaled gas after the mask comes off (assumption: minutes).
pub const GAS_WASHOUT_MIN: f64 = 5.0;

impl Pk {
    /// Plasma concentration (µM) `t_min` after the start (one compartment,
    /// book/src/model.md §9 C1); `None` where the model gives only a brain level.
    pub fn plasma_um(&self, t_min: f64) -> Option<f64> {
        let t = t_min.max(0.0);
        match *self {
            Pk::IvInfusion { dose_mg_per_kg, minutes, vd_l_per_kg, half_life_min, mw_g_per_mol, .. } => {
                let k = std::f64::consts::LN_2 / half_life_min;
                let plateau_mg_per_l = dose_mg_per_kg / minutes / (vd_l_per_kg * k);
                let end = plateau_mg_per_l * (1.0 - math::exp(-k * minutes));
                let mg_per_l = if t <= minutes { plateau_mg_per_l * (1.0 - math::exp(-k * t)) } else { end * math::exp(-k * (t - minutes)) };
                Some(mg_per_l / mw_g_per_mol * 1e3)
            }
            Pk::Bolus { dose_mg, body_kg, bioavailability, absorption_half_life_min, vd_l_per_kg, half_life_min, mw_g_per_mol, .. } => {
                let (k, ka) = (std::f64::consts::LN_2 / half_life_min, std::f64::consts::LN_2 / absorption_half_life_min);
                let c0 = bioavailability * dose_mg / (vd_l_per_kg * body_kg);
                let mg_per_l = if (ka - k).abs() < 1e-12 { c0 * k * t * math::exp(-k * t) } else { c0 * ka / (ka - k) * (math::exp(-k * t) - math::exp(-ka * t)) };
                Some(mg_per_l / mw_g_per_mol * 1e3)
            }
            Pk::SteadyState { .. } | Pk::Inhaled { .. } => None,
        }
    }

    /// Free concentration at the synapse (µM) `t_min` after the start.
    pub fn free_brain_um(&self, t_min: f64) -> f64 {
        match *self {
            Pk::IvInfusion { brain_free_fraction, .. } | Pk::Bolus { brain_free_fraction, .. } => brain_free_fraction * self.plasma_um(t_min).unwrap_or(0.0),
            Pk::SteadyState { free_brain_um } => free_brain_um,
            Pk::Inhaled { minutes, free_brain_um, .. } => {
                if t_min < 0.0 {
                    0.0
                } else if t_min <= minutes {
                    free_brain_um
                } else {
                    free_brain_um * math::exp(-(t_min - minutes) / GAS_WASHOUT_MIN)
                }
            }
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Drug {
    pub version: u32,
    /// The name used on the command line (`--drug ketamine=1uM`).
    pub key: String,
    /// Other names accepted on the command line (`mg`, `zn`, `n2o`).
    #[serde(default)]
    pub aliases: Vec<String>,
    pub name: String,
    pub class: String,
    pub mechanisms: Vec<Mechanism>,
    pub evidence: Evidence,
    #[serde(default)]
    pub regimen: Option<Regimen>,
    /// The dose of the preclinical papers (rodent PK), for comparing the
    /// cascade's timing with them (Li et al. 2010 dosed rats i.p.).
    #[serde(default)]
    pub rodent_regimen: Option<Regimen>,
    /// Plain language for the info panel.
    pub explanation: String,
    /// The lecture's clinical notes.
    #[serde(default)]
    pub clinical_notes: String,
    /// What trials in depression found, for the model-vs-clinic table.
    #[serde(default)]
    pub clinic: Option<Clinic>,
    /// A measured concentration–inhibition curve (its own IC50 and Hill
    /// slope), drawn beside the simulated sweep; the input IC50 is not one.
    #[serde(default)]
    pub measured_curve: Option<MeasuredCurve>,
}

/// A Hill fit reported by a paper: inhibition = emax·cⁿ/(cⁿ + IC50ⁿ).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MeasuredCurve {
    pub ic50_um: f64,
    pub hill: f64,
    /// The conditions it was measured under (voltage, Mg²⁺, cells).
    pub conditions: String,
    pub source: String,
}

impl MeasuredCurve {
    /// Fraction inhibited at `conc_um`.
    pub fn inhibition(&self, conc_um: f64) -> f64 {
        let x = math::powf(conc_um / self.ic50_um, self.hill);
        x / (1.0 + x)
    }
}

/// The result of a drug's trials in depression, as the model can be held to it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClinicalResult {
    /// Better than control within hours to a day.
    RapidPositive,
    /// Better than control, building over weeks.
    SlowPositive,
    /// Small, inconsistent or only on secondary measures.
    Mixed,
    /// Not better than control.
    Negative,
    /// Not tested in depression.
    NoTrial,
}

/// A drug's clinical result with its source, and where the model parts
/// from it, why (shown on screen next to the model's result).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Clinic {
    pub result: ClinicalResult,
    /// What was given and what was found, in one line.
    pub finding: String,
    pub source: String,
    #[serde(default)]
    pub why_model_differs: String,
    /// Where the model's rank of this single-dose regimen is two or more
    /// places from the clinic's (`clinic::CLINICAL_RAPID_RANK`), why.
    #[serde(default)]
    pub why_rank_differs: String,
    /// How the trials gave it, which sets when the model's outcome is read
    /// (default: daily for a steady-state regimen, single doses otherwise).
    #[serde(default)]
    pub dosing: Option<Dosing>,
}

/// How a drug was given in its trials.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dosing {
    /// Every day for weeks: the model's outcome after four weeks on it.
    Daily,
    /// Single doses: the model's outcome 24 h after one.
    SingleDoses,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DrugError {
    Io { file: String, message: String },
    Parse { file: String, line: usize, col: usize, message: String },
    Invalid { file: String, field: String, message: String },
    Unknown { name: String, known: Vec<String> },
    Concentration { text: String, message: String },
}

impl fmt::Display for DrugError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DrugError::Io { file, message } => write!(f, "{file}: cannot read the drug file: {message}"),
            DrugError::Parse { file, line, col, message } => write!(f, "{file}:{line}:{col}: not a valid drug file: {message}. Compare with assets/drugs/ketamine.ron"),
            DrugError::Invalid { file, field, message } => write!(f, "{file}: {field}: {message}"),
            DrugError::Unknown { name, known } => {
                write!(f, "unknown drug '{name}'")?;
                if let Some(near) = nearest(name, known) {
                    write!(f, "; did you mean '{near}'?")?;
                }
                write!(f, " Known drugs: {}", known.join(", "))
            }
            DrugError::Concentration { text, message } => write!(f, "'{text}': {message}"),
        }
    }
}

impl std::error::Error for DrugError {}

/// The known name closest to a mistyped one, if it is close enough to be
/// what was meant (Jaro–Winkler similarity above 0.8, as clap suggests).
fn nearest<'a>(name: &str, known: &'a [String]) -> Option<&'a str> {
    let name = name.to_lowercase();
    known.iter().map(|k| (strsim::jaro_winkler(&name, k), k)).filter(|(s, _)| *s > 0.8).max_by(|a, b| a.0.total_cmp(&b.0)).map(|(_, k)| k.as_str())
}

impl Drug {
    pub fn from_ron(text: &str, file: &str) -> Result<Self, DrugError> {
        let d: Drug = ron::from_str(text).map_err(|e| DrugError::Parse { file: file.into(), line: e.span.start.line, col: e.span.start.col, message: e.code.to_string() })?;
        d.validate(file)?;
        Ok(d)
    }

    /// Every constant present, positive where it must be, in range.
    pub fn validate(&self, file: &str) -> Result<(), DrugError> {
        let bad = |field: &str, message: String| Err(DrugError::Invalid { file: file.into(), field: field.into(), message });
        if self.version != DRUG_VERSION {
            return bad("version", format!("{} is not supported; set `version: {DRUG_VERSION}`", self.version));
        }
        if self.key.is_empty() || !self.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-') {
            return bad("key", format!("'{}' must be lower-case letters, digits, - or _ (it is typed on the command line)", self.key));
        }
        if self.mechanisms.is_empty() {
            return bad("mechanisms", "a drug needs at least one mechanism".into());
        }
        if self.explanation.trim().is_empty() {
            return bad("explanation", "write the plain-language explanation shown in the info panel".into());
        }
        if let Some(m) = &self.measured_curve
            && !(m.ic50_um.is_finite() && m.ic50_um > 0.0 && m.hill.is_finite() && m.hill > 0.0 && !m.source.trim().is_empty())
        {
            return bad("measured_curve", "needs a positive ic50_um and hill and its source (paper, year)".into());
        }
        if let Some(c) = &self.clinic
            && c.dosing == Some(Dosing::Daily)
            && !matches!(self.regimen.as_ref().map(|r| &r.pk), Some(Pk::SteadyState { .. }))
        {
            return bad(
                "clinic.dosing",
                "Daily needs a steady-state regimen (the model judges a daily drug after four weeks at its steady level); use SingleDoses or give the regimen as SteadyState".into(),
            );
        }
        if let Some(c) = &self.clinic
            && c.result != ClinicalResult::NoTrial
            && (c.finding.trim().is_empty() || c.source.trim().is_empty())
        {
            return bad("clinic", "a clinical result needs its finding (what was given, what was found) and its source (trial or paper, year)".into());
        }
        for (i, m) in self.mechanisms.iter().enumerate() {
            if let Err((name, message)) = m.check() {
                return bad(&format!("mechanisms[{i}].{name}"), message);
            }
        }
        for (field, r) in [("regimen", &self.regimen), ("rodent_regimen", &self.rodent_regimen)] {
            if r.as_ref().is_some_and(|r| r.source.trim().is_empty()) {
                return bad(&format!("{field}.source"), "a regimen needs its source".into());
            }
        }
        Ok(())
    }
}

/// The drug files built into the binary, so the catalogue is there whatever
/// the working directory (`assets/drugs/` is the source; a test checks both agree).
const BUILTIN: &[(&str, &str)] = &[
    ("ampa-pam.ron", include_str!("../../../../assets/drugs/ampa-pam.ron")),
    ("escitalopram.ron", include_str!("../../../../assets/drugs/escitalopram.ron")),
    ("lithium.ron", include_str!("../../../../assets/drugs/lithium.ron")),
    ("rapamycin.ron", include_str!("../../../../assets/drugs/rapamycin.ron")),
    ("verapamil.ron", include_str!("../../../../assets/drugs/verapamil.ron")),
    ("arketamine.ron", include_str!("../../../../assets/drugs/arketamine.ron")),
    ("basimglurant.ron", include_str!("../../../../assets/drugs/basimglurant.ron")),
    ("ceftriaxone.ron", include_str!("../../../../assets/drugs/ceftriaxone.ron")),
    ("cerc-301.ron", include_str!("../../../../assets/drugs/cerc-301.ron")),
    ("d-cycloserine.ron", include_str!("../../../../assets/drugs/d-cycloserine.ron")),
    ("d-serine.ron", include_str!("../../../../assets/drugs/d-serine.ron")),
    ("dextromethorphan.ron", include_str!("../../../../assets/drugs/dextromethorphan.ron")),
    ("esketamine.ron", include_str!("../../../../assets/drugs/esketamine.ron")),
    ("glycine.ron", include_str!("../../../../assets/drugs/glycine.ron")),
    ("ketamine.ron", include_str!("../../../../assets/drugs/ketamine.ron")),
    ("ly341495.ron", include_str!("../../../../assets/drugs/ly341495.ron")),
    ("magnesium.ron", include_str!("../../../../assets/drugs/magnesium.ron")),
    ("memantine.ron", include_str!("../../../../assets/drugs/memantine.ron")),
    ("nbqx.ron", include_str!("../../../../assets/drugs/nbqx.ron")),
    ("nitrous-oxide.ron", include_str!("../../../../assets/drugs/nitrous-oxide.ron")),
    ("rapastinel.ron", include_str!("../../../../assets/drugs/rapastinel.ron")),
    ("riluzole.ron", include_str!("../../../../assets/drugs/riluzole.ron")),
    ("traxoprodil.ron", include_str!("../../../../assets/drugs/traxoprodil.ron")),
    ("zinc.ron", include_str!("../../../../assets/drugs/zinc.ron")),
    ("ap5.ron", include_str!("../../../../assets/drugs/ap5.ron")),
    ("esmethadone.ron", include_str!("../../../../assets/drugs/esmethadone.ron")),
    ("hnk.ron", include_str!("../../../../assets/drugs/hnk.ron")),
    ("mk-801.ron", include_str!("../../../../assets/drugs/mk-801.ron")),
    ("ly379268.ron", include_str!("../../../../assets/drugs/ly379268.ron")),
    ("jnj-40411813.ron", include_str!("../../../../assets/drugs/jnj-40411813.ron")),
    ("amn082.ron", include_str!("../../../../assets/drugs/amn082.ron")),
    ("minocycline.ron", include_str!("../../../../assets/drugs/minocycline.ron")),
    ("tboa.ron", include_str!("../../../../assets/drugs/tboa.ron")),
];

/// All drugs, sorted by key.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    pub drugs: Vec<Drug>,
}

impl Catalogue {
    /// Load every `*.ron` in `dir`; the first bad file stops the load with its error.
    pub fn load_dir(dir: &Path) -> Result<Self, DrugError> {
        let entries = std::fs::read_dir(dir).map_err(|e| DrugError::Io { file: dir.display().to_string(), message: e.to_string() })?;
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "ron")).collect();
        paths.sort();
        let mut drugs: Vec<Drug> = Vec::new();
        for p in paths {
            let file = p.display().to_string();
            let text = crate::text::read_text(&p).map_err(|e| match e {
                crate::text::ReadError::NotUtf8 { line, col, .. } => DrugError::Parse { file: file.clone(), line, col, message: e.to_string() },
                crate::text::ReadError::Io(message) => DrugError::Io { file: file.clone(), message },
            })?;
            let d = Drug::from_ron(&text, &file)?;
            if drugs.iter().any(|o| o.key == d.key) {
                return Err(DrugError::Invalid { file, field: "key".into(), message: format!("'{}' is already used by another drug file", d.key) });
            }
            drugs.push(d);
        }
        drugs.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Self { drugs })
    }

    /// The catalogue built into the binary.
    pub fn builtin() -> Result<Self, DrugError> {
        let mut drugs = BUILTIN.iter().map(|(name, text)| Drug::from_ron(text, &format!("assets/drugs/{name}"))).collect::<Result<Vec<_>, _>>()?;
        drugs.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Self { drugs })
    }

    pub fn keys(&self) -> Vec<String> {
        self.drugs.iter().map(|d| d.key.clone()).collect()
    }

    /// A drug by key (case-insensitive), or an error listing the known keys.
    pub fn get(&self, name: &str) -> Result<&Drug, DrugError> {
        let n = name.trim().to_ascii_lowercase();
        self.drugs.iter().find(|d| d.key == n || d.aliases.contains(&n)).ok_or_else(|| DrugError::Unknown { name: name.into(), known: self.keys() })
    }
}

/// Parse a concentration with its unit ("1uM", "500nM", "1 mM", "0.3µM") into µM.
pub fn parse_concentration_um(text: &str) -> Result<f64, DrugError> {
    let err = |m: &str| DrugError::Concentration { text: text.into(), message: m.into() };
    let (v, unit) = crate::units::split_number_unit(text).ok_or_else(|| err("not a concentration: write a number and a unit, e.g. 1uM or 500nM"))?;
    let factor = match unit {
        "pM" => 1e-6,
        "nM" => 1e-3,
        "uM" | "µM" => 1.0,
        "mM" => 1e3,
        "M" => 1e6,
        "" => return Err(err("has no unit: write e.g. 1uM, 500nM or 1mM")),
        u => return Err(err(&format!("unknown unit '{u}' (use pM, nM, uM, mM or M)"))),
    };
    if !v.is_finite() || v < 0.0 {
        return Err(err("a concentration cannot be negative"));
    }
    Ok(v * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Catalogue {
        Catalogue::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/drugs")).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_lectures_drugs_are_all_in_the_catalogue() {
        let c = catalogue();
        for key in [
            "ketamine",
            "esketamine",
            "arketamine",
            "memantine",
            "dextromethorphan",
            "nitrous-oxide",
            "magnesium",
            "zinc",
            "traxoprodil",
            "cerc-301",
            "rapastinel",
            "d-cycloserine",
            "glycine",
            "d-serine",
            "riluzole",
            "nbqx",
            "ampa-pam",
            "basimglurant",
            "ly341495",
            "ceftriaxone",
        ] {
            let d = c.get(key).unwrap_or_else(|e| panic!("{e}"));
            assert!(!d.explanation.is_empty());
        }
        assert!(c.drugs.len() >= 20);
        // The copy built into the binary is the same catalogue.
        assert_eq!(Catalogue::builtin().unwrap().drugs, c.drugs);
    }

    #[test]
    fn literature_constants_are_the_cited_ones() {
        let c = catalogue();
        // Gilling et al. 2009: ketamine IC50 0.71 µM at −70 mV, koff 0.22 s⁻¹, δ 0.79, fully trapped.
        match &c.get("ketamine").unwrap().mechanisms[0] {
            Mechanism::OpenChannelBlock { ic50_um_minus70, koff_per_s, delta, escape_on_closing, .. } => {
                assert_eq!((*ic50_um_minus70, *koff_per_s, *delta, *escape_on_closing), (0.71, 0.22, 0.79, 0.0));
            }
            m => panic!("ketamine: {m:?}"),
        }
        // Memantine partially trapped: ~20% escape on closing.
        match &c.get("memantine").unwrap().mechanisms[0] {
            Mechanism::OpenChannelBlock { escape_on_closing, .. } => assert!((escape_on_closing - 0.2).abs() < 1e-9),
            m => panic!("memantine: {m:?}"),
        }
        // Esketamine ≈ 4.7× more potent than arketamine (Ebert et al. 1997, Ki 0.30 vs 1.4 µM),
        // and a 1:1 mixture of the two blocks like the racemate (0.71 µM, Gilling 2009).
        let ic50 = |k: &str| match &c.get(k).unwrap().mechanisms[0] {
            Mechanism::OpenChannelBlock { ic50_um_minus70, .. } => *ic50_um_minus70,
            m => panic!("{k}: {m:?}"),
        };
        assert!((ic50("arketamine") / ic50("esketamine") - 4.67).abs() < 0.1);
        // Ketamine's measured curve is Gilling's own fit, with its slope.
        let m = c.get("ketamine").unwrap().measured_curve.clone().unwrap();
        assert!((m.inhibition(0.71) - 0.5).abs() < 1e-12 && (m.hill - 0.84).abs() < 1e-12);
        assert!((m.inhibition(7.1) - math::powf(10f64, 0.84) / (1.0 + math::powf(10f64, 0.84))).abs() < 1e-12);
        let (s, r) = (ic50("esketamine"), ic50("arketamine"));
        assert!((2.0 * s * r / (s + r) - ic50("ketamine")).abs() < 0.02, "mixture {}", 2.0 * s * r / (s + r));
    }

    #[test]
    fn daily_dosing_needs_a_steady_state_regimen() {
        let text = include_str!("../../../../assets/drugs/ketamine.ron").replacen("why_model_differs: \"\"", "why_model_differs: \"\", dosing: Some(Daily)", 1);
        assert!(text.contains("Some(Daily)"));
        let e = Drug::from_ron(&text, "daily.ron").unwrap_err().to_string();
        assert!(e.contains("daily.ron") && e.contains("clinic.dosing") && e.contains("SteadyState"), "{e}");
    }

    #[test]
    fn bad_files_and_names_get_clear_messages() {
        let c = catalogue();
        let e = c.get("ketamin").unwrap_err().to_string();
        assert!(e.contains("unknown drug 'ketamin'; did you mean 'ketamine'?") && e.contains("memantine"), "{e}");
        let e = c.get("Memantin").unwrap_err().to_string();
        assert!(e.contains("did you mean 'memantine'?"), "{e}");
        let e = c.get("aspirin").unwrap_err().to_string();
        assert!(!e.contains("did you mean") && e.contains("Known drugs: amn082"), "nothing close: no guess; {e}");
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/drugs/ketamine.ron")).unwrap();
        let broken = text.replace("koff_per_s: 0.22", "koff_per_s: -0.22");
        let e = Drug::from_ron(&broken, "k.ron").unwrap_err().to_string();
        assert!(e.contains("k.ron") && e.contains("koff_per_s") && e.contains("positive"), "{e}");
        let missing = text.replace("koff_per_s: 0.22,", "");
        let e = Drug::from_ron(&missing, "k.ron").unwrap_err().to_string();
        assert!(e.starts_with("k.ron:") && e.contains("koff_per_s"), "{e}");
    }

    #[test]
    fn ketamine_infusion_reaches_the_measured_plasma_level() {
        let c = catalogue();
        let pk = &c.get("ketamine").unwrap().regimen.as_ref().unwrap().pk;
        // 0.5 mg/kg over 40 min: ~0.64 µM at the end (book/src/model.md §9 C1: ≈ 0.7;
        // Zarate 2006 measured 185 ng/mL = 0.78 µM), then t½ 150 min.
        let end = pk.plasma_um(40.0).unwrap();
        assert!((end - 0.64).abs() < 0.02, "{end}");
        assert!((pk.plasma_um(190.0).unwrap() / end - 0.5).abs() < 1e-9);
        assert!((pk.free_brain_um(40.0) - 0.6 * end).abs() < 1e-12);
        assert!(pk.plasma_um(20.0).unwrap() < end);
        // Memantine: 0.5-1 µM total plasma, ~45 % bound, CSF/serum 0.52 → ~0.4 µM free.
        assert_eq!(c.get("memantine").unwrap().regimen.as_ref().unwrap().pk.free_brain_um(600.0), 0.4);
        // Esketamine 84 mg intranasal peaks in the sheet's 0.2-0.6 µM range (free).
        let esk = &c.get("esketamine").unwrap().regimen.as_ref().unwrap().pk;
        let peak = (0..600).map(|m| esk.free_brain_um(m as f64)).fold(0.0, f64::max);
        assert!((0.1..0.6).contains(&peak), "esketamine free peak {peak} µM");
    }

    #[test]
    fn concentrations_need_units_and_cannot_be_negative() {
        assert_eq!(parse_concentration_um("1uM").unwrap(), 1.0);
        assert_eq!(parse_concentration_um("500nM").unwrap(), 0.5);
        assert_eq!(parse_concentration_um("1mM").unwrap(), 1000.0);
        assert_eq!(parse_concentration_um("0.3µM").unwrap(), 0.3);
        assert!(parse_concentration_um("1").unwrap_err().to_string().contains("no unit"));
        assert!(parse_concentration_um("-1uM").unwrap_err().to_string().contains("negative"));
        assert!(parse_concentration_um("1 furlong").is_err());
    }
}
