//! The app in a web page (wasm32 only): `main` reads the page's address,
//! says what was wrong with it in the page, and starts the app in the
//! `#synapse-lab` canvas. The page's API, `window.synapseLab` (built in
//! `web/index.html` on the exports here): `isReady`, `stateHash` (A's
//! `Experiment::state_hash`), `cue`, `send` (one `AppCommand` in RON, as a
//! click sends it), `replay` (a command log, replayed without drawing, to
//! its final state hash) and `bench` (molecule-steps per second of the
//! particle core, in this page). What a screen reader needs (the cue's
//! title, the caption, the selection) is mirrored into the page's live
//! region, since AccessKit has no web adapter.

use super::link;
use crate::app::lecture::LectureState;
use crate::app::shared::Selection;
use crate::app::sim_bridge::{AppSystems, SimState, Slot};
use crate::app::ui::UiState;
use crate::command::AppCommand;
use bevy::prelude::*;
use std::cell::RefCell;
use synapse_core::experiment::{CommandLog, format_hash};
use wasm_bindgen::prelude::*;

/// Frames drawn before the page is ready: the scene is spawned in the
/// first, the first full picture reaches the canvas a frame or two later.
const READY_FRAMES: u64 = 3;

/// What the page's API reads, written by the app each frame (one thread:
/// the browser's).
#[derive(Default)]
struct Mirror {
    frames: u64,
    hash: Option<String>,
    cue: Option<usize>,
    live: String,
}

thread_local! {
    static MIRROR: RefCell<Mirror> = RefCell::new(Mirror::default());
    /// Commands the page sent, for the app's next frame.
    static INBOX: RefCell<Vec<AppCommand>> = const { RefCell::new(Vec::new()) };
}

/// Start the app the page's address asks for.
pub fn main() {
    console_error_panic_hook::set_once();
    let query = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let (link, problems) = link::parse(&query);
    if !problems.is_empty() {
        show_message(&format!("This link could not be followed, so the default scenario opened instead:\n{}", problems.join("\n")));
    }
    let opts = link::options(&link, (1280, 720)).or_else(|e| {
        show_message(&e);
        link::options(&link::Link::default(), (1280, 720))
    });
    match opts.and_then(|o| crate::app::build(&o)) {
        Ok(mut app) => {
            app.add_plugins(PagePlugin);
            app.run();
        }
        Err(e) => show_message(&format!("Synapse Lab could not start: {e}")),
    }
}

/// Show a message above the canvas (the page's `#synapse-lab-message`,
/// with its own Close button).
fn show_message(text: &str) {
    web_sys::console::warn_1(&text.into());
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    if let (Some(bar), Some(words)) = (document.get_element_by_id("synapse-lab-message"), document.get_element_by_id("synapse-lab-message-text")) {
        words.set_text_content(Some(text));
        let _ = bar.remove_attribute("hidden");
    }
}

/// The page's side of the app: commands in, the mirror and the live region out.
struct PagePlugin;

impl Plugin for PagePlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, (inbox.in_set(AppSystems::Input), mirror.in_set(AppSystems::Capture)));
    }
}

fn inbox(mut out: MessageWriter<AppCommand>) {
    INBOX.with_borrow_mut(|q| out.write_batch(q.drain(..)));
}

fn mirror(states: Query<(&SimState, &Slot)>, lecture: Option<Res<LectureState>>, ui: Option<Res<UiState>>, selection: Res<Selection>) {
    let a = states.iter().find(|(_, s)| **s == Slot::A).map(|(st, _)| st);
    let cue = lecture.as_ref().map(|l| l.runner.cue);
    // What a sighted student reads off the stage, in words.
    let mut live = Vec::new();
    if let Some(l) = &lecture {
        let c = &l.loaded.lecture.cues[l.runner.cue];
        live.push(format!("Cue {} of {}: {}", l.runner.cue + 1, l.loaded.lecture.cues.len(), c.title));
        if let Some(p) = &l.runner.prediction {
            live.push(p.question.clone());
        }
    }
    if let Some(c) = ui.as_ref().and_then(|u| u.caption.clone()) {
        live.push(c);
    }
    if let Some(sel) = selection.0 {
        live.push(format!("Selected: {sel:?}"));
    }
    let live = live.join(". ");
    let changed = MIRROR.with_borrow_mut(|m| {
        if a.is_some() {
            m.frames += 1;
        }
        m.hash = a.map(|st| format_hash(st.exp.state_hash()));
        m.cue = cue;
        let changed = m.live != live;
        m.live = live.clone();
        changed
    });
    if changed && let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("synapse-lab-live")) {
        el.set_text_content(Some(&live));
    }
}

/// Whether the first frames are drawn.
#[wasm_bindgen(js_name = isReady)]
pub fn is_ready() -> bool {
    MIRROR.with_borrow(|m| m.frames >= READY_FRAMES)
}

/// Synapse A's state hash (`0x…`), as `synapse-lab replay` prints it.
#[wasm_bindgen(js_name = stateHash)]
pub fn state_hash() -> Option<String> {
    MIRROR.with_borrow(|m| m.hash.clone())
}

/// The lecture's current cue, from 1; none outside a lecture.
#[wasm_bindgen]
pub fn cue() -> Option<u32> {
    MIRROR.with_borrow(|m| m.cue.map(|c| c as u32 + 1))
}

/// Send one command (its RON form, as in a command log or a recording:
/// `Sim(A, Spike)`, `View(Evidence(true))`), applied at the next frame.
#[wasm_bindgen]
pub fn send(ron: &str) -> Result<(), String> {
    let c: AppCommand = ron::from_str(ron).map_err(|e| format!("not a command: {e} (for example: Sim(A, Spike))"))?;
    INBOX.with_borrow_mut(|q| q.push(c));
    Ok(())
}

/// Replay a command log (what `--record-commands` writes) without drawing;
/// its final state hash.
#[wasm_bindgen]
pub fn replay(log: &str) -> Result<String, String> {
    let log = CommandLog::from_ron(log, "the command log").map_err(|e| e.to_string())?;
    Ok(format_hash(log.replay()?.state_hash()))
}

/// The particle core's speed in this page: molecule-steps per second,
/// one thread, free diffusion (`synapse-lab bench --threads 1`).
#[wasm_bindgen]
pub fn bench(molecules: u32, steps: u32) -> f64 {
    let r = synapse_core::validation::bench(molecules as usize, steps as u64, false);
    r.molecule_steps as f64 / r.wall_s.max(1e-9)
}
