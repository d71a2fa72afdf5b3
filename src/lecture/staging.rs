//! Cue 9's staging calculator: the Thase–Rush stage and the MGH score of a
//! treatment history, with the remission/non-remission row of Petersen et
//! al. 2005 (J Clin Psychopharmacol 25:336) that the deck shows for them,
//! and the risk factors for treatment resistance of Souery et al. 2007
//! (J Clin Psychiatry 68:1062) as odds ratios. Pure data and arithmetic;
//! the panel that asks for the trials is in `app/lecture.rs`.

use serde::{Deserialize, Serialize};

/// An antidepressant class, as the staging methods tell them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Class {
    Ssri,
    Snri,
    /// Bupropion, mirtazapine and other classes distinct from the above.
    Other,
    Tca,
    Maoi,
}

impl Class {
    pub const ALL: [Class; 5] = [Class::Ssri, Class::Snri, Class::Other, Class::Tca, Class::Maoi];
    pub fn label(self) -> &'static str {
        match self {
            Class::Ssri => "SSRI",
            Class::Snri => "SNRI",
            Class::Other => "other class (bupropion, mirtazapine...)",
            Class::Tca => "tricyclic (TCA)",
            Class::Maoi => "MAOI",
        }
    }
}

/// One adequate trial that failed (MGH: at least 6 weeks at an adequate dose).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    pub class: Class,
    /// The dose was optimised (MGH: +0.5).
    pub dose_optimised: bool,
    /// The duration was optimised (MGH: +0.5).
    pub duration_optimised: bool,
    /// Augmented or combined (MGH: +0.5).
    pub augmented: bool,
}

impl Trial {
    pub fn of(class: Class) -> Self {
        Self { class, dose_optimised: false, duration_optimised: false, augmented: false }
    }
}

/// Thase & Rush (1997): stage 0 (no failed trial) to V. Stage I: one
/// class failed; II: a distinctly different class too; III: II and a TCA;
/// IV: III and an MAOI; V: IV and bilateral ECT. Stages II and up need two
/// classes other than a TCA or an MAOI (those count at stages III and IV).
pub fn thase_rush_stage(trials: &[Trial], ect_failed: bool) -> u8 {
    if trials.is_empty() {
        return 0;
    }
    let mut classes: Vec<Class> = trials.iter().map(|t| t.class).collect();
    classes.sort_by_key(|c| *c as u8);
    classes.dedup();
    let has = |c: Class| classes.contains(&c);
    let others = classes.iter().filter(|c| !matches!(c, Class::Tca | Class::Maoi)).count();
    if classes.len() < 2 {
        return 1;
    }
    if others < 2 || !has(Class::Tca) {
        return 2;
    }
    if !has(Class::Maoi) {
        return 3;
    }
    if !ect_failed { 4 } else { 5 }
}

/// The MGH staging score (Fava 2003): 1 per failed adequate trial, 0.5 per
/// trial for each optimisation (dose, duration, augmentation/combination), 3 for ECT.
pub fn mgh_score(trials: &[Trial], ect: bool) -> f64 {
    let per = |t: &Trial| 1.0 + 0.5 * (t.dose_optimised as u8 + t.duration_optimised as u8 + t.augmented as u8) as f64;
    trials.iter().map(per).sum::<f64>() + if ect { 3.0 } else { 0.0 }
}

/// A row of Petersen et al. 2005's table: (level or score, remitters, non-remitters).
pub type Row = (f64, u32, u32);

/// Thase–Rush levels 0–3 (Petersen 2005, as the deck shows them).
pub const THASE_RUSH_ROWS: [Row; 4] = [(0.0, 28, 1), (1.0, 23, 20), (2.0, 5, 32), (3.0, 2, 4)];

/// MGH scores (Petersen 2005). The deck prints 111 non-remitters at score 2;
/// its own 27 % says 11 (4 of 15), used here.
pub const MGH_ROWS: [Row; 8] = [(0.0, 28, 0), (1.0, 14, 7), (1.5, 6, 12), (2.0, 4, 11), (2.5, 4, 14), (3.0, 1, 5), (4.0, 1, 7), (5.0, 0, 1)];

/// The table's row for a stage or score: the exact row, or the highest row
/// below it (with `false`: the study had no patient at that value).
pub fn row_for(rows: &[Row], x: f64) -> (Row, bool) {
    let exact = rows.iter().find(|r| (r.0 - x).abs() < 1e-9);
    match exact {
        Some(r) => (*r, true),
        None => (*rows.iter().rev().find(|r| r.0 <= x).unwrap_or(&rows[0]), false),
    }
}

/// The percentage of remitters in a row.
pub fn remission_pct(r: &Row) -> f64 {
    100.0 * r.1 as f64 / (r.1 + r.2).max(1) as f64
}

/// Souery et al. 2007: factors associated with treatment resistance (odds ratio, p as printed).
pub const SOUERY_2007: [(&str, f64, &str); 11] = [
    ("Recurrent episodes (vs single)", 1.5, "P=.009"),
    ("Melancholic features", 1.5, "P=.018"),
    ("More than one hospitalisation", 1.6, "P=.003"),
    ("Non-response to the first antidepressant", 1.6, "P=.019"),
    ("Severe (vs moderate) intensity", 1.7, "P=.001"),
    ("Personality disorder (DSM-IV)", 1.7, "P=.049"),
    ("Age at onset before 18", 2.0, "P=.009"),
    ("Social phobia", 2.1, "P=.008"),
    ("Current suicidal risk", 2.2, "P<.001"),
    ("Comorbid anxiety disorder", 2.6, "P<.001"),
    ("Comorbid panic disorder", 3.2, "P<.001"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thase_rush_stages_follow_the_definitions() {
        let t = Trial::of;
        assert_eq!(thase_rush_stage(&[], false), 0);
        assert_eq!(thase_rush_stage(&[t(Class::Ssri)], false), 1);
        // Two SSRIs are one class: still stage I.
        assert_eq!(thase_rush_stage(&[t(Class::Ssri), t(Class::Ssri)], false), 1);
        assert_eq!(thase_rush_stage(&[t(Class::Ssri), t(Class::Snri)], false), 2);
        // A TCA as the second class is stage II, not III.
        assert_eq!(thase_rush_stage(&[t(Class::Ssri), t(Class::Tca)], false), 2);
        assert_eq!(thase_rush_stage(&[t(Class::Ssri), t(Class::Snri), t(Class::Tca)], false), 3);
        assert_eq!(thase_rush_stage(&[t(Class::Ssri), t(Class::Snri), t(Class::Tca), t(Class::Maoi)], false), 4);
        assert_eq!(thase_rush_stage(&[t(Class::Ssri), t(Class::Other), t(Class::Tca), t(Class::Maoi)], true), 5);
        // ECT alone does not stage past the trials that failed.
        assert_eq!(thase_rush_stage(&[t(Class::Ssri), t(Class::Snri)], true), 2);
    }

    #[test]
    fn mgh_scores_add_trials_optimisations_and_ect() {
        let full = Trial { class: Class::Ssri, dose_optimised: true, duration_optimised: true, augmented: true };
        assert_eq!(mgh_score(&[], false), 0.0);
        assert_eq!(mgh_score(&[Trial::of(Class::Ssri), Trial { dose_optimised: true, ..Trial::of(Class::Snri) }], false), 2.5);
        assert_eq!(mgh_score(&[full], true), 5.5);
        // Rows: exact, or the one below with the flag down.
        assert_eq!(row_for(&MGH_ROWS, 2.0), ((2.0, 4, 11), true));
        assert_eq!(row_for(&MGH_ROWS, 3.5), ((3.0, 1, 5), false));
        assert!((remission_pct(&MGH_ROWS[3]) - 26.67).abs() < 0.01, "the deck's 27 %");
        assert!((remission_pct(&THASE_RUSH_ROWS[1]) - 53.49).abs() < 0.01, "the deck's 53 %");
        assert_eq!(row_for(&THASE_RUSH_ROWS, 5.0), ((3.0, 2, 4), false));
    }
}
