//! The recording file (`NAME.recording.ron`): what the window showed from
//! the Record press on, frame by frame, as commands and camera poses, with
//! the experiments' command logs for the start. The Record button writes it
//! (the app), `synapse-lab export --recording` renders it (`crate::record`);
//! this module owns the format, its checks and its replay without rendering.

use super::AppCommand;
use super::camera::Pose;
use super::view::UiSettings;
use serde::{Deserialize, Serialize};
use std::path::Path;
use synapse_core::experiment::Command;
use synapse_core::experiment::{CommandLog, Experiment};

/// The recording file's format version.
pub const RECORDING_VERSION: u32 = 1;

/// Frames per second of the video the button renders.
pub const RECORD_FPS: u32 = 30;

/// What was on screen from the Record press on.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Recording {
    pub version: u32,
    /// The program that recorded it.
    pub program: String,
    /// A's experiment when recording began: its scenario and every command since it was loaded.
    pub a: CommandLog,
    /// B's, in a comparison.
    #[serde(default)]
    pub b: Option<CommandLog>,
    /// The window's size in physical pixels.
    pub window: [u32; 2],
    /// Physical pixels per egui point on screen (the UI scale times the window's scale factor).
    pub pixels_per_point: f32,
    /// The view settings (theme, labels, panels…) when recording began.
    pub ui: UiSettings,
    /// The caption, the selection and the comparison's target, as commands.
    pub start: Vec<AppCommand>,
    /// The cameras when recording began (A, then B).
    pub cameras: Vec<Pose>,
    pub frames: Vec<RecordedFrame>,
    /// A's (and B's) state hash at the end.
    #[serde(default)]
    pub final_hash: Option<String>,
    #[serde(default)]
    pub final_hash_b: Option<String>,
}

/// One frame the window showed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RecordedFrame {
    /// Wall seconds since the frame before.
    pub dt_s: f64,
    /// The commands A (and B) took in this frame, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub a: Vec<Command>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub b: Vec<Command>,
    /// The panels' view commands (theme, labels, caption, selection…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub view: Vec<AppCommand>,
    /// The cameras (A, then B) when they moved in this frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cameras: Option<Vec<Pose>>,
}

impl Recording {
    /// Wall seconds recorded.
    pub fn duration_s(&self) -> f64 {
        self.frames.iter().map(|f| f.dt_s).sum()
    }

    /// The video's frame count at `fps`: the recorded time, rounded, at least one.
    pub fn video_frames(&self, fps: u32) -> u64 {
        ((self.duration_s() * fps as f64).round() as u64).max(1)
    }

    /// How many recorded frames video frame `k` shows applied: those that
    /// ended by `(k + 1)/fps` seconds; the last video frame shows them all.
    pub fn shown_through(&self, k: u64, fps: u32) -> usize {
        if k + 1 >= self.video_frames(fps) {
            return self.frames.len();
        }
        let until_s = (k + 1) as f64 / fps as f64;
        let mut t = 0.0;
        self.frames
            .iter()
            .take_while(|f| {
                t += f.dt_s;
                t <= until_s + 1e-9
            })
            .count()
    }

    /// The cameras as recorded frame `n` left them (`n` frames applied).
    pub fn cameras_after(&self, n: usize) -> &[Pose] {
        self.frames[..n.min(self.frames.len())].iter().rev().find_map(|f| f.cameras.as_deref()).unwrap_or(&self.cameras)
    }

    pub fn to_ron(&self) -> String {
        let cfg = ron::ser::PrettyConfig::new().struct_names(true).depth_limit(3);
        ron::ser::to_string_pretty(self, cfg).expect("a recording always serialises")
    }

    /// Read a recording; errors name the file, line and column.
    pub fn open(path: &Path) -> Result<Self, String> {
        let file = path.display().to_string();
        let text = synapse_core::text::read_text(path).map_err(|e| e.describe(&file, "recording"))?;
        Self::from_ron(&text, &file)
    }

    /// Parse and check a recording's text; `file` names it in messages.
    pub fn from_ron(text: &str, file: &str) -> Result<Self, String> {
        let rec: Recording =
            ron::from_str(text).map_err(|e| format!("{file}:{}:{}: {} (a recording made by the Record button; record again, or fix the file)", e.span.start.line, e.span.start.col, e.code))?;
        // Each check after parsing names the place in the file it is about.
        let at = |key: &str, from: usize, nth: usize| {
            let (line, col) = synapse_core::text::field_position(text, key, from, nth).unwrap_or((1, 1));
            format!("{file}:{line}:{col}")
        };
        if rec.version != RECORDING_VERSION {
            return Err(format!("{}: recording version {} is not supported; this build reads version {RECORDING_VERSION}", at("version", 1, 0), rec.version));
        }
        if rec.frames.is_empty() {
            return Err(format!("{}: the recording has no frames", at("frames", 1, 0)));
        }
        if let Some(i) = rec.frames.iter().position(|f| !(f.dt_s.is_finite() && f.dt_s >= 0.0) || f.cameras.as_ref().is_some_and(|c| c.len() != rec.cameras.len())) {
            return Err(format!("{}: frame {}: its time or cameras are not a recording's; record again", at("dt_s", 1, i), i + 1));
        }
        let finite = |p: &Pose| p.focus.is_finite() && p.yaw.is_finite() && p.pitch.is_finite() && p.radius.is_finite() && p.radius > 0.0;
        if !rec.cameras.iter().chain(rec.frames.iter().flat_map(|f| f.cameras.iter().flatten())).all(finite) {
            return Err(format!("{}: a camera pose is not finite or has no distance; record again", at("cameras", 1, 0)));
        }
        if !((1..=16_384).contains(&rec.window[0]) && (1..=16_384).contains(&rec.window[1])) {
            return Err(format!("{}: a window of {}x{} pixels is not a recording's; record again", at("window", 1, 0), rec.window[0], rec.window[1]));
        }
        if !(rec.pixels_per_point.is_finite() && rec.pixels_per_point > 0.0 && rec.pixels_per_point <= 16.0) {
            return Err(format!("{}: {} pixels per point is not a recording's (0 to 16); record again", at("pixels_per_point", 1, 0), rec.pixels_per_point));
        }
        // A's log is written under `a:`, B's under `b:`.
        let a_line = synapse_core::text::field_position(text, "a", 1, 0).map_or(1, |(l, _)| l);
        let b_line = synapse_core::text::field_position(text, "b", a_line, 0).map_or(a_line, |(l, _)| l);
        rec.a.check_in(text, file, a_line).map_err(|e| format!("{e} (A's log in the recording)"))?;
        if let Some(b) = &rec.b {
            b.check_in(text, file, b_line).map_err(|e| format!("{e} (B's log in the recording)"))?;
        }
        if rec.b.is_none()
            && let Some(i) = rec.frames.iter().position(|f| !f.b.is_empty())
        {
            return Err(format!("{}: frame {}: commands for B in a recording without a comparison", at("dt_s", 1, i), i + 1));
        }
        // Every command checked as `replay` would carry it out, before a frame is rendered.
        for (slot, log, from) in [("A", Some(&rec.a), a_line), ("B", rec.b.as_ref(), b_line)] {
            let Some(log) = log else { continue };
            let scratch = Experiment::new(log.scenario.clone()).map_err(|e| format!("{file}: the recorded scenario of {slot}: {e}"))?;
            for (n, l) in log.commands.iter().enumerate() {
                scratch.check_ahead(&l.command).map_err(|e| format!("{}: {slot}'s command {}: {:?}: {e} (record again, or remove the command)", at("command", from, n), n + 1, l.command))?;
            }
            for (i, f) in rec.frames.iter().enumerate() {
                for c in if slot == "A" { &f.a } else { &f.b } {
                    scratch.check_ahead(c).map_err(|e| format!("{}: frame {}: {slot}: {c:?}: {e} (record again, or remove the command)", at("dt_s", 1, i), i + 1))?;
                }
            }
        }
        Ok(rec)
    }

    /// The experiments at the end, replayed without rendering (A, and B):
    /// what the export's last frame shows.
    pub fn replay(&self) -> Result<(Experiment, Option<Experiment>), String> {
        let mut a = self.a.replay()?;
        let mut b = self.b.as_ref().map(|b| b.replay()).transpose()?;
        for (i, f) in self.frames.iter().enumerate() {
            for c in &f.a {
                a.apply(c).map_err(|e| format!("frame {}: {c:?}: {e}", i + 1))?;
            }
            if let Some(b) = &mut b {
                for c in &f.b {
                    b.apply(c).map_err(|e| format!("frame {}: B: {c:?}: {e}", i + 1))?;
                }
            }
        }
        Ok((a, b))
    }
}
