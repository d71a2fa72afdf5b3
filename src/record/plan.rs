//! What an export renders, frame by frame, decided before the first frame:
//! the frame count, the biological time each frame shows on the fast and
//! the slow clock, the clock captions burned into the frames, and the
//! subtitle cues (`.srt`, `.vtt`, soft tracks) made from the same text.
//! Pure arithmetic, no Bevy: the recorder asks it where frame k is.

use synapse_core::signalling::format_minutes;

/// The fast clock over a clip: frame k shows `from_ms + k·speed/fps`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FastRange {
    pub from_ms: f64,
    pub to_ms: f64,
    /// Biological milliseconds per second of video (0: the fast clock holds still).
    pub ms_per_video_s: f64,
}

/// The slow clock over a clip: frame k shows `from_min + k·speed/fps`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SlowRange {
    pub from_min: f64,
    pub to_min: f64,
    /// Slow-clock minutes per second of video.
    pub min_per_video_s: f64,
}

/// Every frame of a clip, known before rendering starts.
#[derive(Clone, Debug, PartialEq)]
pub struct ClipPlan {
    pub fps: u32,
    pub frames: u64,
    pub fast: FastRange,
    /// When set, the clip follows the slow clock and the frame count comes from it.
    pub slow: Option<SlowRange>,
}

/// Longest clip an export renders (an hour of video at 60 fps).
pub const MAX_FRAMES: u64 = 216_000;

impl ClipPlan {
    /// The frames from the ranges: `round(duration of the video × fps)`, at
    /// least one. The video lasts the range divided by its speed; a slow
    /// range, when given, sets it (the fast clock then runs at its own
    /// speed, or holds).
    pub fn new(fps: u32, fast: FastRange, slow: Option<SlowRange>) -> Result<Self, String> {
        if !(1..=120).contains(&fps) {
            return Err(format!("--fps {fps}: use 1 to 120 frames per second"));
        }
        let video_s = match &slow {
            Some(s) => {
                if s.to_min.partial_cmp(&s.from_min) != Some(std::cmp::Ordering::Greater) {
                    return Err(format!("--slow-to ({}) must come after --slow-from ({})", format_minutes(s.to_min), format_minutes(s.from_min)));
                }
                if s.min_per_video_s.is_nan() || s.min_per_video_s <= 0.0 || s.min_per_video_s.is_infinite() {
                    return Err("--slow-speed must be a positive rate, e.g. 2h/s".into());
                }
                (s.to_min - s.from_min) / s.min_per_video_s
            }
            None => {
                if fast.to_ms.partial_cmp(&fast.from_ms) != Some(std::cmp::Ordering::Greater) {
                    return Err(format!("--to ({} ms) must come after --from ({} ms)", fast.to_ms, fast.from_ms));
                }
                if fast.ms_per_video_s.is_nan() || fast.ms_per_video_s <= 0.0 || fast.ms_per_video_s.is_infinite() {
                    return Err("--speed must be a positive rate, e.g. 1ms/s".into());
                }
                (fast.to_ms - fast.from_ms) / fast.ms_per_video_s
            }
        };
        let frames = (video_s * fps as f64).round().max(1.0);
        if frames > MAX_FRAMES as f64 {
            return Err(format!("the clip would have {frames:.0} frames ({video_s:.0} s of video at {fps} fps, over {MAX_FRAMES}); raise --speed or shorten the range"));
        }
        Ok(Self { fps, frames: frames as u64, fast, slow })
    }

    /// `frames` frames whose clocks something else moves (a lecture's cues): the plan holds them still.
    pub fn frames_only(fps: u32, frames: u64) -> Result<Self, String> {
        if !(1..=120).contains(&fps) {
            return Err(format!("--fps {fps}: use 1 to 120 frames per second"));
        }
        if frames == 0 || frames > MAX_FRAMES {
            return Err(format!("the video would have {frames} frames; at most {MAX_FRAMES}"));
        }
        Ok(Self { fps, frames, fast: FastRange { from_ms: 0.0, to_ms: 0.0, ms_per_video_s: 0.0 }, slow: None })
    }

    /// Seconds of video.
    /// One frame at one time (a screenshot): the fast clock at `at_ms`, the slow one at `slow_min`.
    pub fn still(at_ms: f64, slow_min: Option<f64>) -> Self {
        Self { fps: 1, frames: 1, fast: FastRange { from_ms: at_ms, to_ms: at_ms, ms_per_video_s: 0.0 }, slow: slow_min.map(|m| SlowRange { from_min: m, to_min: m, min_per_video_s: 0.0 }) }
    }

    pub fn video_s(&self) -> f64 {
        self.frames as f64 / self.fps as f64
    }

    /// Fast-clock time frame `k` shows (ms).
    pub fn fast_ms(&self, k: u64) -> f64 {
        self.fast.from_ms + k as f64 * self.fast.ms_per_video_s / self.fps as f64
    }

    /// Slow-clock time frame `k` shows (min), when the clip follows it.
    pub fn slow_min(&self, k: u64) -> Option<f64> {
        self.slow.map(|s| s.from_min + k as f64 * s.min_per_video_s / self.fps as f64)
    }

    /// The core step frame `k` shows at time step `dt_ms`: the nearest
    /// whole step, computed from k (never accumulated), so no frame drifts.
    pub fn fast_step(&self, k: u64, dt_ms: f64) -> u64 {
        (self.fast_ms(k) / dt_ms).round().max(0.0) as u64
    }

    /// The slow step frame `k` shows at slow step `dt_min`.
    pub fn slow_step(&self, k: u64, dt_min: f64) -> Option<u64> {
        self.slow_min(k).map(|m| (m / dt_min).round().max(0.0) as u64)
    }

    /// The clock lines of frame `k`, as burned in and as subtitles.
    pub fn clock_text(&self, k: u64, after: &str) -> String {
        let mut lines = Vec::new();
        if let Some(m) = self.slow_min(k) {
            let rate = self.slow.map(|s| s.min_per_video_s).unwrap_or(0.0);
            lines.push(if rate > 0.0 { format!("{} {after} ({} per second)", duration_text(m), duration_text(rate)) } else { format!("{} {after}", duration_text(m)) });
        }
        if self.fast.ms_per_video_s > 0.0 {
            lines.push(format!("t = {:.3} ms ({})", self.fast_ms(k), slowdown_text(self.fast.ms_per_video_s)));
        } else if self.slow.is_none() {
            lines.push(format!("t = {:.3} ms", self.fast_ms(k)));
        }
        lines.join("\n")
    }
}

/// "1000× slower than life" for 1 ms of biology per second of video.
pub fn slowdown_text(ms_per_video_s: f64) -> String {
    let factor = 1000.0 / ms_per_video_s;
    if (factor - 1.0).abs() < 1e-9 {
        "real time".into()
    } else if factor > 1.0 {
        format!("{}× slower than life", round_sig(factor))
    } else {
        format!("{}× faster than life", round_sig(1.0 / factor))
    }
}

/// A slow-clock duration in hours and minutes ("2 h 10 min", "3 d 4 h", "40 min").
pub fn duration_text(min: f64) -> String {
    let m = min.max(0.0).round() as u64;
    let (d, h, mm) = (m / 1440, (m % 1440) / 60, m % 60);
    match (d, h, mm) {
        (0, 0, mm) => format!("{mm} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, mm) => format!("{h} h {mm} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

/// Three significant figures, without trailing zeros.
fn round_sig(x: f64) -> String {
    if x >= 100.0 {
        format!("{:.0}", x)
    } else if x >= 10.0 {
        trim(format!("{:.1}", x))
    } else {
        trim(format!("{:.2}", x))
    }
}

fn trim(s: String) -> String {
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

/// One subtitle: shown from `start_s` to `end_s` of the video.
#[derive(Clone, Debug, PartialEq)]
pub struct Cue {
    pub start_s: f64,
    pub end_s: f64,
    pub text: String,
}

/// Subtitle cues of a clip: the title and the clocks, one cue per second
/// of video (the clock as it reads at the start of that second).
pub fn cues(plan: &ClipPlan, title: &str, after: &str) -> Vec<Cue> {
    let per = plan.fps as u64;
    (0..plan.frames)
        .step_by(per as usize)
        .map(|k| {
            let end = (k + per).min(plan.frames);
            Cue { start_s: k as f64 / plan.fps as f64, end_s: end as f64 / plan.fps as f64, text: format!("{title}\n{}", plan.clock_text(k, after)) }
        })
        .collect()
}

fn timestamp(s: f64, decimal: char) -> String {
    let ms = (s * 1000.0).round() as u64;
    format!("{:02}:{:02}:{:02}{decimal}{:03}", ms / 3_600_000, (ms / 60_000) % 60, (ms / 1000) % 60, ms % 1000)
}

/// SubRip text of the cues.
pub fn srt(cues: &[Cue]) -> String {
    cues.iter().enumerate().map(|(i, c)| format!("{}\n{} --> {}\n{}\n\n", i + 1, timestamp(c.start_s, ','), timestamp(c.end_s, ','), c.text)).collect()
}

/// WebVTT text of the cues.
pub fn vtt(cues: &[Cue]) -> String {
    let body: String = cues.iter().map(|c| format!("{} --> {}\n{}\n\n", timestamp(c.start_s, '.'), timestamp(c.end_s, '.'), c.text)).collect();
    format!("WEBVTT\n\n{body}")
}

/// A time that may be zero ("0", "0ms", "40ms", "24h"), in ms.
pub fn parse_time_ms(text: &str) -> Result<f64, String> {
    match synapse_core::units::split_number_unit(text) {
        Some((0.0, _)) => Ok(0.0),
        _ => synapse_core::units::parse_duration_ms(text),
    }
}

/// A rate of biological time per second of video ("1ms/s", "2h/s", "500us/s"), in ms per s.
pub fn parse_rate_ms_per_s(text: &str) -> Result<f64, String> {
    let per = text.strip_suffix("/s").ok_or_else(|| format!("'{text}': write biological time per second of video, e.g. 1ms/s or 2h/s"))?;
    synapse_core::units::parse_duration_ms(per)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast(from_ms: f64, to_ms: f64, speed: f64) -> FastRange {
        FastRange { from_ms, to_ms, ms_per_video_s: speed }
    }

    #[test]
    fn a_one_second_clip_at_ten_fps_has_ten_frames_at_exact_times() {
        let p = ClipPlan::new(10, fast(0.0, 1.0, 1.0), None).unwrap();
        assert_eq!(p.frames, 10);
        assert_eq!(p.video_s(), 1.0);
        // Frame k at from + k·speed/fps, as whole steps of 0.5 µs from k itself.
        assert_eq!(p.fast_step(7, 0.0005), 1400);
        assert!((p.fast_ms(9) - 0.9).abs() < 1e-12);
    }

    #[test]
    fn steps_do_not_drift_over_a_long_clip() {
        // 1 ms/s at 30 fps is 33.3 µs a frame: not whole steps of 1 µs; frame
        // 3000 is still exactly 100 ms.
        let p = ClipPlan::new(30, fast(0.0, 200.0, 1.0), None).unwrap();
        assert_eq!(p.frames, 6000);
        assert_eq!(p.fast_step(3000, 0.001), 100_000);
        let steps: Vec<u64> = (0..4).map(|k| p.fast_step(k, 0.001)).collect();
        assert_eq!(steps, vec![0, 33, 67, 100]);
    }

    #[test]
    fn a_slow_range_sets_the_length() {
        // Ketamine's 24 hours at 2 h a second: 12 s of video.
        let p = ClipPlan::new(30, fast(0.0, 1.0, 0.0), Some(SlowRange { from_min: 0.0, to_min: 1440.0, min_per_video_s: 120.0 })).unwrap();
        assert_eq!(p.frames, 360);
        assert_eq!(p.slow_min(180), Some(720.0));
        assert_eq!(p.slow_step(180, 0.5), Some(1440));
        assert_eq!(p.clock_text(180, "after the first dose"), "12 h after the first dose (2 h per second)");
    }

    #[test]
    fn bad_ranges_are_refused() {
        assert!(ClipPlan::new(30, fast(5.0, 5.0, 1.0), None).is_err());
        assert!(ClipPlan::new(0, fast(0.0, 5.0, 1.0), None).is_err());
        assert!(ClipPlan::new(30, fast(0.0, 5.0, 0.0), None).is_err());
        assert!(ClipPlan::new(120, fast(0.0, 1e9, 1.0), None).unwrap_err().contains("frames"));
    }

    #[test]
    fn captions_read_as_a_lecturer_would_say_them() {
        assert_eq!(slowdown_text(1.0), "1000× slower than life");
        assert_eq!(slowdown_text(1000.0), "real time");
        assert_eq!(slowdown_text(0.3), "3333× slower than life");
        assert_eq!(duration_text(130.0), "2 h 10 min");
        assert_eq!(duration_text(40.0), "40 min");
        assert_eq!(duration_text(1440.0 * 3.0 + 240.0), "3 d 4 h");
        let p = ClipPlan::new(10, fast(0.0, 2.0, 1.0), None).unwrap();
        assert_eq!(p.clock_text(5, ""), "t = 0.500 ms (1000× slower than life)");
    }

    #[test]
    fn subtitles_cover_the_clip_once_a_second() {
        let p = ClipPlan::new(10, fast(0.0, 2.5, 1.0), None).unwrap();
        let c = cues(&p, "Single spike", "");
        assert_eq!(c.len(), 3);
        assert_eq!((c[2].start_s, c[2].end_s), (2.0, 2.5));
        let s = srt(&c);
        assert!(s.starts_with("1\n00:00:00,000 --> 00:00:01,000\nSingle spike\nt = 0.000 ms (1000× slower than life)"), "{s}");
        assert!(vtt(&c).starts_with("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n"));
    }

    #[test]
    fn times_and_rates_parse_with_units() {
        assert_eq!(parse_time_ms("0ms").unwrap(), 0.0);
        assert_eq!(parse_time_ms("0").unwrap(), 0.0);
        assert_eq!(parse_time_ms("24h").unwrap(), 86_400_000.0);
        assert_eq!(parse_rate_ms_per_s("1ms/s").unwrap(), 1.0);
        assert_eq!(parse_rate_ms_per_s("2h/s").unwrap(), 7_200_000.0);
        assert!(parse_rate_ms_per_s("2h").is_err());
    }
}
