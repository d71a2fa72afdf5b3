//! Recorded animations, the parts that need no renderer: the clip plan
//! (which biological time each frame shows), the encoders (ffmpeg, PNG),
//! captions and subtitles, progress lines, and the `movie.json` that makes
//! an export reproducible. The Bevy side (`app::export`) renders the frames
//! offscreen and hands them here.

pub mod encode;
pub mod figure;
pub mod plan;

use encode::{Format, Quality};
use plan::ClipPlan;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// `--captions`: burned into the frames, as a soft subtitle track and
/// `.srt`/`.vtt` sidecars, both, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Captions {
    Burned,
    Soft,
    Both,
    None,
}

impl Captions {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "burned" => Ok(Captions::Burned),
            "soft" => Ok(Captions::Soft),
            "both" => Ok(Captions::Both),
            "none" => Ok(Captions::None),
            t => Err(format!("--captions {t}: use burned, soft, both or none")),
        }
    }

    pub fn burned(self) -> bool {
        matches!(self, Captions::Burned | Captions::Both)
    }

    pub fn soft(self) -> bool {
        matches!(self, Captions::Soft | Captions::Both)
    }
}

/// `--progress`: a bar on a terminal, JSON lines for scripts, or nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgressMode {
    Bar,
    Json,
    Quiet,
}

/// One export, as decided on the command line (or by the app's Record).
#[derive(Clone, Debug)]
pub struct ExportJob {
    pub plan: ClipPlan,
    pub out: PathBuf,
    pub format: Format,
    pub quality: Quality,
    pub captions: Captions,
    /// The title shown in captions (the scenario's).
    pub title: String,
    /// What the slow clock counts from ("after the first dose").
    pub slow_after: String,
    pub size: (u32, u32),
    pub progress: ProgressMode,
    /// Frames rendered before frame 0 (pipelines compile; not in the clip).
    pub warmup_frames: u32,
    /// `ffmpeg -version`'s first line, for ffmpeg formats (checked before rendering starts).
    pub ffmpeg_version: Option<String>,
    /// Facts for `movie.json` about what was rendered (scenario, view, drugs…).
    pub facts: serde_json::Map<String, serde_json::Value>,
    /// A lecture moves the clocks and writes the captions: the recorder
    /// holds its plan's clocks still and burns no clock caption.
    pub lecture: bool,
    /// Subtitles to write instead of the clocks' (a lecture's captions).
    pub subtitles: Option<Vec<plan::Cue>>,
    /// The app's Record button's recording: it moves the clocks, cameras and panels.
    pub recording: Option<std::sync::Arc<crate::command::recording::Recording>>,
    /// Where to write every text drawn in the last frame, with its size and
    /// rectangle (JSON; the legibility test reads it); none: not written.
    pub text_report: Option<PathBuf>,
}

impl ExportJob {
    /// A job with the usual settings: good quality, no captions, no title,
    /// quiet, 8 warm-up frames; callers change what their command sets.
    pub fn new(plan: ClipPlan, out: PathBuf, format: Format, size: (u32, u32)) -> Self {
        Self {
            plan,
            out,
            format,
            quality: Quality::Good,
            captions: Captions::None,
            title: String::new(),
            slow_after: String::new(),
            size,
            progress: ProgressMode::Quiet,
            warmup_frames: 8,
            ffmpeg_version: None,
            facts: Default::default(),
            lecture: false,
            subtitles: None,
            recording: None,
            text_report: None,
        }
    }

    /// Where the reproducibility record goes: `movie.json` beside `movie.mp4`
    /// (`frames.json` beside `frames/`); none for a one-frame PNG.
    pub fn metadata_path(&self) -> Option<PathBuf> {
        (self.format != Format::Png).then(|| sibling(&self.out, "json"))
    }

    /// The subtitle sidecars, when captions are soft.
    pub fn subtitle_paths(&self) -> Option<(PathBuf, PathBuf)> {
        (self.captions.soft() && self.format != Format::Png).then(|| (sibling(&self.out, "srt"), sibling(&self.out, "vtt")))
    }
}

/// `movie.mp4` → `movie.EXT`; `frames/` → `frames.EXT`.
pub fn sibling(out: &Path, ext: &str) -> PathBuf {
    let trimmed = PathBuf::from(out.to_string_lossy().trim_end_matches('/'));
    trimmed.with_extension(ext)
}

/// Where the time of an export went (seconds).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Timing {
    pub total_s: f64,
    /// Running the model to each frame's time.
    pub simulate_s: f64,
    /// The rest of the main loop: scene update, rendering, read-back, and
    /// waiting for the encoder when its queue is full.
    pub render_and_readback_s: f64,
    /// The encoder thread's busy time (PNG encoding, or writing into ffmpeg
    /// and its back-pressure, and closing it); it overlaps the rest.
    pub encode_s: f64,
    pub frames_per_s: f64,
    /// Frames rendered again because egui's font atlas changed while they rendered.
    pub retaken_frames: u32,
}

/// `movie.json`: enough to render the same animation again.
#[derive(Serialize)]
pub struct Metadata<'a> {
    pub program: String,
    pub command_line: Vec<String>,
    pub out: String,
    pub format: String,
    pub size: [u32; 2],
    pub fps: u32,
    pub frames: u64,
    pub video_s: f64,
    pub from_ms: f64,
    pub to_ms: f64,
    /// The fast-clock time the last frame shows.
    pub last_frame_ms: f64,
    pub ms_per_video_s: f64,
    pub slow: Option<[f64; 3]>,
    pub captions: Captions,
    pub quality: String,
    #[serde(flatten)]
    pub facts: &'a serde_json::Map<String, serde_json::Value>,
    pub ffmpeg_version: Option<String>,
    pub ffmpeg_args: Vec<String>,
    pub timing: Timing,
}

/// Progress of an export, on a terminal or as JSON lines.
#[cfg(native)]
pub struct Progress {
    mode: ProgressMode,
    bar: Option<indicatif::ProgressBar>,
    started: std::time::Instant,
    total: u64,
}

#[cfg(native)]
impl Progress {
    pub fn new(mode: ProgressMode, total: u64) -> Self {
        let bar = (mode == ProgressMode::Bar).then(|| {
            let b = indicatif::ProgressBar::new(total);
            b.set_style(
                indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} frames, {per_sec}, ETA {eta}").unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()).progress_chars("=> "),
            );
            b.set_message("export");
            b
        });
        Self { mode, bar, started: std::time::Instant::now(), total }
    }

    /// After frame `done` of `total` went to the encoder.
    pub fn frame(&self, done: u64) {
        let elapsed = self.started.elapsed().as_secs_f64();
        let fps = done as f64 / elapsed.max(1e-9);
        match self.mode {
            ProgressMode::Bar => {
                if let Some(b) = &self.bar {
                    b.set_position(done);
                }
            }
            ProgressMode::Json => {
                let eta = if fps > 0.0 { (self.total - done) as f64 / fps } else { f64::NAN };
                // Nobody reading (a closed pipe) is no reason to stop the export.
                use std::io::Write;
                let _ = writeln!(std::io::stdout(), "{}", serde_json::json!({ "frame": done, "frames": self.total, "fps": round3(fps), "eta_s": round3(eta), "elapsed_s": round3(elapsed) }));
            }
            ProgressMode::Quiet => {}
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

#[cfg(native)]
fn round3(x: f64) -> f64 {
    if x.is_finite() { (x * 1000.0).round() / 1000.0 } else { -1.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidecars_sit_beside_the_output() {
        assert_eq!(sibling(Path::new("out/movie.mp4"), "json"), PathBuf::from("out/movie.json"));
        assert_eq!(sibling(Path::new("out/frames/"), "json"), PathBuf::from("out/frames.json"));
        assert_eq!(sibling(Path::new("frames"), "srt"), PathBuf::from("frames.srt"));
    }
}
