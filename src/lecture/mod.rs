//! Lecture files: a title, a scenario and seed, camera bookmarks and
//! **cues**, each a list of steps (any app command, captions, timed runs of
//! the fast or slow clock, holds, pauses, predictions, and the state the cue
//! claims to reach). This file owns the format, its parser and its checks,
//! with messages that name `file:line:column`, the cue and the fix.
//! `runner.rs` plays cues (the app and the headless check share it),
//! `headless.rs` runs them on the core alone (`lecture --check`, the tests),
//! `staging.rs` is cue 9's staging calculator. No Bevy systems here.
//!
//! Every cue starts from a known state: its scenario (or A/B pair) loaded
//! afresh, clocks at zero, the camera at the cue's view, no caption. So
//! jumping to cue 9 gives exactly what stepping through cues 1–8 gives.

pub mod headless;
pub mod runner;
pub mod staging;

use crate::command::Target;
use crate::command::camera::{Pose, Viewpoint};
use crate::command::view::{PlotId, ViewCommand};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use synapse_core::experiment::Command;

/// The built-in lecture, "Glutamate and treatment-resistant depression".
pub const BUILTIN: &str = include_str!("../../assets/lectures/glutamate-trd.ron");
/// Where the built-in lecture is reported from.
pub const BUILTIN_FILE: &str = "assets/lectures/glutamate-trd.ron";

/// How well a claim is supported; shown with every cue (the drug files use the same levels).
pub use synapse_core::pharmacology::Evidence;

/// A named camera pose (the instance's own coordinates: world units of 100 nm).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Bookmark {
    pub name: String,
    pub focus: (f32, f32, f32),
    pub yaw: f32,
    pub pitch: f32,
    pub radius: f32,
}

impl Bookmark {
    pub fn pose(&self) -> Pose {
        Pose { focus: glam::Vec3::new(self.focus.0, self.focus.1, self.focus.2), yaw: self.yaw, pitch: self.pitch, radius: self.radius }
    }
}

/// A test a cue's state must pass (`Expect`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub enum Check {
    Above(f64),
    Below(f64),
    Between(f64, f64),
    /// Larger than another value named the same way (`MoreThan("glu_escaped")` of `B:glu_escaped`: B spills more than A).
    MoreThan(String),
    LessThan(String),
}

impl Check {
    /// Whether `v` passes; `other` is the value a `MoreThan` / `LessThan` names.
    pub fn holds(&self, v: f64, other: f64) -> bool {
        match *self {
            Check::Above(x) => v > x,
            Check::Below(x) => v < x,
            Check::Between(lo, hi) => v >= lo && v <= hi,
            Check::MoreThan(_) => v > other,
            Check::LessThan(_) => v < other,
        }
    }

    /// The other value a comparison names.
    pub fn other(&self) -> Option<&str> {
        match self {
            Check::MoreThan(o) | Check::LessThan(o) => Some(o),
            Check::Above(_) | Check::Below(_) | Check::Between(..) => None,
        }
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Check::Above(x) => write!(f, "> {x}"),
            Check::Below(x) => write!(f, "< {x}"),
            Check::Between(lo, hi) => write!(f, "in {lo}..{hi}"),
            Check::MoreThan(o) => write!(f, "> {o}"),
            Check::LessThan(o) => write!(f, "< {o}"),
        }
    }
}

/// A panel a cue brings in (in presenter mode the panels stay hidden otherwise).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CuePanel {
    /// One plot beside the stage: `Plot(Current)`, `Plot(Cascade)` (the names of `PlotId`).
    Plot(PlotId),
    /// The TRD staging calculator (Thase–Rush, MGH) and the risk-factor chart.
    Staging,
}

/// One step of a cue, run in order.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub enum Step {
    /// An experiment command to A and B alike: `Do(Spike)`, `Do(Drug(name: "ketamine", conc_um: 10.0))`.
    Do(Command),
    /// An experiment command to one synapse of an A/B cue: `To(B, MgMm(0.0))`.
    To(Target, Command),
    /// Fly the camera to a viewpoint (whole, cleft, receptor, astrocyte, signalling) or a bookmark, over seconds.
    Fly(String, f32),
    /// Theme, labels, plots, pathway, panels.
    View(ViewCommand),
    /// A caption in the band, for this many seconds (0: until the next caption).
    Caption(String, f32),
    /// Run the fast clock over this much biology at this speed: `Run("20ms", "2ms/s")` (10 s on screen).
    Run(String, String),
    /// Run the slow clock over this span in this many seconds on screen: `RunSlow("24h", 12.0)`.
    RunSlow(String, f32),
    /// Hand the fast clock back to live playback at this speed (free running until the next cue).
    Live(String),
    /// Wait this many seconds.
    Hold(f32),
    /// Wait for Next (live); in a video, a hold of `runner::PAUSE_IN_VIDEO_S`.
    Pause,
    /// Ask the audience; Next reveals the answer (choice index from 0), then the steps go on.
    Predict(String, Vec<String>, usize),
    /// What the cue claims, checked headless (`lecture --check`, the tests): a trace column
    /// (`i_nmda_pA`), a slow column (`bdnf`), a drug's occupancy (`occ_ketamine_nmda2b`),
    /// or `peak:COLUMN` / `min:COLUMN` (the extremes of the fast history, its last 40 ms), of A or `B:...`.
    Expect(String, Check),
}

/// A cue: what one slide of the deck shows.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Cue {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub references: Vec<String>,
    pub evidence: Evidence,
    /// The cue's scenario (file or built-in name); default: the lecture's.
    #[serde(default)]
    pub scenario: Option<String>,
    /// B of an A/B cue (A is `scenario`).
    #[serde(default)]
    pub compare: Option<String>,
    /// Where the camera starts (viewpoint or bookmark); default: whole.
    #[serde(default)]
    pub view: Option<String>,
    /// A panel the cue brings in.
    #[serde(default)]
    pub panel: Option<CuePanel>,
    pub steps: Vec<Step>,
}

/// A lecture file.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Lecture {
    pub title: String,
    /// The scenario every cue starts from unless it names its own.
    pub scenario: String,
    /// Overrides every cue's scenario seed.
    #[serde(default)]
    pub seed: Option<u64>,
    #[serde(default)]
    pub bookmarks: Vec<Bookmark>,
    pub cues: Vec<Cue>,
}

/// A lecture that could not be used: file, line, column, cue and the fix, in one message.
#[derive(Debug, Clone, PartialEq)]
pub struct LectureError(pub String);

impl std::fmt::Display for LectureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The form of a step, for messages.
const STEP_FORMS: &str = "Do(command), To(A|B, command), Fly(\"cleft\", 2.0), View(Labels(true)), Caption(\"text\", 5.0), Run(\"20ms\", \"2ms/s\"), RunSlow(\"24h\", 12.0), Live(\"1ms/s\"), Hold(2.0), Pause, Predict(\"question\", [\"a\", \"b\"], 0), Expect(\"bdnf\", Above(1.1))";

/// A lecture, parsed and checked, with where it came from.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub lecture: Lecture,
    /// The file as named (or `BUILTIN_FILE`).
    pub file: String,
    /// The file's text, for line numbers in later messages.
    pub text: String,
    /// Scenario paths are relative to this folder (None: built-in names and the working folder).
    pub dir: Option<PathBuf>,
    /// Every scenario the lecture names, read once when it was parsed (a
    /// file changed or removed during the lecture cannot break a cue).
    scenarios: Vec<(String, synapse_core::Scenario, String)>,
}

impl Loaded {
    /// The built-in lecture.
    pub fn builtin() -> Self {
        Self::parse(BUILTIN, BUILTIN_FILE, None).expect("the built-in lecture parses and checks (tested)")
    }

    /// A lecture file, or the built-in one when `path` is None.
    pub fn open(path: Option<&Path>) -> Result<Self, LectureError> {
        let Some(path) = path else { return Ok(Self::builtin()) };
        let file = path.display().to_string();
        let text = synapse_core::text::read_text(path).map_err(|e| LectureError(e.describe(&file, "lecture")))?;
        Self::parse(&text, &file, path.parent().map(Path::to_path_buf))
    }

    /// Parse and check a lecture's text; `file` names it in messages.
    pub fn parse(text: &str, file: &str, dir: Option<PathBuf>) -> Result<Self, LectureError> {
        let opts = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
        let lecture: Lecture = opts.from_str(text).map_err(|e| {
            let (line, col) = (e.span.start.line, e.span.start.col);
            let cue = cue_before(text, line).map(|id| format!(" (in cue \"{id}\")")).unwrap_or_default();
            LectureError(format!("{file}:{line}:{col}{cue}: {}; {}", e.code, fix_for(&e.code.to_string())))
        })?;
        let mut loaded = Self { lecture, file: file.to_string(), text: text.to_string(), dir, scenarios: Vec::new() };
        loaded.check_form()?;
        let names: Vec<String> = std::iter::once(loaded.lecture.scenario.clone()).chain(loaded.lecture.cues.iter().flat_map(|c| c.scenario.iter().chain(c.compare.iter()).cloned())).collect();
        for name in names {
            if !loaded.scenarios.iter().any(|(n, _, _)| *n == name) {
                let (s, src) = loaded.resolve_scenario(&name).map_err(|e| LectureError(format!("{}: scenario \"{name}\": {e}", loaded.file)))?;
                loaded.scenarios.push((name, s, src));
            }
        }
        Ok(loaded)
    }

    /// Where cue `i` is defined: "file:line:col (cue "id")".
    pub fn at_cue(&self, i: usize) -> String {
        let id = &self.lecture.cues[i].id;
        // The n-th cue with this id (a duplicate points at itself, not the first).
        let nth = self.lecture.cues[..i].iter().filter(|c| c.id == *id).count();
        let (line, col) = find_nth_line(&self.text, &format!("id: \"{id}\""), nth).unwrap_or((1, 1));
        format!("{}:{line}:{col} (cue {} \"{id}\")", self.file, i + 1)
    }

    /// The checks that need no simulation: ids unique, every name resolves,
    /// every time parses, every prediction has its answer among its choices.
    fn check_form(&self) -> Result<(), LectureError> {
        let l = &self.lecture;
        if l.cues.is_empty() {
            return Err(LectureError(format!("{}: the lecture has no cues; add cues: [Cue(id: \"intro\", title: \"...\", evidence: Established, steps: [...])]", self.file)));
        }
        self.resolve_scenario(&l.scenario).map_err(|e| LectureError(format!("{}: scenario \"{}\": {e}", self.file, l.scenario)))?;
        for (i, b) in l.bookmarks.iter().enumerate() {
            // The bookmark's own line (the n-th of that name, as for cues).
            let nth = l.bookmarks[..i].iter().filter(|o| o.name == b.name).count();
            let (line, col) = find_nth_line(&self.text, &format!("name: \"{}\"", b.name), nth).unwrap_or((1, 1));
            let at = format!("{}:{line}:{col}", self.file);
            if Viewpoint::from_key(&b.name).is_some() || l.bookmarks[..i].iter().any(|o| o.name == b.name) {
                return Err(LectureError(format!("{at}: bookmark \"{}\" is defined twice or shadows a viewpoint; give it another name", b.name)));
            }
            if !(b.radius > 0.05 && b.radius < 500.0 && [b.focus.0, b.focus.1, b.focus.2, b.yaw, b.pitch].iter().all(|v| v.is_finite())) {
                return Err(LectureError(format!("{at}: bookmark \"{}\": radius must be between 0.05 and 500 and every number finite", b.name)));
            }
        }
        for (i, cue) in l.cues.iter().enumerate() {
            let at = self.at_cue(i);
            if l.cues[..i].iter().any(|c| c.id == cue.id) {
                return Err(LectureError(format!("{at}: the id \"{}\" is used by an earlier cue; ids must be unique", cue.id)));
            }
            for s in cue.scenario.iter().chain(cue.compare.iter()) {
                self.resolve_scenario(s).map_err(|e| LectureError(format!("{at}: scenario \"{s}\": {e}")))?;
            }
            if let Some(v) = &cue.view {
                self.camera_goal(v).map_err(|e| LectureError(format!("{at}: view: {e}")))?;
            }
            let live_at = cue.steps.iter().position(|s| matches!(s, Step::Live(_)));
            for (n, step) in cue.steps.iter().enumerate() {
                self.check_step(step).map_err(|e| LectureError(format!("{at}, step {}: {e}", n + 1)))?;
                if matches!(step, Step::Expect(..)) && live_at.is_some_and(|l| l < n) {
                    return Err(LectureError(format!(
                        "{at}, step {}: an Expect after Live would check a state the audience does not see (Live runs on the wall clock); put the Expect before the Live step",
                        n + 1
                    )));
                }
                if let Step::To(Target::B, _) = step
                    && cue.compare.is_none()
                {
                    return Err(LectureError(format!("{at}, step {}: To(B, ...) in a cue without B; add compare: \"scenario\" to the cue", n + 1)));
                }
            }
            check_prediction_plot(cue).map_err(|e| LectureError(format!("{at}: {e}")))?;
        }
        Ok(())
    }

    fn check_step(&self, step: &Step) -> Result<(), String> {
        let secs = |s: f32, what: &str| if s.is_finite() && (0.0..=600.0).contains(&s) { Ok(()) } else { Err(format!("{what} {s} s: use 0 to 600 seconds")) };
        match step {
            // Checked as the experiment will when the cue runs (a drug's name, a value's range),
            // so a bad step is found when the file is read, not a minute into a check.
            Step::Do(c) | Step::To(_, c) => SCRATCH.with(|exp| exp.as_ref().map_or(Ok(()), |e| e.check_ahead(c).map_err(|e| format!("{c:?}: {e}")))),
            Step::View(_) | Step::Expect(..) => Ok(()),
            Step::Fly(to, s) => {
                secs(*s, "Fly over")?;
                self.camera_goal(to).map(|_| ())
            }
            Step::Caption(_, s) | Step::RunSlow(_, s) => {
                secs(*s, "for")?;
                if let Step::RunSlow(span, _) = step {
                    slow_span_min(span)?;
                }
                Ok(())
            }
            Step::Run(bio, speed) => {
                let (ms, rate) = fast_run(bio, speed)?;
                if ms / rate > 600.0 {
                    return Err(format!("Run({bio:?}, {speed:?}) would take {:.0} s on screen; use at most 600 s (a faster speed, or less biology)", ms / rate));
                }
                Ok(())
            }
            Step::Live(speed) => crate::record::plan::parse_rate_ms_per_s(speed).map(|_| ()).map_err(|e| format!("Live({speed:?}): {e}")),
            Step::Hold(s) => secs(*s, "Hold"),
            Step::Pause => Ok(()),
            Step::Predict(q, choices, answer) => {
                if q.trim().is_empty() || !(2..=26).contains(&choices.len()) {
                    return Err("Predict needs a question and 2 to 26 choices (they are lettered A, B, ...)".into());
                }
                if *answer >= choices.len() {
                    return Err(format!("Predict's answer {answer} is not among its {} choices; count from 0", choices.len()));
                }
                Ok(())
            }
        }
    }

    /// A scenario the lecture names, as read when it was parsed.
    pub fn scenario(&self, name: &str) -> Option<(synapse_core::Scenario, String)> {
        self.scenarios.iter().find(|(n, _, _)| n == name).map(|(_, s, src)| (s.clone(), src.clone()))
    }

    /// The lecture's own scenario (what the app opens on).
    pub fn first_scenario(&self) -> (synapse_core::Scenario, String) {
        self.scenario(&self.lecture.scenario).expect("read when the lecture was parsed")
    }

    /// A cue's scenario or B, relative to the lecture's folder first.
    fn resolve_scenario(&self, name: &str) -> Result<(synapse_core::Scenario, String), String> {
        let local = self.dir.as_ref().map(|d| d.join(name)).filter(|p| p.is_file());
        let arg = local.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| name.to_string());
        let (mut s, src) = synapse_core::builtin::resolve(&arg).map_err(|e| e.to_string())?;
        if let Some(seed) = self.lecture.seed {
            s.seed = seed;
        }
        Ok((s, src))
    }

    /// A viewpoint key or a bookmark's pose.
    pub fn camera_goal(&self, name: &str) -> Result<CameraGoal, String> {
        if let Some(v) = Viewpoint::from_key(name) {
            return Ok(CameraGoal::View(v));
        }
        match self.lecture.bookmarks.iter().find(|b| b.name == name) {
            Some(b) => Ok(CameraGoal::Bookmark(b.name.clone())),
            None => {
                let marks: Vec<&str> = self.lecture.bookmarks.iter().map(|b| b.name.as_str()).collect();
                Err(format!(
                    "\"{name}\" is neither a viewpoint (whole, cleft, receptor, astrocyte, signalling) nor a bookmark ({})",
                    if marks.is_empty() { "none defined".into() } else { marks.join(", ") }
                ))
            }
        }
    }
}

/// Where a camera step goes.
#[derive(Clone, Debug, PartialEq)]
pub enum CameraGoal {
    View(Viewpoint),
    Bookmark(String),
}

/// `Run(bio, speed)`: (biological ms, biological ms per second on screen).
pub fn fast_run(bio: &str, speed: &str) -> Result<(f64, f64), String> {
    let ms = crate::record::plan::parse_time_ms(bio).map_err(|e| format!("Run({bio:?}, ..): {e}"))?;
    let rate = crate::record::plan::parse_rate_ms_per_s(speed).map_err(|e| format!("Run(.., {speed:?}): {e}"))?;
    if !(0.0..=10_000.0).contains(&ms) {
        return Err(format!("Run({bio:?}, ..): use up to 10 s of biology per step"));
    }
    if !(rate > 0.0 && rate.is_finite()) {
        return Err(format!("Run(.., {speed:?}): the speed must be positive, e.g. \"1ms/s\""));
    }
    Ok((ms, rate))
}

/// `RunSlow(span, ..)` in slow minutes.
pub fn slow_span_min(span: &str) -> Result<f64, String> {
    let min = synapse_core::units::parse_duration_ms(span).map_err(|e| format!("RunSlow({span:?}, ..): {e}"))? / 60e3;
    if !(min > 0.0 && min <= synapse_core::experiment::MAX_SLOW_MIN) {
        return Err(format!("RunSlow({span:?}, ..): use a span up to 8 weeks"));
    }
    Ok(min)
}

thread_local! {
    /// An experiment on the default scenario, to check the commands of steps (drug names, ranges).
    static SCRATCH: Option<synapse_core::experiment::Experiment> = synapse_core::experiment::Experiment::new(synapse_core::Scenario::default()).ok();
}

/// The fix for a RON error code, in words.
fn fix_for(code: &str) -> String {
    if code.contains("Step") || code.contains("variant") {
        format!("a step is one of: {STEP_FORMS}")
    } else if code.contains("Unexpected field") || code.contains("no field named") {
        "a misspelt field? the fields are listed above".into()
    } else if code.contains("missing field") || code.contains("Unexpected missing") {
        "every cue needs id, title, evidence (Established, Hypothesis or Illustrative) and steps".into()
    } else {
        "see the README's \"Writing a lecture\" for the form".into()
    }
}

/// 1-based (line, column) of the `n`-th (from 0) line holding `needle`.
fn find_nth_line(text: &str, needle: &str, n: usize) -> Option<(usize, usize)> {
    text.lines().enumerate().filter_map(|(i, l)| l.find(needle).map(|c| (i + 1, c + 1))).nth(n)
}

/// The id of the last cue that starts before `line` (1-based).
fn cue_before(text: &str, line: usize) -> Option<String> {
    text.lines().take(line).filter_map(|l| l.trim_start().strip_prefix("id:").map(|r| r.trim().trim_end_matches(',').trim_matches('"').to_string())).last()
}

/// A prediction's evidence must be what the room sees: the cue's plot draws
/// exactly the quantities its answer is checked on (the `Expect`s after the
/// `Predict`), and nothing that would dwarf them (AMPA's current beside an
/// NMDA question, say).
fn check_prediction_plot(cue: &Cue) -> Result<(), String> {
    let Some(at) = cue.steps.iter().position(|s| matches!(s, Step::Predict(..))) else { return Ok(()) };
    let checked: Vec<&str> = cue.steps[at..]
        .iter()
        .filter_map(|s| match s {
            Step::Expect(what, _) => {
                let name = what.strip_prefix("B:").unwrap_or(what);
                Some(name.strip_prefix("peak:").or_else(|| name.strip_prefix("min:")).unwrap_or(name))
            }
            _ => None,
        })
        .collect();
    if checked.is_empty() {
        return Err("a Predict needs an Expect after it, on the quantity whose answer the simulation shows".into());
    }
    let Some(CuePanel::Plot(plot)) = cue.panel else {
        return Err(format!("a Predict needs a plot of what its answer is checked on ({}): add panel: Plot(...)", checked.join(", ")));
    };
    let drawn = plot.columns();
    let missing: Vec<&&str> = checked.iter().filter(|c| !drawn.contains(c)).collect();
    let extra: Vec<&&str> = drawn.iter().filter(|c| !checked.contains(c)).collect();
    if !missing.is_empty() || !extra.is_empty() {
        return Err(format!(
            "the prediction is checked on {} but its plot, {plot:?}, draws {}: show the room exactly the quantity the question asks about (e.g. Plot(NmdaCurrent) for the NMDA current)",
            checked.join(", "),
            if drawn.is_empty() { "none of them".to_string() } else { drawn.join(", ") }
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_lecture_parses_and_follows_the_deck() {
        let l = Loaded::builtin();
        assert!(l.lecture.cues.len() >= 15, "{} cues", l.lecture.cues.len());
        assert!(l.lecture.cues.iter().all(|c| !c.references.is_empty() && !c.notes.is_empty()), "every cue cites and has notes");
    }

    #[test]
    fn a_syntax_error_names_line_column_cue_and_fix() {
        let bad = BUILTIN.replacen("Pause,", "Pausee,", 1);
        let err = Loaded::parse(&bad, "my.ron", None).unwrap_err().0;
        let line = bad.lines().position(|l| l.contains("Pausee")).unwrap() + 1;
        assert!(err.starts_with(&format!("my.ron:{line}:")), "{err}");
        assert!(err.contains("(in cue \"") && err.contains("a step is one of"), "{err}");
    }

    /// A bad number in a bookmark is named at the bookmark's line.
    #[test]
    fn a_bad_bookmark_is_named_at_its_line() {
        let bad = BUILTIN.replacen("focus: (0.0, -0.3, 0.0)", "focus: (0.0, NaN, 0.0)", 1);
        let err = Loaded::parse(&bad, "my.ron", None).unwrap_err().0;
        let line = bad.lines().position(|l| l.contains("NaN")).unwrap() + 1;
        assert!(err.starts_with(&format!("my.ron:{line}:")) && err.contains("bookmark \"psd\"") && err.contains("finite"), "{err}");
    }

    /// A misspelt field is an error at its line, naming the fields that exist.
    #[test]
    fn a_misspelt_field_is_an_error_with_its_place() {
        for (from, to) in [("panel:", "pannel:"), ("scenario:", "scenaro:"), ("view:", "weiv:")] {
            let bad = BUILTIN.replacen(from, to, 1);
            let err = Loaded::parse(&bad, "my.ron", None).unwrap_err().0;
            let line = bad.lines().position(|l| l.contains(to)).unwrap() + 1;
            assert!(err.starts_with(&format!("my.ron:{line}:")) && err.contains(to.trim_end_matches(':')) && err.contains("misspelt"), "{err}");
        }
    }

    #[test]
    fn semantic_errors_name_the_cue_step_and_fix() {
        let case = |from: &str, to: &str| {
            assert!(BUILTIN.contains(from), "{from}");
            Loaded::parse(&BUILTIN.replacen(from, to, 1), "x.ron", None).unwrap_err().0
        };
        let e = case("Fly(\"cleft\"", "Fly(\"cleftt\"");
        assert!(e.contains("x.ron:") && e.contains("(cue ") && e.contains("step") && e.contains("neither a viewpoint"), "{e}");
        let e = case("\"2ms/s\")", "\"2ms\")");
        assert!(e.contains("Run(") && e.contains("per second"), "{e}");
        // A step's command is checked when the file is read, as the cue will carry it out.
        let e = case("Do(MgMm(0.0))", "Do(MgMm(inf))");
        assert!(e.contains("x.ron:") && e.contains("step") && e.contains("Mg2+ inf mM is out of range"), "{e}");
        let e = case("To(A, Drug(name: \"esketamine\", conc_um: 3.0))", "To(A, Drug(name: \"esketamine\", conc_um: -3.0))");
        assert!(e.contains("esketamine concentration -3") && e.contains("out of range"), "{e}");
        let e = case("scenario: \"single_spike\"", "scenario: \"no_such_scenario\"");
        assert!(e.contains("no_such_scenario"), "{e}");
        let first = &Loaded::builtin().lecture.cues[1].id;
        let e = case(&format!("id: \"{first}\""), &format!("id: \"{}\"", Loaded::builtin().lecture.cues[0].id));
        assert!(e.contains("used by an earlier cue"), "{e}");
    }

    /// A prediction's plot shows what its answer is checked on, alone: the
    /// NMDA question beside the AMPA-dominated current plot is refused.
    #[test]
    fn a_prediction_must_plot_the_quantity_it_asks_about() {
        let l = Loaded::builtin();
        let cue = l.lecture.cues.iter().position(|c| c.steps.iter().any(|s| matches!(s, Step::Predict(..)))).expect("the lecture asks a prediction");
        assert_eq!(l.lecture.cues[cue].panel, Some(CuePanel::Plot(PlotId::NmdaCurrent)));
        let bad = BUILTIN.replacen("panel: Plot(NmdaCurrent)", "panel: Plot(Current)", 1);
        let e = Loaded::parse(&bad, "x.ron", None).unwrap_err().0;
        assert!(e.contains("(cue 6") || e.contains("cue 6"), "{e}");
        assert!(e.contains("checked on i_nmda_pA") && e.contains("i_ampa_pA") && e.contains("Plot(NmdaCurrent)"), "{e}");
        let no_plot = BUILTIN.replacen("panel: Plot(NmdaCurrent),", "", 1);
        assert!(Loaded::parse(&no_plot, "x.ron", None).unwrap_err().0.contains("a Predict needs a plot"));
    }

    /// Every column a plot says it draws is a trace or cascade column.
    #[test]
    fn plot_columns_are_real_columns() {
        use synapse_core::dendrite::DendriteSample;
        use synapse_core::recorder::Observables;
        use synapse_core::signalling::FIXED_COLUMNS;
        for id in PlotId::FAST.into_iter().chain(PlotId::SLOW).chain(PlotId::DENDRITE).chain([PlotId::Clearance, PlotId::NmdaCurrent, PlotId::Blocked]) {
            for c in id.columns() {
                assert!(Observables::COLUMNS.contains(c) || FIXED_COLUMNS.contains(c) || DendriteSample::COLUMNS.contains(c), "{id:?}: {c}");
            }
        }
    }
}
