//! From applied drugs to what the synapse feels: rate multipliers per
//! receptor kind (E4, E6 of book/src/model.md §9), channel activity scales,
//! the glycine-site mixture (E5), open-channel blockers with their
//! voltage-dependent rates, extra Mg²⁺, release and transporter scales.
use crate::math;

use super::catalogue::Drug;
use crate::receptors::nmda::{GLY_EC50_2A_UM, GLY_EC50_2B_UM, Subunit};
use crate::receptors::scheme::RateMods;
use crate::receptors::{BlockerStep, ReceptorKind};
use crate::rng::{p_event, threshold};

/// A drug at a free concentration at the synapse.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    pub drug: Drug,
    pub conc_um: f64,
}

/// Hill occupancy θ = Dⁿ/(Dⁿ + Kⁿ) (E1).
pub fn hill(d_um: f64, k_um: f64, n: f64) -> f64 {
    if d_um <= 0.0 {
        return 0.0;
    }
    let x = math::powf(d_um / k_um, n);
    x / (1.0 + x)
}

/// An open-channel blocker in the pore model.
#[derive(Clone, Debug, PartialEq)]
pub struct Blocker {
    pub key: String,
    pub targets: Vec<ReceptorKind>,
    pub ic50_um_minus70: f64,
    pub koff_per_s: f64,
    pub delta: f64,
    pub escape_on_closing: f64,
    pub on_rate_factor: f64,
    pub conc_um: f64,
}

impl Blocker {
    /// IC50 at `v_mv` (Woodhull): IC50(V) = IC50(−70)·e^(δF(V + 70)/RT).
    pub fn ic50_um(&self, v_mv: f64, temperature_c: f64) -> f64 {
        let rt_over_f_mv = 8.314_462 * (273.15 + temperature_c) / 96_485.33 * 1e3;
        self.ic50_um_minus70 * math::exp(self.delta * (v_mv + 70.0) / rt_over_f_mv)
    }

    /// Per-step probabilities. Block and unblock happen only while the
    /// channel is open, so the steady-state fraction blocked is
    /// D/(D + IC50(V)) whatever the open probability: k_on = k_off/IC50(V),
    /// with k_off the measured one (Gilling et al. 2009; book/src/model.md §10).
    /// `pore_free` is the fraction of time the pore is free of Mg²⁺ (B(V) of
    /// Jahr & Stevens): a blocker enters only a pore free of Mg²⁺, as the
    /// two share the deep site, so 1 mM Mg²⁺ raises the IC50 by 1/B(V),
    /// ~18-fold at −66 mV, for every pore blocker alike. Kotermanski &
    /// Johnson (J Neurosci 2009) measured such shifts, of the same size for
    /// memantine and ketamine at GluN2A and GluN2B receptors: Mg²⁺ does not
    /// tell the two drugs apart.
    pub fn step(&self, v_mv: f64, temperature_c: f64, dt_ms: f64, pore_free: f64) -> BlockerStep {
        let koff_per_ms = self.koff_per_s * 1e-3;
        let kon_per_um_ms = pore_free * self.on_rate_factor * koff_per_ms / self.ic50_um(v_mv, temperature_c);
        BlockerStep { on: threshold(p_event(kon_per_um_ms * self.conc_um, dt_ms)), off: threshold(p_event(koff_per_ms, dt_ms)), escape: threshold(self.escape_on_closing) }
    }
}

/// A glycine-site agonist in the E5 mixture.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SiteAgonist {
    pub conc_um: f64,
    pub ec50_2a_um: f64,
    pub ec50_2b_um: f64,
    pub efficacy_2a: f64,
    pub efficacy_2b: f64,
}

/// E5: R = Σ εᵢ(xᵢ/Kᵢ) / (1 + Σ xⱼ/Kⱼ), with glycine and D-serine of the bath
/// as full agonists (ε = 1) and the drug agonists with their efficacies.
pub fn coagonist_factor(sub: Subunit, gly_um: f64, dser_um: f64, agonists: &[SiteAgonist]) -> f64 {
    let k = match sub {
        Subunit::GluN2A => GLY_EC50_2A_UM,
        Subunit::GluN2B => GLY_EC50_2B_UM,
    };
    let (mut num, mut den) = ((gly_um + dser_um) / k, (gly_um + dser_um) / k);
    for a in agonists {
        let (kk, e) = match sub {
            Subunit::GluN2A => (a.ec50_2a_um, a.efficacy_2a),
            Subunit::GluN2B => (a.ec50_2b_um, a.efficacy_2b),
        };
        num += e * a.conc_um / kk;
        den += a.conc_um / kk;
    }
    num / (1.0 + den)
}

/// Everything the applied drugs do, combined.
#[derive(Clone, Debug, PartialEq)]
pub struct Effects {
    /// Rate multipliers per kind (co-agonist left at 1; see `agonists`).
    pub mods: [RateMods; 6],
    /// Conductance (ionotropic) or activity (mGluR) multiplier per kind.
    pub activity: [f64; 6],
    /// Active fraction an agonist adds at a metabotropic kind (0 = none;
    /// several agonists combine as 1 − Π(1 − emax·θ)).
    pub agonist_activation: [f64; 6],
    pub agonists: Vec<SiteAgonist>,
    pub blockers: Vec<Blocker>,
    pub extra_mg_mm: f64,
    pub release_scale: f64,
    /// GLT-1 expression the astrocyte moves towards, and its τ.
    pub uptake_target: f64,
    pub uptake_tau_days: f64,
    /// Fraction of the transporters a blocker holds now (DL-TBOA).
    pub uptake_block: f64,
    /// Slow-cascade targets (signalling.rs): fractions inhibited of L-type
    /// Ca²⁺ channels, mTORC1 and GSK-3.
    pub ltype_block: f64,
    pub mtor_block: f64,
    pub gsk3_block: f64,
    /// BDNF expression an SSRI moves towards (1 = none), and its τ.
    pub ssri_bdnf_target: f64,
    pub ssri_tau_days: f64,
}

impl Default for Effects {
    fn default() -> Self {
        Self {
            mods: [RateMods::default(); 6],
            activity: [1.0; 6],
            agonist_activation: [0.0; 6],
            agonists: Vec::new(),
            blockers: Vec::new(),
            extra_mg_mm: 0.0,
            release_scale: 1.0,
            uptake_target: 1.0,
            uptake_tau_days: 3.0,
            uptake_block: 0.0,
            ltype_block: 0.0,
            mtor_block: 0.0,
            gsk3_block: 0.0,
            ssri_bdnf_target: 1.0,
            ssri_tau_days: 14.0,
        }
    }
}

/// Combine the mechanisms of every applied drug (multiplicatively where
/// they act on the same rate).
pub fn effects(applied: &[Applied]) -> Effects {
    let mut e = Effects::default();
    for a in applied {
        // A washed-out drug stays listed at 0: a trapped blocker still needs
        // its exit rates, and its index in `Receptors::blocked` must not move.
        let d = a.conc_um.max(0.0);
        for m in &a.drug.mechanisms {
            m.apply(&a.drug.key, d, &mut e);
        }
    }
    e
}

/// The active fraction a metabotropic receptor group passes to its
/// G-protein: glutamate-bound fraction `bound` times the modulators'
/// activity, plus what an agonist activates among the rest (E7), at most 1.
pub fn metabotropic_drive(kind: ReceptorKind, bound: f64, e: &Effects) -> f64 {
    let glu = (bound * e.activity[kind as usize]).clamp(0.0, 1.0);
    glu + (1.0 - glu) * e.agonist_activation[kind as usize]
}

/// Tonic activation of the presynaptic mGlu2/3 receptors in vivo, on the
/// slow clock (assumption: 1 %, so that a saturating group II antagonist
/// raises release by ~20 %). Endogenous glutamate does brake release
/// tonically through mGlu2/3 (LY341495 raised nucleus accumbens glutamate,
/// Xi et al., JPET 2002), but the size of the brake in prefrontal cortex is
/// not known: local blockade left basal PFC glutamate unchanged (Melendez
/// et al. 2005).
pub const MGLU2_TONIC_ACTIVE: f64 = 0.01;
/// Release against Ca²⁺ entry on the slow clock: the fast synapse's own
/// slope (release vs [Ca²⁺]o, log-log 2.7 at 1–2 mM, a `validate` row).
const RELEASE_CA_SLOPE: f64 = 2.7;

/// Release on the slow clock relative to the drug-free synapse, through the
/// presynaptic mGlu2/3 brake (the route of LY341495 into the cascade:
/// Koike et al. 2011, Dwyer et al. 2012): the tonic active fraction with
/// the drugs' binding (E4), modulators (E6) and agonists (E7), carried
/// through the fast synapse's G-protein steady state and its Ca²⁺-entry
/// cut (release.rs), raised to the release–Ca²⁺ slope. 1 without drugs
/// acting on mGlu2/3 (exactly).
pub fn mglu2_release_scale(e: &Effects) -> f64 {
    use crate::receptors::mglur::GCascade;
    use crate::release::MGLU2_MAX_CA_INHIBITION;
    let g2 = ReceptorKind::MgluGroup2;
    // Two-state binding: a competitive antagonist divides the binding rate.
    let odds = MGLU2_TONIC_ACTIVE / (1.0 - MGLU2_TONIC_ACTIVE) * e.mods[g2 as usize].binding;
    let ca = |a: f64| 1.0 - MGLU2_MAX_CA_INHIBITION * GCascade::steady_effector(a);
    let with = ca(metabotropic_drive(g2, odds / (1.0 + odds), e));
    let without = ca(MGLU2_TONIC_ACTIVE);
    math::powf(with / without, RELEASE_CA_SLOPE)
}

/// The rate multipliers of one receptor kind: the hooks set directly
/// (`base`), times the drugs' effects, times the NMDA co-agonist mixture of
/// the bath (glycine, D-serine) and the drugs.
pub fn combined_mods(kind: ReceptorKind, base: RateMods, e: &Effects, gly_um: f64, dser_um: f64) -> RateMods {
    let d = e.mods[kind as usize];
    let mut m = base;
    m.binding *= d.binding;
    m.unbinding *= d.unbinding;
    m.opening *= d.opening;
    m.closing *= d.closing;
    m.desensitizing *= d.desensitizing;
    let sub = match kind {
        ReceptorKind::Nmda2A => Some(Subunit::GluN2A),
        ReceptorKind::Nmda2B => Some(Subunit::GluN2B),
        _ => None,
    };
    if let Some(sub) = sub {
        m.coagonist *= coagonist_factor(sub, gly_um, dser_um, &e.agonists);
    }
    m
}

/// The short receptor names of trace columns (`occ_<drug>_<receptor>`).
pub fn column_name(kind: ReceptorKind) -> &'static str {
    match kind {
        ReceptorKind::Ampa => "ampa",
        ReceptorKind::Nmda2A => "nmda2a",
        ReceptorKind::Nmda2B => "nmda2b",
        ReceptorKind::Kainate => "kainate",
        ReceptorKind::MgluGroup1 => "mglu1",
        ReceptorKind::MgluGroup2 => "mglu2",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ketamine_ic50_follows_woodhull_voltage_dependence() {
        let b = Blocker { key: "k".into(), targets: vec![], ic50_um_minus70: 0.71, koff_per_s: 0.22, delta: 0.79, escape_on_closing: 0.0, on_rate_factor: 1.0, conc_um: 1.0 };
        // book/src/model.md §10: IC50(0) ≈ 5.7 µM; IC50(−40)/IC50(−70) ≈ 2.4 (at ~25 °C).
        assert!((b.ic50_um(0.0, 22.0) - 6.1).abs() < 0.6, "{}", b.ic50_um(0.0, 22.0));
        assert!((b.ic50_um(-40.0, 22.0) / 0.71 - 2.5).abs() < 0.2);
    }

    #[test]
    fn glycine_site_mixture_is_e5() {
        // Saturating glycine alone: R → 1; a partial agonist displacing it lowers R.
        let r0 = coagonist_factor(Subunit::GluN2B, 100.0, 0.0, &[]);
        assert!(r0 > 0.99);
        let dcs = SiteAgonist { conc_um: 1000.0, ec50_2a_um: 20.0, ec50_2b_um: 20.0, efficacy_2a: 0.6, efficacy_2b: 0.5 };
        let r = coagonist_factor(Subunit::GluN2B, 0.0, 0.0, &[dcs]);
        assert!((r - 0.5 * 50.0 / 51.0).abs() < 1e-9);
    }

    /// Ceftriaxone's GLT-1 up-regulation is graded with the dose, not a
    /// switch: half its extra fold at its EC50, nearly all of it far above.
    #[test]
    fn transporter_upregulation_is_graded_with_the_dose() {
        let cat = crate::pharmacology::Catalogue::builtin().unwrap();
        let cef = cat.get("ceftriaxone").unwrap().clone();
        let target = |c: f64| effects(&[Applied { drug: cef.clone(), conc_um: c }]).uptake_target;
        assert!((target(3.5) - 1.5).abs() < 1e-12, "{}", target(3.5));
        assert!(target(0.35) < 1.1 && target(350.0) > 1.98, "{} {}", target(0.35), target(350.0));
        assert_eq!(target(0.0), 1.0);
    }

    /// E7: an agonist at its EC50 activates half of the receptors glutamate
    /// leaves free; a positive modulator scales glutamate's share only, so
    /// without glutamate it does nothing; not-modelled drugs change nothing.
    #[test]
    fn metabotropic_agonists_add_to_glutamate_and_modulators_need_it() {
        let cat = crate::pharmacology::Catalogue::builtin().unwrap();
        let at = |key: &str, c: f64| effects(&[Applied { drug: cat.get(key).unwrap().clone(), conc_um: c }]);
        let g2 = ReceptorKind::MgluGroup2;
        let ly = at("ly379268", 0.0027);
        assert!((metabotropic_drive(g2, 0.0, &ly) - 0.5).abs() < 1e-12);
        assert!((metabotropic_drive(g2, 0.4, &ly) - (0.4 + 0.6 * 0.5)).abs() < 1e-12);
        assert_eq!(metabotropic_drive(ReceptorKind::MgluGroup1, 0.0, &ly), 0.0, "LY379268 is a group II agonist");
        let pam = at("jnj-40411813", 0.15);
        assert_eq!(metabotropic_drive(g2, 0.0, &pam), 0.0);
        assert!((metabotropic_drive(g2, 0.3, &pam) - 0.45).abs() < 1e-12);
        assert_eq!(metabotropic_drive(g2, 0.9, &pam), 1.0, "capped at every receptor active");
        assert_eq!(at("minocycline", 10.0), Effects::default());
        // An agonist at an ionotropic receptor is refused with the field named.
        let text = include_str!("../../../../assets/drugs/ly379268.ron").replace("targets: [MgluGroup2]", "targets: [Ampa]");
        let e = Drug::from_ron(&text, "ly.ron").unwrap_err().to_string();
        assert!(e.contains("mechanisms[0].targets") && e.contains("not metabotropic"), "{e}");
    }

    /// MK-801 as Huettner & Bean 1988 describe it, from its constants: block
    /// builds with use (open channels only) and barely recovers in minutes.
    #[test]
    fn mk801_block_builds_with_use_and_does_not_wash_out() {
        use crate::pharmacology::patch::{Patch, PatchRun};
        let cat = crate::pharmacology::Catalogue::builtin().unwrap();
        let mk = cat.get("mk-801").unwrap().clone();
        let mut p = Patch::new(ReceptorKind::Nmda2A);
        p.receptors = 400;
        let mut run = PatchRun::new(&p, vec![Applied { drug: mk, conc_um: 0.01 }]);
        // Without agonist the channels stay closed, so nothing is blocked.
        run.glu_on = false;
        run.run(20_000.0);
        assert_eq!(run.blocked_fraction(), 0.0);
        run.glu_on = true;
        run.run(5_000.0);
        let early = run.blocked_fraction();
        run.run(55_000.0);
        let late = run.blocked_fraction();
        assert!(early > 0.02 && late > 2.0 * early && late > 0.5, "blocked {early} after 5 s, {late} after 60 s");
        // Washout with agonist on for 60 s: recovery τ ~90 min → < 3 % back.
        run.drugs[0].conc_um = 0.0;
        run.apply();
        run.run(60_000.0);
        assert!(run.blocked_fraction() > late - 0.03, "{} after washout vs {late}", run.blocked_fraction());
    }

    /// The presynaptic mGlu2/3 brake on the slow clock: 1 without drugs on
    /// it (exactly, so every other scenario keeps its bits), ~1.2 with a
    /// saturating antagonist, below 1 with an agonist or a PAM.
    #[test]
    fn the_mglu2_brake_scales_release_both_ways() {
        let cat = crate::pharmacology::Catalogue::builtin().unwrap();
        let at = |key: &str, c: f64| mglu2_release_scale(&effects(&[Applied { drug: cat.get(key).unwrap().clone(), conc_um: c }]));
        assert_eq!(mglu2_release_scale(&Effects::default()), 1.0);
        assert_eq!(at("ketamine", 1.0), 1.0);
        let ly341495 = at("ly341495", 10.0);
        assert!(ly341495 > 1.15 && ly341495 < 1.25, "{ly341495}");
        assert!(at("ly341495", 0.021) > 1.0 && at("ly341495", 0.021) < ly341495, "graded with the dose");
        assert!(at("ly379268", 0.03) < 0.5, "a full agonist closes the brake: {}", at("ly379268", 0.03));
        assert!(at("jnj-40411813", 1.0) < 1.0 && at("jnj-40411813", 1.0) > at("ly379268", 0.03), "a PAM only strengthens glutamate's share");
    }
}
