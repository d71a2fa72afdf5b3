//! Plays a lecture's cues: a state machine that turns steps into
//! `AppCommand`s (and the cue's claims into checks), frame by frame. The
//! app's lecture plugin and the headless check both drive this one type,
//! so what `lecture --check` verifies is what the audience sees.
//!
//! The fast clock moves only through `Run` steps, as whole core steps
//! counted from the step's start: `Run("20ms", "2ms/s")` ends after exactly
//! 20 ms of biology however the frames fell (live playback behind its
//! speed runs longer on the wall clock, never fewer steps).

use super::{CameraGoal, Check, CuePanel, Loaded, Step};
use crate::command::camera::CameraCommand;
use crate::command::view::ViewCommand;
use crate::command::{AppCommand, ClockMode, CompareCommand, MAX_STEPS_PER_FRAME, PlaybackCommand, SlowCommand, Target};
use synapse_core::experiment::Command;

/// A `Pause` in a video: held this long (seconds of video).
pub const PAUSE_IN_VIDEO_S: f64 = 3.0;
/// A `Predict` in a video: the question alone this long, then the answer.
pub const PREDICT_IN_VIDEO_S: f64 = 5.0;

/// How time passes for the runner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    /// The wall clock; `Pause` and `Predict` wait for Next.
    Live,
    /// Frames of a video: pauses and predictions become holds.
    Video,
    /// As fast as possible, no waiting (screenshots of a cue, the headless check).
    Instant,
}

/// What the runner asks of the app (or of the headless check).
#[derive(Clone, Debug, PartialEq)]
pub enum Out {
    App(AppCommand),
    /// A claim of the cue to check against the state now (step index within the cue).
    Expect {
        what: String,
        check: Check,
        step: usize,
    },
}

/// A prediction on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    pub question: String,
    pub choices: Vec<String>,
    pub answer: usize,
    pub revealed: bool,
}

/// What the current step waits for.
#[derive(Clone, Debug, PartialEq)]
enum Wait {
    None,
    /// `Run`: core steps in all, taken so far, per wall second, wall seconds elapsed.
    Fast {
        total: u64,
        done: u64,
        per_s: f64,
        elapsed_s: f64,
    },
    /// `RunSlow`: slow steps in all, taken so far, per wall second, wall seconds elapsed.
    Slow {
        total: u64,
        done: u64,
        per_s: f64,
        elapsed_s: f64,
    },
    Hold {
        left_s: f64,
    },
    /// `Pause` (live) or an unrevealed `Predict`, until Next.
    Next,
}

/// The lecture's position and what is on screen because of it.
#[derive(Clone, Debug)]
pub struct CueRunner {
    pub cue: usize,
    /// The next step to start.
    step: usize,
    wait: Wait,
    /// The caption and its seconds left (None: until replaced).
    caption: Option<(String, Option<f64>)>,
    pub prediction: Option<Prediction>,
    /// All of the cue's steps have run.
    pub finished: bool,
    /// The current cue's fast step (ms) and slow step (min).
    dt_ms: f64,
    dt_min: f64,
    /// Start-of-cue commands not yet handed out.
    starting: bool,
}

impl CueRunner {
    /// At the start of cue `cue` (counted from 0; clamped to the lecture).
    pub fn at(loaded: &Loaded, cue: usize) -> Self {
        let cue = cue.min(loaded.lecture.cues.len() - 1);
        Self { cue, step: 0, wait: Wait::None, caption: None, prediction: None, finished: false, dt_ms: 1e-3, dt_min: 0.01, starting: true }
    }

    /// The caption on screen.
    pub fn caption(&self) -> Option<&str> {
        self.caption.as_ref().map(|(t, _)| t.as_str())
    }

    /// Whether the cue waits for Next (a pause, or a prediction's answer).
    pub fn waiting_for_next(&self) -> bool {
        self.wait == Wait::Next
    }

    /// The panel the cue brings in.
    pub fn panel(&self, loaded: &Loaded) -> Option<CuePanel> {
        loaded.lecture.cues[self.cue].panel
    }

    /// Next: release a pause, or close a prediction's vote (the steps go on to
    /// show the answer); true when it did (else the caller goes to the next cue).
    pub fn release(&mut self) -> bool {
        if self.wait != Wait::Next {
            return false;
        }
        self.wait = Wait::None;
        true
    }

    /// The prediction's answer shows: at the first `Pause` after it, or at the
    /// cue's end, once the simulation has shown the evidence (never before its run).
    fn reveal(&mut self) {
        if let Some(p) = self.prediction.as_mut() {
            p.revealed = true;
        }
    }

    /// The commands that put the app in the cue's known starting state.
    fn start(&mut self, loaded: &Loaded, out: &mut Vec<Out>) {
        let cue = &loaded.lecture.cues[self.cue];
        let resolve = |s: &str| loaded.scenario(s).expect("read when the lecture was parsed");
        let (a, src_a) = resolve(cue.scenario.as_deref().unwrap_or(&loaded.lecture.scenario));
        self.dt_ms = a.dt_ms();
        self.dt_min = a.cascade.dt_min;
        let mut app = |c: AppCommand| out.push(Out::App(c));
        match &cue.compare {
            Some(b) => {
                let (b, src_b) = resolve(b);
                app(AppCommand::Compare(CompareCommand::Start(Some(Box::new((a, src_a, b, src_b))))));
                app(AppCommand::Compare(CompareCommand::Target(Target::Both)));
                app(AppCommand::Compare(CompareCommand::LinkCameras(true)));
            }
            None => {
                app(AppCommand::Compare(CompareCommand::Stop));
                app(AppCommand::LoadScenario { target: Target::Both, scenario: Box::new(a), source: src_a });
            }
        }
        app(AppCommand::Playback(PlaybackCommand::Play(false)));
        app(AppCommand::Slow(SlowCommand::Play(false)));
        app(AppCommand::Caption(None));
        // A cue's View steps last to its end: labels and the pathway come back at the next.
        app(AppCommand::View(ViewCommand::Labels(true)));
        app(AppCommand::View(ViewCommand::Pathway(true)));
        for b in &loaded.lecture.bookmarks {
            app(AppCommand::Camera(CameraCommand::DefineBookmark { name: b.name.clone(), pose: b.pose() }));
        }
        let view = cue.view.as_deref().unwrap_or("whole");
        app(camera(loaded.camera_goal(view).expect("checked when the lecture was parsed"), 0.0));
        self.caption = None;
        self.prediction = None;
    }

    /// Let `dt_s` seconds pass and hand out what the steps ask for.
    pub fn advance(&mut self, loaded: &Loaded, dt_s: f64, pace: Pace) -> Vec<Out> {
        let mut out = Vec::new();
        if self.starting {
            self.start(loaded, &mut out);
            self.starting = false;
        }
        if pace != Pace::Instant
            && let Some((_, Some(left))) = self.caption.as_mut()
        {
            *left -= dt_s;
            if *left <= 1e-9 {
                self.caption = None;
                out.push(Out::App(AppCommand::Caption(None)));
            }
        }
        let steps = &loaded.lecture.cues[self.cue].steps;
        // Instantaneous steps run in the same frame; a waiting step takes this frame's time.
        let mut budget = Some(dt_s);
        loop {
            if self.wait != Wait::None {
                let Some(dt) = budget.take() else { break };
                self.wait_step(dt, pace, &mut out);
                if self.wait != Wait::None {
                    break;
                }
                continue;
            }
            let Some(step) = steps.get(self.step) else {
                self.finished = true;
                self.reveal();
                break;
            };
            self.step += 1;
            self.begin(step, self.step - 1, pace, loaded, &mut out);
        }
        out
    }

    /// Start one step: instantaneous ones act now, the others set a wait.
    fn begin(&mut self, step: &Step, index: usize, pace: Pace, loaded: &Loaded, out: &mut Vec<Out>) {
        let mut app = |c: AppCommand| out.push(Out::App(c));
        match step {
            Step::Do(c) => app(AppCommand::Sim(Target::Both, c.clone())),
            Step::To(t, c) => app(AppCommand::Sim(*t, c.clone())),
            Step::View(v) => app(AppCommand::View(*v)),
            Step::Fly(to, secs) => {
                let secs = if pace == Pace::Instant { 0.0 } else { *secs };
                app(camera(loaded.camera_goal(to).expect("checked when the lecture was parsed"), secs));
            }
            Step::Caption(text, secs) => {
                self.caption = Some((text.clone(), (*secs > 0.0).then_some(*secs as f64)));
                app(AppCommand::Caption(Some(text.clone())));
            }
            Step::Run(bio, speed) => {
                let (ms, rate) = super::fast_run(bio, speed).expect("checked when the lecture was parsed");
                let total = (ms / self.dt_ms).round() as u64;
                self.wait = Wait::Fast { total, done: 0, per_s: rate / self.dt_ms, elapsed_s: 0.0 };
                // The speed readout and the plots' time window follow the run
                // (at 200 ms/s a plot shows the last 2 s: the whole train).
                app(AppCommand::Playback(PlaybackCommand::Speed(rate * 1e3)));
            }
            Step::RunSlow(span, secs) => {
                let min = super::slow_span_min(span).expect("checked when the lecture was parsed");
                let total = (min / self.dt_min).round() as u64;
                self.wait = Wait::Slow { total, done: 0, per_s: total as f64 / (*secs as f64).max(1e-3), elapsed_s: 0.0 };
            }
            Step::Live(speed) => {
                let ms_per_s = crate::record::plan::parse_rate_ms_per_s(speed).expect("checked when the lecture was parsed");
                app(AppCommand::Playback(PlaybackCommand::Speed(ms_per_s * 1e3)));
                app(AppCommand::Playback(PlaybackCommand::Mode(ClockMode::Live)));
                app(AppCommand::Playback(PlaybackCommand::Play(pace != Pace::Instant)));
            }
            Step::Hold(s) => self.wait = Wait::Hold { left_s: *s as f64 },
            Step::Pause => {
                self.reveal();
                self.wait = match pace {
                    Pace::Live => Wait::Next,
                    Pace::Video => Wait::Hold { left_s: PAUSE_IN_VIDEO_S },
                    Pace::Instant => Wait::None,
                }
            }
            Step::Predict(q, choices, answer) => {
                self.prediction = Some(Prediction { question: q.clone(), choices: choices.clone(), answer: *answer, revealed: pace == Pace::Instant });
                self.wait = match pace {
                    Pace::Live => Wait::Next,
                    Pace::Video => Wait::Hold { left_s: PREDICT_IN_VIDEO_S },
                    Pace::Instant => Wait::None,
                };
            }
            Step::Expect(what, check) => out.push(Out::Expect { what: what.clone(), check: check.clone(), step: index }),
        }
        if pace == Pace::Instant {
            // Holds pass; runs take all their steps at once.
            while self.wait != Wait::None {
                self.wait_step(f64::INFINITY, pace, out);
            }
        }
    }

    /// Let a waiting step use `dt` seconds.
    fn wait_step(&mut self, dt: f64, pace: Pace, out: &mut Vec<Out>) {
        match &mut self.wait {
            Wait::None | Wait::Next => {}
            Wait::Hold { left_s } => {
                *left_s -= dt;
                // A tolerance, so that sums of 1/fps end a hold on its frame.
                if *left_s <= 1e-9 {
                    self.wait = Wait::None;
                }
            }
            Wait::Fast { total, done, per_s, elapsed_s } => {
                *elapsed_s += dt;
                let due = due(*elapsed_s, *per_s, *total);
                let mut n = due - *done;
                if pace == Pace::Live && n > MAX_STEPS_PER_FRAME {
                    // Behind its speed: the wall clock waits for biology, never the reverse.
                    n = MAX_STEPS_PER_FRAME;
                    *elapsed_s = (*done + n) as f64 / *per_s;
                }
                if n > 0 {
                    out.push(Out::App(AppCommand::Sim(Target::Both, Command::Run { steps: n })));
                    *done += n;
                }
                if *done >= *total {
                    self.wait = Wait::None;
                }
            }
            Wait::Slow { total, done, per_s, elapsed_s } => {
                *elapsed_s += dt;
                let due = due(*elapsed_s, *per_s, *total);
                if due > *done {
                    out.push(Out::App(AppCommand::Sim(Target::Both, Command::RunSlow { steps: due - *done })));
                    *done = due;
                }
                if *done >= *total {
                    self.wait = Wait::None;
                }
            }
        }
    }
}

/// A cue's end in a video: its last state held this long before the next cue.
pub const END_HOLD_S: f64 = 2.0;

/// One cue's place in a video of a lecture.
#[derive(Clone, Debug, PartialEq)]
pub struct VideoCue {
    pub cue: usize,
    /// The video frame it starts at.
    pub first_frame: u64,
    /// Frames its steps take (the runner advances 1/fps on each).
    pub run_frames: u64,
    /// All its frames: the steps and the hold after them.
    pub frames: u64,
}

/// Every frame of a lecture's video, known before rendering starts: which
/// cue each frame shows and the captions on screen (the subtitles).
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    pub fps: u32,
    pub cues: Vec<VideoCue>,
    pub frames: u64,
    pub captions: Vec<crate::record::plan::Cue>,
}

impl Timeline {
    /// The cues in `cues` (indices from 0), played at `fps` as the video will play them.
    pub fn of(loaded: &Loaded, cues: &[usize], fps: u32) -> Self {
        let dt = 1.0 / fps as f64;
        let hold = (END_HOLD_S * fps as f64).round() as u64;
        let (mut out, mut captions, mut frame) = (Vec::new(), Vec::new(), 0u64);
        // Subtitles: the cue's title and its caption, one entry per change.
        let mut shown: Option<(String, u64)> = None;
        let close = |shown: &mut Option<(String, u64)>, captions: &mut Vec<crate::record::plan::Cue>, at: u64| {
            if let Some((text, from)) = shown.take() {
                captions.push(crate::record::plan::Cue { start_s: from as f64 * dt, end_s: at as f64 * dt, text });
            }
        };
        for &cue in cues {
            let mut r = CueRunner::at(loaded, cue);
            let first_frame = frame;
            let mut run_frames = 0;
            while !r.finished && run_frames < crate::record::plan::MAX_FRAMES {
                r.advance(loaded, dt, Pace::Video);
                let text = format!("{}\n{}", loaded.lecture.cues[cue].title, r.caption().unwrap_or(""));
                if shown.as_ref().map(|(t, _)| t) != Some(&text) {
                    close(&mut shown, &mut captions, frame);
                    shown = Some((text, frame));
                }
                run_frames += 1;
                frame += 1;
            }
            frame += hold;
            out.push(VideoCue { cue, first_frame, run_frames, frames: run_frames + hold });
        }
        close(&mut shown, &mut captions, frame);
        for c in &mut captions {
            c.text = c.text.trim_end().to_string();
        }
        Self { fps, cues: out, frames: frame, captions }
    }

    /// The cue frame `k` shows and the frame's index within it.
    pub fn at(&self, k: u64) -> Option<(&VideoCue, u64)> {
        self.cues.iter().find(|c| k >= c.first_frame && k < c.first_frame + c.frames).map(|c| (c, k - c.first_frame))
    }
}

/// Steps due after `elapsed_s` at `per_s`, counted from the step's start (all of them at once when instant).
fn due(elapsed_s: f64, per_s: f64, total: u64) -> u64 {
    if elapsed_s.is_finite() { ((elapsed_s * per_s).round() as u64).min(total) } else { total }
}

/// The camera command for a goal.
fn camera(goal: CameraGoal, secs: f32) -> AppCommand {
    AppCommand::Camera(match goal {
        CameraGoal::View(v) if secs > 0.0 => CameraCommand::FlyTo { view: v, secs },
        CameraGoal::View(v) => CameraCommand::View(v),
        CameraGoal::Bookmark(name) => CameraCommand::Bookmark { name, secs },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lecture(steps: &str) -> Loaded {
        let text = format!("Lecture(title: \"t\", scenario: \"single_spike\", cues: [Cue(id: \"a\", title: \"A\", evidence: Established, panel: Plot(NmdaCurrent), steps: [{steps}])])");
        Loaded::parse(&text, "t.ron", None).unwrap()
    }

    fn run_steps(outs: &[Out]) -> u64 {
        outs.iter().map(|o| if let Out::App(AppCommand::Sim(_, Command::Run { steps })) = o { *steps } else { 0 }).sum()
    }

    #[test]
    fn a_run_takes_exactly_its_steps_at_its_speed() {
        // 2 ms at 1 ms/s: 2000 steps of 1 µs over 2 s of frames.
        let l = lecture("Run(\"2ms\", \"1ms/s\")");
        let mut r = CueRunner::at(&l, 0);
        let mut total = 0;
        let mut frames = 0;
        while !r.finished {
            total += run_steps(&r.advance(&l, 1.0 / 30.0, Pace::Video));
            frames += 1;
        }
        assert_eq!(total, 2000);
        assert_eq!(frames, 60, "2 s at 30 fps");
        assert_eq!(Timeline::of(&l, &[0], 30).cues[0].run_frames, 60);
        let mut r = CueRunner::at(&l, 0);
        assert_eq!(run_steps(&r.advance(&l, 0.0, Pace::Instant)), 2000);
        assert!(r.finished);
    }

    #[test]
    fn pause_and_predict_wait_for_next_live_and_hold_in_video() {
        let l = lecture("Predict(\"q\", [\"x\", \"y\"], 1), Pause, Do(Spike), Expect(\"i_nmda_pA\", Below(1.0))");
        let mut r = CueRunner::at(&l, 0);
        r.advance(&l, 0.1, Pace::Live);
        assert!(r.waiting_for_next() && !r.prediction.as_ref().unwrap().revealed);
        r.advance(&l, 100.0, Pace::Live);
        assert!(r.waiting_for_next(), "time alone does not answer");
        assert!(r.release());
        assert!(!r.prediction.as_ref().unwrap().revealed, "Next closes the vote; the answer waits for the evidence");
        r.advance(&l, 0.1, Pace::Live);
        assert!(r.waiting_for_next(), "now the pause");
        assert!(r.prediction.as_ref().unwrap().revealed, "revealed at the pause after the run");
        assert!(r.release());
        let outs = r.advance(&l, 0.1, Pace::Live);
        assert!(outs.contains(&Out::App(AppCommand::Sim(Target::Both, Command::Spike))));
        assert!(r.finished && !r.release());
        // In a video: 5 s + 3 s of holds.
        assert_eq!(Timeline::of(&l, &[0], 10).cues[0].run_frames, 80);
    }

    #[test]
    fn a_lecture_video_knows_every_frame_before_it_starts() {
        let l = lecture("Caption(\"one\", 1.0), Run(\"2ms\", \"1ms/s\"), Caption(\"two\", 0.0), Pause");
        let t = Timeline::of(&l, &[0, 0], 10);
        // 2 s of running + 3 s of pause, then 2 s of hold; twice.
        assert_eq!(t.cues[0], VideoCue { cue: 0, first_frame: 0, run_frames: 50, frames: 70 });
        assert_eq!(t.frames, 140);
        assert_eq!(t.at(69).map(|(c, j)| (c.first_frame, j)), Some((0, 69)));
        assert_eq!(t.at(70).map(|(c, j)| (c.first_frame, j)), Some((70, 0)));
        assert!(t.at(140).is_none());
        let texts: Vec<&str> = t.captions.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["A\none", "A", "A\ntwo", "A\none", "A", "A\ntwo"]);
        assert!((t.captions[0].end_s - 1.0).abs() < 1e-9, "'one' lasts its second: {:?}", t.captions[0]);
        assert!((t.captions.last().unwrap().end_s - 14.0).abs() < 1e-9);
    }

    #[test]
    fn captions_expire_and_every_cue_starts_from_its_scenario() {
        let l = lecture("Caption(\"hello\", 1.0), Hold(3.0)");
        let mut r = CueRunner::at(&l, 0);
        let first = r.advance(&l, 0.0, Pace::Live);
        assert!(first.iter().any(|o| matches!(o, Out::App(AppCommand::LoadScenario { .. }))));
        assert!(first.contains(&Out::App(AppCommand::Caption(Some("hello".into())))));
        assert_eq!(r.caption(), Some("hello"));
        let later = r.advance(&l, 1.5, Pace::Live);
        assert!(later.contains(&Out::App(AppCommand::Caption(None))));
        assert_eq!(r.caption(), None);
    }
}
