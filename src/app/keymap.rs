//! The keymap as data: `assets/keymap.ron` (built into the binary) binds
//! keys to actions, and `synapse-lab --keymap my-keys.ron` uses another file
//! of the same form, so a clicker's keys are added without code. Here:
//! the bindings and the command each action sends; `keys.rs` reads the
//! keyboard with them.

use crate::command::lecture::LectureCommand;
use crate::command::view::ViewCommand;
use crate::command::{AppCommand, PlaybackCommand, SlowCommand, Target, target_of};
use bevy::prelude::*;
use serde::{Deserialize, Serialize};
use synapse_core::experiment::Command;

/// The keymap shipped with the app.
pub const BUILTIN: &str = include_str!("../../assets/keymap.ron");

/// The most fast-clock steps one key press may run (10 ms of biology at the
/// default 1 µs step): a key acts within a frame, a longer run is playback's.
pub const MAX_KEY_RUN_STEPS: u64 = 10_000;

/// What a key does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum KeyAction {
    /// Play or pause the fast clock.
    TogglePlay,
    /// Run or pause the slow clock.
    ToggleSlowClock,
    /// Hide or show the side panels and the legend.
    TogglePanels,
    Playback(PlaybackCommand),
    Sim(Command),
    /// A lecture's keys: next and previous cue, blank screen, presenter mode.
    Lecture(LectureCommand),
    /// Fullscreen (borderless) or windowed.
    ToggleFullscreen,
    /// The evidence layer on the labels.
    ToggleEvidence,
    /// Start recording what is on screen, or stop and name the video.
    ToggleRecord,
}

/// When a binding is active: a clicker's Space and arrows mean "next cue"
/// while presenting and keep their exploring meaning otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum When {
    #[default]
    Always,
    /// Presenter mode is off (exploring, or no lecture).
    Exploring,
    /// Presenter mode is on.
    Presenting,
}

impl When {
    pub fn active(self, presenting: bool) -> bool {
        match self {
            When::Always => true,
            When::Exploring => !presenting,
            When::Presenting => presenting,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Binding {
    pub key: KeyCode,
    pub action: KeyAction,
    #[serde(default)]
    pub when: When,
}

#[derive(Resource, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Keymap(pub Vec<Binding>);

impl Keymap {
    /// Parse a keymap and check its rules; `file` names it in the message
    /// (file:line:column for a syntax error, the binding for a broken rule).
    pub fn from_ron(text: &str, file: &str) -> Result<Self, String> {
        let map: Self = ron::from_str(text).map_err(|e| format!("{file}:{}:{}: not a valid keymap: {} (each entry: (key: KeyS, action: Sim(Spike)))", e.span.start.line, e.span.start.col, e.code))?;
        map.check().map_err(|(binding, e)| {
            // A broken binding at its `key:`, a missing one where the list ends.
            let at = match binding {
                Some(i) => synapse_core::text::field_position(text, "key", 1, i),
                None => synapse_core::text::list_end_position(text),
            };
            let (line, col) = at.unwrap_or((1, 1));
            format!("{file}:{line}:{col}: {e}")
        })?;
        Ok(map)
    }

    /// The rules a presenter relies on: PageDown and PageUp (a clicker's keys)
    /// mean only next and previous cue; Escape leaves presenter mode; every
    /// experiment command a key sends is valid and done within a frame.
    /// A broken rule comes with the binding's index (none for the whole map).
    fn check(&self) -> Result<(), (Option<usize>, String)> {
        if self.0.is_empty() {
            return Err((None, "the keymap binds no key; start from the built-in one (assets/keymap.ron) and change what you need".into()));
        }
        let scratch = synapse_core::experiment::Experiment::new(synapse_core::Scenario::default()).map_err(|e| (None, e.to_string()))?;
        for (i, b) in self.0.iter().enumerate() {
            let at = format!("binding {} ({:?})", i + 1, b.key);
            let reserved = match b.key {
                KeyCode::PageDown => Some(KeyAction::Lecture(LectureCommand::Next)),
                KeyCode::PageUp => Some(KeyAction::Lecture(LectureCommand::Previous)),
                _ => None,
            };
            if let Some(only) = reserved.filter(|only| *only != b.action) {
                return Err((Some(i), format!("{at}: {:?} is a clicker's key and means only {only:?}; bind {:?} to another key", b.key, b.action)));
            }
            if let KeyAction::Sim(c) = &b.action {
                scratch.check_ahead(c).map_err(|e| (Some(i), format!("{at}: Sim({c:?}): {e}")))?;
                if let Command::Run { steps } = c
                    && *steps > MAX_KEY_RUN_STEPS
                {
                    return Err((Some(i), format!("{at}: Sim(Run(steps: {steps})) would hold the app for a long time on one key press; use at most {MAX_KEY_RUN_STEPS} steps, or the play button")));
                }
            }
        }
        let leaves = |a: &KeyAction| matches!(a, KeyAction::Lecture(LectureCommand::Presenter(false) | LectureCommand::TogglePresenter));
        if !self.0.iter().any(|b| b.key == KeyCode::Escape && leaves(&b.action) && b.when != When::Exploring) {
            return Err((None, "no binding of Escape leaves presenter mode; keep (key: Escape, action: Lecture(Presenter(false)), when: Presenting)".into()));
        }
        Ok(())
    }

    pub fn builtin() -> Self {
        Self::from_ron(BUILTIN, "assets/keymap.ron").expect("the built-in keymap parses (tested)")
    }

    /// The key bound to an action, for hover texts ("Space", "KeyS").
    pub fn key_for(&self, action: &KeyAction) -> Option<KeyCode> {
        self.0.iter().find(|b| b.action == *action).map(|b| b.key)
    }

    /// Every key bound to an action, in the keymap's order (the help overlay).
    pub fn keys_for(&self, action: &KeyAction) -> Vec<KeyCode> {
        self.0.iter().filter(|b| b.action == *action).map(|b| b.key).collect()
    }
}

/// A group of the help card: its heading and (keys, what they do) lines.
pub type HelpGroup = (&'static str, Vec<(String, String)>);

impl Keymap {
    /// The help card (F1): what each active key does, in words, grouped, the
    /// keys of one action on one line; generated from the keymap, so it stays
    /// true to a changed one. Digits typed for a jump are one line.
    pub fn help_card(&self, presenting: bool) -> Vec<HelpGroup> {
        const GROUPS: [&str; 5] = ["Move through the lecture", "The screen", "Point and draw", "The simulation", "Views"];
        let mut groups: Vec<HelpGroup> = GROUPS.iter().map(|g| (*g, Vec::new())).collect();
        let mut seen: Vec<(usize, String)> = Vec::new();
        for b in self.0.iter().filter(|b| b.when.active(presenting)) {
            let (group, words) = describe(&b.action);
            let key = if matches!(b.action, KeyAction::Lecture(LectureCommand::Digit(_))) { "0-9".to_string() } else { key_name(b.key) };
            match seen.iter().position(|(g, w)| *g == group && *w == words) {
                Some(i) => {
                    let line = groups[group].1.iter_mut().find(|(_, w)| *w == seen[i].1).expect("seen lines are in their group");
                    if !line.0.split(", ").any(|k| k == key) {
                        line.0 = format!("{}, {key}", line.0);
                    }
                }
                None => {
                    seen.push((group, words.clone()));
                    groups[group].1.push((key, words));
                }
            }
        }
        groups.retain(|(_, lines)| !lines.is_empty());
        groups
    }
}

/// An action in words, and the help card's group (an index of its groups).
fn describe(a: &KeyAction) -> (usize, String) {
    use LectureCommand as L;
    let (g, w): (usize, &str) = match a {
        KeyAction::Lecture(L::Next) => (0, "next cue (or continue a paused one)"),
        KeyAction::Lecture(L::Previous) => (0, "previous cue"),
        KeyAction::Lecture(L::GoTo(_)) | KeyAction::Lecture(L::Jump) => (0, "jump: type the cue's number, then Enter"),
        KeyAction::Lecture(L::Digit(_)) => (0, "a cue's number, for a jump"),
        KeyAction::Lecture(L::RestartCue) => (0, "this cue again from its start"),
        KeyAction::Lecture(L::Presenter(true)) => (1, "start presenting"),
        KeyAction::Lecture(L::Presenter(false)) => (1, "stop presenting (back to the explorer)"),
        KeyAction::Lecture(L::TogglePresenter) => (1, "presenting on or off"),
        KeyAction::Lecture(L::Black) => (1, "black screen (again: back)"),
        KeyAction::Lecture(L::White) => (1, "white screen (again: back)"),
        KeyAction::Lecture(L::ToggleConsole) => (1, "the presenter console (notes, answers)"),
        KeyAction::ToggleFullscreen => (1, "fullscreen or window"),
        KeyAction::Lecture(L::Spotlight) => (2, "spotlight (hold)"),
        KeyAction::Lecture(L::Pen) => (2, "pen (hold and drag; cleared at the next cue)"),
        KeyAction::TogglePlay => (3, "play or pause"),
        KeyAction::Playback(PlaybackCommand::StepOnce) => (3, "one step"),
        KeyAction::ToggleSlowClock => (3, "run or pause the slow clock (hours to days)"),
        KeyAction::ToggleRecord => (3, "record what is on screen, or stop"),
        KeyAction::Lecture(L::ToggleHelp) => (4, "this help"),
        KeyAction::TogglePanels => (4, "hide or show the panels"),
        KeyAction::ToggleEvidence => (4, "evidence level and source on every label"),
        KeyAction::Playback(p) => return (3, format!("{p:?}")),
        KeyAction::Sim(c) => {
            return (
                3,
                match c {
                    Command::Spike => "an action potential (a spike)".into(),
                    Command::SlowJump { minutes } => format!("the slow clock {minutes} min ahead"),
                    other => format!("{other:?}"),
                },
            );
        }
    };
    (g, w.to_string())
}

/// A key as printed on it (S, Space, →, PageDown, Esc).
fn key_name(k: KeyCode) -> String {
    let raw = format!("{k:?}");
    match k {
        KeyCode::ArrowRight => "→".into(),
        KeyCode::ArrowLeft => "←".into(),
        KeyCode::ArrowUp => "↑".into(),
        KeyCode::ArrowDown => "↓".into(),
        KeyCode::Escape => "Esc".into(),
        KeyCode::Period => ".".into(),
        KeyCode::Slash => "/".into(),
        KeyCode::NumpadEnter => "Enter (keypad)".into(),
        _ => raw.strip_prefix("Key").or_else(|| raw.strip_prefix("Digit")).unwrap_or(&raw).to_string(),
    }
}

/// The command a key press sends, given the clocks' state (toggles) and
/// where the panels point (experiment commands go there).
pub fn command_for(action: &KeyAction, (playing, slow_playing, panels, evidence): (bool, bool, bool, bool), target: Target) -> Option<AppCommand> {
    Some(match action {
        KeyAction::TogglePlay => AppCommand::Playback(PlaybackCommand::Play(!playing)),
        KeyAction::ToggleSlowClock => AppCommand::Slow(SlowCommand::Play(!slow_playing)),
        KeyAction::TogglePanels => AppCommand::View(ViewCommand::Panels(!panels)),
        KeyAction::ToggleEvidence => AppCommand::View(ViewCommand::Evidence(!evidence)),
        KeyAction::Playback(p) => AppCommand::Playback(p.clone()),
        KeyAction::Sim(c) => AppCommand::Sim(target_of(c, target), c.clone()),
        KeyAction::Lecture(l) => AppCommand::Lecture(l.clone()),
        // The window's and the recorder's, not the model's: `keys` sends them.
        KeyAction::ToggleFullscreen | KeyAction::ToggleRecord => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_keymap_binds_the_documented_keys() {
        let k = Keymap::builtin();
        assert_eq!(k.key_for(&KeyAction::TogglePlay), Some(KeyCode::Space));
        assert_eq!(k.key_for(&KeyAction::Sim(Command::Spike)), Some(KeyCode::KeyS));
        assert_eq!(k.key_for(&KeyAction::Sim(Command::SlowJump { minutes: 60.0 })), Some(KeyCode::KeyJ));
        assert_eq!(command_for(&KeyAction::TogglePlay, (true, false, true, false), Target::A), Some(AppCommand::Playback(PlaybackCommand::Play(false))));
        assert_eq!(command_for(&KeyAction::Sim(Command::Spike), (true, false, true, false), Target::B), Some(AppCommand::Sim(Target::B, Command::Spike)));
        assert_eq!(command_for(&KeyAction::ToggleEvidence, (true, false, true, false), Target::B), Some(AppCommand::View(ViewCommand::Evidence(true))));
        // The clock's own commands reach both synapses whatever the panels point at.
        assert_eq!(command_for(&KeyAction::Sim(Command::SlowJump { minutes: 60.0 }), (true, false, true, false), Target::B), Some(AppCommand::Sim(Target::Both, Command::SlowJump { minutes: 60.0 })));
        assert_eq!(k.key_for(&KeyAction::TogglePanels), Some(KeyCode::KeyH));
        let err = Keymap::from_ron("Keymap([(key: KeyQQ, action: TogglePlay)])", "my-keys.ron").unwrap_err();
        assert!(err.starts_with("my-keys.ron:1:"), "{err}");
    }

    /// The rules a presenter relies on are enforced, each with the fix.
    #[test]
    fn a_keymap_keeps_the_clickers_keys_escape_and_valid_commands() {
        let with = |extra: &str| BUILTIN.replacen("Keymap([", &format!("Keymap([\n    {extra},"), 1);
        let err = |text: &str| Keymap::from_ron(text, "k.ron").unwrap_err();
        assert!(err("Keymap([])").contains("binds no key"));
        let e = err(&with("(key: PageDown, action: Sim(Spike))"));
        // Placed at the binding's `key:` (the line after `Keymap([`, column 6).
        let line = BUILTIN[..BUILTIN.find("Keymap([").unwrap()].matches('\n').count() + 2;
        assert!(e.starts_with(&format!("k.ron:{line}:6: binding 1 (PageDown)")) && e.contains("means only Lecture(Next)"), "{e}");
        let e = err(&with("(key: KeyX, action: Sim(Drug(name: \"ketamin\", conc_um: 1.0)))"));
        assert!(e.contains("binding 1 (KeyX)") && e.contains("ketamin"), "{e}");
        let e = err(&with("(key: KeyX, action: Sim(MgMm(-1.0)))"));
        assert!(e.contains("Mg2+ -1 mM is out of range"), "{e}");
        let e = err(&with("(key: KeyX, action: Sim(Run(steps: 1000000000)))"));
        assert!(e.contains("at most 10000 steps"), "{e}");
        let no_escape = BUILTIN.replace("(key: Escape, action: Lecture(Presenter(false)), when: Presenting),", "");
        assert!(err(&no_escape).contains("no binding of Escape"), "{no_escape}");
        // A missing binding is placed where the list ends.
        let end = BUILTIN.trim_end().lines().count();
        assert!(err(&no_escape).starts_with(&format!("k.ron:{end}:1: ")), "{}", err(&no_escape));
        assert!(Keymap::from_ron(&with("(key: KeyX, action: Sim(MgMm(0.0)))"), "k.ron").is_ok());
    }

    /// The help card is words, grouped, one line per action with all its keys.
    #[test]
    fn the_help_card_says_in_words_what_each_key_does() {
        let k = Keymap::builtin();
        let presenting = k.help_card(true);
        let find = |card: &[HelpGroup], words: &str| card.iter().flat_map(|(_, l)| l).find(|(_, w)| w.starts_with(words)).map(|(k, _)| k.clone());
        assert_eq!(presenting[0].0, "Move through the lecture");
        assert_eq!(find(&presenting, "next cue").as_deref(), Some("PageDown, Space, →"));
        assert_eq!(find(&presenting, "stop presenting").as_deref(), Some("Esc"));
        assert_eq!(find(&presenting, "a cue's number").as_deref(), Some("0-9"), "ten digits, one line");
        assert_eq!(find(&presenting, "black screen").as_deref(), Some("., B"));
        assert!(find(&presenting, "an action potential").is_none(), "S opens the console while presenting");
        let exploring = k.help_card(false);
        assert_eq!(find(&exploring, "an action potential").as_deref(), Some("S"));
        assert_eq!(find(&exploring, "this help").as_deref(), Some("F1, /"));
        assert!(exploring.iter().all(|(_, lines)| lines.iter().all(|(_, w)| !w.contains("Lecture(") && !w.contains("Sim("))), "{exploring:?}");
    }

    /// A misspelt field of a binding is an error at its place, not ignored.
    #[test]
    fn a_misspelt_field_is_an_error() {
        let err = Keymap::from_ron("Keymap([\n  (key: KeyS, action: Sim(Spike), wen: Always),\n])", "my-keys.ron").unwrap_err();
        assert!(err.starts_with("my-keys.ron:2:") && err.contains("wen"), "{err}");
    }
}
