//! The lecture's commands: next and previous cue, jumps, presenter mode,
//! blank screens, the console, help, the spotlight and the pen. The
//! lecture hall that obeys them is the app's; the cues are `crate::lecture`.

use serde::{Deserialize, Serialize};

/// What a lecturer (or a clicker) can ask of the lecture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LectureCommand {
    /// Release a pause, reveal a prediction, or go to the next cue.
    Next,
    /// The previous cue, from its start.
    Previous,
    /// Cue n (from 0), from its start.
    GoTo(usize),
    /// The current cue again from its start ("back to the lecture").
    RestartCue,
    /// Black the screen, or bring it back.
    Black,
    /// White the screen, or bring it back.
    White,
    TogglePresenter,
    Presenter(bool),
    /// The presenter console (second window).
    ToggleConsole,
    ToggleHelp,
    /// A digit typed for a jump (Enter jumps).
    Digit(u8),
    Jump,
    /// Held: the spotlight follows the pointer (its key is read while held).
    Spotlight,
    /// Held: drag to draw on the view; cleared at the next cue.
    Pen,
}
