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

/// How the model's prediction and a trial's result compare. A drug that
/// works, fast or over weeks, is never an agreement with a model that
/// predicts nothing for it: that is a disagreement (or, where none of its
/// mechanisms reaches the cascade, "no route", which is unknown).
pub fn agreement(prediction: Prediction, result: Option<ClinicalResult>) -> Agreement {
    use Agreement::*;
    use ClinicalResult as C;
    use Prediction as P;
    match (prediction, result) {
        (P::NoRegimen | P::NoRoute, _) | (_, None) | (_, Some(C::NoTrial)) => Unknown,
        (P::Strong, Some(C::RapidPositive)) => Agree,
        (P::Weak, Some(C::RapidPositive)) => Partly,
        (P::None, Some(C::RapidPositive)) => Disagree,
        (P::Strong | P::Weak, Some(C::SlowPositive)) => Partly,
        (P::None, Some(C::SlowPositive)) => Disagree,
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

/// The clinic's order of the single-dose (rapid-acting) regimens by their
/// effect at about 24 h, best first; equal ranks are ties. Written down
/// from the trials, not from the model:
/// 1. ketamine 0.5 mg/kg IV: the largest effect at 24 h (Zarate et al.
///    2006), and more effective than intranasal esketamine in a
///    meta-analysis (Bahji, Vazquez & Zarate, J Affect Disord 2021);
/// 2. esketamine 84 mg intranasal: better than placebo, a modest effect
///    (Daly et al. 2018; Popova et al. 2019; Bahji et al. 2021);
/// 3. nitrous oxide 50 % for 1 h: better than placebo at 2 h and 24 h in a
///    small crossover (Nagele et al. 2015); 25 % was no better than
///    placebo at 24 h (Nagele et al. 2021);
/// 4. traxoprodil: response at day 5, onset in days (Preskorn et al. 2008);
/// 5. rapastinel and CERC-301: phase 2 signals at most, phase 3 or the
///    primary endpoint missed (Allergan 2019; Cerecor 2016).
pub const CLINICAL_RAPID_RANK: &[(&str, u8)] = &[("ketamine", 1), ("esketamine", 2), ("nitrous-oxide", 3), ("traxoprodil", 4), ("rapastinel", 5), ("cerc-301", 5)];

/// How the model's order of the rapid-acting regimens matches the clinic's.
#[derive(Clone, Debug, PartialEq)]
pub struct RankAgreement {
    /// Spearman's rank correlation (ties get their mean rank).
    pub rho: f64,
    /// Each drug: key, the model's rank, the clinic's rank (mean ranks, 1 = best).
    pub ranks: Vec<(String, f64, f64)>,
}

impl RankAgreement {
    /// Drugs whose two ranks are at least two places apart: where the model parts from the clinic.
    pub fn parts(&self) -> impl Iterator<Item = &(String, f64, f64)> {
        self.ranks.iter().filter(|(_, m, c)| (m - c).abs() >= 2.0)
    }
}

/// Spearman's ρ of the table's spine rises against `CLINICAL_RAPID_RANK`
/// (None with fewer than three of those drugs in the table).
pub fn rank_agreement(table: &[Comparison]) -> Option<RankAgreement> {
    let pairs: Vec<(&str, f64, f64)> =
        CLINICAL_RAPID_RANK.iter().filter_map(|&(key, rank)| table.iter().find(|c| c.key == key).and_then(|c| c.spine_rise_vs_ketamine).map(|rise| (key, rise, rank as f64))).collect();
    if pairs.len() < 3 {
        return None;
    }
    // The model ranks larger rises first; the clinic's numbers are ranks already.
    let model = crate::stats::mean_ranks(&pairs.iter().map(|p| -p.1).collect::<Vec<_>>());
    let clinic = crate::stats::mean_ranks(&pairs.iter().map(|p| p.2).collect::<Vec<_>>());
    Some(RankAgreement { rho: crate::stats::pearson(&model, &clinic), ranks: pairs.iter().zip(model.iter().zip(&clinic)).map(|(p, (&m, &c))| (p.0.to_string(), m, c)).collect() })
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

    /// Spearman's ρ: 1 for the same order, −1 for the reverse, ties at
    /// their mean rank (checked against the textbook formula 1 − 6Σd²/(n(n²−1))).
    #[test]
    fn rank_agreement_is_spearmans_rho() {
        let t = |rises: [f64; 6]| -> Vec<Comparison> {
            CLINICAL_RAPID_RANK
                .iter()
                .zip(rises)
                .map(|(&(key, _), r)| Comparison {
                    key: key.into(),
                    name: key.into(),
                    regimen: String::new(),
                    spine_rise_vs_ketamine: Some(r),
                    prediction: Prediction::Strong,
                    agreement: Agreement::Agree,
                })
                .collect()
        };
        // The clinic's own order (its tie at rank 5 given as a tie).
        assert!((rank_agreement(&t([1.0, 0.9, 0.8, 0.7, 0.6, 0.6])).unwrap().rho - 1.0).abs() < 1e-12);
        assert!((rank_agreement(&t([0.1, 0.2, 0.3, 0.4, 0.5, 0.5])).unwrap().rho + 1.0).abs() < 1e-12);
        // No ties on the model's side: mean clinic ranks 1,2,3,4,5.5,5.5; model 4,2,1,3,6,5.
        let r = rank_agreement(&t([1.0, 1.16, 1.21, 1.03, 0.43, 0.71])).unwrap();
        let d2: f64 = [(4.0, 1.0), (2.0, 2.0), (1.0, 3.0), (3.0, 4.0), (6.0, 5.5), (5.0, 5.5)].iter().map(|(m, c): &(f64, f64)| (m - c) * (m - c)).sum();
        let textbook = 1.0 - 6.0 * d2 / (6.0 * 35.0);
        assert!((r.rho - textbook).abs() < 0.03, "{} vs {textbook}", r.rho);
        assert_eq!(r.parts().map(|p| p.0.as_str()).collect::<Vec<_>>(), ["ketamine", "nitrous-oxide"]);
    }

    /// The built-in catalogue: ρ is computed over all six regimens, and
    /// every drug the model ranks two or more places from the clinic says why.
    #[test]
    fn where_the_model_parts_from_the_clinics_order_it_says_why() {
        let cat = Catalogue::builtin().unwrap();
        let r = rank_agreement(&table(&cat)).unwrap();
        println!("rho {:.2}: {:?}", r.rho, r.ranks);
        assert_eq!(r.ranks.len(), CLINICAL_RAPID_RANK.len());
        assert!(r.rho.is_finite() && r.rho.abs() <= 1.0);
        for (key, m, c) in r.parts() {
            let why = &cat.get(key).unwrap().clinic.as_ref().unwrap().why_rank_differs;
            assert!(!why.is_empty(), "{key}: model rank {m}, clinic {c}, and no reason given");
        }
    }

    #[test]
    fn agreement_follows_the_table() {
        use ClinicalResult as C;
        assert_eq!(agreement(Prediction::Strong, Some(C::Negative)), Agreement::Disagree);
        assert_eq!(agreement(Prediction::None, Some(C::RapidPositive)), Agreement::Disagree);
        assert_eq!(agreement(Prediction::None, Some(C::SlowPositive)), Agreement::Disagree);
        assert_eq!(agreement(Prediction::Weak, Some(C::SlowPositive)), Agreement::Partly);
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
