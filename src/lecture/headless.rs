//! A lecture on the core alone (no window, no GPU): each cue played at
//! `Pace::Instant` by the same runner the app uses, its experiment
//! commands applied to A (and B), its claims (`Expect`) checked against the
//! state they name. `synapse-lab lecture --check` and the tests use it.

use super::runner::{CueRunner, Out, Pace};
use super::{Check, LectureError, Loaded};
use crate::command::{AppCommand, CompareCommand, Target, target_of};
use synapse_core::dendrite::DendriteSample;
use synapse_core::experiment::Experiment;
use synapse_core::recorder::Observables;

/// A and B of the cue being played.
pub struct Bench {
    pub a: Experiment,
    pub b: Option<Experiment>,
}

/// One claim and what the simulation gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    pub what: String,
    pub check: Check,
    pub value: f64,
    /// The value a comparison names (NaN for a fixed bound).
    pub other: f64,
    pub pass: bool,
}

impl Claim {
    /// "1234.5" or "5678 (glu_escaped = 4416)".
    pub fn shown(&self) -> String {
        match self.check.other() {
            Some(o) => format!("{:.4} ({o} = {:.4})", self.value, self.other),
            None => format!("{:.4}", self.value),
        }
    }
}

/// A cue played to its end.
pub struct Played {
    pub bench: Bench,
    pub claims: Vec<Claim>,
}

impl Played {
    /// A's and B's state hashes.
    pub fn hash(&self) -> (u64, Option<u64>) {
        (self.bench.a.state_hash(), self.bench.b.as_ref().map(Experiment::state_hash))
    }
}

fn experiment(s: &synapse_core::Scenario) -> Result<Experiment, String> {
    let mut e = Experiment::new(s.clone()).map_err(|e| e.to_string())?;
    // One thread: the same bits as the app's parallel diffusion (tested in the core), and the check runs beside other work.
    e.set_parallel(false);
    Ok(e)
}

/// Play cue `i` from its start; `bench` carries over from the cue before
/// when stepping (the cue must not depend on it: it starts from its own state).
pub fn play(loaded: &Loaded, i: usize, bench: Option<Bench>) -> Result<Played, LectureError> {
    let at = loaded.at_cue(i);
    let err = |m: String| LectureError(format!("{at}: {m}"));
    let mut runner = CueRunner::at(loaded, i);
    let mut bench = bench;
    let mut claims = Vec::new();
    let outs = runner.advance(loaded, 0.0, Pace::Instant);
    for o in outs {
        match o {
            Out::App(AppCommand::LoadScenario { scenario, .. }) => {
                bench = Some(Bench { a: experiment(&scenario).map_err(err)?, b: None });
            }
            Out::App(AppCommand::Compare(CompareCommand::Start(Some(pair)))) => {
                let (a, _, b, _) = *pair;
                bench = Some(Bench { a: experiment(&a).map_err(err)?, b: Some(experiment(&b).map_err(err)?) });
            }
            Out::App(AppCommand::Compare(CompareCommand::Stop)) => {
                if let Some(b) = bench.as_mut() {
                    b.b = None;
                }
            }
            Out::App(AppCommand::Sim(target, cmd)) => {
                let b = bench.as_mut().ok_or_else(|| err("a command before the cue's scenario".into()))?;
                let targets: Vec<&mut Experiment> = match (target_of(&cmd, target), b.b.as_mut()) {
                    (Target::A, _) | (_, None) => vec![&mut b.a],
                    (Target::B, Some(bb)) => vec![bb],
                    (Target::Both, Some(bb)) => vec![&mut b.a, bb],
                };
                for e in targets {
                    e.apply(&cmd).map_err(|e| err(format!("{cmd:?} was refused: {e}")))?;
                }
            }
            Out::App(_) => {}
            Out::Expect { what, check, step } => {
                let b = bench.as_ref().ok_or_else(|| err("Expect before the cue's scenario".into()))?;
                let value = value_of(b, &what).map_err(|m| err(format!("step {}: {m}", step + 1)))?;
                let other = match check.other() {
                    Some(o) => value_of(b, o).map_err(|m| err(format!("step {}: {m}", step + 1)))?,
                    None => f64::NAN,
                };
                claims.push(Claim { pass: check.holds(value, other), what, check, value, other });
            }
        }
    }
    let bench = bench.ok_or_else(|| err("the cue loaded no scenario".into()))?;
    Ok(Played { bench, claims })
}

/// The value an `Expect` names: `[B:][peak:|min:]column`.
pub fn value_of(bench: &Bench, what: &str) -> Result<f64, String> {
    let (exp, name) = match what.strip_prefix("B:") {
        Some(rest) => (bench.b.as_ref().ok_or_else(|| format!("\"{what}\" names B in a cue without B"))?, rest),
        None => (&bench.a, what),
    };
    // peak: / min: the largest / smallest value in the fast history (its last 40 ms).
    let (extreme, name): (Option<fn(f64, f64) -> f64>, &str) = match (name.strip_prefix("peak:"), name.strip_prefix("min:")) {
        (Some(rest), _) => (Some(f64::max), rest),
        (_, Some(rest)) => (Some(f64::min), rest),
        _ => (None, name),
    };
    if let Some(i) = DendriteSample::COLUMNS.iter().position(|c| *c == name) {
        let d = exp.dendrite.as_ref().ok_or_else(|| format!("\"{name}\" needs a scenario with a dendrite (scenario: \"dendrite\")"))?;
        let now = d.sample().values()[i];
        return Ok(match extreme {
            Some(f) => exp.dendrite_history.iter().map(|s| s.values()[i]).fold(now, f),
            None => now,
        });
    }
    if let Some(i) = Observables::COLUMNS.iter().position(|c| *c == name) {
        let now = Observables::of(&exp.sim).values()[i];
        return Ok(match extreme {
            Some(f) => exp.history.rows.iter().map(|o| o.values()[i]).fold(now, f),
            None => now,
        });
    }
    if extreme.is_some() {
        return Err(format!("peak: and min: work on the fast trace's columns ({}) and the dendrite's ({}), not \"{name}\"", Observables::COLUMNS.join(", "), DendriteSample::COLUMNS.join(", ")));
    }
    if let Some(i) = exp.cascade.columns().iter().position(|c| c == name) {
        return Ok(exp.cascade.row()[i]);
    }
    if name.starts_with("occ_") {
        // A drug not applied occupies nothing.
        return Ok(exp.sim.drug_occupancy().into_iter().find(|(c, _)| c == name).map(|(_, v)| v).unwrap_or(0.0));
    }
    Err(format!(
        "\"{name}\" is not a column: use a trace column ({}), a slow column ({}), a dendrite's ({}) or occ_DRUG_RECEPTOR",
        Observables::COLUMNS.join(", "),
        exp.cascade.columns().join(", "),
        DendriteSample::COLUMNS.join(", ")
    ))
}

/// Every cue played in order; the claims that failed, as messages (empty: all hold).
pub fn check(loaded: &Loaded, mut report: impl FnMut(usize, &Played)) -> Result<Vec<String>, LectureError> {
    let mut failures = Vec::new();
    let mut bench = None;
    for i in 0..loaded.lecture.cues.len() {
        let played = play(loaded, i, bench.take())?;
        for c in played.claims.iter().filter(|c| !c.pass) {
            failures.push(format!("{}: Expect(\"{}\", {}) does not hold: the simulation gives {}", loaded.at_cue(i), c.what, c.check, c.shown()));
        }
        report(i, &played);
        bench = Some(played.bench);
    }
    Ok(failures)
}
