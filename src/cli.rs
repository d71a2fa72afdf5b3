//! The command line. With no subcommand: the 3D app on the default scenario
//! (or `--scenario FILE`); `screenshot` renders one frame to PNG and
//! `export` a clip (MP4, WebM, GIF, PNGs), both offscreen. The
//! headless commands `run` (a scenario to a CSV/JSON trace and a summary),
//! `bench` (molecule-steps per second) and `validate` (the model against the
//! literature), `replay` (a recorded command log) and `scenarios` (the
//! built-in scenarios) never open a window or need a GPU. Every command
//! works from any folder: scenarios and drugs are built into the binary.

use crate::files::write_atomically;
use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use synapse_core::Scenario;
use synapse_core::builtin;
use synapse_core::experiment::{CommandLog, Experiment, format_hash};

/// Longest particle run `run` accepts (~30 min of computing for one vesicle).
const MAX_STEPS: f64 = 1e9;
/// Most trace rows `run` keeps in memory (~320 MB at 40 columns).
const MAX_ROWS: f64 = 1e6;

#[derive(Parser, Debug)]
#[command(name = "synapse-lab", version, about = "A simulated glutamatergic synapse for teaching")]
struct Cli {
    /// Scenario for the 3D app: a file, or a built-in name (`synapse-lab scenarios`); default: single_spike.
    #[arg(long)]
    scenario: Option<String>,
    /// Write every command of the session (since the scenario last loaded), with
    /// its frame and both clocks' times, to this RON file: every 10 s and when
    /// the app closes (`synapse-lab replay` re-runs it; B's log goes to FILE.B.ron).
    #[arg(long, value_name = "FILE")]
    record_commands: Option<PathBuf>,
    /// Two synapses side by side on one clock: A and B (files or built-in names).
    #[arg(long, num_args = 2, value_names = ["A", "B"])]
    compare: Vec<String>,
    /// Keys from this RON file instead of the built-in ones (same form as assets/keymap.ron).
    #[arg(long, value_name = "FILE")]
    keymap: Option<PathBuf>,
    /// Window size, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720")]
    size: String,
    /// Starting viewpoint: whole, cleft, receptor, astrocyte, signalling or dendrite (a scenario with a dendrite opens on it).
    #[arg(long, default_value = "whole")]
    view: String,
    #[command(flatten)]
    look: LookArgs,
    /// A drug in the bath from the start, e.g. --drug ketamine=10uM (repeatable).
    #[arg(long = "drug", value_name = "NAME=CONC")]
    drugs: Vec<String>,
    /// Presenter look for any scenario: projector theme, the stage alone (H brings the panels back), big captions and labels.
    #[arg(long)]
    present: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate a scenario and write its trace (CSV or JSON by extension).
    Run(RunArgs),
    /// Time the particle core: prints molecule_steps_per_s and ns_per_molecule_step.
    Bench(BenchArgs),
    /// Run the model against literature values; exits 1 if any row fails.
    Validate(ValidateArgs),
    /// Render the scene (panels included) at a biological time to a PNG, then exit (offscreen: no display needed).
    Screenshot(ScreenshotArgs),
    /// Render a clip offscreen, frame-exact: MP4 (H.264), WebM (VP9), GIF, or a folder of PNGs.
    Export(Box<ExportArgs>),
    /// Draw columns of a trace (CSV from `run --out`) as a figure: SVG or PNG.
    Plot(PlotArgs),
    /// Sweep a drug's concentration through the simulation; print the simulated IC50/EC50 and Hill slope.
    DoseResponse(DoseArgs),
    /// Re-run a command log (from --record-commands) headless and print its final state hash.
    Replay(ReplayArgs),
    /// List the built-in scenarios (usable by name with --scenario).
    Scenarios,
    /// A stretch of dendrite whose synapses share one extracellular space: spillover with and without uptake, burst against single spikes on the shaft's extrasynaptic NMDA receptors, the ambient level.
    Dendrite(DendriteArgs),
    /// Each drug's slow outcome at its clinical regimen against what its trials in depression found (a Markdown table).
    Clinic,
    /// Give a lecture in presenter mode: the built-in one, or a lecture file; `--check` plays every cue headless.
    Lecture(LectureArgs),
    /// Print a shell completion script to standard output, e.g. `synapse-lab completions bash > /etc/bash_completion.d/synapse-lab`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Write the man pages (synapse-lab.1 and one per command) into a folder; the packages run it.
    #[command(hide = true)]
    Manpages {
        /// Folder for the pages (created if missing).
        dir: PathBuf,
    },
}

#[derive(Args, Debug)]
struct LectureArgs {
    /// A lecture file (RON, as assets/lectures/glutamate-trd.ron); default: the built-in lecture.
    file: Option<PathBuf>,
    /// Play every cue headless (no window), check what each claims (its Expect steps), print a line per cue; exit 1 if one fails.
    #[arg(long)]
    check: bool,
    /// Start at this cue (1 = the first).
    #[arg(long, default_value_t = 1)]
    cue: usize,
    /// Student mode: the panels, Back / Next buttons and free exploration (F5 starts presenter mode).
    #[arg(long)]
    student: bool,
    /// Window size, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720")]
    size: String,
    /// Keys from this RON file instead of the built-in ones (same form as assets/keymap.ron).
    #[arg(long, value_name = "FILE")]
    keymap: Option<PathBuf>,
    #[command(flatten)]
    look: LookArgs,
}

#[derive(Args, Debug)]
struct ReplayArgs {
    /// The command log (RON).
    log: PathBuf,
}

#[derive(Args, Debug)]
struct ScreenshotArgs {
    /// Scenario: a file or a built-in name; default: single_spike.
    #[arg(long)]
    scenario: Option<String>,
    /// Render two synapses side by side: A and B (files or built-in names).
    #[arg(long, num_args = 2, value_names = ["A", "B"])]
    compare: Vec<String>,
    /// Biological time of the frame, with a unit (2ms, 500us).
    #[arg(long, default_value = "2ms")]
    at: String,
    /// Slow-clock time to jump to first, with a unit (40min, 24h): the
    /// cascade runs there and the synapse is re-sampled from it.
    #[arg(long)]
    slow_at: Option<String>,
    /// Output PNG.
    #[arg(long)]
    out: PathBuf,
    /// Image size, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720")]
    size: String,
    /// Viewpoint: whole, cleft, receptor, astrocyte, signalling or dendrite (a scenario with a dendrite opens on it).
    #[arg(long, default_value = "whole")]
    view: String,
    /// A caption across the bottom of the 3D view.
    #[arg(long)]
    caption: Option<String>,
    /// Frames to render before the capture (more frames: a steadier frame-time figure).
    #[arg(long, default_value_t = 8)]
    frames: u32,
    #[command(flatten)]
    look: LookArgs,
    /// A drug in the bath from the start, e.g. --drug ketamine=10uM (repeatable).
    #[arg(long = "drug", value_name = "NAME=CONC")]
    drugs: Vec<String>,
    /// Render a lecture's cue in presenter mode (no FILE: the built-in lecture); with --cue.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "")]
    lecture: Option<String>,
    /// The cue to render (1 = the first), played to its end.
    #[arg(long, default_value_t = 1)]
    cue: usize,
    /// With --lecture: the presenter console instead of the audience's view.
    #[arg(long)]
    console: bool,
    /// With --lecture: student mode (panels, Back / Next) instead of presenter mode.
    #[arg(long)]
    student: bool,
    /// Write every text of the frame (its words, size and rectangle, in
    /// points) to this JSON file: what the legibility test checks.
    #[arg(long, hide = true)]
    text_report: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct PlotArgs {
    /// The trace: a CSV file written by `synapse-lab run --out trace.csv`.
    trace: PathBuf,
    /// Columns to draw, one panel each, e.g. glu_cleft_uM,i_nmda_pA.
    #[arg(long, value_delimiter = ',', required = true)]
    columns: Vec<String>,
    /// The x axis column.
    #[arg(long, default_value = "t_ms")]
    x: String,
    /// fig.svg or fig.png.
    #[arg(long)]
    out: PathBuf,
    /// Size in pixels (SVG: user units), WIDTHxHEIGHT; default 1600 wide, 450 per panel.
    #[arg(long)]
    size: Option<String>,
    /// A title over the figure.
    #[arg(long)]
    title: Option<String>,
}

#[derive(Args, Debug)]
struct ExportArgs {
    /// Scenario: a file or a built-in name; default: single_spike.
    #[arg(long)]
    scenario: Option<String>,
    /// movie.mp4, movie.webm, movie.gif, or a folder (frames/) for a PNG sequence.
    #[arg(long)]
    out: PathBuf,
    /// Fast-clock time of the first frame, with a unit (0ms, 1.5ms).
    #[arg(long, default_value = "0ms")]
    from: String,
    /// Fast-clock time the clip ends at; default: the scenario's duration.
    #[arg(long)]
    to: Option<String>,
    /// Biological time per second of video (1ms/s: 1000x slower than life).
    /// Default 1ms/s; with a slow range, the synapse holds still unless given.
    #[arg(long)]
    speed: Option<String>,
    /// Slow-clock time of the first frame (0min, 40min); a slow range makes the clip follow the slow clock.
    #[arg(long)]
    slow_from: Option<String>,
    /// Slow-clock time the clip ends at (24h; default 24 h when a slow range is asked for).
    #[arg(long)]
    slow_to: Option<String>,
    /// Slow-clock time per second of video (2h/s; default 2h/s).
    #[arg(long)]
    slow_speed: Option<String>,
    /// Frame size, WIDTHxHEIGHT (even for MP4 and WebM); default 1280x720 (a recording: the window's size).
    #[arg(long)]
    size: Option<String>,
    /// Frames per second of video.
    #[arg(long, default_value_t = 30)]
    fps: u32,
    /// Viewpoint: whole, cleft, receptor, astrocyte, signalling or dendrite (a scenario with a dendrite opens on it).
    #[arg(long, default_value = "whole")]
    view: String,
    #[command(flatten)]
    look: LookArgs,
    /// What surrounds the 3D view: none (the synapse alone), plots, or all (the app's panels).
    #[arg(long, default_value = "plots")]
    panels: String,
    /// A drug in the bath from the start, e.g. --drug ketamine=10uM (repeatable).
    #[arg(long = "drug", value_name = "NAME=CONC")]
    drugs: Vec<String>,
    /// A second scenario side by side with --scenario on one clock (file or built-in name).
    #[arg(long, value_name = "B")]
    compare: Option<String>,
    /// The title and clocks: burned into the frames (the default), soft (a subtitle track and .srt/.vtt files), both, or none.
    #[arg(long)]
    captions: Option<String>,
    /// Where burned captions go: bottom or top of the 3D view.
    #[arg(long, default_value = "bottom")]
    caption_at: String,
    /// A caption of your own, shown above the clocks.
    #[arg(long)]
    caption: Option<String>,
    /// draft (quick), good, or best (large files).
    #[arg(long, default_value = "good")]
    quality: String,
    /// bar (on a terminal), json (one line per frame on stdout, for scripts) or none.
    #[arg(long)]
    progress: Option<String>,
    /// Render a lecture in presenter mode, cue after cue (no FILE: the built-in lecture); it sets the
    /// scenarios, clocks, camera and captions, so --scenario, --compare, --from/--to/--speed, --slow-*, --drug, --view and --panels do not go with it.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "")]
    lecture: Option<String>,
    /// With --lecture: only this cue (1 = the first); default: every cue.
    #[arg(long)]
    cue: Option<usize>,
    /// Render a recording made by the app's Record button (NAME.recording.ron): what the window showed,
    /// frame-exact; the recording sets the scenarios, clocks, cameras, panels and captions.
    #[arg(long, value_name = "FILE")]
    recording: Option<PathBuf>,
}

impl ExportArgs {
    /// The options given that set a clip's scenarios, clocks, view, panels
    /// and caption, then those of `more` that are on: what a lecture or a
    /// recording sets itself, and refuses.
    fn given_of_a_clip(&self, more: &[(&'static str, bool)]) -> Vec<&'static str> {
        let a = self;
        [
            ("--scenario", a.scenario.is_some()),
            ("--compare", a.compare.is_some()),
            ("--to", a.to.is_some()),
            ("--speed", a.speed.is_some()),
            ("--slow-from", a.slow_from.is_some()),
            ("--slow-to", a.slow_to.is_some()),
            ("--slow-speed", a.slow_speed.is_some()),
            ("--drug", !a.drugs.is_empty()),
            ("--from", a.from != "0ms"),
            ("--view", a.view != "whole"),
            ("--panels", a.panels != "plots"),
            ("--caption", a.caption.is_some()),
        ]
        .iter()
        .chain(more)
        .filter_map(|&(f, on)| on.then_some(f))
        .collect()
    }
}

/// Theme and UI scale (a projector wants light and large).
#[derive(Args, Debug)]
struct LookArgs {
    /// dark or light.
    #[arg(long, default_value = "dark")]
    theme: String,
    /// UI scale, 0.75 to 2.5.
    #[arg(long, default_value_t = 1.0)]
    ui_scale: f32,
    /// No camera sweeps: viewpoints and a lecture's flights are reached at once.
    #[arg(long)]
    reduce_motion: bool,
    /// The evidence layer: every scene label with its evidence level and source (key E in the app).
    #[arg(long)]
    evidence: bool,
}

impl LookArgs {
    fn settings(&self) -> Result<crate::app::ui::UiSettings, String> {
        let dark = match self.theme.as_str() {
            "dark" => true,
            "light" => false,
            t => return Err(format!("--theme {t}: use dark or light")),
        };
        if !(0.75..=2.5).contains(&self.ui_scale) {
            return Err(format!("--ui-scale {}: use a value from 0.75 to 2.5", self.ui_scale));
        }
        Ok(crate::app::ui::UiSettings { dark, scale: self.ui_scale, reduce_motion: self.reduce_motion, show_evidence: self.evidence, ..Default::default() })
    }
}

#[derive(Args, Debug)]
struct RunArgs {
    /// Scenario: a RON file, or a built-in name (`synapse-lab scenarios`).
    #[arg(long, default_value = builtin::DEFAULT)]
    scenario: String,
    /// Simulated time, with a unit (50ms, 2s, 24h); default: the scenario's.
    /// A minute or more runs the slow cascade (BDNF, TrkB, mTORC1, spines).
    #[arg(long)]
    duration: Option<String>,
    /// Output file: .csv or .json.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Override a scenario field, e.g. --set solution.mg_mm=0 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    sets: Vec<String>,
    /// Run diffusion on one thread (results are identical; for timing).
    #[arg(long)]
    single_thread: bool,
    /// Apply a drug at a concentration with its unit, e.g. --drug ketamine=1uM (repeatable).
    #[arg(long = "drug", value_name = "NAME=CONC")]
    drugs: Vec<String>,
    /// Apply a drug at the free brain level its clinical regimen gives at a
    /// time after the start, e.g. --regimen ketamine@40min (repeatable).
    #[arg(long = "regimen", value_name = "NAME@TIME")]
    regimens: Vec<String>,
}

#[derive(Args, Debug)]
struct DoseArgs {
    /// Drug name (see assets/drugs/).
    #[arg(long)]
    drug: String,
    /// Receptor: nmda2a, nmda2b (or nmda = nmda2a), ampa, kainate.
    #[arg(long, default_value = "nmda")]
    receptor: String,
    /// Holding potential (mV).
    #[arg(long, default_value_t = -70.0, allow_hyphen_values = true)]
    vm: f64,
    /// Mg2+ (mM).
    #[arg(long, default_value_t = 0.0)]
    mg: f64,
    /// Lowest concentration, with its unit.
    #[arg(long, default_value = "1nM")]
    from: String,
    /// Highest concentration, with its unit.
    #[arg(long, default_value = "100uM")]
    to: String,
    /// Concentrations in the sweep.
    #[arg(long, default_value_t = 9)]
    points: usize,
}

#[derive(Args, Debug)]
struct DendriteArgs {
    /// Seeds to average each experiment over (more: steadier numbers, longer run).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    trials: u32,
    /// Length of the segment (µm, 0.5 to 40); its synapses sit at 2.89 per µm.
    #[arg(long, default_value_t = 10.0, allow_negative_numbers = true)]
    length_um: f64,
    /// First seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(Args, Debug)]
struct BenchArgs {
    /// Molecules in the slab.
    #[arg(long, default_value_t = 100_000)]
    molecules: usize,
    /// Steps to time (default 1000; with --dendrite 20000 fast steps, 20 ms, per phase).
    #[arg(long)]
    steps: Option<u64>,
    /// Include binding to receptors and transporters.
    #[arg(long)]
    binding: bool,
    /// Worker threads (default: all cores). 1 measures a single core.
    #[arg(long)]
    threads: Option<usize>,
    /// Time the dendrite segment instead (10 µm, 29 synapses): at rest, after one spike at its middle synapse, during a burst at ten synapses.
    #[arg(long)]
    dendrite: bool,
}

#[derive(Args, Debug)]
struct ValidateArgs {
    /// Fewer repeats (a quicker, noisier check).
    #[arg(long)]
    quick: bool,
    /// Print the table as Markdown (the guide's validation page is this output).
    #[arg(long)]
    markdown: bool,
    /// Also draw "Model vs experiment": each figure as DIR/NAME.svg and
    /// DIR/NAME.png (the model's curves over the papers' data, the rows'
    /// verdicts in the title), with DIR/README.md listing them.
    #[arg(long, value_name = "DIR")]
    figures: Option<std::path::PathBuf>,
}

pub fn main() -> ExitCode {
    let mut cli = Cli::parse();
    // The window's keys mean nothing to a command: say so rather than ignore them.
    if cli.command.is_some() && cli.keymap.is_some() {
        eprintln!("error: --keymap before a command sets the window's keys (synapse-lab --keymap FILE); `synapse-lab lecture --keymap FILE` takes its own, and the other commands use no keys");
        return ExitCode::from(2);
    }
    let result = match cli.command.take() {
        Some(Command::Run(a)) => run(a),
        Some(Command::Bench(a)) => bench(a),
        Some(Command::Validate(a)) => validate(a),
        Some(Command::Screenshot(a)) => screenshot(a),
        Some(Command::Export(a)) => export(*a),
        Some(Command::Plot(a)) => plot(a),
        Some(Command::DoseResponse(a)) => dose_response(a),
        Some(Command::Replay(a)) => replay(a),
        Some(Command::Scenarios) => scenarios(),
        Some(Command::Dendrite(a)) => dendrite(a),
        Some(Command::Clinic) => clinic(),
        Some(Command::Lecture(a)) => lecture(a),
        Some(Command::Completions { shell }) => completions(shell),
        Some(Command::Manpages { dir }) => manpages(&dir),
        None => window(&cli),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}");
            }
            ExitCode::from(2)
        }
    }
}

/// `completions SHELL`: the script clap_complete generates from these definitions.
fn completions(shell: clap_complete::Shell) -> Result<ExitCode, String> {
    use clap::CommandFactory;
    clap_complete::generate(shell, &mut Cli::command(), "synapse-lab", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}

/// `manpages DIR`: one roff page for the program and one per visible command
/// (`synapse-lab-run.1`, ...), each written whole or not at all.
fn manpages(dir: &Path) -> Result<ExitCode, String> {
    use clap::CommandFactory;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: cannot create the folder: {e}", dir.display()))?;
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    let mut pages = vec![root.clone()];
    pages.extend(root.get_subcommands().filter(|c| !c.is_hide_set()).cloned());
    for page in pages {
        let man = clap_mangen::Man::new(page);
        let path = dir.join(man.get_filename());
        write_atomically(&path, |w| man.render(w))?;
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// `--scenario`: a file, or a built-in scenario by name (the default one when none is given).
fn load_or_default(arg: Option<&str>) -> Result<(Scenario, String), String> {
    builtin::resolve(arg.unwrap_or(builtin::DEFAULT)).map_err(|e| e.to_string())
}

/// Whether a file can be created beside `path` (tried with a probe file that is removed again).
fn check_writable(path: &Path) -> Result<(), String> {
    let probe = path.with_file_name(format!(".synapse-lab-probe-{}", std::process::id()));
    std::fs::File::create(&probe).map_err(|e| format!("{}: cannot write there: {e}", path.display()))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let err = || format!("--size {text}: write WIDTHxHEIGHT, e.g. 1280x720 (each 320 to 7680)");
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(err)?;
    let (w, h): (u32, u32) = (w.trim().parse().map_err(|_| err())?, h.trim().parse().map_err(|_| err())?);
    if !(320..=7680).contains(&w) || !(240..=4320).contains(&h) {
        return Err(err());
    }
    Ok((w, h))
}

fn parse_view(text: &str) -> Result<crate::app::camera::Viewpoint, String> {
    crate::app::camera::Viewpoint::from_key(text).ok_or_else(|| format!("--view {text}: use whole, cleft, receptor, astrocyte, signalling or dendrite"))
}

/// A scenario and where it came from.
type Loaded = (Scenario, String);

/// `--compare A B`: A's and B's scenarios (A replaces `--scenario`).
fn scenarios_of(scenario: Option<&str>, compare: &[String]) -> Result<(Loaded, Option<Loaded>), String> {
    match compare {
        [] => Ok((load_or_default(scenario)?, None)),
        [a, b] if scenario.is_none() => Ok((load_or_default(Some(a))?, Some(load_or_default(Some(b))?))),
        [_, _] => Err("--compare A B names both scenarios; leave out --scenario".into()),
        _ => Err("--compare takes two scenarios: --compare A B".into()),
    }
}

fn window(cli: &Cli) -> Result<ExitCode, String> {
    let (size, view, look, drugs, record_commands) = (&cli.size, &cli.view, &cli.look, &cli.drugs, cli.record_commands.clone());
    let ((scenario, source), compare) = scenarios_of(cli.scenario.as_deref(), &cli.compare)?;
    let size = parse_size(size)?;
    let view = parse_view(view)?;
    let mut ui = look.settings()?;
    if cli.present {
        // The clock bars stay: without a lecture they are the only clock on screen.
        ui = crate::app::ui::UiSettings { show_top_bar: true, ..crate::app::lecture::presenter_settings(&ui, None) };
    }
    let drugs = parse_drugs(drugs)?;
    if let Some(p) = &record_commands {
        // Refuse a folder that cannot be written now rather than lose the session at the end.
        check_writable(p).map_err(|e| format!("--record-commands {e}"))?;
    }
    let keymap = read_keymap(cli.keymap.as_deref())?;
    crate::app::run(crate::app::AppOptions { drugs, record_commands, compare, keymap, ..crate::app::AppOptions::new(scenario, source, size, view, ui) })?;
    Ok(ExitCode::SUCCESS)
}

/// `--keymap FILE`: the keys from a file (None: the built-in keys).
fn read_keymap(path: Option<&Path>) -> Result<Option<crate::app::keymap::Keymap>, String> {
    let Some(p) = path else { return Ok(None) };
    let file = p.display().to_string();
    let text = synapse_core::text::read_text(p).map_err(|e| e.describe(&file, "keymap"))?;
    Ok(Some(crate::app::keymap::Keymap::from_ron(&text, &file)?))
}

/// `--lecture [FILE]`: the file, or the built-in lecture when none is named.
fn open_lecture(file: &str) -> Result<crate::lecture::Loaded, String> {
    crate::lecture::Loaded::open((!file.is_empty()).then(|| Path::new(file))).map_err(|e| e.to_string())
}

fn screenshot(a: ScreenshotArgs) -> Result<ExitCode, String> {
    if a.lecture.is_some() {
        let given: Vec<&str> = [
            ("--scenario", a.scenario.is_some()),
            ("--compare", !a.compare.is_empty()),
            ("--at", a.at != "2ms"),
            ("--slow-at", a.slow_at.is_some()),
            ("--drug", !a.drugs.is_empty()),
            ("--view", a.view != "whole"),
        ]
        .into_iter()
        .filter_map(|(f, on)| on.then_some(f))
        .collect();
        if !given.is_empty() {
            return Err(format!("{} do(es) not go with --lecture: the cue sets the scenario, clocks and camera", given.join(", ")));
        }
    }
    let ((scenario, source), compare) = scenarios_of(a.scenario.as_deref(), &a.compare)?;
    let size = parse_size(&a.size)?;
    let view = parse_view(&a.view)?;
    let ui = a.look.settings()?;
    let drugs = parse_drugs(&a.drugs)?;
    let at_ms = synapse_core::units::parse_duration_ms(&a.at).map_err(|e| format!("--at {e}"))?;
    if at_ms / scenario.dt_ms() > MAX_STEPS {
        return Err(format!("--at {}: too far for the particle model; pick a time under {} s", a.at, MAX_STEPS * scenario.dt_ms() * 1e-3));
    }
    if a.out.extension().and_then(|e| e.to_str()) != Some("png") {
        return Err(format!("--out {}: use a .png file name", a.out.display()));
    }
    let slow_at_min = match &a.slow_at {
        Some(t) => synapse_core::units::parse_duration_ms(t).map_err(|e| format!("--slow-at {e}"))? / 60e3,
        None => 0.0,
    };
    if slow_at_min > synapse_core::experiment::MAX_SLOW_MIN {
        return Err(format!("--slow-at {}: pick a time within {} weeks", a.slow_at.as_deref().unwrap_or(""), synapse_core::experiment::MAX_SLOW_MIN / (7.0 * 1440.0)));
    }
    let lecture = match &a.lecture {
        Some(file) => Some(lecture_options(open_lecture(file)?, a.cue, !a.student, a.console, crate::lecture::runner::Pace::Instant)?),
        None if a.console || a.student || a.cue != 1 => return Err("--cue, --console and --student go with --lecture [FILE]".into()),
        None => None,
    };
    let job = crate::record::ExportJob {
        title: scenario.name.clone(),
        warmup_frames: a.frames.clamp(3, 10_000),
        // A cue moves the clocks, not --at: the recorder holds them where the cue leaves them.
        lecture: lecture.is_some(),
        text_report: a.text_report,
        ..crate::record::ExportJob::new(crate::record::plan::ClipPlan::still(at_ms, (slow_at_min > 0.0).then_some(slow_at_min)), a.out, crate::record::encode::Format::Png, size)
    };
    let offscreen = Some(crate::app::Offscreen { job, caption: a.caption });
    crate::app::run(crate::app::AppOptions { drugs, offscreen, compare, lecture, ..crate::app::AppOptions::new(scenario, source, size, view, ui) })?;
    Ok(ExitCode::SUCCESS)
}

/// The app's lecture options, the cue counted from 1 as people count.
fn lecture_options(loaded: crate::lecture::Loaded, cue: usize, presenter: bool, console: bool, pace: crate::lecture::runner::Pace) -> Result<crate::app::LectureOptions, String> {
    let n = loaded.lecture.cues.len();
    if cue == 0 || cue > n {
        return Err(format!("--cue {cue}: {} has cues 1 to {n}", loaded.file));
    }
    Ok(crate::app::LectureOptions { loaded, cue: cue - 1, presenter, pace, console, timeline: None })
}

/// `synapse-lab lecture [FILE]`: presenter mode in a window, or `--check` headless.
fn lecture(a: LectureArgs) -> Result<ExitCode, String> {
    let loaded = crate::lecture::Loaded::open(a.file.as_deref()).map_err(|e| e.to_string())?;
    if a.check {
        let mut claims = 0;
        let failures = crate::lecture::headless::check(&loaded, |i, played| {
            let cue = &loaded.lecture.cues[i];
            claims += played.claims.len();
            let shown: Vec<String> = played.claims.iter().map(|c| format!("{} = {} ({}{})", c.what, c.shown(), c.check, if c.pass { "" } else { ", FAILS" })).collect();
            println!("cue {:>2} {:<22} {}", i + 1, cue.id, if shown.is_empty() { "no claims".into() } else { shown.join("; ") });
        })
        .map_err(|e| e.to_string())?;
        if failures.is_empty() {
            println!("{}: {} cues, {claims} claims hold", loaded.file, loaded.lecture.cues.len());
            return Ok(ExitCode::SUCCESS);
        }
        for f in &failures {
            eprintln!("error: {f}");
        }
        return Ok(ExitCode::from(1));
    }
    let size = parse_size(&a.size)?;
    let ui = a.look.settings()?;
    let keymap = read_keymap(a.keymap.as_deref())?;
    let (scenario, source) = loaded.first_scenario();
    let lecture = Some(lecture_options(loaded, a.cue, !a.student, false, crate::lecture::runner::Pace::Live)?);
    let view = crate::app::camera::Viewpoint::WholeSynapse;
    crate::app::run(crate::app::AppOptions { keymap, lecture, ..crate::app::AppOptions::new(scenario, source, size, view, ui) })?;
    Ok(ExitCode::SUCCESS)
}

fn plot(a: PlotArgs) -> Result<ExitCode, String> {
    let file = a.trace.display().to_string();
    let text = synapse_core::text::read_text(&a.trace).map_err(|e| e.describe(&file, "trace"))?;
    let mut fig = crate::record::figure::Figure::from_csv(&text, &file, &a.x, &a.columns)?;
    fig.title = a.title.unwrap_or_default();
    let size = match &a.size {
        Some(s) => parse_size(s)?,
        None => (1600, (450 * fig.panels.len() as u32 + if fig.title.is_empty() { 0 } else { 50 }).min(4320)),
    };
    fig.write(&a.out, size)?;
    println!("wrote {} ({} panel(s), {} points each, {}x{})", a.out.display(), fig.panels.len(), fig.panels[0].lines[0].points.len(), size.0, size.1);
    Ok(ExitCode::SUCCESS)
}

/// What an export writes and how, from its options.
struct Output {
    format: crate::record::encode::Format,
    quality: crate::record::encode::Quality,
    captions: crate::record::Captions,
    progress: crate::record::ProgressMode,
}

/// `--out`, `--quality`, `--captions` and `--progress` of an export, checked (a video needs an even size).
fn output_of(a: &ExportArgs, size: (u32, u32)) -> Result<Output, String> {
    use crate::record::encode::{Format, Quality};
    let format = Format::of(&a.out)?;
    if format == Format::Png {
        return Err(format!("--out {}: one PNG is a screenshot (`synapse-lab screenshot`); for a PNG sequence give a folder, e.g. --out frames/", a.out.display()));
    }
    if format != Format::PngSequence && (size.0 % 2 == 1 || size.1 % 2 == 1) {
        return Err(format!("--size {}x{}: video needs an even width and height (yuv420p); try {}x{}", size.0, size.1, size.0 & !1, size.1 & !1));
    }
    let progress = match a.progress.as_deref() {
        None if std::io::IsTerminal::is_terminal(&std::io::stderr()) => crate::record::ProgressMode::Bar,
        None | Some("none") => crate::record::ProgressMode::Quiet,
        Some("bar") => crate::record::ProgressMode::Bar,
        Some("json") => crate::record::ProgressMode::Json,
        Some(p) => return Err(format!("--progress {p}: use bar, json or none")),
    };
    Ok(Output { format, quality: Quality::parse(&a.quality)?, captions: crate::record::Captions::parse(a.captions.as_deref().unwrap_or("burned"))?, progress })
}

fn export(a: ExportArgs) -> Result<ExitCode, String> {
    use crate::record::plan::{ClipPlan, FastRange, SlowRange, parse_rate_ms_per_s, parse_time_ms};
    // A closed pipe (`--progress json | head`, or the app that started a
    // background render gone) stops the progress lines, not the export: writes
    // to it fail and are let go, and the encoder's failures are reported as such.
    #[cfg(unix)]
    // SAFETY: a signal disposition set before the export's threads start.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    #[cfg(unix)]
    for p in crate::files::remove_stale_parts(a.out.parent().unwrap_or(Path::new("."))) {
        eprintln!("note: removed {}, left by an export that was killed", p.display());
    }
    if let Some(file) = a.recording.clone() {
        return export_recording(a, &file);
    }
    if a.lecture.is_some() {
        return export_lecture(a);
    }
    if a.cue.is_some() {
        return Err("--cue goes with --lecture [FILE]".into());
    }
    let (scenario, source) = load_or_default(a.scenario.as_deref())?;
    let compare = a.compare.as_deref().map(|b| load_or_default(Some(b))).transpose()?;
    let size = parse_size(a.size.as_deref().unwrap_or(EXPORT_SIZE))?;
    let view = parse_view(&a.view)?;
    let mut ui = a.look.settings()?;
    let drugs = parse_drugs(&a.drugs)?;
    let Output { format, quality, captions, progress } = output_of(&a, size)?;
    (ui.show_panels, ui.show_controls, ui.show_top_bar) = match a.panels.as_str() {
        "none" => (false, false, false),
        "plots" => (true, false, false),
        "all" => (true, true, true),
        p => return Err(format!("--panels {p}: use none, plots or all")),
    };
    ui.caption_top = match a.caption_at.as_str() {
        "bottom" => false,
        "top" => true,
        p => return Err(format!("--caption-at {p}: use bottom or top")),
    };
    let slow = if a.slow_from.is_some() || a.slow_to.is_some() || a.slow_speed.is_some() {
        let from_min = parse_time_ms(a.slow_from.as_deref().unwrap_or("0min")).map_err(|e| format!("--slow-from {e}"))? / 60e3;
        let to_min = parse_time_ms(a.slow_to.as_deref().unwrap_or("24h")).map_err(|e| format!("--slow-to {e}"))? / 60e3;
        let speed = parse_rate_ms_per_s(a.slow_speed.as_deref().unwrap_or("2h/s")).map_err(|e| format!("--slow-speed {e}"))? / 60e3;
        if to_min > synapse_core::experiment::MAX_SLOW_MIN {
            return Err(format!("--slow-to: pick a time within {} weeks", synapse_core::experiment::MAX_SLOW_MIN / (7.0 * 1440.0)));
        }
        Some(SlowRange { from_min, to_min, min_per_video_s: speed })
    } else {
        None
    };
    let from_ms = parse_time_ms(&a.from).map_err(|e| format!("--from {e}"))?;
    let to_ms = match &a.to {
        Some(t) => parse_time_ms(t).map_err(|e| format!("--to {e}"))?,
        None => scenario.duration_ms.max(from_ms + 1.0),
    };
    let ms_per_video_s = match (&a.speed, &slow) {
        (Some(v), _) => parse_rate_ms_per_s(v).map_err(|e| format!("--speed {e}"))?,
        (None, Some(_)) => 0.0,
        (None, None) => 1.0,
    };
    let plan = ClipPlan::new(a.fps, FastRange { from_ms, to_ms, ms_per_video_s }, slow)?;
    let last_ms = plan.fast_ms(plan.frames - 1);
    if last_ms / scenario.dt_ms() > MAX_STEPS {
        return Err(format!("the clip reaches t = {last_ms} ms: too far for the particle model; keep the fast clock under {} s", MAX_STEPS * scenario.dt_ms() * 1e-3));
    }
    let ffmpeg_version = if format.needs_ffmpeg() { Some(crate::record::encode::find_ffmpeg(format)?) } else { None };
    check_out(&a.out, format)?;
    let title = match &compare {
        Some((b, _)) => format!("A: {} | B: {}", scenario.name, b.name),
        None => scenario.name.clone(),
    };
    let dosed = !scenario.drugs.is_empty() || compare.as_ref().is_some_and(|(b, _)| !b.drugs.is_empty());
    let slow_after = if dosed { "after the first dose" } else { "on the slow clock" }.to_string();
    let mut facts = serde_json::Map::new();
    let ron_of = |s: &Scenario| ron::to_string(s).unwrap_or_default();
    facts
        .insert("scenario".into(), serde_json::json!({ "name": scenario.name, "source": source, "seed": scenario.seed, "hash": format_hash(synapse_core::hash::fnv1a(ron_of(&scenario).as_bytes())) }));
    if let Some((b, src)) = &compare {
        facts.insert("compare".into(), serde_json::json!({ "name": b.name, "source": src, "seed": b.seed, "hash": format_hash(synapse_core::hash::fnv1a(ron_of(b).as_bytes())) }));
    }
    facts.insert("view".into(), serde_json::json!(a.view));
    facts.insert("theme".into(), serde_json::json!(a.look.theme));
    facts.insert("ui_scale".into(), serde_json::json!(a.look.ui_scale));
    facts.insert("panels".into(), serde_json::json!(a.panels));
    facts.insert("drugs".into(), serde_json::json!(a.drugs));
    let job = crate::record::ExportJob { quality, captions, title, slow_after, progress, ffmpeg_version, facts, ..crate::record::ExportJob::new(plan, a.out.clone(), format, size) };
    let offscreen = Some(crate::app::Offscreen { job, caption: a.caption });
    crate::app::run(crate::app::AppOptions { drugs, offscreen, compare, ..crate::app::AppOptions::new(scenario, source, size, view, ui) })?;
    Ok(ExitCode::SUCCESS)
}

/// `export --lecture [FILE]`: the lecture's cues in presenter mode, one
/// after another, frame-exact on the video clock (pauses and predictions
/// held, each cue's end held 2 s), captions burned and/or as subtitles.
/// The size of an export's frames when `--size` is not given.
const EXPORT_SIZE: &str = "1280x720";

/// The output folder's checks: the destination writable, a PNG sequence's folder new or empty.
fn check_out(out: &Path, format: crate::record::encode::Format) -> Result<(), String> {
    check_writable(&out.with_file_name(out.file_name().unwrap_or_default())).map_err(|e| format!("--out {e}"))?;
    if format == crate::record::encode::Format::PngSequence && out.is_dir() && std::fs::read_dir(out).map(|mut d| d.next().is_some()).unwrap_or(false) {
        return Err(format!("--out {}: the folder is not empty; choose a new one (an export never mixes its frames with others)", out.display()));
    }
    Ok(())
}

/// `export --recording FILE`: what the window showed from its Record press,
/// frame-exact (the app's Record button runs exactly this).
fn export_recording(a: ExportArgs, file: &Path) -> Result<ExitCode, String> {
    let given = a.given_of_a_clip(&[
        ("--captions", a.captions.is_some()),
        ("--caption-at", a.caption_at != "bottom"),
        ("--lecture", a.lecture.is_some()),
        ("--cue", a.cue.is_some()),
        ("--theme", a.look.theme != "dark"),
        ("--ui-scale", a.look.ui_scale != 1.0),
    ]);
    if !given.is_empty() {
        return Err(format!("{} do(es) not go with --recording: the recording sets the scenarios, clocks, cameras, panels and captions as the window showed them", given.join(", ")));
    }
    let rec = crate::command::recording::Recording::open(file)?;
    let size = match &a.size {
        Some(s) => parse_size(s)?,
        // The window's size, made even for video (within the sizes --size takes).
        None => (rec.window[0].clamp(320, 7680) & !1, rec.window[1].clamp(240, 4320) & !1),
    };
    let Output { format, quality, progress, .. } = output_of(&a, size)?;
    let plan = crate::record::plan::ClipPlan::frames_only(a.fps, rec.video_frames(a.fps))?;
    let ffmpeg_version = if format.needs_ffmpeg() { Some(crate::record::encode::find_ffmpeg(format)?) } else { None };
    check_out(&a.out, format)?;
    let mut ui = rec.ui.clone();
    // The panels take the same share of the frame as of the window.
    ui.scale = rec.pixels_per_point * size.1 as f32 / rec.window[1].max(1) as f32;
    let mut facts = serde_json::Map::new();
    let text = std::fs::read_to_string(file).unwrap_or_default();
    facts.insert(
        "recording".into(),
        serde_json::json!({ "file": file.display().to_string(), "hash": format_hash(synapse_core::hash::fnv1a(text.as_bytes())), "seconds": rec.duration_s(), "window_frames": rec.frames.len(), "window": rec.window, "final_hash": rec.final_hash, "final_hash_b": rec.final_hash_b }),
    );
    let (scenario, source) = (rec.a.scenario.clone(), rec.a.source.clone());
    let compare = rec.b.as_ref().map(|b| (b.scenario.clone(), b.source.clone()));
    let title = match &compare {
        Some((b, _)) => format!("A: {} | B: {}", scenario.name, b.name),
        None => scenario.name.clone(),
    };
    let job =
        crate::record::ExportJob { quality, title, progress, ffmpeg_version, facts, recording: Some(std::sync::Arc::new(rec)), ..crate::record::ExportJob::new(plan, a.out.clone(), format, size) };
    let offscreen = Some(crate::app::Offscreen { job, caption: None });
    let view = crate::app::camera::Viewpoint::WholeSynapse;
    crate::app::run(crate::app::AppOptions { offscreen, compare, ..crate::app::AppOptions::new(scenario, source, size, view, ui) })?;
    Ok(ExitCode::SUCCESS)
}

fn export_lecture(a: ExportArgs) -> Result<ExitCode, String> {
    let given = a.given_of_a_clip(&[("--recording", a.recording.is_some())]);
    if !given.is_empty() {
        return Err(format!("{} do(es) not go with --lecture: the lecture's cues set the scenarios, clocks, camera, panels and captions", given.join(", ")));
    }
    let loaded = open_lecture(a.lecture.as_deref().unwrap_or_default())?;
    let cues: Vec<usize> = match a.cue {
        Some(c) => vec![lecture_options(loaded.clone(), c, true, false, crate::lecture::runner::Pace::Video)?.cue],
        None => (0..loaded.lecture.cues.len()).collect(),
    };
    let size = parse_size(a.size.as_deref().unwrap_or(EXPORT_SIZE))?;
    let mut ui = a.look.settings()?;
    let Output { format, quality, captions, progress } = output_of(&a, size)?;
    ui.show_captions = captions.burned();
    ui.caption_top = match a.caption_at.as_str() {
        "bottom" => false,
        "top" => true,
        p => return Err(format!("--caption-at {p}: use bottom or top")),
    };
    if !(1..=120).contains(&a.fps) {
        return Err(format!("--fps {}: use 1 to 120 frames per second", a.fps));
    }
    let timeline = crate::lecture::runner::Timeline::of(&loaded, &cues, a.fps);
    let plan = crate::record::plan::ClipPlan::frames_only(a.fps, timeline.frames)?;
    let ffmpeg_version = if format.needs_ffmpeg() { Some(crate::record::encode::find_ffmpeg(format)?) } else { None };
    check_out(&a.out, format)?;
    let mut facts = serde_json::Map::new();
    facts.insert("lecture".into(), serde_json::json!({ "title": loaded.lecture.title, "file": loaded.file, "hash": format_hash(synapse_core::hash::fnv1a(loaded.text.as_bytes())) }));
    let cue_facts: Vec<serde_json::Value> =
        timeline.cues.iter().map(|c| serde_json::json!({ "cue": c.cue + 1, "id": loaded.lecture.cues[c.cue].id, "first_frame": c.first_frame, "frames": c.frames })).collect();
    facts.insert("cues".into(), serde_json::json!(cue_facts));
    facts.insert("theme".into(), serde_json::json!("projector (presenter mode)"));
    let title = loaded.lecture.title.clone();
    let job = crate::record::ExportJob {
        quality,
        captions,
        title,
        progress,
        ffmpeg_version,
        facts,
        lecture: true,
        subtitles: Some(timeline.captions.clone()),
        ..crate::record::ExportJob::new(plan, a.out.clone(), format, size)
    };
    let (scenario, source) = loaded.first_scenario();
    let mut lecture = lecture_options(loaded, cues[0] + 1, true, false, crate::lecture::runner::Pace::Video)?;
    lecture.timeline = Some(timeline);
    let offscreen = Some(crate::app::Offscreen { job, caption: None });
    let view = crate::app::camera::Viewpoint::WholeSynapse;
    crate::app::run(crate::app::AppOptions { offscreen, lecture: Some(lecture), ..crate::app::AppOptions::new(scenario, source, size, view, ui) })?;
    Ok(ExitCode::SUCCESS)
}

fn load(arg: &str, sets: &[String]) -> Result<(Scenario, String), String> {
    let (s, source) = builtin::resolve(arg).map_err(|e| e.to_string())?;
    Ok((if sets.is_empty() { s } else { s.with_overrides(sets).map_err(|e| e.to_string())? }, source))
}

/// Runs of a minute or longer go to the slow clock (the cascade); shorter
/// ones run the particle synapse with the cascade in lockstep.
const SLOW_CLOCK_FROM_MS: f64 = 60_000.0;

fn run(a: RunArgs) -> Result<ExitCode, String> {
    let (mut scenario, source) = load(&a.scenario, &a.sets)?;
    let duration_ms = match &a.duration {
        Some(d) => synapse_core::units::parse_duration_ms(d).map_err(|e| format!("--duration {e}"))?,
        None => scenario.duration_ms,
    };
    let out = a.out.clone();
    if let Some(p) = &out {
        match p.extension().and_then(|e| e.to_str()) {
            Some("csv") | Some("json") => {}
            _ => return Err(format!("--out {}: use a .csv or .json file name", p.display())),
        }
    }
    // Command-line drugs join the scenario's on the slow clock: --drug from
    // t = 0, --regimen NAME@TIME as a regimen started TIME before t = 0.
    let drugs = parse_drugs(&a.drugs)?;
    let regimens = parse_regimens(&a.regimens)?;
    for ((drug, _), arg) in drugs.iter().zip(&a.drugs) {
        let conc = arg.split_once('=').map(|(_, c)| c.to_string()).unwrap_or_default();
        scenario.drugs.push(synapse_core::scenario::DrugPlan::Constant { drug: drug.key.clone(), conc, start_min: 0.0, stop_min: None });
    }
    for ((drug, _), arg) in regimens.iter().zip(&a.regimens) {
        let time = arg.split_once('@').map(|(_, t)| t).unwrap_or("0ms");
        let t_min = synapse_core::units::parse_duration_ms(time)? / 60e3;
        scenario.drugs.push(synapse_core::scenario::DrugPlan::Regimen { drug: drug.key.clone(), start_min: -t_min });
    }
    // The same experiment the app drives: cascade, fast layer, drugs from t = 0.
    let mut exp = Experiment::new(scenario.clone()).map_err(|e| e.to_string())?;
    exp.set_parallel(!a.single_thread);
    for line in exp.cascade.schedule_lines() {
        println!("drug: {line}");
    }
    if duration_ms >= SLOW_CLOCK_FROM_MS {
        return run_slow(&scenario, &mut exp.cascade, duration_ms, out.as_deref(), &source);
    }
    // Guard against runs that would not finish or would not fit in memory.
    let steps = duration_ms / scenario.dt_ms();
    if steps > MAX_STEPS {
        return Err(format!("{duration_ms} ms at dt {} µs is {steps:.2e} particle steps (over {MAX_STEPS:.0e}, hours of computing); shorten --duration or raise --set dt_us=", scenario.dt_us));
    }
    let rows = duration_ms / (scenario.record.every_us * 1e-3);
    if rows > MAX_ROWS {
        return Err(format!("the trace would hold {rows:.2e} rows (over {MAX_ROWS:.0e}); record less often, e.g. --set record.every_us={:.0}", (duration_ms * 1e3 / MAX_ROWS).ceil()));
    }
    let started = std::time::Instant::now();
    let mut trace = exp.record_fast(duration_ms, scenario.record.every_us * 1e-3);
    // The slow clock in lockstep: it barely moves in a fast run, as it should.
    trace.extra_columns.extend(synapse_core::signalling::CORE_COLUMNS.iter().map(|c| c.to_string()));
    let mut cascade = exp.cascade.clone();
    for (row, extra) in trace.rows.iter().zip(trace.extra.iter_mut()) {
        cascade.advance_to(row.t_ms / 60e3);
        extra.extend(&cascade.row()[..synapse_core::signalling::CORE_COLUMNS.len()]);
    }
    let wall = started.elapsed().as_secs_f64();
    if let Some(p) = &out {
        let json = p.extension().and_then(|e| e.to_str()) == Some("json");
        write_atomically(p, |w| if json { trace.write_json(w) } else { trace.write_csv(w) })?;
    }
    let sim = &exp.sim;
    println!("scenario: {} ({}), seed {}, {} ms at dt {} µs", scenario.name, source, scenario.seed, duration_ms, scenario.dt_us);
    println!("{}", trace.summary());
    let l = sim.ledger();
    println!(
        "molecules: released {} = free {} + receptor-bound {} + in transporters {} + taken up {} + escaped {} ({})",
        l.released,
        l.free,
        l.bound_receptors,
        l.bound_transporters,
        l.taken_up,
        l.escaped,
        if l.balanced() { "balanced" } else { "NOT BALANCED" }
    );
    match &out {
        Some(p) => println!("wrote {} rows to {} in {wall:.2} s", trace.rows.len(), p.display()),
        None => println!("simulated in {wall:.2} s (no --out given, trace not written)"),
    }
    Ok(ExitCode::SUCCESS)
}

/// A run on the slow clock: the cascade from t = 0 to `duration_ms`, one
/// row every `cascade.record_every_min`, and its peaks.
fn run_slow(scenario: &Scenario, cascade: &mut synapse_core::signalling::Cascade, duration_ms: f64, out: Option<&Path>, file: &str) -> Result<ExitCode, String> {
    use synapse_core::signalling::{SlowTrace, format_minutes, peak};
    let t_end_min = duration_ms / 60e3;
    let every = scenario.cascade.record_every_min;
    if t_end_min / every > MAX_ROWS {
        return Err(format!("the trace would hold {:.2e} rows (over {MAX_ROWS:.0e}); record less often, e.g. --set cascade.record_every_min={:.0}", t_end_min / every, (t_end_min / MAX_ROWS).ceil()));
    }
    println!("scenario: {} ({}), {} on the slow clock (dt {} min, a row every {} min)", scenario.name, file, format_minutes(t_end_min), scenario.cascade.dt_min, every);
    println!("the particle synapse runs in microseconds; this run integrates the BDNF/TrkB/mTORC1 cascade (user's guide: the model, §9 C1-C12), reading the synapse's drug effects");
    let started = std::time::Instant::now();
    let trace = SlowTrace::record(cascade, t_end_min, every);
    let wall = started.elapsed().as_secs_f64();
    if let Some(p) = out {
        let json = p.extension().and_then(|e| e.to_str()) == Some("json");
        write_atomically(p, |w| if json { trace.write_json(w) } else { trace.write_csv(w) })?;
    }
    let t = trace.column("t_min").unwrap_or_default();
    for c in ["glutamate_surge", "bdnf", "trkb", "mtorc1", "synaptic_proteins", "spine_density"] {
        let y = trace.column(c).unwrap_or_default();
        let (p, tp) = peak(&t, &y);
        println!("{c:>18}: peak {p:.3} at {}, end {:.3}", format_minutes(tp), y.last().copied().unwrap_or(f64::NAN));
    }
    match out {
        Some(p) => println!("wrote {} rows to {} in {wall:.2} s", trace.rows.len(), p.display()),
        None => println!("computed in {wall:.2} s (no --out given, trace not written)"),
    }
    Ok(ExitCode::SUCCESS)
}

type DrugDose = (synapse_core::pharmacology::Drug, f64);

/// `NAME<sep>VALUE` arguments of `flag` to drugs of the built-in catalogue
/// and the concentration (µM) `conc` makes of each value.
fn parse_drug_args(args: &[String], flag: &str, sep: char, example: &str, conc: impl Fn(&synapse_core::pharmacology::Drug, &str) -> Result<f64, String>) -> Result<Vec<DrugDose>, String> {
    if args.is_empty() {
        return Ok(Vec::new());
    }
    let catalogue = synapse_core::pharmacology::Catalogue::builtin().map_err(|e| e.to_string())?;
    args.iter()
        .map(|arg| {
            let (name, value) = arg.split_once(sep).ok_or_else(|| format!("{flag} {arg}: write {example}"))?;
            let drug = catalogue.get(name).map_err(|e| format!("{flag} {arg}: {e}"))?.clone();
            let c = conc(&drug, value).map_err(|e| format!("{flag} {arg}: {e}"))?;
            Ok((drug, c))
        })
        .collect()
}

/// `name=conc` pairs to drugs from the built-in catalogue.
fn parse_drugs(args: &[String]) -> Result<Vec<DrugDose>, String> {
    parse_drug_args(args, "--drug", '=', "NAME=CONCENTRATION, e.g. ketamine=1uM", |_, v| synapse_core::pharmacology::catalogue::parse_concentration_um(v).map_err(|e| e.to_string()))
}

/// `name@time` pairs to drugs at their regimen's free brain level then.
fn parse_regimens(args: &[String]) -> Result<Vec<DrugDose>, String> {
    parse_drug_args(args, "--regimen", '@', "NAME@TIME, e.g. ketamine@40min", |drug, time| {
        let t_min = synapse_core::units::parse_duration_ms(time)? / 60e3;
        let regimen = drug.regimen.as_ref().ok_or_else(|| format!("{} has no clinical regimen in its file; use --drug {}=CONCENTRATION", drug.name, drug.key))?;
        let conc = regimen.pk.free_brain_um(t_min);
        println!("regimen: {} ({}), {} min in: free brain {:.4} µM", drug.name, regimen.description, t_min, conc);
        Ok(conc)
    })
}

fn dose_response(a: DoseArgs) -> Result<ExitCode, String> {
    use synapse_core::pharmacology::catalogue::{Mechanism, parse_concentration_um};
    use synapse_core::pharmacology::patch::{Patch, dose_response_with};
    use synapse_core::receptors::ReceptorKind;
    let catalogue = synapse_core::pharmacology::Catalogue::builtin().map_err(|e| e.to_string())?;
    let drug = catalogue.get(&a.drug).map_err(|e| e.to_string())?;
    let kind = match a.receptor.as_str() {
        "nmda" | "nmda2a" => ReceptorKind::Nmda2A,
        "nmda2b" => ReceptorKind::Nmda2B,
        "ampa" => ReceptorKind::Ampa,
        "kainate" => ReceptorKind::Kainate,
        r => return Err(format!("--receptor {r}: use nmda, nmda2a, nmda2b, ampa or kainate")),
    };
    let from = parse_concentration_um(&a.from).map_err(|e| format!("--from {e}"))?;
    let to = parse_concentration_um(&a.to).map_err(|e| format!("--to {e}"))?;
    let sane = from > 0.0 && to > from && (2..=40).contains(&a.points) && (-120.0..=60.0).contains(&a.vm) && (0.0..=20.0).contains(&a.mg);
    if !sane {
        return Err("need 0 < --from < --to, 2 to 40 --points, --vm in -120..60 mV and --mg in 0..20 mM".into());
    }
    let mut p = Patch::new(kind);
    p.v_mv = a.vm;
    p.mg_mm = a.mg;
    println!(
        "dose-response: {} on {} receptors, {} µM glutamate bath, {} mV, {} mM Mg2+ ({} receptors, {:.0} s settle + {:.0} s measure per point)",
        drug.name,
        kind.label(),
        p.glu_mm * 1e3,
        p.v_mv,
        p.mg_mm,
        p.receptors,
        p.settle_ms / 1e3,
        p.measure_ms / 1e3
    );
    let bar = progress(a.points + 1, "sweeping (control + points)");
    let r = dose_response_with(&p, drug, from, to, a.points, &|| {
        if let Some(b) = &bar {
            b.inc(1);
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    println!("{:>12}  {:>10}", "conc_uM", "inhibition");
    for (c, i) in r.conc_um.iter().zip(&r.inhibition) {
        println!("{c:>12.4}  {i:>10.3}");
    }
    let input = drug.mechanisms.iter().find_map(Mechanism::potency);
    println!("simulated: IC50 {:.4} µM, Hill slope {:.2} (negative inhibition = potentiation)", r.ic50_um, r.hill);
    // The input constant is what the model was given; only a measured
    // curve (its own IC50 and slope) is a literature comparison.
    println!("input: {}", input.unwrap_or_else(|| "no receptor potency for this mechanism".into()));
    match &drug.measured_curve {
        Some(m) => println!("measured: IC50 {} µM, Hill slope {} ({}; {})", m.ic50_um, m.hill, m.conditions, m.source),
        None => println!("measured: no measured curve in the catalogue for this drug"),
    }
    Ok(ExitCode::SUCCESS)
}

fn bench(a: BenchArgs) -> Result<ExitCode, String> {
    let steps = a.steps.unwrap_or(if a.dendrite { 20_000 } else { 1000 });
    if a.molecules == 0 || steps == 0 {
        return Err("--molecules and --steps must be positive".into());
    }
    let threads = a.threads.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| e.to_string())?;
    if a.dendrite {
        for r in pool.install(|| synapse_core::dendrite::bench(steps))? {
            println!(
                "bench --dendrite: phase={} synapses={} threads={threads} steps={} wall_s={:.3} molecule_steps_per_s={:.4e} bio_ms_per_wall_s={:.3}",
                r.phase,
                r.synapses,
                r.steps,
                r.wall_s,
                r.molecule_steps as f64 / r.wall_s,
                r.bio_ms / r.wall_s
            );
        }
        println!("bench --dendrite: peak_rss_mib={}", peak_rss_mib().map_or("unknown".into(), |m| format!("{m:.1}")));
        return Ok(ExitCode::SUCCESS);
    }
    let r = pool.install(|| synapse_core::validation::bench(a.molecules, steps, a.binding));
    println!(
        "bench: molecules={} steps={} binding={} threads={} wall_s={:.3} molecule_steps_per_s={:.4e} ns_per_molecule_step={:.3}",
        a.molecules,
        steps,
        a.binding,
        threads,
        r.wall_s,
        r.molecule_steps as f64 / r.wall_s,
        r.wall_s * 1e9 / r.molecule_steps as f64
    );
    Ok(ExitCode::SUCCESS)
}

/// The process's peak resident memory (Linux: VmHWM in /proc/self/status).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb / 1024.0)
}

fn dendrite(a: DendriteArgs) -> Result<ExitCode, String> {
    let config = synapse_core::dendrite::DendriteConfig { length_um: a.length_um, ..Default::default() };
    let base = synapse_core::Scenario { seed: a.seed, ..Default::default() };
    let start = std::time::Instant::now();
    let rows = synapse_core::validation::dendrite_rows(&config, &base, a.trials, |what| eprintln!("dendrite: {what} ({} trials, {:.0} s so far)", a.trials, start.elapsed().as_secs_f64()))?;
    println!("A {} µm dendrite, {} synapses, seeds {}..{}:", a.length_um, (a.length_um * config.spines_per_um).round().max(1.0), a.seed, a.seed + a.trials as u64 - 1);
    print!("{}", synapse_core::validation::format_table(&rows));
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on stderr when it is a terminal; none for scripts and pipes.
fn progress(len: usize, what: &str) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed}, about {eta} left)") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    Some(bar)
}

fn validate(a: ValidateArgs) -> Result<ExitCode, String> {
    use synapse_core::validation::{GROUPS, Kind, format_markdown, format_table, kind_counts, run_all_with};
    // Before the long run: a folder that cannot be made fails now, not in ten minutes.
    if let Some(dir) = &a.figures {
        std::fs::create_dir_all(dir).map_err(|e| format!("--figures {}: cannot create the folder: {e}", dir.display()))?;
    }
    let bar = progress(GROUPS.len(), "validating (row groups)");
    let report = run_all_with(a.quick, &|_| {
        if let Some(b) = &bar {
            b.inc(1);
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(dir) = &a.figures {
        let written = write_figures(&report.figures, dir)?;
        eprintln!("wrote {written} figures (SVG and PNG) and README.md to {}", dir.display());
    }
    let rows = report.rows;
    if a.markdown {
        println!("{}", format_markdown(&rows));
    } else {
        print!("{}", format_table(&rows));
    }
    let (independent, calibrated, implementation, plausibility) = kind_counts(&rows);
    println!(
        "kinds: {independent} independent (evidence), {calibrated} calibrated (a constant was fitted to them), {implementation} implementation (the code's own properties), {plausibility} plausibility (a range that can hardly fail)"
    );
    if a.markdown {
        println!();
    }
    // A calibrated row that misses is a drifted fit, reported but not a
    // failed prediction; `cargo test` holds the calibration separately.
    let missed: Vec<&str> = rows.iter().filter(|r| !r.pass && matches!(r.kind, Kind::Calibrated(_))).map(|r| r.quantity.as_str()).collect();
    if !missed.is_empty() {
        println!("calibration drifted (MISS): {}", missed.join("; "));
        if a.markdown {
            println!();
        }
    }
    // A known gap fails in the open, with the mechanism the model lacks; it is not a pass.
    let gaps: Vec<String> = rows.iter().filter(|r| r.result() == "GAP").map(|r| format!("{} ({})", r.quantity, r.gap.unwrap_or_default())).collect();
    if !gaps.is_empty() {
        println!("known gaps (GAP): {}", gaps.join("; "));
        if a.markdown {
            println!();
        }
    }
    let failed = rows.iter().filter(|r| r.result() == "FAIL").count();
    println!("{} passed, {} known gap(s), {} failed", rows.len() - failed - missed.len() - gaps.len(), gaps.len(), failed);
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// "Model vs experiment" into `dir`: each figure as NAME.svg and NAME.png
/// (each whole or not at all) and README.md, a page that shows them with
/// their verdicts and sources. Returns how many figures.
fn write_figures(figures: &[synapse_core::evidence::Comparison], dir: &std::path::Path) -> Result<usize, String> {
    use crate::record::figure::Figure;
    let mut page = String::from(
        "<!-- Generated by `synapse-lab validate --figures`; edit the code or assets/validation/, not this page. -->\n\n# Model vs experiment\n\nThe model's curves (coloured lines) over the papers' data (black points, with error bars where the paper gives them), computed by the same runs as the validation table's rows. Each figure names the rows it shows and their verdict; under it, where each data point comes from and how it was taken. Most points are numbers the papers report in their text or a fit they report, not values digitised from their figures: each file in `assets/validation/` says which.\n\n",
    );
    for c in figures {
        let fig = Figure::from(c);
        fig.write(&dir.join(format!("{}.svg", c.id)), (1200, 800))?;
        fig.write(&dir.join(format!("{}.png", c.id)), (1200, 800))?;
        page.push_str(&format!("## {}\n\n![{}]({}.svg)\n\n", c.title, c.title, c.id));
        for v in c.verdicts() {
            page.push_str(&format!("- {v}\n"));
        }
        page.push_str(&format!("\n{}\n\n", c.note));
        for d in c.panels.iter().flat_map(|p| &p.data) {
            page.push_str(&format!("Data (`assets/validation/{}.csv`), {}: {}. {}. How: {}.\n\n", d.id, d.label, d.source, d.figure, d.method));
        }
    }
    crate::files::write_atomically(&dir.join("README.md"), |w| std::io::Write::write_all(w, page.as_bytes()))?;
    Ok(figures.len())
}

/// `synapse-lab replay LOG`: the recorded session re-run headless; exits 1
/// when the final state differs from the one the log recorded.
fn replay(a: ReplayArgs) -> Result<ExitCode, String> {
    let file = a.log.display().to_string();
    let text = synapse_core::text::read_text(&a.log).map_err(|e| e.describe(&file, "command log"))?;
    let log = CommandLog::from_ron(&text, &file).map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    // A long log shows how far it is: a bar on a terminal, else a line every
    // 10 s once it has taken 2 s (Ctrl-C stops it; it writes nothing).
    let bar = progress(log.total_steps() as usize, "replaying particle steps");
    let mut said: Option<f64> = None;
    let exp = log
        .replay_with(&mut |done, total| {
            if let Some(bar) = &bar {
                bar.set_position(done);
                return;
            }
            let t = started.elapsed().as_secs_f64();
            if t > 2.0 && said.is_none_or(|s| t - s >= 10.0) && done < total {
                said = Some(t);
                let left_s = t * (total - done) as f64 / done as f64;
                let left = if left_s < 120.0 { format!("{left_s:.0} s") } else { synapse_core::signalling::format_minutes(left_s / 60.0) };
                eprintln!("replay: {:.0} % of {total} particle steps, about {left} left (Ctrl-C stops it)", 100.0 * done as f64 / total as f64);
            }
        })
        .map_err(|e| format!("{file}: {e}"))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let hash = format_hash(exp.state_hash());
    println!(
        "replayed {} commands of {} ({}) in {:.2} s: fast clock {:.3} ms, slow clock {}",
        log.commands.len(),
        log.scenario.name,
        log.source,
        started.elapsed().as_secs_f64(),
        exp.sim.t_ms(),
        synapse_core::signalling::format_minutes(exp.cascade.t_min())
    );
    println!("final state hash: {hash}");
    match &log.final_hash {
        Some(h) if *h == hash => {
            println!("matches the recorded session");
            Ok(ExitCode::SUCCESS)
        }
        Some(h) => {
            eprintln!("error: the recorded session ended at {h}, the replay at {hash}");
            Ok(ExitCode::from(1))
        }
        None => Ok(ExitCode::SUCCESS),
    }
}

/// `synapse-lab clinic`: the model-vs-clinic table (Markdown), then each
/// disagreement with the reason the drug file gives.
fn clinic() -> Result<ExitCode, String> {
    use synapse_core::clinic;
    let cat = synapse_core::pharmacology::Catalogue::builtin().map_err(|e| e.to_string())?;
    let table = clinic::table(&cat);
    println!("| drug | regimen in the model | spine rise at 24 h (x ketamine IV) | model predicts | clinic | source | agreement |");
    println!("|---|---|---|---|---|---|---|");
    for c in &table {
        let drug = cat.get(&c.key).map_err(|e| e.to_string())?;
        let (finding, source) = drug.clinic.as_ref().map(|k| (k.finding.as_str(), k.source.as_str())).unwrap_or(("", ""));
        let rise = c.spine_rise_vs_ketamine.map(|r| format!("{r:.2}")).unwrap_or_else(|| "–".into());
        let regimen = if c.regimen.is_empty() { "–".to_string() } else { c.regimen.clone() };
        println!("| {} | {regimen} | {rise} | {} | {finding} | {source} | {} |", c.name, c.prediction.label(), c.agreement.label());
    }
    for c in table.iter().filter(|c| c.agreement == clinic::Agreement::Disagree) {
        let why = cat.get(&c.key).ok().and_then(|d| d.clinic.as_ref()).map(|k| k.why_model_differs.clone()).unwrap_or_default();
        println!("\n{} — the model disagrees with the clinic: {why}", c.name);
    }
    if let Some(r) = clinic::rank_agreement(&table) {
        let name = |key: &str| cat.get(key).map(|d| d.name.clone()).unwrap_or_else(|_| key.to_string());
        let order: Vec<String> = r.ranks.iter().map(|(k, m, c)| format!("{} (model {m}, clinic {c})", name(k))).collect();
        println!("\nRank agreement of the single-dose regimens with the clinic's order at ~24 h (Spearman rho): {:.2} over {} drugs: {}.", r.rho, r.ranks.len(), order.join(", "));
        println!("The clinic's order and its sources: synapse_core::clinic::CLINICAL_RAPID_RANK (Zarate 2006; Bahji, Vazquez & Zarate 2021; Nagele 2015, 2021; Preskorn 2008).");
        for (key, m, c) in r.parts() {
            let note = cat.get(key).ok().and_then(|d| d.clinic.as_ref()).map(|k| k.why_rank_differs.clone()).unwrap_or_default();
            println!("\n{} — the model ranks it {m}, the clinic {c}. {note}", name(key));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `synapse-lab scenarios`: name, clock and title of each built-in scenario.
fn scenarios() -> Result<ExitCode, String> {
    println!("{:<24} {:<6} title: description", "name", "clock");
    for name in builtin::names() {
        let s = builtin::get(name).ok_or("a built-in scenario")?;
        let clock = if s.drugs.is_empty() { "fast" } else { "slow" };
        println!("{name:<24} {clock:<6} {}: {}", s.name, s.description);
    }
    println!("use one with --scenario NAME (or give a .ron file's path)");
    Ok(ExitCode::SUCCESS)
}
