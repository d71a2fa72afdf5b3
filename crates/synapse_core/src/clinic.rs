//! The model against the clinic: each drug's slow outcome at its clinical
//! regimen beside what its trials found (the drug file's `clinic` entry),
//! and whether the two agree. One table for `synapse-lab clinic`, the
//! README and the Drugs panel, so a disagreement is shown wherever the
//! model's result is.
//!
//! The model's outcome is the rapid, synaptogenic one the slow cascade
//! computes: the rise in spine density 24 h after a single dose, relative
//! to 0.5 mg/kg IV ketamine's (the reference, Zarate et al. 2006). A drug
//! its trials gave daily is judged after four weeks on it, the way trials
//! of memantine or an SSRI are run; one given as single doses, 24 h after
//! the first.

use crate::pharmacology::catalogue::{ClinicalResult, Dosing, Pk};
use crate::pharmacology::{Catalogue, Drug};
use crate::scenario::{DrugPlan, Scenario};
use crate::signalling::Cascade;

const MIN_PER_DAY: f64 = 1440.0;
/// A daily drug is judged after this long on it (trials run 4–8 weeks).
const CHRONIC_DAYS: f64 = 28.0;
/// The reference drug and the outcome's time after the dose.
pub const REFERENCE: &str = "ketamine";
const OUTCOME_MIN: f64 = MIN_PER_DAY;
/// A rise of at least this share of ketamine's is a strong rapid effect;
/// below `WEAK` the model predicts none (teaching thresholds, assumptions).
const STRONG: f64 = 0.5;
const WEAK: f64 = 0.1;

/// What the model predicts for a drug at its regimen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prediction {
    /// ≥ half of ketamine's spine rise at 24 h.
    Strong,
    /// 10–50 % of it.
    Weak,
    /// Under 10 %.
    None,
    /// The catalogue has no clinical regimen for it, so no prediction.
    NoRegimen,
    /// It has a regimen, but none of its mechanisms reaches the slow
    /// cascade (group I mGluRs only, or not modelled), so the
    /// model's "none" would not be a prediction.
    NoRoute,
}

impl Prediction {
    pub fn label(self) -> &'static str {
        match self {
            Prediction::Strong => "rapid synaptogenesis",
            Prediction::Weak => "weak",
            Prediction::None => "none",
            Prediction::NoRegimen => "no regimen in the model",
            Prediction::NoRoute => "no route to the slow cascade in the model",
        }
    }
}

/// Model and clinic side by side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agreement {
    Agree,
    Partly,
    Disagree,
    Unknown,
}

impl Agreement {
    pub fn label(self) -> &'static str {
        match self {
            Agreement::Agree => "agree",
            Agreement::Partly => "partly",
            Agreement::Disagree => "DISAGREE",
            Agreement::Unknown => "unknown",
        }
    }
}

/// One drug's row of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub key: String,
    pub name: String,
    /// The regimen the model ran ("" without one).
    pub regimen: String,
    /// Spine density rise at 24 h over ketamine IV's (after four weeks for a daily drug).
    pub spine_rise_vs_ketamine: Option<f64>,
    pub prediction: Prediction,
    pub agreement: Agreement,
}

/// How the model's prediction and a trial's result compare. A daily drug
/// whose benefit builds over weeks agrees with a model that predicts no
/// rapid effect (the model says nothing about the slow route).
pub fn agreement(prediction: Prediction, result: Option<ClinicalResult>) -> Agreement {
    use Agreement::*;
    use ClinicalResult as C;
    use Prediction as P;
    match (prediction, result) {
        (P::NoRegimen | P::NoRoute, _) | (_, None) | (_, Some(C::NoTrial)) => Unknown,
        (P::Strong, Some(C::RapidPositive)) => Agree,
        (P::Weak, Some(C::RapidPositive)) => Partly,
        (P::None, Some(C::RapidPositive)) => Disagree,
        (P::Strong, Some(C::SlowPositive)) => Partly,
        (P::Weak | P::None, Some(C::SlowPositive)) => Agree,
        (P::Strong | P::None, Some(C::Mixed)) => Partly,
        (P::Weak, Some(C::Mixed)) => Agree,
        (P::Strong, Some(C::Negative)) => Disagree,
        (P::Weak, Some(C::Negative)) => Partly,
        (P::None, Some(C::Negative)) => Agree,
    }
}

fn classify(ratio: f64) -> Prediction {
    if ratio >= STRONG {
        Prediction::Strong
    } else if ratio >= WEAK {
        Prediction::Weak
    } else {
        Prediction::None
    }
}

/// Spine density 24 h after the regimen starts (a daily drug: after four
/// weeks on it, with the 24 h on top), or `None` without a regimen. A
/// steady-state regimen given as single doses (CERC-301's trial) starts at
/// its level at 0, as an oral dose would reach it.
pub fn spine_at_outcome(drug: &Drug) -> Option<f64> {
    let r = drug.regimen.as_ref()?;
    let steady = matches!(r.pk, Pk::SteadyState { .. });
    let daily = match drug.clinic.as_ref().and_then(|c| c.dosing) {
        Some(d) => d == Dosing::Daily,
        None => steady,
    };
    let start_min = if daily { -CHRONIC_DAYS * MIN_PER_DAY } else { 0.0 };
    let s = Scenario { drugs: vec![DrugPlan::Regimen { drug: drug.key.clone(), start_min }], ..Scenario::default() };
    let mut c = Cascade::new(&s).ok()?;
    c.advance_to(OUTCOME_MIN);
    Some(c.state.spine_density)
}

/// One drug against the clinic, with ketamine's spine rise as the reference.
pub fn compare(drug: &Drug, ketamine_rise: f64) -> Comparison {
    let ratio = spine_at_outcome(drug).map(|s| (s - 1.0) / ketamine_rise);
    let prediction = match ratio {
        None => Prediction::NoRegimen,
        Some(_) if !reaches_slow_cascade(drug) => Prediction::NoRoute,
        Some(r) => classify(r),
    };
    Comparison {
        key: drug.key.clone(),
        name: drug.name.clone(),
        regimen: drug.regimen.as_ref().map(|r| r.description.clone()).unwrap_or_default(),
        spine_rise_vs_ketamine: ratio,
        prediction,
        agreement: agreement(prediction, drug.clinic.as_ref().map(|c| c.result)),
    }
}

/// Does any of the drug's mechanisms feed the slow cascade (`Mechanism::reaches_slow_cascade`)?
pub fn reaches_slow_cascade(drug: &Drug) -> bool {
    drug.mechanisms.iter().any(crate::pharmacology::Mechanism::reaches_slow_cascade)
}

/// Ketamine IV's spine rise at 24 h (the reference), if the catalogue has ketamine.
pub fn reference_rise(catalogue: &Catalogue) -> Option<f64> {
    catalogue.get(REFERENCE).ok().and_then(spine_at_outcome).map(|s| s - 1.0).filter(|r| *r > 0.0)
}

/// The whole table, in catalogue order (drugs without a `clinic` entry
/// and without a regimen are left out: tools such as NBQX).
pub fn table(catalogue: &Catalogue) -> Vec<Comparison> {
    let Some(k) = reference_rise(catalogue) else { return Vec::new() };
    catalogue.drugs.iter().filter(|d| d.clinic.is_some() || d.regimen.is_some()).map(|d| compare(d, k)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(t: &'a [Comparison], key: &str) -> &'a Comparison {
        t.iter().find(|c| c.key == key).unwrap_or_else(|| panic!("{key} in the table"))
    }

    #[test]
    fn the_reference_agrees_with_itself_and_every_disagreement_says_why() {
        let cat = Catalogue::builtin().unwrap();
        let t = table(&cat);
        let k = row(&t, "ketamine");
        assert!((k.spine_rise_vs_ketamine.unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(k.agreement, Agreement::Agree);
        // Chronic memantine: no lasting synaptogenesis, as its negative trial (Zarate 2006).
        let m = row(&t, "memantine");
        assert_eq!(m.prediction, Prediction::None, "{m:?}");
        assert_eq!(m.agreement, Agreement::Agree);
        for c in &t {
            let drug = cat.get(&c.key).unwrap();
            let clinic = drug.clinic.as_ref();
            assert!(clinic.is_some(), "{} has a regimen but no clinical result (NoTrial if none)", c.key);
            if c.agreement == Agreement::Disagree {
                assert!(!clinic.unwrap().why_model_differs.is_empty(), "{}: the model disagrees with the clinic and does not say why", c.key);
            }
        }
    }

    #[test]
    fn agreement_follows_the_table() {
        use ClinicalResult as C;
        assert_eq!(agreement(Prediction::Strong, Some(C::Negative)), Agreement::Disagree);
        assert_eq!(agreement(Prediction::None, Some(C::RapidPositive)), Agreement::Disagree);
        assert_eq!(agreement(Prediction::None, Some(C::SlowPositive)), Agreement::Agree);
        assert_eq!(agreement(Prediction::NoRegimen, Some(C::RapidPositive)), Agreement::Unknown);
        assert_eq!(agreement(Prediction::Weak, Some(C::NoTrial)), Agreement::Unknown);
        assert_eq!(agreement(Prediction::NoRoute, Some(C::Mixed)), Agreement::Unknown);
    }

    /// A drug the model cannot carry to the slow cascade gets no prediction,
    /// whatever its regimen: its "none" is the model's silence.
    #[test]
    fn drugs_without_a_route_to_the_cascade_get_no_prediction() {
        let cat = Catalogue::builtin().unwrap();
        let k = reference_rise(&cat).unwrap();
        let c = compare(cat.get("minocycline").unwrap(), k);
        assert_eq!(c.prediction, Prediction::NoRoute);
        assert_eq!(c.agreement, Agreement::Unknown);
        assert!(!reaches_slow_cascade(cat.get("basimglurant").unwrap()), "mGlu5 has no path into the cascade");
        for key in ["ketamine", "riluzole", "lithium", "memantine", "ly341495", "jnj-40411813"] {
            assert!(reaches_slow_cascade(cat.get(key).unwrap()), "{key}");
        }
    }
}
