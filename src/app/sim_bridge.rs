//! The experiments inside the app. Each one is an **instance**: an entity
//! holding a `SimState` (the core's `Experiment`: fast synapse, slow cascade,
//! histories, moments), its `Slot` (A, or B of an A/B comparison) and a
//! `Transform` at its origin in the world; its scene, camera and pathway
//! hang under it. Every system iterates instances: a second synapse on
//! screen is a second instance. Also here: the `AppCommand` messages every
//! panel and key sends (experiment commands go to A, B or both), the fast
//! clock's playback (live or frame-exact, one clock for all instances), the
//! command logs of `--record-commands`, and the ordered system sets every
//! plugin hangs its systems in. No rendering here, so the headless App
//! tests run it with `MinimalPlugins`.
//!
//! Every change to a model is a core `Command` applied through
//! [`SimState::apply`], which also logs it: the clocks' advances are
//! `Run` / `RunSlow` commands too, so a log replays the session exactly.

use bevy::prelude::*;
use std::path::PathBuf;
use synapse_core::Scenario;
use synapse_core::experiment::{Command, CommandError, CommandLog, Experiment, format_hash};

pub use crate::command::{AppCommand, BUILTIN_COMPARISONS, ClockMode, CompareCommand, MAX_STEPS_PER_FRAME, PlaybackCommand, Slot, SlowCommand, Target, builtin_comparison, sim, target_of};

// The command layer's types in their Bevy roles: each instance carries its
// `Slot` as a component, and `AppCommand`s travel as messages.
impl Component for Slot {
    const STORAGE_TYPE: bevy::ecs::component::StorageType = bevy::ecs::component::StorageType::Table;
    type Mutability = bevy::ecs::component::Mutable;
}

impl Message for AppCommand {}

/// One instance's experiment and where its scenario came from.
#[derive(Component, Clone)]
pub struct SimState {
    pub exp: Experiment,
    /// Where the scenario came from (for "save" and the title).
    pub source: String,
    /// The command log (`--record-commands`), from the scenario last loaded.
    pub log: Option<CommandLog>,
    /// Frames since the app started (stamped on logged commands).
    pub frame: u64,
    /// While the Record button records: the commands applied since the
    /// recorder last took them (one frame's worth, unmerged).
    pub tape: Option<Vec<Command>>,
}

impl std::ops::Deref for SimState {
    type Target = Experiment;
    fn deref(&self) -> &Experiment {
        &self.exp
    }
}

impl std::ops::DerefMut for SimState {
    fn deref_mut(&mut self) -> &mut Experiment {
        &mut self.exp
    }
}

impl SimState {
    /// A scenario at t = 0 on both clocks. A scenario whose drugs cannot be
    /// resolved (the file was validated, so only a changed catalogue could
    /// do it) runs without them rather than failing.
    pub fn new(base: Scenario, source: String, record: bool) -> Self {
        let exp = Experiment::new(base.clone()).unwrap_or_else(|e| {
            eprintln!("warning: {e}; running without the scenario's drugs");
            Experiment::new(Scenario { drugs: Vec::new(), ..base.clone() }).expect("a scenario without drugs always builds")
        });
        let log = record.then(|| CommandLog::new(&source, exp.base()));
        Self { exp, source, log, frame: 0, tape: None }
    }

    /// Apply a command to the experiment and log it; a refused command
    /// changes nothing and is not logged.
    pub fn apply(&mut self, cmd: Command) -> Result<(), CommandError> {
        // Stamped with the clocks as they were when it took effect.
        let at = (self.exp.sim.t_ms(), self.exp.cascade.t_min());
        self.exp.apply(&cmd)?;
        if let Some(tape) = &mut self.tape {
            tape.push(cmd.clone());
        }
        if let Some(log) = &mut self.log {
            log.push_at(self.frame, at, cmd);
        }
        Ok(())
    }

    /// Replace the experiment with a new scenario (the log starts over with it).
    fn load(&mut self, scenario: Scenario, source: String) {
        let (generation, epoch) = (self.exp.generation, self.exp.epoch);
        let next = SimState::new(scenario, source, self.log.is_some());
        self.exp = next.exp;
        self.exp.generation = generation + 1;
        self.exp.epoch = epoch + 1;
        self.source = next.source;
        self.log = next.log;
    }

    /// The log with the final hash, ready to write.
    pub fn finished_log(&self) -> Option<CommandLog> {
        self.log.clone().map(|mut l| {
            l.final_hash = Some(format_hash(self.exp.state_hash()));
            l
        })
    }
}

/// The instances on screen and how the panels address them.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct Instances {
    pub a: Entity,
    pub b: Option<Entity>,
    /// Where the panels' commands go while comparing.
    pub target: Target,
    /// B's camera follows A's (and A's follows B's while B's is dragged).
    pub linked_cameras: bool,
}

impl Instances {
    /// The instance the panels show: B when they address B alone, else A.
    pub fn shown(&self) -> Entity {
        match (self.target, self.b) {
            (Target::B, Some(b)) => b,
            _ => self.a,
        }
    }

    /// The instances a command for `target` reaches (A alone when not comparing).
    pub fn targets(&self, target: Target) -> Vec<Entity> {
        match (target, self.b) {
            (_, None) | (Target::A, _) => vec![self.a],
            (Target::B, Some(b)) => vec![b],
            (Target::Both, Some(b)) => vec![self.a, b],
        }
    }
}

/// What B differs in from A, in a few words for the labels over each half
/// ("+ Ketamine 10 µM", "Mg2+ 0 mM", another scenario's name).
pub fn differences(a: &Experiment, b: &Experiment) -> Vec<String> {
    let mut out = Vec::new();
    if a.base() != b.base() {
        out.push(if a.base().name != b.base().name { b.base().name.clone() } else { format!("another \"{}\" scenario", b.base().name) });
    }
    if a.sim.membrane.mode != b.sim.membrane.mode {
        out.push(format!("{:?}", b.sim.membrane.mode));
    }
    if a.sim.membrane.inject_pa != b.sim.membrane.inject_pa {
        out.push(format!("{} pA injected", b.sim.membrane.inject_pa));
    }
    let (sa, sb) = (&a.sim.solution, &b.sim.solution);
    for (what, va, vb, unit) in
        [("Mg2+", sa.mg_mm, sb.mg_mm, "mM"), ("Ca2+", sa.ca_mm, sb.ca_mm, "mM"), ("glycine", sa.glycine_um, sb.glycine_um, "µM"), ("D-serine", sa.d_serine_um, sb.d_serine_um, "µM")]
    {
        if va != vb {
            out.push(format!("{what} {vb} {unit}"));
        }
    }
    if a.sim.membrane.hold_mv != b.sim.membrane.hold_mv {
        out.push(format!("held at {} mV", b.sim.membrane.hold_mv));
    }
    // Drugs applied by hand (a scheduled drug is the scenario's, named above).
    let by_hand = |e: &Experiment| -> Vec<(String, String, f64)> {
        let scheduled = e.cascade.drug_keys();
        e.sim.drugs.iter().filter(|d| d.conc_um > 0.0 && !scheduled.contains(&d.drug.key)).map(|d| (d.drug.key.clone(), d.drug.name.clone(), d.conc_um)).collect()
    };
    let (da, db) = (by_hand(a), by_hand(b));
    for (key, name, c) in &db {
        if !da.iter().any(|(k, _, ca)| k == key && ca == c) {
            out.push(format!("+ {name} {}", conc_text(*c)));
        }
    }
    for (key, name, _) in &da {
        if !db.iter().any(|(k, _, _)| k == key) {
            out.push(format!("no {name}"));
        }
    }
    out
}

/// The drugs applied by hand (not scheduled by the scenario), as "+ Name conc".
pub fn drugs_by_hand(e: &Experiment) -> Vec<String> {
    let scheduled = e.cascade.drug_keys();
    e.sim.drugs.iter().filter(|d| d.conc_um > 0.0 && !scheduled.contains(&d.drug.key)).map(|d| format!("+ {} {}", d.drug.name, conc_text(d.conc_um))).collect()
}

/// A concentration with a readable unit.
pub fn conc_text(um: f64) -> String {
    if um >= 1000.0 {
        format!("{} mM", um / 1000.0)
    } else if um >= 1.0 {
        format!("{um} µM")
    } else {
        format!("{} nM", um * 1000.0)
    }
}

/// Playback of the fast clock.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct Playback {
    pub playing: bool,
    /// Biological microseconds per real second (1 = a millionfold slow-down).
    pub bio_us_per_s: f64,
    pub mode: ClockMode,
    /// Fraction of a step carried to the next frame (live mode).
    carry_steps: f64,
    /// Steps taken in the last frame, the real time it covered, and whether
    /// the frame cap cut them.
    pub last_steps: u64,
    pub last_frame_s: f64,
    pub lagging: bool,
    /// Steps taken this frame outside the clock (single steps), for `Time<Bio>`.
    pub(crate) extra_steps: u64,
}

impl Default for Playback {
    fn default() -> Self {
        // 1 ms of biology per second: a spike's glutamate transient lasts a
        // fraction of a second on screen, the AMPA EPSC a few seconds.
        Self { playing: true, bio_us_per_s: 1000.0, mode: ClockMode::Live, carry_steps: 0.0, last_steps: 0, last_frame_s: 0.0, lagging: false, extra_steps: 0 }
    }
}

impl Playback {
    /// The speed biology actually ran at in the last frame (µs per real s),
    /// measured with the real frame time.
    pub fn actual_bio_us_per_s(&self, dt_ms: f64) -> f64 {
        if self.last_frame_s > 0.0 { self.last_steps as f64 * dt_ms * 1e3 / self.last_frame_s } else { 0.0 }
    }
}

/// The fast clock as a Bevy time (like a physics engine's own clock):
/// `Res<Time<Bio>>` gives every system the biological time instance A has
/// run (`elapsed`) and this frame's share (`delta`), in whole core steps.
/// Re-sampling or loading restarts the experiment's step count but not this
/// clock, which counts biology shown since the app started.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Bio;

/// The frame's order: input becomes commands, commands change the model,
/// the clocks advance, the scene reads the model back, then the panels
/// draw and a capture takes the frame. Every plugin's systems sit in one.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum AppSystems {
    Input,
    Commands,
    Simulate,
    Writeback,
    Ui,
    Capture,
}

pub struct SimPlugin {
    pub scenario: Scenario,
    pub source: String,
    /// `--compare A B`: B's scenario and source (A is `scenario`).
    pub compare: Option<(Scenario, String)>,
    /// Drugs applied from the first step (µM), as commands.
    pub drugs: Vec<(String, f64)>,
    /// Where `--record-commands` writes the log when the app exits.
    pub record_commands: Option<PathBuf>,
    /// Keep each instance's command log even without `--record-commands`
    /// (the window's Record button starts from it).
    pub keep_log: bool,
}

/// Where the command log goes when the app exits.
#[derive(Resource, Clone, Debug)]
pub struct RecordTo(pub PathBuf);

impl Plugin for SimPlugin {
    fn build(&self, app: &mut App) {
        let mut state = SimState::new(self.scenario.clone(), self.source.clone(), self.keep_log || self.record_commands.is_some());
        for (name, conc_um) in &self.drugs {
            if let Err(e) = state.apply(Command::Drug { name: name.clone(), conc_um: *conc_um }) {
                eprintln!("warning: --drug {name}: {e}");
            }
        }
        let record = state.log.is_some();
        let a = app.world_mut().spawn(instance_bundle(state, Slot::A)).id();
        // `--drug` puts its drugs in the bath of both synapses of a comparison.
        let b = self.compare.as_ref().map(|(s, src)| {
            let mut b = SimState::new(s.clone(), src.clone(), record);
            for (name, conc_um) in &self.drugs {
                let _ = b.apply(Command::Drug { name: name.clone(), conc_um: *conc_um });
            }
            app.world_mut().spawn(instance_bundle(b, Slot::B)).id()
        });
        app.add_message::<AppCommand>()
            .insert_resource(Instances { a, b, target: Target::Both, linked_cameras: true })
            .init_resource::<Playback>()
            .insert_resource(Time::<Bio>::default())
            .configure_sets(Update, (AppSystems::Input, AppSystems::Commands, AppSystems::Simulate, AppSystems::Writeback, AppSystems::Ui, AppSystems::Capture).chain())
            .add_systems(Update, ((apply_commands, log_view_commands).chain().in_set(AppSystems::Commands), advance_fast.in_set(AppSystems::Simulate)));
        if let Some(path) = &self.record_commands {
            // After the window plugin's exit (closing the window writes AppExit in Last).
            app.insert_resource(RecordTo(path.clone())).add_systems(Last, write_log_on_exit.after(bevy::window::ExitSystems));
        }
    }
}

/// An instance entity: its experiment, its slot, and its place in the world
/// (the scene hangs under it).
pub fn instance_bundle(state: SimState, slot: Slot) -> impl Bundle {
    (state, slot, Transform::from_translation(slot.origin()), Visibility::default(), Name::new(format!("Instance {}", slot.letter())))
}

/// Carry out this frame's commands: the experiments', the fast clock's
/// playback, scenario loads and comparisons; the slow clock's belong to the
/// time lens. A B started this frame takes the frame's later commands too.
pub fn apply_commands(mut commands: Commands, mut messages: MessageReader<AppCommand>, mut states: Query<&mut SimState>, mut instances: ResMut<Instances>, mut playback: ResMut<Playback>) {
    for mut s in &mut states {
        s.frame += 1;
    }
    // B spawned this frame, kept here until the frame's commands are done.
    let mut new_b: Option<SimState> = None;
    for c in messages.read() {
        // Every instance the command reaches, the new B included.
        let mut each = |target: Target, f: &mut dyn FnMut(&mut SimState)| {
            for e in instances.targets(target) {
                match (&mut new_b, Some(e) == instances.b) {
                    (Some(b), true) => f(b),
                    _ => {
                        if let Ok(mut s) = states.get_mut(e) {
                            f(&mut s);
                        }
                    }
                }
            }
        };
        match c.clone() {
            AppCommand::Sim(target, cmd) => {
                // Biology shown by a command (a lecture's Run) counts on the fast clock like playback's.
                if let Command::Run { steps } = cmd {
                    playback.extra_steps += steps;
                }
                each(target_of(&cmd, target), &mut |s| {
                    if let Err(err) = s.apply(cmd.clone()) {
                        warn!("command refused: {err}");
                    }
                })
            }
            AppCommand::Playback(p) => match p {
                PlaybackCommand::Play(on) => playback.playing = on,
                PlaybackCommand::StepOnce => {
                    playback.playing = false;
                    playback.extra_steps += 1;
                    each(Target::Both, &mut |s| {
                        let _ = s.apply(Command::Run { steps: 1 });
                    });
                }
                PlaybackCommand::Speed(s) => playback.bio_us_per_s = s.clamp(0.1, 1e7),
                PlaybackCommand::Mode(m) => playback.mode = m,
            },
            AppCommand::LoadScenario { target, scenario, source } => {
                each(target, &mut |s| s.load((*scenario).clone(), source.clone()));
                playback.carry_steps = 0.0;
            }
            AppCommand::Compare(cmd) => match cmd {
                CompareCommand::Start(pair) => {
                    let Ok(mut a) = states.get_mut(instances.a) else { continue };
                    let b_state = match pair {
                        // B is A as it is now: the same bits, to be changed.
                        None => a.clone(),
                        Some(p) => {
                            let (sa, src_a, sb, src_b) = *p;
                            a.load(sa, src_a);
                            let mut b = SimState::new(sb, src_b, a.log.is_some());
                            // Same epoch: the slow clock starts over for both.
                            (b.exp.epoch, b.exp.generation) = (a.exp.epoch, a.exp.generation);
                            b
                        }
                    };
                    if let Some(old) = instances.b.take() {
                        commands.entity(old).despawn();
                    }
                    instances.b = Some(commands.spawn_empty().id());
                    new_b = Some(b_state);
                    instances.target = Target::B;
                    playback.carry_steps = 0.0;
                }
                CompareCommand::Stop => {
                    if let Some(b) = instances.b.take() {
                        commands.entity(b).despawn();
                    }
                    new_b = None;
                    instances.target = Target::Both;
                }
                CompareCommand::Target(t) => instances.target = t,
                CompareCommand::LinkCameras(on) => instances.linked_cameras = on,
            },
            AppCommand::Slow(_) | AppCommand::Camera(_) | AppCommand::View(_) | AppCommand::Select(_) | AppCommand::SaveScenario { .. } | AppCommand::Caption(_) | AppCommand::Lecture(_) => {}
        }
    }
    if let (Some(state), Some(b)) = (new_b, instances.b) {
        commands.entity(b).insert(instance_bundle(state, Slot::B));
    }
}

/// Advance the fast clock by this frame's share of biology, as a `Run`
/// command to every instance (one clock: A's time step sets the count).
pub fn advance_fast(time: Res<Time<Real>>, mut bio: ResMut<Time<Bio>>, mut states: Query<(&mut SimState, &Slot)>, mut playback: ResMut<Playback>) {
    // The wall clock, not Bevy's virtual time: that one clamps a frame to
    // 250 ms, so at one frame a second live playback ran at a quarter of the
    // speed it showed, without a warning. The step cap below bounds a frame.
    playback.last_frame_s = time.delta_secs_f64();
    let a_steps = |states: &Query<(&mut SimState, &Slot)>| states.iter().find(|(_, slot)| **slot == Slot::A).map(|(s, _)| (s.sim.step_index, s.sim.dt_ms()));
    let (before, dt_ms) = a_steps(&states).unwrap_or((0, 1e-3));
    let steps = if !playback.playing {
        playback.lagging = false;
        0
    } else {
        match playback.mode {
            ClockMode::FrameExact { steps_per_frame } => {
                playback.lagging = false;
                steps_per_frame
            }
            ClockMode::Live => {
                let wanted = time.delta_secs_f64() * playback.bio_us_per_s / (dt_ms * 1e3) + playback.carry_steps;
                let steps = wanted.floor() as u64;
                let taken = steps.min(MAX_STEPS_PER_FRAME);
                playback.lagging = taken < steps;
                // Live playback cannot catch up a backlog it could not compute in
                // time; it runs behind and says so. Frame-exact mode never drops.
                playback.carry_steps = if playback.lagging { 0.0 } else { wanted - steps as f64 };
                taken
            }
        }
    };
    if steps > 0 {
        for (mut s, _) in &mut states {
            let _ = s.apply(Command::Run { steps });
        }
    }
    // What A really ran this frame (a refused command runs nothing).
    let after = a_steps(&states).map(|(n, _)| n).unwrap_or(before);
    playback.last_steps = after.saturating_sub(before);
    let shown = playback.last_steps + std::mem::take(&mut playback.extra_steps);
    bio.advance_by(std::time::Duration::from_nanos((shown as f64 * dt_ms * 1e6).round() as u64));
}

/// `--record-commands`: the app's own commands (camera, view, playback,
/// captions, comparison settings) go into A's log beside the model's, as
/// RON text, stamped with the frame and A's fast time.
pub fn log_view_commands(mut messages: MessageReader<AppCommand>, mut states: Query<&mut SimState>, instances: Res<Instances>) {
    let Ok(mut a) = states.get_mut(instances.a) else { return };
    let (frame, t_ms) = (a.frame, a.sim.t_ms());
    let Some(log) = a.log.as_mut() else {
        messages.clear();
        return;
    };
    for c in messages.read() {
        let logged = match c {
            // The model's commands are logged as they are applied; loads and
            // comparisons start new logs with their scenario.
            AppCommand::Sim(..) | AppCommand::LoadScenario { .. } | AppCommand::Compare(CompareCommand::Start(_)) | AppCommand::SaveScenario { .. } => false,
            AppCommand::Playback(_)
            | AppCommand::Slow(_)
            | AppCommand::Compare(_)
            | AppCommand::Camera(_)
            | AppCommand::View(_)
            | AppCommand::Select(_)
            | AppCommand::Caption(_)
            | AppCommand::Lecture(_) => true,
        };
        if logged && let Ok(text) = ron::to_string(c) {
            log.view.push(synapse_core::experiment::LoggedView { frame, t_ms, command: text });
        }
    }
}

/// Where instance `slot`'s log goes: the path itself for A, `NAME.B.ron` for B.
pub fn log_path(path: &std::path::Path, slot: Slot) -> PathBuf {
    match slot {
        Slot::A => path.to_path_buf(),
        Slot::B => path.with_extension("B.ron"),
    }
}

/// How often a recorded session is written while it runs (wall seconds):
/// a crash or a kill loses at most this much of it.
const LOG_FLUSH_S: f64 = 10.0;

/// `--record-commands`: write each instance's log whole (or not at all)
/// when the app exits, and every `LOG_FLUSH_S` while it runs; each write is
/// a consistent snapshot (the commands so far and the hash they give).
fn write_log_on_exit(mut exits: MessageReader<AppExit>, states: Query<(&SimState, &Slot)>, to: Res<RecordTo>, time: Res<Time<Real>>, mut last: Local<f64>) {
    let exiting = exits.read().next().is_some();
    let now = time.elapsed_secs_f64();
    if !exiting && now - *last < LOG_FLUSH_S {
        return;
    }
    *last = now;
    for (state, slot) in &states {
        let Some(log) = state.finished_log() else { continue };
        let path = log_path(&to.0, *slot);
        match crate::files::write_atomically(&path, |w| std::io::Write::write_all(w, log.to_ron().as_bytes())) {
            Ok(()) if exiting => {
                println!("wrote {} commands to {} (final state hash {}); `synapse-lab replay {}` re-runs them", log.commands.len(), path.display(), log.final_hash.unwrap_or_default(), path.display())
            }
            Ok(()) => {}
            Err(e) => eprintln!("error: --record-commands {e}"),
        }
    }
}

/// The experiment of the instance in `slot` (tests, screenshots).
pub fn instance(world: &mut World, slot: Slot) -> Option<&SimState> {
    let mut q = world.query::<(&SimState, &Slot)>();
    q.iter(world).find(|(_, s)| **s == slot).map(|(st, _)| st)
}
