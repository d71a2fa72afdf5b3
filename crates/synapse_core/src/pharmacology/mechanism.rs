//! One place for each mechanism's behaviour: its constants and their
//! checks, what it does to the synapse (book/src/model.md §9 E1–E7, applied in
//! `effects`), its equilibrium occupancy, whether its molecules are drawn
//! in the cleft, what a dose–response sweep measures, how its input potency
//! reads, and whether it reaches the slow cascade. A new mechanism is a new
//! variant here and its arm in each method below; the rest of the code asks
//! these methods.

use super::effects::{Blocker, Effects, SiteAgonist, hill};
use crate::receptors::ReceptorKind;
use serde::{Deserialize, Serialize};

/// What a drug does, with its constants. Concentrations are free
/// concentrations at the synapse in µM.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub enum Mechanism {
    /// Use- and voltage-dependent pore block of open channels; a blocker in a
    /// channel that closes is trapped, except `escape_on_closing` of them.
    /// `on_rate_factor` (default 1) scales the on-rate k_off/IC50 where
    /// escape on deactivation adds an exit the IC50 formula ignores; it is
    /// fitted so the simulated dose–response gives the measured IC50.
    OpenChannelBlock {
        targets: Vec<ReceptorKind>,
        ic50_um_minus70: f64,
        koff_per_s: f64,
        delta: f64,
        escape_on_closing: f64,
        #[serde(default = "one")]
        on_rate_factor: f64,
        source: String,
    },
    /// The Mg²⁺ pore block of Jahr & Stevens 1990 (Kd(V) = 3.57 mM·e^(0.062 V)).
    MagnesiumBlock { targets: Vec<ReceptorKind>, source: String },
    /// Allosteric inhibition (negative `emax`) or potentiation (positive) of
    /// channel opening: effect = emax·θ with θ a Hill occupancy (E6).
    Allosteric { targets: Vec<ReceptorKind>, ic50_um: f64, hill: f64, emax: f64, source: String },
    /// Competitive antagonism at the glutamate site: binding slowed by 1 + D/Ki (E4).
    Competitive { targets: Vec<ReceptorKind>, ki_um: f64, source: String },
    /// An agonist at a metabotropic receptor: the active fraction the
    /// G-protein sees becomes f + (1 − f)·emax·θ, f the glutamate-bound
    /// fraction and θ the agonist's Hill occupancy (E7).
    MetabotropicAgonist { targets: Vec<ReceptorKind>, ec50_um: f64, emax: f64, source: String },
    /// An agonist at the GluN1 glycine site with per-subunit efficacy ε
    /// relative to glycine (E5; ε < 1 partial, ε > 1 super-agonist).
    GlycineSite { ec50_2a_um: f64, ec50_2b_um: f64, efficacy_2a: f64, efficacy_2b: f64, source: String },
    /// Slower deactivation and desensitisation of AMPA receptors (PAM):
    /// closing and desensitisation rates divided by 1 + k·θ (E6).
    SlowsClosing { targets: Vec<ReceptorKind>, ec50_um: f64, k: f64, source: String },
    /// A positive modulator whose effect turns down at high concentration
    /// (inverted U): potentiation emax·θ₁·(1 − θ₂) with θ₂ from `ic50_high_um`.
    InvertedU { targets: Vec<ReceptorKind>, ec50_um: f64, ic50_high_um: f64, emax: f64, source: String },
    /// Less glutamate release per spike: Ca²⁺ entry scaled by 1 − emax·θ.
    ReleaseInhibition { ic50_um: f64, emax: f64, source: String },
    /// More astrocytic GLT-1 over days, graded with the dose: expression →
    /// 1 + (fold − 1)·θ with θ = D/(D + EC50), reached with τ `tau_days`
    /// (without `ec50_um`, any dose gives the full fold).
    TransporterUpregulation {
        fold: f64,
        tau_days: f64,
        #[serde(default)]
        ec50_um: Option<f64>,
        source: String,
    },
    /// A non-transported, competitive blocker of the glutamate transporters
    /// (DL-TBOA): the fraction of carriers free to bind glutamate is
    /// 1 − θ, θ = D/(D + Ki), at once (glutamate's own competition for the
    /// site is left out: the block is an upper bound at high glutamate).
    TransporterBlock { ki_um: f64, source: String },
    /// L-type Ca²⁺ channel block: less activity-dependent BDNF release (slow cascade, C6).
    LTypeCalciumBlock { ic50_um: f64, source: String },
    /// mTORC1 inhibition (rapamycin): the mTORC1 drive scaled by 1 − θ (C9).
    MtorInhibition { ic50_um: f64, source: String },
    /// GSK-3 inhibition (lithium): GSK-3 activity scaled by 1 − θ (C8).
    Gsk3Inhibition { ki_um: f64, source: String },
    /// Serotonin-transporter block (SSRIs): BDNF expression rises towards
    /// 1 + `bdnf_gain`·θ with τ `tau_days` (weeks, not hours).
    SerotoninReuptakeInhibition { ki_um: f64, bdnf_gain: f64, tau_days: f64, source: String },
    /// A route the model does not have (`route` says which, and the panel
    /// shows it): the drug is listed so that the lecture's catalogue is
    /// complete, and applying it changes nothing.
    NotModelled { route: String, source: String },
}

fn one() -> f64 {
    1.0
}

/// A mechanism's constants failed a check: the field (relative to the
/// mechanism) and what is wrong with it.
pub type CheckError = (String, String);

impl Mechanism {
    pub fn source(&self) -> &str {
        match self {
            Mechanism::OpenChannelBlock { source, .. }
            | Mechanism::MagnesiumBlock { source, .. }
            | Mechanism::Allosteric { source, .. }
            | Mechanism::Competitive { source, .. }
            | Mechanism::MetabotropicAgonist { source, .. }
            | Mechanism::GlycineSite { source, .. }
            | Mechanism::SlowsClosing { source, .. }
            | Mechanism::InvertedU { source, .. }
            | Mechanism::ReleaseInhibition { source, .. }
            | Mechanism::TransporterUpregulation { source, .. }
            | Mechanism::TransporterBlock { source, .. }
            | Mechanism::LTypeCalciumBlock { source, .. }
            | Mechanism::MtorInhibition { source, .. }
            | Mechanism::Gsk3Inhibition { source, .. }
            | Mechanism::SerotoninReuptakeInhibition { source, .. }
            | Mechanism::NotModelled { source, .. } => source,
        }
    }

    /// Every constant present, positive where it must be, in range.
    pub fn check(&self) -> Result<(), CheckError> {
        let bad = |field: &str, message: String| -> Result<(), CheckError> { Err((field.into(), message)) };
        let positive = |field: &str, v: f64| if v.is_finite() && v > 0.0 { Ok(()) } else { bad(field, format!("{v} must be a positive number")) };
        let fraction = |field: &str, v: f64| if (0.0..=1.0).contains(&v) { Ok(()) } else { bad(field, format!("{v} must lie between 0 and 1")) };
        let targets_ok = |t: &Vec<ReceptorKind>| if t.is_empty() { bad("targets", "name at least one receptor".into()) } else { Ok(()) };
        if self.source().trim().is_empty() {
            return bad("source", "every constant needs its source (paper, year)".into());
        }
        match self {
            Mechanism::OpenChannelBlock { targets, ic50_um_minus70, koff_per_s, delta, escape_on_closing, on_rate_factor, .. } => {
                targets_ok(targets)?;
                positive("on_rate_factor", *on_rate_factor)?;
                positive("ic50_um_minus70", *ic50_um_minus70)?;
                positive("koff_per_s", *koff_per_s)?;
                fraction("delta", *delta)?;
                fraction("escape_on_closing", *escape_on_closing)?;
            }
            Mechanism::MagnesiumBlock { targets, .. } => targets_ok(targets)?,
            Mechanism::Allosteric { targets, ic50_um, hill, emax, .. } => {
                targets_ok(targets)?;
                positive("ic50_um", *ic50_um)?;
                positive("hill", *hill)?;
                if !(-1.0..=10.0).contains(emax) {
                    return bad("emax", format!("{emax} must lie in -1 (full inhibition) to 10"));
                }
            }
            Mechanism::Competitive { targets, ki_um, .. } => {
                targets_ok(targets)?;
                positive("ki_um", *ki_um)?;
            }
            Mechanism::MetabotropicAgonist { targets, ec50_um, emax, .. } => {
                targets_ok(targets)?;
                if let Some(t) = targets.iter().find(|t| !matches!(t, ReceptorKind::MgluGroup1 | ReceptorKind::MgluGroup2)) {
                    return bad("targets", format!("{t:?} is not metabotropic: an agonist here needs MgluGroup1 or MgluGroup2"));
                }
                positive("ec50_um", *ec50_um)?;
                fraction("emax", *emax)?;
            }
            Mechanism::GlycineSite { ec50_2a_um, ec50_2b_um, efficacy_2a, efficacy_2b, .. } => {
                positive("ec50_2a_um", *ec50_2a_um)?;
                positive("ec50_2b_um", *ec50_2b_um)?;
                positive("efficacy_2a", *efficacy_2a)?;
                positive("efficacy_2b", *efficacy_2b)?;
            }
            Mechanism::SlowsClosing { targets, ec50_um, k, .. } => {
                targets_ok(targets)?;
                positive("ec50_um", *ec50_um)?;
                positive("k", *k)?;
            }
            Mechanism::InvertedU { targets, ec50_um, ic50_high_um, emax, .. } => {
                targets_ok(targets)?;
                positive("ec50_um", *ec50_um)?;
                positive("ic50_high_um", *ic50_high_um)?;
                positive("emax", *emax)?;
                if ic50_high_um <= ec50_um {
                    return bad("ic50_high_um", "must exceed ec50_um for an inverted U".into());
                }
            }
            Mechanism::ReleaseInhibition { ic50_um, emax, .. } => {
                positive("ic50_um", *ic50_um)?;
                fraction("emax", *emax)?;
            }
            Mechanism::TransporterUpregulation { fold, tau_days, ec50_um, .. } => {
                positive("fold", *fold)?;
                positive("tau_days", *tau_days)?;
                if let Some(k) = ec50_um {
                    positive("ec50_um", *k)?;
                }
            }
            Mechanism::LTypeCalciumBlock { ic50_um, .. } | Mechanism::MtorInhibition { ic50_um, .. } => positive("ic50_um", *ic50_um)?,
            Mechanism::Gsk3Inhibition { ki_um, .. } | Mechanism::TransporterBlock { ki_um, .. } => positive("ki_um", *ki_um)?,
            Mechanism::NotModelled { route, .. } => {
                if route.trim().is_empty() {
                    return bad("route", "say which route the model lacks (it is shown on screen)".into());
                }
            }
            Mechanism::SerotoninReuptakeInhibition { ki_um, bdnf_gain, tau_days, .. } => {
                positive("ki_um", *ki_um)?;
                positive("bdnf_gain", *bdnf_gain)?;
                positive("tau_days", *tau_days)?;
            }
        }
        Ok(())
    }

    /// What this mechanism does at free concentration `d` µM, combined into
    /// `e` (multiplicatively where mechanisms act on the same rate); `key`
    /// names a blocker's drug.
    pub fn apply(&self, key: &str, d: f64, e: &mut Effects) {
        match self {
            Mechanism::OpenChannelBlock { targets, ic50_um_minus70, koff_per_s, delta, escape_on_closing, on_rate_factor, .. } => e.blockers.push(Blocker {
                key: key.into(),
                targets: targets.clone(),
                ic50_um_minus70: *ic50_um_minus70,
                koff_per_s: *koff_per_s,
                delta: *delta,
                escape_on_closing: *escape_on_closing,
                on_rate_factor: *on_rate_factor,
                conc_um: d,
            }),
            Mechanism::MagnesiumBlock { .. } => e.extra_mg_mm += d * 1e-3,
            Mechanism::Allosteric { targets, ic50_um, hill: n, emax, .. } => {
                for t in targets {
                    e.activity[*t as usize] *= 1.0 + emax * hill(d, *ic50_um, *n);
                }
            }
            Mechanism::Competitive { targets, ki_um, .. } => {
                for t in targets {
                    e.mods[*t as usize].binding /= 1.0 + d / ki_um;
                }
            }
            Mechanism::MetabotropicAgonist { targets, ec50_um, emax, .. } => {
                for t in targets {
                    let a = &mut e.agonist_activation[*t as usize];
                    *a = 1.0 - (1.0 - *a) * (1.0 - emax * hill(d, *ec50_um, 1.0));
                }
            }
            Mechanism::GlycineSite { ec50_2a_um, ec50_2b_um, efficacy_2a, efficacy_2b, .. } => {
                e.agonists.push(SiteAgonist { conc_um: d, ec50_2a_um: *ec50_2a_um, ec50_2b_um: *ec50_2b_um, efficacy_2a: *efficacy_2a, efficacy_2b: *efficacy_2b })
            }
            Mechanism::SlowsClosing { targets, ec50_um, k, .. } => {
                let f = 1.0 + k * hill(d, *ec50_um, 1.0);
                for t in targets {
                    e.mods[*t as usize].closing /= f;
                    e.mods[*t as usize].desensitizing /= f;
                }
            }
            Mechanism::InvertedU { targets, ec50_um, ic50_high_um, emax, .. } => {
                let f = 1.0 + emax * hill(d, *ec50_um, 1.0) * (1.0 - hill(d, *ic50_high_um, 1.0));
                for t in targets {
                    e.activity[*t as usize] *= f;
                }
            }
            Mechanism::ReleaseInhibition { ic50_um, emax, .. } => e.release_scale *= 1.0 - emax * hill(d, *ic50_um, 1.0),
            Mechanism::TransporterUpregulation { fold, tau_days, ec50_um, .. } if d > 0.0 => {
                let theta = ec50_um.map(|k| hill(d, k, 1.0)).unwrap_or(1.0);
                e.uptake_target *= 1.0 + (fold - 1.0) * theta;
                e.uptake_tau_days = *tau_days;
            }
            Mechanism::TransporterUpregulation { .. } => {}
            Mechanism::TransporterBlock { ki_um, .. } => e.uptake_block = 1.0 - (1.0 - e.uptake_block) * (1.0 - hill(d, *ki_um, 1.0)),
            // Independent inhibitors of one target combine as 1 − Π(1 − θ).
            Mechanism::LTypeCalciumBlock { ic50_um, .. } => e.ltype_block = 1.0 - (1.0 - e.ltype_block) * (1.0 - hill(d, *ic50_um, 1.0)),
            Mechanism::MtorInhibition { ic50_um, .. } => e.mtor_block = 1.0 - (1.0 - e.mtor_block) * (1.0 - hill(d, *ic50_um, 1.0)),
            Mechanism::Gsk3Inhibition { ki_um, .. } => e.gsk3_block = 1.0 - (1.0 - e.gsk3_block) * (1.0 - hill(d, *ki_um, 1.0)),
            Mechanism::NotModelled { .. } => {}
            Mechanism::SerotoninReuptakeInhibition { ki_um, bdnf_gain, tau_days, .. } => {
                e.ssri_bdnf_target += bdnf_gain * hill(d, *ki_um, 1.0);
                e.ssri_tau_days = *tau_days;
            }
        }
    }

    /// Equilibrium occupancy of a non-blocking mechanism (θ of its Hill law).
    pub fn occupancy(&self, d_um: f64) -> Option<(Vec<ReceptorKind>, f64)> {
        let kinds = |t: &Vec<ReceptorKind>| t.clone();
        match self {
            Mechanism::Allosteric { targets, ic50_um, hill: n, .. } => Some((kinds(targets), hill(d_um, *ic50_um, *n))),
            Mechanism::Competitive { targets, ki_um, .. } => Some((kinds(targets), hill(d_um, *ki_um, 1.0))),
            Mechanism::MetabotropicAgonist { targets, ec50_um, .. } => Some((kinds(targets), hill(d_um, *ec50_um, 1.0))),
            Mechanism::SlowsClosing { targets, ec50_um, .. } | Mechanism::InvertedU { targets, ec50_um, .. } => Some((kinds(targets), hill(d_um, *ec50_um, 1.0))),
            Mechanism::GlycineSite { ec50_2a_um, .. } => Some((vec![ReceptorKind::Nmda2A, ReceptorKind::Nmda2B], hill(d_um, *ec50_2a_um, 1.0))),
            Mechanism::LTypeCalciumBlock { ic50_um, .. } | Mechanism::MtorInhibition { ic50_um, .. } => Some((Vec::new(), hill(d_um, *ic50_um, 1.0))),
            Mechanism::Gsk3Inhibition { ki_um, .. } | Mechanism::SerotoninReuptakeInhibition { ki_um, .. } | Mechanism::TransporterBlock { ki_um, .. } => Some((Vec::new(), hill(d_um, *ki_um, 1.0))),
            _ => None,
        }
    }

    /// Does it act on the synapse's receptors, and so get molecules in the cleft?
    pub fn has_molecules(&self) -> bool {
        matches!(
            self,
            Mechanism::OpenChannelBlock { .. }
                | Mechanism::Allosteric { .. }
                | Mechanism::Competitive { .. }
                | Mechanism::MetabotropicAgonist { .. }
                | Mechanism::GlycineSite { .. }
                | Mechanism::SlowsClosing { .. }
                | Mechanism::InvertedU { .. }
        )
    }

    /// What a dose–response sweep measures: (receptor, input IC50 or EC50
    /// µM, maximal effect; negative = potentiation), or `None` for
    /// mechanisms that act on release, uptake or the slow cascade.
    pub fn sweep(&self) -> Option<(ReceptorKind, Option<f64>, f64)> {
        match self {
            Mechanism::OpenChannelBlock { targets, ic50_um_minus70, .. } => Some((targets[0], Some(*ic50_um_minus70), 1.0)),
            Mechanism::Allosteric { targets, ic50_um, emax, .. } => Some((targets[0], Some(*ic50_um), -emax)),
            Mechanism::Competitive { targets, ki_um, .. } => Some((targets[0], Some(*ki_um), 1.0)),
            Mechanism::MetabotropicAgonist { targets, ec50_um, emax, .. } => Some((targets[0], Some(*ec50_um), -emax)),
            Mechanism::MagnesiumBlock { targets, .. } => Some((targets[0], None, 1.0)),
            Mechanism::SlowsClosing { targets, ec50_um, .. } | Mechanism::InvertedU { targets, ec50_um, .. } => Some((targets[0], Some(*ec50_um), -1.0)),
            Mechanism::GlycineSite { ec50_2a_um, .. } => Some((ReceptorKind::Nmda2A, Some(*ec50_2a_um), -1.0)),
            _ => None,
        }
    }

    /// The input potency in words, with its source (`dose-response` prints
    /// it as the model's input, not as a literature comparison).
    pub fn potency(&self) -> Option<String> {
        match self {
            Mechanism::OpenChannelBlock { ic50_um_minus70, source, .. } => Some(format!("IC50 {ic50_um_minus70} µM at -70 mV in 0 Mg2+ ({source})")),
            Mechanism::Allosteric { ic50_um, emax, source, .. } => Some(format!("IC50 {ic50_um} µM, maximal effect {emax} ({source})")),
            Mechanism::Competitive { ki_um, source, .. } => Some(format!("Ki {ki_um} µM; IC50 = Ki(1 + [Glu]/EC50) by Cheng-Prusoff ({source})")),
            Mechanism::InvertedU { ec50_um, source, .. } => Some(format!("EC50 {ec50_um} µM, inverted U ({source})")),
            Mechanism::GlycineSite { ec50_2a_um, source, .. } => Some(format!("EC50 {ec50_2a_um} µM ({source})")),
            Mechanism::MetabotropicAgonist { ec50_um, emax, source, .. } => Some(format!("EC50 {ec50_um} µM, efficacy {emax} ({source})")),
            _ => None,
        }
    }

    /// Does it feed the slow cascade? Group I mGluRs have no path into it
    /// (signalling.rs; mGlu5 NAMs act without AMPA receptors or mTOR in
    /// rats, Palucha-Poniewiera, Szewczyk & Pilc, Neuropharmacology 2014),
    /// group II reaches it through release (the presynaptic brake, C3), and
    /// a not-modelled route changes nothing.
    pub fn reaches_slow_cascade(&self) -> bool {
        let group1_only = |t: &[ReceptorKind]| t.iter().all(|k| *k == ReceptorKind::MgluGroup1);
        match self {
            Mechanism::NotModelled { .. } => false,
            Mechanism::MetabotropicAgonist { targets, .. } | Mechanism::Allosteric { targets, .. } | Mechanism::Competitive { targets, .. } => !group1_only(targets),
            _ => true,
        }
    }
}
