//! The Bevy app: the window, the plugins, and the checks that turn a missing
//! display or graphics adapter into one clear line instead of a backtrace.
//!
//! One plugin per feature: `SimPlugin` (the experiment, its commands, the
//! fast clock, the ordered system sets, the command log),
//! `TimeLensPlugin` (the slow clock's playback), `KeysPlugin` (key presses through the keymap, which is data),
//! `InstancingPlugin` (molecule batches), `ScenePlugin` (the 3D synapse),
//! `DendritePlugin` (a scenario's stretch of dendrite, drawn below it),
//! `PathwayPlugin` (the signalling pathway in the spine, spines on the dendrite),
//! `CameraPlugin`, `UiPlugin` (panels), `LecturePlugin` (a lecture's cues,
//! presenter mode, the console), `RecordPlugin` (the window's Record
//! button) and, for `screenshot` and `export`,
//! `ExportPlugin` (offscreen frames to files).

#[cfg(web)]
pub mod browser;
pub mod camera;
pub mod dendrite;
#[cfg(native)]
pub mod export;
pub mod instancing;
pub mod keymap;
pub mod keys;
pub mod lecture;
pub mod palette;
pub mod pathway;
#[cfg(native)]
pub mod recording;
pub mod scene;
pub mod shared;
pub mod sim_bridge;
pub mod time_lens;
pub mod ui;

#[cfg(native)]
use bevy::app::ScheduleRunnerPlugin;
use bevy::log::LogPlugin;
use bevy::prelude::*;
#[cfg(native)]
use bevy::window::ExitCondition;
use bevy::window::{PresentMode, WindowResolution};
#[cfg(native)]
use bevy::winit::WinitPlugin;
use bevy_egui::EguiPlugin;
use std::path::PathBuf;
use synapse_core::Scenario;

/// `synapse-lab screenshot` and `export`: render offscreen (no window, no
/// display) and exit.
#[derive(Clone, Debug)]
pub struct Offscreen {
    pub job: crate::record::ExportJob,
    /// A caption across the 3D view (`--caption`).
    pub caption: Option<String>,
}

#[derive(Clone, Debug)]
pub struct AppOptions {
    pub scenario: Scenario,
    /// Where the scenario came from (shown, and the default "save" path).
    pub source: String,
    pub size: (u32, u32),
    pub view: camera::Viewpoint,
    /// Starting theme and UI scale.
    pub ui: ui::UiSettings,
    /// Drugs in the bath from the start (µM).
    pub drugs: Vec<(synapse_core::pharmacology::Drug, f64)>,
    /// Render offscreen to a file instead of opening a window.
    pub offscreen: Option<Offscreen>,
    /// `--record-commands FILE`: the session's command log, written on exit.
    pub record_commands: Option<PathBuf>,
    /// `--compare A B`: B's scenario and source (A is `scenario`).
    pub compare: Option<(Scenario, String)>,
    /// `--keymap FILE` (default: the built-in keys).
    pub keymap: Option<keymap::Keymap>,
    /// `synapse-lab lecture`: the lecture, its first cue, presenter mode.
    pub lecture: Option<LectureOptions>,
}

impl AppOptions {
    /// A window on `scenario` with nothing else: no drugs, no comparison,
    /// the built-in keys, no lecture, no log; callers add what they set.
    pub fn new(scenario: Scenario, source: String, size: (u32, u32), view: camera::Viewpoint, ui: ui::UiSettings) -> Self {
        Self { scenario, source, size, view, ui, drugs: Vec::new(), offscreen: None, record_commands: None, compare: None, keymap: None, lecture: None }
    }
}

/// A lecture to give.
#[derive(Clone, Debug)]
pub struct LectureOptions {
    pub loaded: crate::lecture::Loaded,
    /// The cue to start at (from 0).
    pub cue: usize,
    pub presenter: bool,
    pub pace: crate::lecture::runner::Pace,
    /// Offscreen: draw the presenter console instead of the audience view.
    pub console: bool,
    /// `export --lecture`: the video's frames, cue by cue.
    pub timeline: Option<crate::lecture::runner::Timeline>,
}

/// Open the window (or render offscreen) and run until closed.
#[cfg(native)]
pub fn run(opts: AppOptions) -> Result<(), String> {
    if opts.offscreen.is_none() {
        check_display()?;
    }
    install_gpu_panic_hook();
    let offscreen = opts.offscreen.is_some();
    if offscreen || std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        quiet_device_select_layer();
    }
    match build(&opts)?.run() {
        AppExit::Success => Ok(()),
        // The export said why already.
        AppExit::Error(code) if offscreen => std::process::exit(code.get() as i32),
        // Ctrl-C or SIGTERM (Bevy's handler exits with 130): a way to close,
        // not an error; the command log was written on the way out.
        AppExit::Error(code) if code.get() == 130 => std::process::exit(130),
        AppExit::Error(code) => Err(format!("the app stopped with error code {code}")),
    }
}

/// The app with every plugin the options ask for, ready to run (the web
/// page adds its own plugin first).
pub fn build(opts: &AppOptions) -> Result<App, String> {
    let mut app = App::new();
    let title = match &opts.compare {
        Some((b, _)) => format!("Synapse Lab — {} | {}", opts.scenario.name, b.name),
        None => format!("Synapse Lab — {}", opts.scenario.name),
    };
    // Offscreen commands print only their own progress and result: the
    // graphics stack's warnings (a software adapter, a missing texture
    // feature) are for RUST_LOG=warn, which Bevy's LogPlugin reads first.
    // A frame still in flight when Ctrl-C or SIGTERM stops an export has
    // nowhere to go: the command's own line says what happened.
    let filter = if opts.offscreen.is_some() {
        "error,wgpu=error,naga=error,bevy_render::view::window::screenshot=off"
    } else {
        "warn,wgpu=error,naga=error,bevy_render=error,bevy_egui::render=error,winit=error"
    };
    let log = LogPlugin { filter: filter.into(), ..default() };
    match &opts.offscreen {
        #[cfg(native)]
        Some(off) => add_offscreen(&mut app, off, log),
        #[cfg(web)]
        Some(_) => return Err("rendering offscreen to files (screenshot, export) is the desktop app's".into()),
        None => {
            app.add_plugins(DefaultPlugins.set(WindowPlugin { primary_window: Some(main_window(title, opts.size)), ..default() }).set(log));
        }
    }
    app.add_plugins((EguiPlugin::default(), MeshPickingPlugin))
        .insert_resource(camera::StartView(opts.view))
        .add_plugins(sim_bridge::SimPlugin {
            scenario: opts.scenario.clone(),
            source: opts.source.clone(),
            drugs: opts.drugs.iter().map(|(d, c)| (d.key.clone(), *c)).collect(),
            record_commands: opts.record_commands.clone(),
            compare: opts.compare.clone(),
            keep_log: opts.offscreen.is_none(),
        })
        .add_plugins((time_lens::TimeLensPlugin, keys::KeysPlugin(opts.keymap.clone().unwrap_or_else(keymap::Keymap::builtin))))
        .add_plugins((instancing::InstancingPlugin, scene::ScenePlugin, dendrite::DendritePlugin, pathway::PathwayPlugin, camera::CameraPlugin, ui::UiPlugin { settings: opts.ui.clone() }));
    #[cfg(native)]
    if opts.offscreen.is_none() {
        app.add_plugins(recording::RecordPlugin);
    }
    // What to do first: for a person exploring in a window, not on a lecture's stage or in a picture.
    app.world_mut().resource_mut::<ui::UiState>().first_hint = opts.offscreen.is_none() && opts.lecture.is_none();
    if let Some(l) = &opts.lecture {
        app.add_plugins(lecture::LecturePlugin { loaded: l.loaded.clone(), cue: l.cue, presenter: l.presenter, pace: l.pace, console_in_main: l.console, timeline: l.timeline.clone() });
    }
    Ok(app)
}

/// The app's window; in a page, the canvas the page made for it
/// (`#synapse-lab`), sized with the page.
fn main_window(title: String, size: (u32, u32)) -> Window {
    let window = Window { title, resolution: WindowResolution::new(size.0, size.1), present_mode: PresentMode::AutoVsync, ..default() };
    #[cfg(web)]
    let window = Window {
        canvas: Some("#synapse-lab".into()),
        fit_canvas_to_parent: true,
        // F5 (present), Tab and PageDown belong to the lecture, not the browser.
        prevent_default_event_handling: true,
        ..window
    };
    window
}

/// No window and no winit (it needs a display): the app loop runs by
/// itself and every camera draws into an image (Bevy's headless_renderer
/// example), before the other plugins, so the cameras they spawn draw into it.
#[cfg(native)]
fn add_offscreen(app: &mut App, off: &Offscreen, log: LogPlugin) {
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin { primary_window: None, exit_condition: ExitCondition::DontExit, close_when_requested: false, ..default() })
            .set(log)
            .disable::<WinitPlugin>()
            // Ctrl-C is the export's own (it removes its files), not Bevy's.
            .disable::<bevy::app::TerminalCtrlCHandlerPlugin>(),
    )
    .add_plugins(ScheduleRunnerPlugin::run_loop(std::time::Duration::ZERO));
    let interrupted = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = interrupted.clone();
    // Ctrl-C (or SIGTERM) ends the export at the next frame, its files removed.
    if let Err(e) = ctrlc::set_handler(move || flag.store(true, std::sync::atomic::Ordering::Relaxed)) {
        eprintln!("warning: Ctrl-C will not stop the export cleanly ({e})");
    }
    app.add_plugins(export::ExportPlugin { job: off.job.clone(), caption: off.caption.clone(), interrupted });
}

/// Mesa's Vulkan device-select layer asks Wayland which GPU drives the
/// display, and libwayland prints "error: XDG_RUNTIME_DIR is invalid" on a
/// server or in CI where there is no session. Offscreen rendering has no
/// display to match, a session without XDG_RUNTIME_DIR has no Wayland, and
/// wgpu chooses its adapter itself, so the layer is switched off there
/// (NODEVICE_SELECT, Mesa's own switch), unless the user set it.
#[cfg(native)]
fn quiet_device_select_layer() {
    if cfg!(target_os = "linux") && std::env::var_os("NODEVICE_SELECT").is_none() {
        // SAFETY: called before the app is built, while the command line is
        // the only thread (nothing has spawned a worker yet), so no other
        // thread reads the environment concurrently.
        unsafe { std::env::set_var("NODEVICE_SELECT", "1") };
    }
}

/// A window needs an X display (the app is built for X11; Wayland desktops
/// provide one through XWayland).
#[cfg(native)]
fn check_display() -> Result<(), String> {
    if cfg!(target_os = "linux") && std::env::var_os("DISPLAY").is_none() {
        return Err("no display: DISPLAY is not set. Run synapse-lab in a desktop session, or headless under Xvfb: \
`xvfb-run -a synapse-lab ...` (Debian/Ubuntu: apt-get install xvfb mesa-vulkan-drivers). The headless commands run, validate and bench need no display."
            .into());
    }
    Ok(())
}

/// Bevy panics when no graphics adapter exists; say what to install instead.
#[cfg(native)]
fn install_gpu_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info.payload().downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| info.payload().downcast_ref::<String>().cloned()).unwrap_or_default();
        if msg.contains("Unable to find a GPU") || msg.contains("Failed to create wgpu surface") {
            eprintln!("error: no usable graphics adapter (Vulkan, GL or Metal). Install your GPU's driver, or Mesa's software renderer: apt-get install mesa-vulkan-drivers libvulkan1");
            std::process::exit(3);
        }
        default(info);
    }));
}
