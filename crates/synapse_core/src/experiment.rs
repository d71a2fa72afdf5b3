//! One experiment: the fast particle synapse, the slow cascade it is
//! re-sampled from, the scenario as loaded, the pending train spikes, the
//! fast and slow histories and the kept moments, driven only by
//! [`Command`]s. The app, `synapse-lab run` and `synapse-lab replay` all
//! drive this type, so "the app equals the CLI bit for bit" holds by
//! construction: the same scenario and the same commands give the same
//! bits, whoever sends them.
//!
//! Time moves only through commands: `Run { steps }` advances the fast
//! clock by whole core steps, `RunSlow { steps }` the slow clock by whole
//! slow steps (the drug levels of the schedule follow into the synapse),
//! `SlowJump` jumps it and re-samples the synapse. A [`CommandLog`] is the
//! scenario plus the commands in order; replaying it re-creates the state.

use crate::dendrite::{Dendrite, DendriteSample};
use crate::pharmacology::{Catalogue, Drug};
use crate::recorder::{Observables, Trace};
use crate::scenario::{ClampMode, Scenario, ScenarioError};
use crate::signalling::{Cascade, format_minutes};
use crate::sim::{Control, Simulation};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fmt;

/// Samples kept for the fast plots.
pub const FAST_HISTORY_LEN: usize = 4000;
/// The fast history samples every this much biology (ms): 10 µs.
pub const FAST_SAMPLE_MS: f64 = 0.01;
/// The long history (plots at a fast playback speed: a 20 Hz train over
/// seconds) samples every this much biology (ms), 0.1 ms: an AMPA EPSC
/// (rise ~0.3 ms, decay ~2 ms) keeps its peak within a few per cent.
pub const LONG_SAMPLE_MS: f64 = 0.1;
/// Samples kept in the long history: 3 s of biology (~10 MB).
pub const LONG_HISTORY_LEN: usize = 30_000;
/// The slow history samples every this many slow minutes.
pub const SLOW_SAMPLE_MIN: f64 = 1.0;
/// A scheduled drug's level is pushed into the fast synapse when it moves by this fraction.
const LEVEL_CHANGE: f64 = 0.02;
/// Most core steps one `Run` may ask for (~30 min of computing).
pub const MAX_RUN_STEPS: u64 = 1_000_000_000;

/// The most particle steps a replay takes between two progress reports
/// (well under a second of computing for any scenario that fits a frame).
pub const REPLAY_SLICE_STEPS: u64 = 20_000;
/// Farthest one slow jump or one `RunSlow` may go (8 weeks, as far as a drug may start before t = 0).
pub const MAX_SLOW_MIN: f64 = 8.0 * 7.0 * 1440.0;

/// Everything a person (or a lecture, or a script) can do to an experiment.
/// Serialised as RON in command logs: `Spike`, `MgMm(0.0)`,
/// `Drug(name: "ketamine", conc_um: 10.0)`, `Run(steps: 1000)`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub enum Command {
    /// Advance the fast clock by whole core steps (dt each).
    Run {
        steps: u64,
    },
    /// One presynaptic action potential.
    Spike,
    /// One spontaneous vesicle fusion.
    Mini,
    /// One spike of the GABAergic interneuron.
    InterneuronSpike,
    /// A train of spikes from the next step.
    Train {
        rate_hz: f64,
        count: u32,
    },
    Clamp(ClampMode),
    HoldingMv(f64),
    InjectPa(f64),
    MgMm(f64),
    CaMm(f64),
    GlycineUm(f64),
    DSerineUm(f64),
    /// A drug of the catalogue at a free concentration (µM) at the synapse;
    /// 0 washes it out (a trapped blocker stays until its channel opens).
    Drug {
        name: String,
        conc_um: f64,
    },
    /// Wash a drug out (the same as concentration 0).
    WashOut {
        name: String,
    },
    /// Advance the slow clock by whole slow steps (dt_min each); the
    /// scheduled drugs' levels follow into the synapse.
    RunSlow {
        steps: u64,
    },
    /// Jump the slow clock ahead and re-sample the synapse from the slow state.
    SlowJump {
        minutes: f64,
    },
    /// Keep the slow moment to come back to.
    KeepMoment,
    /// Go back to a kept moment (0 = the start, always kept).
    RestoreMoment(usize),
    /// The scenario again from t = 0 on both clocks.
    Restart,
    /// A scenario with a dendrite: one action potential at its synapse
    /// `synapse` (0 = the first along the shaft).
    DendriteSpike {
        synapse: u32,
    },
    /// A scenario with a dendrite: one vesicle (a spontaneous fusion) at
    /// its synapse `synapse`, certain where a spike may fail.
    DendriteVesicle {
        synapse: u32,
    },
    /// A scenario with a dendrite: `count` spikes at `rate_hz` from the next
    /// step at the `synapses` synapses nearest synapse `synapse` along the
    /// shaft, itself included.
    DendriteBurst {
        synapse: u32,
        synapses: u32,
        count: u32,
        rate_hz: f64,
    },
}

/// A command that could not be carried out, and why; the experiment is unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandError(pub String);

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CommandError {}

/// A burst's spikes and rate (what does not depend on the dendrite).
fn check_burst(count: u32, rate_hz: f64) -> Result<(), CommandError> {
    in_range("burst rate", rate_hz, 0.1, 1000.0, "Hz")?;
    if !(1..=100).contains(&count) {
        return Err(CommandError(format!("burst of {count} spikes: use 1 to 100")));
    }
    Ok(())
}

fn in_range(what: &str, v: f64, lo: f64, hi: f64, unit: &str) -> Result<f64, CommandError> {
    let shown = crate::units::readable(v);
    if v.is_finite() && (lo..=hi).contains(&v) { Ok(v) } else { Err(CommandError(format!("{what} {shown} {unit} is out of range; use {lo} to {hi} {unit}"))) }
}

/// A slow moment kept to come back to.
#[derive(Clone, Debug)]
pub struct Moment {
    pub label: String,
    pub cascade: Cascade,
}

/// Fast observables sampled on the core's step grid, for the plots.
#[derive(Clone, Debug, Default)]
pub struct FastHistory {
    /// The last `FAST_HISTORY_LEN` samples, every `FAST_SAMPLE_MS` (40 ms).
    pub rows: VecDeque<Observables>,
    /// Sample every this many core steps.
    pub every_steps: u64,
    /// The last `LONG_HISTORY_LEN` samples, every `LONG_SAMPLE_MS` (3 s).
    pub long: VecDeque<Observables>,
    pub long_every_steps: u64,
}

impl FastHistory {
    fn for_sim(sim: &Simulation) -> Self {
        let every = |ms: f64| ((ms / sim.dt_ms()).round() as u64).max(1);
        Self { rows: VecDeque::new(), every_steps: every(FAST_SAMPLE_MS), long: VecDeque::new(), long_every_steps: every(LONG_SAMPLE_MS) }
    }

    /// Sample the simulation if step `step` is on either grid.
    fn sample(&mut self, sim: &Simulation) {
        let step = sim.step_index;
        let (fine, long) = (step.is_multiple_of(self.every_steps), step.is_multiple_of(self.long_every_steps));
        if !fine && !long {
            return;
        }
        let o = Observables::of(sim);
        for (on, ring, len) in [(fine, &mut self.rows, FAST_HISTORY_LEN), (long, &mut self.long, LONG_HISTORY_LEN)] {
            if on {
                if ring.len() == len {
                    ring.pop_front();
                }
                ring.push_back(o);
            }
        }
    }
}

/// The slow clock's records: rows every `SLOW_SAMPLE_MIN`, and the kept moments.
#[derive(Clone, Debug, Default)]
pub struct SlowHistory {
    /// (t_min, cascade row), columns as `columns`.
    pub rows: Vec<(f64, Vec<f64>)>,
    pub columns: Vec<String>,
    pub moments: Vec<Moment>,
}

impl SlowHistory {
    /// (t_min, value) of one fixed column over the history.
    pub fn series(&self, c: crate::signalling::SlowColumn) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.rows.iter().map(move |(t, r)| (*t, r[c as usize]))
    }

    fn sample(&mut self, c: &Cascade) {
        let t = c.t_min();
        if self.rows.last().is_none_or(|(last, _)| t >= last + SLOW_SAMPLE_MIN - 1e-9) {
            self.rows.push((t, c.row()));
        }
    }
}

/// The fast synapse, the slow cascade, and their records. A clone is an
/// exact copy: B of an A/B comparison starts as one.
#[derive(Clone)]
pub struct Experiment {
    pub sim: Simulation,
    /// The slow clock's model; the fast synapse is re-sampled from it.
    pub cascade: Cascade,
    /// The scenario as loaded.
    base: Scenario,
    catalogue: Catalogue,
    /// Step indices at which the spikes of a train fire.
    pending_spikes: VecDeque<u64>,
    pub history: FastHistory,
    pub slow: SlowHistory,
    /// Scheduled drug levels last pushed into the fast synapse.
    pushed: Vec<f64>,
    /// Bumped whenever the fast synapse is rebuilt (the scene re-spawns).
    pub generation: u64,
    /// Bumped when the scenario restarts (the slow clock starts over).
    pub epoch: u64,
    /// Diffusion on all cores (same bits either way).
    pub parallel: bool,
    /// The scenario's stretch of dendrite, on the fast clock beside the
    /// single synapse (`None` where the scenario has none).
    pub dendrite: Option<Dendrite>,
    /// The dendrite's readouts on the fine grid of the fast history (the
    /// last `FAST_HISTORY_LEN` samples), for its plots.
    pub dendrite_history: VecDeque<DendriteSample>,
}

impl Experiment {
    /// A scenario at t = 0 on both clocks: the cascade (drugs given before
    /// t = 0 have acted) and the fast synapse it makes, its drugs, GLT-1
    /// and resting block in effect from t = 0.
    pub fn new(scenario: Scenario) -> Result<Self, ScenarioError> {
        let catalogue = Catalogue::builtin().map_err(|e| ScenarioError::Io { file: "the built-in drug catalogue".into(), message: e.to_string() })?;
        Self::with_catalogue(scenario, catalogue)
    }

    pub fn with_catalogue(scenario: Scenario, catalogue: Catalogue) -> Result<Self, ScenarioError> {
        let cascade = Cascade::new(&scenario)?;
        let sim = Self::fast_from(&cascade, &scenario, true, &[]);
        let dendrite = Self::dendrite_from(&scenario, true)?;
        let mut e = Self {
            dendrite,
            dendrite_history: VecDeque::new(),
            history: FastHistory::for_sim(&sim),
            sim,
            cascade,
            base: scenario,
            catalogue,
            pending_spikes: VecDeque::new(),
            slow: SlowHistory::default(),
            pushed: Vec::new(),
            generation: 0,
            epoch: 0,
            parallel: true,
        };
        e.start_slow_records();
        Ok(e)
    }

    /// The one place the fast layer is built from the slow state: the
    /// cascade's synapse with its controls in effect from t = 0 (no step is
    /// taken), then drugs the user had applied by hand.
    fn fast_from(cascade: &Cascade, live: &Scenario, parallel: bool, by_hand: &[(Drug, f64)]) -> Simulation {
        let (fast, controls) = cascade.fast_layer(live);
        let mut sim = Simulation::new(&fast);
        sim.parallel = parallel;
        for c in controls {
            sim.apply(c);
        }
        for (drug, conc_um) in by_hand {
            sim.apply(Control::SetDrug { drug: Box::new(drug.clone()), conc_um: *conc_um });
        }
        sim
    }

    /// The scenario's dendrite at t = 0, if it has one (a validated
    /// scenario's always builds).
    fn dendrite_from(scenario: &Scenario, parallel: bool) -> Result<Option<Dendrite>, ScenarioError> {
        let build = |c: &crate::dendrite::DendriteConfig| {
            let mut d = Dendrite::new(c, scenario).map_err(|message| ScenarioError::Override { arg: "dendrite".into(), message })?;
            d.parallel = parallel;
            Ok(d)
        };
        scenario.dendrite.as_ref().map(build).transpose()
    }

    /// Step on all cores or one (the same bits either way): the synapse's
    /// diffusion and the dendrite's synapses.
    pub fn set_parallel(&mut self, parallel: bool) {
        self.parallel = parallel;
        self.sim.parallel = parallel;
        if let Some(d) = &mut self.dendrite {
            d.parallel = parallel;
        }
    }

    fn start_slow_records(&mut self) {
        self.slow = SlowHistory { rows: Vec::new(), columns: self.cascade.columns(), moments: Vec::new() };
        self.slow.sample(&self.cascade);
        self.slow.moments.push(Moment { label: format!("start ({})", format_minutes(self.cascade.t_min())), cascade: self.cascade.clone() });
        self.pushed = self.cascade.concentrations_um(self.cascade.t_min()).into_iter().map(|(_, c)| c).collect();
    }

    /// The scenario as loaded.
    pub fn base(&self) -> &Scenario {
        &self.base
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The scenario with what was set live (bath, clamp): what "save" writes
    /// and what a re-sample starts from.
    pub fn live_scenario(&self) -> Scenario {
        let mut live = self.base.clone();
        live.solution = self.sim.solution.clone();
        live.membrane.hold_mv = self.sim.membrane.hold_mv;
        live.membrane.mode = self.sim.membrane.mode;
        live
    }

    /// Whether the scenario schedules drugs on the slow clock.
    pub fn has_slow_drugs(&self) -> bool {
        !self.cascade.drug_keys().is_empty()
    }

    /// Train spikes still to fire (step indices).
    pub fn pending_spikes(&self) -> impl Iterator<Item = u64> + '_ {
        self.pending_spikes.iter().copied()
    }

    /// Check a command without carrying it out (a bad one changes nothing).
    pub fn check(&self, cmd: &Command) -> Result<(), CommandError> {
        match cmd {
            Command::Run { steps } if *steps > MAX_RUN_STEPS => Err(CommandError(format!("{steps} steps in one command: use at most {MAX_RUN_STEPS}"))),
            Command::RunSlow { steps } if *steps as f64 * self.cascade.dt_min() > MAX_SLOW_MIN => {
                Err(CommandError(format!("{steps} slow steps is more than {MAX_SLOW_MIN} min in one command; split it")))
            }
            Command::Train { rate_hz, count } => {
                in_range("train rate", *rate_hz, 0.1, 1000.0, "Hz")?;
                if !(1..=10_000).contains(count) {
                    return Err(CommandError(format!("train of {count} spikes: use 1 to 10000")));
                }
                Ok(())
            }
            Command::HoldingMv(v) => in_range("holding potential", *v, -150.0, 80.0, "mV").map(drop),
            Command::InjectPa(i) => in_range("injected current", *i, -5000.0, 5000.0, "pA").map(drop),
            Command::MgMm(v) => in_range("Mg2+", *v, 0.0, 20.0, "mM").map(drop),
            Command::CaMm(v) => in_range("Ca2+", *v, 0.0, 20.0, "mM").map(drop),
            Command::GlycineUm(v) => in_range("glycine", *v, 0.0, 10_000.0, "µM").map(drop),
            Command::DSerineUm(v) => in_range("D-serine", *v, 0.0, 10_000.0, "µM").map(drop),
            Command::Drug { name, conc_um } => {
                self.catalogue.get(name).map_err(|e| CommandError(e.to_string()))?;
                in_range(&format!("{name} concentration"), *conc_um, 0.0, 100_000.0, "µM").map(drop)
            }
            Command::WashOut { name } => self.catalogue.get(name).map(drop).map_err(|e| CommandError(e.to_string())),
            Command::SlowJump { minutes } => in_range("slow jump", *minutes, 0.0, MAX_SLOW_MIN, "min").map(drop),
            Command::DendriteSpike { synapse } | Command::DendriteVesicle { synapse } => self.check_synapse(*synapse),
            Command::DendriteBurst { synapse, synapses, count, rate_hz } => {
                self.check_synapse(*synapse)?;
                check_burst(*count, *rate_hz)?;
                let n = self.dendrite.as_ref().map_or(0, |d| d.synapses.len());
                if *synapses == 0 || *synapses as usize > n {
                    return Err(CommandError(format!("a burst at {synapses} synapses: the dendrite has {n}; use 1 to {n}")));
                }
                Ok(())
            }
            Command::RestoreMoment(i) if *i >= self.slow.moments.len() => Err(CommandError(format!("moment {i} does not exist; {} moment(s) are kept (0 = the start)", self.slow.moments.len()))),
            _ => Ok(()),
        }
    }

    /// A synapse of the scenario's dendrite, or why not.
    fn check_synapse(&self, synapse: u32) -> Result<(), CommandError> {
        match &self.dendrite {
            None => Err(CommandError("this scenario has no dendrite: load the built-in scenario \"dendrite\" (or give a scenario a `dendrite: Some(())` field)".into())),
            Some(d) if synapse as usize >= d.synapses.len() => Err(CommandError(format!("the dendrite has synapses 0 to {}; there is no synapse {synapse}", d.synapses.len() - 1))),
            Some(_) => Ok(()),
        }
    }

    /// Check a command that will be carried out later, in a state not known
    /// yet (a key binding, a lecture step, a recorded frame): everything
    /// `check` checks but what depends on the state (a kept moment's index,
    /// which the run itself checks).
    pub fn check_ahead(&self, cmd: &Command) -> Result<(), CommandError> {
        match cmd {
            Command::RestoreMoment(_) | Command::DendriteSpike { .. } | Command::DendriteVesicle { .. } => Ok(()),
            // Whether there is a dendrite, and how many synapses, is the scenario's of then.
            Command::DendriteBurst { count, rate_hz, .. } => check_burst(*count, *rate_hz),
            _ => self.check(cmd),
        }
    }

    /// Carry out one command; a bad command is refused whole and changes nothing.
    pub fn apply(&mut self, cmd: &Command) -> Result<(), CommandError> {
        self.check(cmd)?;
        match cmd {
            Command::Run { steps } => self.step_fast(*steps),
            Command::Spike => self.sim.apply(Control::Spike),
            Command::Mini => self.sim.apply(Control::Mini),
            Command::InterneuronSpike => self.sim.apply(Control::InterneuronSpike),
            Command::Train { rate_hz, count } => {
                let now = self.sim.step_index + 1;
                let every = (((1e3 / rate_hz) / self.sim.dt_ms()).round() as u64).max(1);
                // Trains may overlap: keep the spikes in firing order.
                self.pending_spikes.extend((0..*count as u64).map(|k| now + k * every));
                self.pending_spikes.make_contiguous().sort_unstable();
            }
            Command::Clamp(m) => self.sim.apply(Control::SetClamp(*m)),
            Command::HoldingMv(v) => self.sim.apply(Control::SetHoldingMv(*v)),
            Command::InjectPa(i) => self.sim.apply(Control::SetInjectPa(*i)),
            Command::MgMm(v) => self.sim.apply(Control::SetMgMm(*v)),
            Command::CaMm(v) => self.sim.apply(Control::SetCaMm(*v)),
            Command::GlycineUm(v) => self.sim.apply(Control::SetGlycineUm(*v)),
            Command::DSerineUm(v) => self.sim.apply(Control::SetDSerineUm(*v)),
            Command::Drug { name, conc_um } => self.set_drug(name, *conc_um),
            Command::WashOut { name } => self.set_drug(name, 0.0),
            Command::RunSlow { steps } => self.advance_slow_steps(*steps),
            Command::SlowJump { minutes } => self.jump(*minutes),
            Command::KeepMoment => {
                let label = format_minutes(self.cascade.t_min());
                if !self.slow.moments.iter().any(|m| m.label == label) {
                    self.slow.moments.push(Moment { label, cascade: self.cascade.clone() });
                }
            }
            Command::RestoreMoment(i) => self.restore(*i),
            Command::Restart => self.restart(),
            Command::DendriteSpike { synapse } => self.stimulate_dendrite(&[*synapse as usize], Control::Spike, 1, 1),
            Command::DendriteVesicle { synapse } => self.stimulate_dendrite(&[*synapse as usize], Control::Mini, 1, 1),
            Command::DendriteBurst { synapse, synapses, count, rate_hz } => {
                let every = (((1e3 / rate_hz) / self.sim.dt_ms()).round() as u64).max(1);
                let at = self.dendrite.as_ref().map(|d| d.neighbours_along(*synapse as usize, *synapses as usize)).unwrap_or_default();
                self.stimulate_dendrite(&at, Control::Spike, *count, every);
            }
        }
        Ok(())
    }

    fn set_drug(&mut self, name: &str, conc_um: f64) {
        let drug = self.catalogue.get(name).expect("checked").clone();
        if let Some(d) = &mut self.dendrite {
            d.set_drug(&drug, conc_um);
        }
        self.sim.apply(Control::SetDrug { drug: Box::new(drug), conc_um });
    }

    /// `count` stimuli `every` fast steps apart at each of `synapses` of the
    /// dendrite, the first now (checked: the dendrite is there).
    fn stimulate_dendrite(&mut self, synapses: &[usize], c: Control, count: u32, every: u64) {
        let Some(d) = &mut self.dendrite else { return };
        let now = d.step_index;
        for k in 0..count as u64 {
            for &i in synapses {
                d.schedule(now + k * every, i, c.clone());
            }
        }
    }

    /// Advance the fast clock by `n` core steps: train spikes fire at their
    /// step, the history samples on the step grid.
    pub fn step_fast(&mut self, n: u64) {
        let end = self.sim.step_index + n;
        while self.sim.step_index < end {
            while self.pending_spikes.front().is_some_and(|&s| s <= self.sim.step_index) {
                self.pending_spikes.pop_front();
                self.sim.apply(Control::Spike);
            }
            self.sim.step();
            self.history.sample(&self.sim);
        }
        // The dendrite keeps the same clock (its own steps, its own stimuli),
        // sampled on the fast history's grid (the bits do not depend on how
        // its steps are cut).
        if let Some(d) = &mut self.dendrite {
            let every = self.history.every_steps;
            let end = d.step_index + n;
            while d.step_index < end {
                d.advance((end - d.step_index).min(every - d.step_index % every));
                if d.step_index.is_multiple_of(every) {
                    if self.dendrite_history.len() == FAST_HISTORY_LEN {
                        self.dendrite_history.pop_front();
                    }
                    self.dendrite_history.push_back(d.sample());
                }
            }
        }
    }

    /// Run the fast clock from now to `t_end_ms`, sampling every `every_ms`
    /// (now too, and at the end): what `synapse-lab run` writes.
    pub fn record_fast(&mut self, t_end_ms: f64, every_ms: f64) -> Trace {
        let every = ((every_ms / self.sim.dt_ms()).round() as u64).max(1);
        let end = (t_end_ms / self.sim.dt_ms()).round() as u64;
        let mut trace = Trace { extra_columns: self.sim.drug_occupancy().into_iter().map(|(n, _)| n).collect(), ..Default::default() };
        // A dendrite's readouts follow the synapse's own columns.
        if self.dendrite.is_some() {
            trace.extra_columns.extend(DendriteSample::COLUMNS.iter().map(|c| c.to_string()));
        }
        let sample = |e: &Experiment, trace: &mut Trace| {
            trace.rows.push(Observables::of(&e.sim));
            let mut extra: Vec<f64> = e.sim.drug_occupancy().into_iter().map(|(_, v)| v).collect();
            extra.extend(e.dendrite.iter().flat_map(|d| d.sample().values()));
            trace.extra.push(extra);
        };
        sample(self, &mut trace);
        while self.sim.step_index < end {
            let next = ((self.sim.step_index / every + 1) * every).min(end);
            self.step_fast(next - self.sim.step_index);
            sample(self, &mut trace);
        }
        trace
    }

    /// Advance the cascade to `t_min` on its grid, sampling the slow history
    /// on the whole-minute grid however the calls cut the time.
    fn advance_cascade_to(&mut self, t_min: f64) {
        self.cascade.set_solution(&self.sim.solution);
        loop {
            let next = ((self.cascade.t_min() + 1e-9) / SLOW_SAMPLE_MIN).floor() * SLOW_SAMPLE_MIN + SLOW_SAMPLE_MIN;
            if next > t_min + 1e-9 {
                break;
            }
            self.cascade.advance_to(next);
            self.slow.sample(&self.cascade);
        }
        self.cascade.advance_to(t_min);
    }

    /// Run the slow clock by `n` slow steps. The synapse follows: a scheduled
    /// drug's level is pushed into it when it moves by 2 %, and the synapse
    /// is re-sampled when synaptic protein changes its AMPA receptor count.
    pub fn advance_slow_steps(&mut self, n: u64) {
        if n == 0 {
            return;
        }
        let target = self.cascade.t_min() + n as f64 * self.cascade.dt_min();
        self.advance_cascade_to(target);
        if self.cascade.ampa_count(&self.base) != self.sim.scenario.receptors.ampa {
            self.resample();
            return;
        }
        let t = self.cascade.t_min();
        let mut push = Vec::new();
        for (i, (drug, conc)) in self.cascade.levels(t).enumerate() {
            let before = self.pushed.get(i).copied().unwrap_or(0.0);
            if (conc - before).abs() > LEVEL_CHANGE * before.max(1e-6) {
                push.push((i, drug.clone(), conc));
            }
        }
        for (i, drug, conc) in push {
            self.sim.apply(Control::SetDrug { drug: Box::new(drug), conc_um: conc });
            if let Some(p) = self.pushed.get_mut(i) {
                *p = conc;
            }
        }
    }

    /// Jump the slow clock ahead by `minutes` and re-sample the synapse there.
    pub fn jump(&mut self, minutes: f64) {
        let target = self.cascade.t_min() + minutes.max(0.0);
        self.advance_cascade_to(target);
        self.resample();
    }

    /// Back to kept moment `i`: the slow history after it is dropped.
    fn restore(&mut self, i: usize) {
        let m = self.slow.moments[i].clone();
        let t = m.cascade.t_min();
        self.slow.rows.retain(|(ti, _)| *ti <= t + 1e-9);
        self.cascade = m.cascade;
        self.resample();
    }

    /// Rebuild the fast synapse from the slow state (after a jump, a restored
    /// moment, or a change of AMPA count): the live bath and clamp kept,
    /// drugs applied by hand applied again, the fast clock back at 0.
    pub fn resample(&mut self) {
        let scheduled = self.cascade.drug_keys();
        let by_hand: Vec<(Drug, f64)> = self.sim.drugs.iter().filter(|a| !scheduled.contains(&a.drug.key)).map(|a| (a.drug.clone(), a.conc_um)).collect();
        let live = self.live_scenario();
        self.sim = Self::fast_from(&self.cascade, &live, self.parallel, &by_hand);
        // The dendrite starts again with the synapse's clock, the drugs given by hand in it.
        self.dendrite = Self::dendrite_from(&live, self.parallel).expect("the scenario built once, so it builds again");
        if let Some(d) = &mut self.dendrite {
            for (drug, conc_um) in &by_hand {
                d.set_drug(drug, *conc_um);
            }
        }
        self.dendrite_history.clear();
        self.pending_spikes.clear();
        self.history = FastHistory::for_sim(&self.sim);
        self.pushed = self.cascade.concentrations_um(self.cascade.t_min()).into_iter().map(|(_, c)| c).collect();
        self.generation += 1;
    }

    /// The scenario again from t = 0 on both clocks (live settings dropped).
    fn restart(&mut self) {
        let cascade = Cascade::new(&self.base).expect("the scenario built once, so it builds again");
        self.sim = Self::fast_from(&cascade, &self.base, self.parallel, &[]);
        self.dendrite = Self::dendrite_from(&self.base, self.parallel).expect("the scenario built once, so it builds again");
        self.dendrite_history.clear();
        self.cascade = cascade;
        self.pending_spikes.clear();
        self.history = FastHistory::for_sim(&self.sim);
        self.start_slow_records();
        self.generation += 1;
        self.epoch += 1;
    }

    /// One 64-bit hash of both clocks' state: the fast synapse's FNV-1a hash
    /// (positions, receptor and transporter states, blocks, counts, voltage),
    /// the slow step and every cascade variable, the pending train spikes.
    /// It leaves out the kept moments and the histories (records, not
    /// state); two runs of the same commands agree on those as well.
    pub fn state_hash(&self) -> u64 {
        let mut h = self.sim.state_hash();
        let mut mix = |v: u64| h = crate::rng::mix64(h ^ v);
        mix(self.cascade.t_min().to_bits());
        for v in self.cascade.row() {
            mix(v.to_bits());
        }
        for s in &self.pending_spikes {
            mix(*s);
        }
        if let Some(d) = &self.dendrite {
            mix(d.state_hash());
        }
        h
    }
}

/// One command of a log, with the frame and the clocks' times when it took effect.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct LoggedCommand {
    pub frame: u64,
    /// Fast clock (ms) and slow clock (min) just before the command.
    pub t_ms: f64,
    pub slow_min: f64,
    pub command: Command,
}

/// A command of the program around the model (camera, view, playback,
/// captions), logged as RON text for the app and exports to read; `replay`
/// leaves these out: they change what is shown, not the model.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct LoggedView {
    pub frame: u64,
    pub t_ms: f64,
    pub command: String,
}

/// Current version of the command-log format.
pub const COMMAND_LOG_VERSION: u32 = 1;

/// A recorded session: the scenario as loaded, every command in order, and
/// the final state hash it gave. `synapse-lab replay` re-runs it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CommandLog {
    pub version: u32,
    /// The program that wrote it.
    pub program: String,
    /// Where the scenario came from (for people; the scenario itself is below).
    pub source: String,
    pub scenario: Scenario,
    pub commands: Vec<LoggedCommand>,
    /// The app's own commands (camera, view, playback), in order.
    #[serde(default)]
    pub view: Vec<LoggedView>,
    /// The experiment's `state_hash` at the end, as 0x-prefixed hex.
    #[serde(default)]
    pub final_hash: Option<String>,
}

impl CommandLog {
    pub fn new(source: &str, scenario: &Scenario) -> Self {
        Self {
            version: COMMAND_LOG_VERSION,
            program: format!("synapse-lab {}", env!("CARGO_PKG_VERSION")),
            source: source.into(),
            scenario: scenario.clone(),
            commands: Vec::new(),
            view: Vec::new(),
            final_hash: None,
        }
    }

    /// Add a command that took effect on `exp` (call before applying it).
    /// Consecutive `Run`s merge: `Run(a); Run(b)` is `Run(a + b)`.
    pub fn push(&mut self, frame: u64, exp: &Experiment, command: Command) {
        self.push_at(frame, (exp.sim.t_ms(), exp.cascade.t_min()), command);
    }

    /// Add a command that took effect at (fast ms, slow min) `at`.
    pub fn push_at(&mut self, frame: u64, (t_ms, slow_min): (f64, f64), command: Command) {
        if let (Some(LoggedCommand { command: Command::Run { steps: last }, .. }), Command::Run { steps }) = (self.commands.last_mut(), &command)
            && *last + steps <= MAX_RUN_STEPS
        {
            *last += steps;
            return;
        }
        self.commands.push(LoggedCommand { frame, t_ms, slow_min, command });
    }

    pub fn to_ron(&self) -> String {
        let cfg = ron::ser::PrettyConfig::new().struct_names(true).depth_limit(2);
        ron::ser::to_string_pretty(self, cfg).expect("a command log always serialises")
    }

    /// Parse a log; `file` names it in messages (file:line:column).
    pub fn from_ron(text: &str, file: &str) -> Result<Self, ScenarioError> {
        let log: CommandLog = ron::from_str(text).map_err(|e| ScenarioError::Parse {
            file: file.into(),
            line: e.span.start.line,
            col: e.span.start.col,
            message: format!("{} (a command log: see `synapse-lab --record-commands`)", e.code),
        })?;
        log.check_in(text, file, 1)?;
        Ok(log)
    }

    /// The checks after parsing, placed in `text`, where this log is written
    /// from line `from_line` on (a recording holds logs).
    pub fn check_in(&self, text: &str, file: &str, from_line: usize) -> Result<(), ScenarioError> {
        let (line, col) = crate::text::field_position(text, "version", from_line, 0).unwrap_or((from_line, 1));
        if self.version != COMMAND_LOG_VERSION {
            return Err(ScenarioError::Parse {
                file: file.into(),
                line,
                col,
                message: format!("command log version {} is not supported; this build reads version {COMMAND_LOG_VERSION}", self.version),
            });
        }
        let scenario_line = crate::text::field_position(text, "scenario", from_line, 0).map_or(from_line, |(l, _)| l);
        self.scenario.validate_within(file, text, scenario_line)
    }

    /// Re-run the log from its scenario; the first bad command stops it with
    /// its index and why.
    pub fn replay(&self) -> Result<Experiment, String> {
        self.replay_with(&mut |_, _| {})
    }

    /// The particle steps the log's `Run` commands take in all.
    pub fn total_steps(&self) -> u64 {
        self.commands.iter().map(|c| if let Command::Run { steps } = c.command { steps } else { 0 }).sum()
    }

    /// `replay`, telling `progress(steps done, steps in all)` after every
    /// slice of at most `REPLAY_SLICE_STEPS` particle steps: a long `Run` is
    /// carried out in slices (the same bits: a `Run` is its steps one by
    /// one), so the caller can show how far it is.
    pub fn replay_with(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<Experiment, String> {
        let mut exp = Experiment::new(self.scenario.clone()).map_err(|e| e.to_string())?;
        let (total, mut done) = (self.total_steps(), 0);
        for (i, c) in self.commands.iter().enumerate() {
            let failed = |e: CommandError| format!("command {} ({:?}, frame {}): {e}", i + 1, c.command, c.frame);
            match c.command {
                Command::Run { steps } => {
                    exp.check(&c.command).map_err(failed)?;
                    let mut left = steps;
                    while left > 0 {
                        let slice = left.min(REPLAY_SLICE_STEPS);
                        exp.apply(&Command::Run { steps: slice }).map_err(failed)?;
                        left -= slice;
                        done += slice;
                        progress(done, total);
                    }
                }
                _ => exp.apply(&c.command).map_err(failed)?,
            }
        }
        Ok(exp)
    }
}

/// A hash as the logs and the CLI print it.
pub fn format_hash(h: u64) -> String {
    format!("0x{h:016x}")
}

#[cfg(test)]
mod tests {

    /// A value out of range is named readably, however large.
    #[test]
    fn an_out_of_range_value_is_named_readably() {
        let e = Experiment::new(Scenario::default()).unwrap();
        assert_eq!(e.check(&Command::MgMm(1e308)).unwrap_err().0, "Mg2+ 1e308 mM is out of range; use 0 to 20 mM");
        assert_eq!(e.check(&Command::MgMm(-1.0)).unwrap_err().0, "Mg2+ -1 mM is out of range; use 0 to 20 mM");
        assert!(e.check(&Command::MgMm(f64::NAN)).unwrap_err().0.starts_with("Mg2+ NaN mM"));
    }
    use super::*;
    use crate::scenario::Stimulus;

    /// A replay in slices with progress gives the bits of one long run.
    #[test]
    fn a_long_run_replays_in_slices_with_progress_to_the_same_bits() {
        let mut whole = Experiment::new(quiet()).unwrap();
        let mut log = CommandLog::new("t", &quiet());
        for c in [Command::Spike, Command::Run { steps: 2 * REPLAY_SLICE_STEPS + 7 }] {
            log.push(0, &whole, c.clone());
            whole.apply(&c).unwrap();
        }
        let mut reports = Vec::new();
        let sliced = log.replay_with(&mut |done, total| reports.push((done, total))).unwrap();
        assert_eq!(sliced.state_hash(), whole.state_hash());
        let n = 2 * REPLAY_SLICE_STEPS + 7;
        assert_eq!(reports, vec![(REPLAY_SLICE_STEPS, n), (2 * REPLAY_SLICE_STEPS, n), (n, n)]);
    }

    /// A bad value in a log's scenario is named at its line in the log, readably.
    #[test]
    fn a_bad_value_in_a_logs_scenario_is_placed_in_the_log() {
        let text = CommandLog::new("t", &Scenario::default()).to_ron();
        let at = text.find("duration_ms: ").unwrap() + "duration_ms: ".len();
        let end = at + text[at..].find(',').unwrap();
        let bad = format!("{}1e308{}", &text[..at], &text[end..]);
        let line = text[..at].matches('\n').count() + 1;
        let e = CommandLog::from_ron(&bad, "s.log.ron").unwrap_err().to_string();
        assert!(e.starts_with(&format!("s.log.ron:{line}:")) && e.contains("duration_ms = 1e308 is out of range"), "{e}");
        let v = text.replacen("version: 1", "version: 7", 1);
        assert!(CommandLog::from_ron(&v, "s.log.ron").unwrap_err().to_string().starts_with("s.log.ron:"), "the log's own version is placed");
    }

    fn quiet() -> Scenario {
        let mut s = Scenario::default();
        s.protocol = vec![Stimulus::Mini { at_ms: 0.2 }];
        s
    }

    #[test]
    fn an_experiment_without_commands_is_the_core_itself() {
        let mut e = Experiment::new(quiet()).unwrap();
        e.apply(&Command::Run { steps: 500 }).unwrap();
        let mut direct = Simulation::new(&quiet());
        direct.run_until(0.5);
        assert_eq!(e.sim.state_hash(), direct.state_hash());
        assert_eq!(e.history.rows.len(), 50);
        assert_eq!(e.history.long.len(), 5);
    }

    #[test]
    fn the_long_history_keeps_seconds_where_the_fine_one_keeps_40_ms() {
        let mut e = Experiment::new(quiet()).unwrap();
        let steps = (60.0 / e.sim.dt_ms()).round() as u64;
        e.apply(&Command::Run { steps }).unwrap();
        let span = |r: &VecDeque<Observables>| r.back().unwrap().t_ms - r.front().unwrap().t_ms;
        assert!((span(&e.history.rows) - (FAST_HISTORY_LEN - 1) as f64 * FAST_SAMPLE_MS).abs() < 1e-6, "{}", span(&e.history.rows));
        assert!((span(&e.history.long) - (60.0 - LONG_SAMPLE_MS)).abs() < 1e-6, "{}", span(&e.history.long));
        // The same moments, the same values: the long ring is a subsample.
        let last = e.history.long.back().unwrap();
        assert_eq!(e.history.rows.iter().find(|r| r.t_ms == last.t_ms).map(|r| r.values()), Some(last.values()));
    }

    #[test]
    fn record_fast_gives_the_rows_of_the_core_recorder() {
        let mut e = Experiment::new(quiet()).unwrap();
        let a = e.record_fast(0.5, 0.03);
        let mut sim = Simulation::new(&quiet());
        let b = Trace::record(&mut sim, 0.5, 0.03);
        assert_eq!(a.rows, b.rows);
        assert_eq!(a.rows.len(), 1 + 16 + 1);
    }

    #[test]
    fn settings_show_at_once_and_overlapping_trains_fire_in_order() {
        let mut e = Experiment::new(quiet()).unwrap();
        // Paused (no step taken): the bath is what was set.
        e.apply(&Command::MgMm(0.0)).unwrap();
        assert_eq!(e.sim.solution.mg_mm, 0.0);
        assert_eq!(e.live_scenario().solution.mg_mm, 0.0);
        e.apply(&Command::Train { rate_hz: 1.0, count: 3 }).unwrap();
        e.apply(&Command::Train { rate_hz: 100.0, count: 3 }).unwrap();
        let spikes: Vec<u64> = e.pending_spikes().collect();
        assert_eq!(spikes, vec![1, 1, 10_001, 20_001, 1_000_001, 2_000_001]);
        let mut log = CommandLog::new("test", e.base());
        log.push(0, &e, Command::Run { steps: MAX_RUN_STEPS });
        log.push(0, &e, Command::Run { steps: 5 });
        assert_eq!(log.commands.len(), 2, "merged runs stay within what one command may ask");
    }

    #[test]
    fn bad_commands_are_refused_whole() {
        let mut e = Experiment::new(quiet()).unwrap();
        let before = e.state_hash();
        for c in [
            Command::MgMm(-1.0),
            Command::Drug { name: "no-such-drug".into(), conc_um: 1.0 },
            Command::Drug { name: "ketamine".into(), conc_um: f64::NAN },
            Command::RestoreMoment(3),
            Command::SlowJump { minutes: -5.0 },
        ] {
            let err = e.apply(&c).unwrap_err();
            assert!(!err.0.is_empty());
        }
        assert!(e.apply(&Command::Drug { name: "nope".into(), conc_um: 1.0 }).unwrap_err().0.contains("ketamine"), "the message lists the known drugs");
        assert_eq!(e.state_hash(), before);
    }

    #[test]
    fn a_log_round_trips_through_ron_and_replays_to_the_same_hash() {
        let mut e = Experiment::new(quiet()).unwrap();
        let mut log = CommandLog::new("test", e.base());
        let cmds = [
            Command::Run { steps: 100 },
            Command::Spike,
            Command::Run { steps: 150 },
            Command::Run { steps: 50 },
            Command::Drug { name: "ketamine".into(), conc_um: 10.0 },
            Command::MgMm(0.0),
            Command::Train { rate_hz: 50.0, count: 3 },
            Command::Run { steps: 300 },
            Command::SlowJump { minutes: 30.0 },
            Command::KeepMoment,
            Command::Run { steps: 200 },
        ];
        for (frame, c) in cmds.into_iter().enumerate() {
            log.push(frame as u64, &e, c.clone());
            e.apply(&c).unwrap();
        }
        // Run(150); Run(50) merged.
        assert_eq!(log.commands.len(), 10);
        log.final_hash = Some(format_hash(e.state_hash()));
        let text = log.to_ron();
        let back = CommandLog::from_ron(&text, "test.ron").unwrap();
        assert_eq!(back, log);
        let r = back.replay().unwrap();
        assert_eq!(format_hash(r.state_hash()), log.final_hash.unwrap());
        // By hand ketamine survives the re-sample of the jump; the fast clock restarted.
        assert!(r.sim.drugs.iter().any(|a| a.drug.key == "ketamine" && a.conc_um == 10.0));
        assert_eq!(r.sim.step_index, 200);
        assert_eq!(r.sim.solution.mg_mm, 0.0);
    }

    #[test]
    fn the_slow_clock_in_steps_equals_one_run_and_drug_levels_follow() {
        let s = crate::builtin::get("ketamine_iv").unwrap();
        let mut a = Experiment::new(s.clone()).unwrap();
        let mut b = Experiment::new(s).unwrap();
        // 30 min as 3000 steps of 0.01 min, in frames of 7 steps and in one go.
        let mut left = 3000;
        while left > 0 {
            let n = left.min(7);
            a.apply(&Command::RunSlow { steps: n }).unwrap();
            left -= n;
        }
        b.apply(&Command::RunSlow { steps: 3000 }).unwrap();
        assert_eq!(a.cascade.row().iter().map(|v| v.to_bits()).collect::<Vec<_>>(), b.cascade.row().iter().map(|v| v.to_bits()).collect::<Vec<_>>());
        assert!((a.cascade.t_min() - 30.0).abs() < 1e-9);
        assert_eq!(a.slow.rows.len(), 31, "a slow row every minute, 0..=30");
        // Typed columns read the same values as the named ones.
        use crate::signalling::SlowColumn;
        for c in SlowColumn::ALL {
            assert_eq!(a.slow.columns[*c as usize], c.name());
        }
        let bdnf: Vec<f64> = a.slow.series(SlowColumn::Bdnf).map(|(_, v)| v).collect();
        assert_eq!(bdnf.last().copied(), Some(a.cascade.state.bdnf));
        // Ketamine's level reached the synapse (pushed or in the next step).
        a.apply(&Command::Run { steps: 1 }).unwrap();
        let k = a.sim.drugs.iter().find(|d| d.drug.key == "ketamine").expect("ketamine in the synapse").conc_um;
        let expected = a.cascade.concentrations_um(a.cascade.t_min())[0].1;
        assert!((k - expected).abs() <= LEVEL_CHANGE * expected + 1e-9, "{k} vs {expected}");
    }

    #[test]
    fn drugs_of_the_schedule_act_from_t0_without_an_extra_step() {
        let mut s = quiet();
        s.drugs.push(crate::scenario::DrugPlan::Constant { drug: "ketamine".into(), conc: "10uM".into(), start_min: 0.0, stop_min: None });
        let e = Experiment::new(s).unwrap();
        assert_eq!(e.sim.step_index, 0);
        assert!(e.sim.drugs.iter().any(|a| a.drug.key == "ketamine" && a.conc_um == 10.0));
    }

    #[test]
    fn restart_gives_the_start_again_and_restore_goes_back() {
        let s = crate::builtin::get("ketamine_iv").unwrap();
        let mut e = Experiment::new(s).unwrap();
        let start = e.state_hash();
        e.apply(&Command::SlowJump { minutes: 60.0 }).unwrap();
        e.apply(&Command::Run { steps: 100 }).unwrap();
        e.apply(&Command::RestoreMoment(0)).unwrap();
        assert_eq!(e.cascade.t_min(), 0.0);
        assert_eq!(e.slow.rows.len(), 1);
        e.apply(&Command::Restart).unwrap();
        assert_eq!(e.state_hash(), start);
        assert_eq!(e.epoch, 1);
    }

    fn dendrite(length_um: f64) -> Experiment {
        let mut s = crate::builtin::get("dendrite").unwrap();
        s.dendrite.as_mut().unwrap().length_um = length_um;
        Experiment::new(s).unwrap()
    }

    #[test]
    fn a_dendrite_runs_on_the_fast_clock_and_its_commands_replay_to_the_same_bits() {
        let run = |vesicle: bool| {
            let mut e = dendrite(2.0);
            e.apply(&Command::Run { steps: 100 }).unwrap();
            if vesicle {
                e.apply(&Command::DendriteVesicle { synapse: 3 }).unwrap();
            }
            e.apply(&Command::Run { steps: 900 }).unwrap();
            e
        };
        let (a, b, quiet) = (run(true), run(true), run(false));
        let d = a.dendrite.as_ref().unwrap();
        assert_eq!(d.step_index, a.sim.step_index, "one clock");
        assert!(d.synapses[3].ledger().released > 1000, "the vesicle fused at synapse 3");
        assert!(d.ledger().balanced());
        assert_eq!(a.state_hash(), b.state_hash());
        assert_ne!(a.state_hash(), quiet.state_hash(), "the dendrite is in the hash");
        let mut restarted = run(true);
        restarted.apply(&Command::Restart).unwrap();
        assert_eq!(restarted.state_hash(), dendrite(2.0).state_hash());
    }

    #[test]
    fn a_burst_schedules_its_spikes_at_the_neighbours_and_fires_them_on_time() {
        let mut e = dendrite(10.0);
        let n = e.dendrite.as_ref().unwrap().synapses.len();
        assert_eq!(n, 29);
        e.apply(&Command::Run { steps: 10 }).unwrap();
        e.apply(&Command::DendriteBurst { synapse: 0, synapses: 10, count: 5, rate_hz: 100.0 }).unwrap();
        let d = e.dendrite.as_ref().unwrap();
        let pending: Vec<(u64, usize)> = d.pending().collect();
        assert_eq!(pending.len(), 50);
        assert!(pending.iter().all(|&(_, i)| i < 10), "the ten at the end of the shaft: {pending:?}");
        assert_eq!(pending.iter().map(|&(s, _)| s).max(), Some(10 + 4 * 10_000), "the fifth spike 40 ms on");
        e.apply(&Command::Run { steps: 40_001 }).unwrap();
        assert_eq!(e.dendrite.as_ref().unwrap().pending().count(), 0);
        // The history: one sample per 10 µs, the burst's synapses open NMDA channels.
        assert_eq!(e.dendrite_history.len(), 4000);
        assert_eq!(e.dendrite_history.back().unwrap().t_ms, 40.01, "the last grid point (10 + 40,001 steps of 1 µs)");
        assert!(e.dendrite_history.iter().any(|s| s.firing_nmda_open > 0), "a burst at ten synapses opens their NMDA channels");
        let ambient = e.dendrite_history.iter().map(|s| s.ambient_nm).fold(0.0, f64::max);
        assert!(ambient > 100.0, "the burst raises the ambient level above the drip's 25 nM: {ambient} nM");
    }

    #[test]
    fn a_slow_jump_starts_the_dendrite_again_with_the_synapse_and_keeps_its_drugs() {
        let mut e = dendrite(2.0);
        e.apply(&Command::Drug { name: "tboa".into(), conc_um: 100.0 }).unwrap();
        e.apply(&Command::Run { steps: 500 }).unwrap();
        e.apply(&Command::DendriteBurst { synapse: 0, synapses: 3, count: 5, rate_hz: 100.0 }).unwrap();
        e.apply(&Command::SlowJump { minutes: 60.0 }).unwrap();
        let d = e.dendrite.as_ref().unwrap();
        assert_eq!((d.step_index, e.sim.step_index), (0, 0), "one fast clock, back at 0");
        assert_eq!(d.pending().count(), 0, "the burst's spikes went with the old fast clock, as a train's do");
        assert!(e.dendrite_history.is_empty());
        assert!(d.drugs.iter().any(|a| a.drug.key == "tboa" && a.conc_um == 100.0), "a drug given by hand stays");
        e.set_parallel(false);
        let one = {
            let mut f = e.clone();
            f.apply(&Command::Run { steps: 300 }).unwrap();
            f.state_hash()
        };
        e.set_parallel(true);
        e.apply(&Command::Run { steps: 300 }).unwrap();
        assert_eq!(e.state_hash(), one, "one thread or two: the same bits");
    }

    #[test]
    fn dendrite_commands_say_what_is_wrong() {
        let mut single = Experiment::new(Scenario::default()).unwrap();
        let err = single.apply(&Command::DendriteSpike { synapse: 0 }).unwrap_err();
        assert!(err.0.contains("no dendrite") && err.0.contains("\"dendrite\""), "{err}");
        let mut e = dendrite(2.0);
        let err = e.apply(&Command::DendriteSpike { synapse: 6 }).unwrap_err();
        assert_eq!(err.0, "the dendrite has synapses 0 to 5; there is no synapse 6");
        let err = e.apply(&Command::DendriteBurst { synapse: 0, synapses: 7, count: 5, rate_hz: 100.0 }).unwrap_err();
        assert!(err.0.contains("use 1 to 6"), "{err}");
        assert_eq!(e.dendrite.as_ref().unwrap().pending().count(), 0, "a refused command changes nothing");
    }

    #[test]
    fn a_drug_reaches_the_whole_dendrite() {
        let mut e = dendrite(2.0);
        e.apply(&Command::Drug { name: "tboa".into(), conc_um: 100.0 }).unwrap();
        let d = e.dendrite.as_ref().unwrap();
        assert!(d.drugs.iter().any(|a| a.drug.key == "tboa" && a.conc_um == 100.0));
        assert!(d.synapses.iter().all(|s| s.transporter_scale() < 0.1), "the sheaths' carriers are blocked at every synapse");
    }
}
