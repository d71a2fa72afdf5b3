//! Frames to files: the system `ffmpeg` fed raw RGBA frames through a pipe
//! (MP4 H.264, WebM VP9, GIF with a two-pass palette), or a PNG sequence
//! written by the app itself. Back-pressure, never drops: the writer blocks
//! while ffmpeg is busy, and ffmpeg's stderr is drained on its own thread
//! so it cannot fill and hang. Nothing half-written: everything goes to a
//! temporary name in the destination folder and is renamed into place only
//! when complete and checked (ffmpeg's exit status and, where `ffprobe`
//! exists, the frame count of the file).

#[cfg(native)]
use std::io::{Read, Write};
use std::path::Path;
#[cfg(native)]
use std::path::PathBuf;
#[cfg(native)]
use std::process::{Child, ChildStdin};
use std::process::{Command, Stdio};

/// What an export writes, from the `--out` name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Mp4,
    WebM,
    Gif,
    /// A folder of `frame_00000.png` …
    PngSequence,
    /// One PNG (a screenshot: one frame).
    Png,
}

impl Format {
    /// From the output path: `.mp4`, `.webm`, `.gif`, `.png`, or a folder
    /// (a name ending in `/`, or one without an extension).
    pub fn of(path: &Path) -> Result<Self, String> {
        let text = path.to_string_lossy();
        if text.ends_with('/') || path.is_dir() {
            return Ok(Format::PngSequence);
        }
        match path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
            Some("mp4") => Ok(Format::Mp4),
            Some("webm") => Ok(Format::WebM),
            Some("gif") => Ok(Format::Gif),
            Some("png") => Ok(Format::Png),
            None => Ok(Format::PngSequence),
            Some(e) => Err(format!("--out {}: .{e} is not a format the export writes; use .mp4, .webm, .gif, or a folder (frames/) for PNGs", path.display())),
        }
    }

    pub fn needs_ffmpeg(self) -> bool {
        matches!(self, Format::Mp4 | Format::WebM | Format::Gif)
    }

    /// Whether a soft subtitle track fits in the container.
    pub fn has_subtitles(self) -> bool {
        matches!(self, Format::Mp4 | Format::WebM)
    }

    fn ffmpeg_encoder(self) -> &'static str {
        match self {
            Format::Mp4 => "libx264",
            Format::WebM => "libvpx-vp9",
            Format::Gif | Format::PngSequence | Format::Png => "gif",
        }
    }
}

/// `--quality`: draft is quick, best is large.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quality {
    Draft,
    Good,
    Best,
}

impl Quality {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "draft" => Ok(Quality::Draft),
            "good" => Ok(Quality::Good),
            "best" => Ok(Quality::Best),
            t => Err(format!("--quality {t}: use draft, good or best")),
        }
    }
}

/// The line to print when ffmpeg is missing or lacks an encoder.
pub fn install_hint(what: &str) -> String {
    format!(
        "{what}: install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg; Fedora: dnf install ffmpeg; macOS: brew install ffmpeg), \
or export a PNG sequence instead with --out frames/"
    )
}

/// The ffmpeg on `PATH`: its version line, checked to have `format`'s encoder.
pub fn find_ffmpeg(format: Format) -> Result<String, String> {
    let out = Command::new("ffmpeg").args(["-hide_banner", "-encoders"]).stdin(Stdio::null()).output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => install_hint("ffmpeg is not on PATH"),
        _ => install_hint(&format!("cannot run ffmpeg ({e})")),
    })?;
    let listing = String::from_utf8_lossy(&out.stdout);
    let encoder = format.ffmpeg_encoder();
    if !listing.lines().any(|l| l.split_whitespace().nth(1) == Some(encoder)) {
        return Err(install_hint(&format!("this ffmpeg has no {encoder} encoder")));
    }
    let version = Command::new("ffmpeg").arg("-version").stdin(Stdio::null()).output().map(|o| String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or("").to_string()).unwrap_or_default();
    Ok(version)
}

/// The ffmpeg arguments for a clip (input: raw RGBA on stdin).
pub fn ffmpeg_args(format: Format, size: (u32, u32), fps: u32, quality: Quality, subtitles: Option<&Path>, tmp: &Path) -> Vec<String> {
    let mut a: Vec<String> = ["-hide_banner", "-nostats", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgba", "-s"].iter().map(|s| s.to_string()).collect();
    a.push(format!("{}x{}", size.0, size.1));
    a.extend(["-framerate".to_string(), fps.to_string(), "-i".into(), "pipe:0".into()]);
    let subs = subtitles.filter(|_| format.has_subtitles());
    if let Some(s) = subs {
        a.extend(["-i".into(), s.display().to_string()]);
    }
    a.extend(["-map".into(), "0:v".into()]);
    if subs.is_some() {
        a.extend(["-map".into(), "1:s".into(), "-metadata:s:s:0".into(), "language=eng".into()]);
    }
    // sRGB frames to BT.709 limited-range YUV 4:2:0, tagged so players do not guess.
    let bt709 = ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"];
    let yuv = "scale=in_range=pc:out_range=tv:out_color_matrix=bt709,format=yuv420p";
    match format {
        Format::Mp4 => {
            let (crf, preset) = match quality {
                Quality::Draft => ("28", "veryfast"),
                Quality::Good => ("20", "medium"),
                Quality::Best => ("16", "slow"),
            };
            a.extend(["-vf", yuv, "-c:v", "libx264", "-preset", preset, "-crf", crf, "-pix_fmt", "yuv420p"].iter().map(|s| s.to_string()));
            a.extend(bt709.iter().map(|s| s.to_string()));
            if subs.is_some() {
                a.extend(["-c:s".into(), "mov_text".into()]);
            }
            a.extend(["-movflags", "+faststart", "-f", "mp4"].iter().map(|s| s.to_string()));
        }
        Format::WebM => {
            let (crf, cpu) = match quality {
                Quality::Draft => ("40", "8"),
                Quality::Good => ("32", "4"),
                Quality::Best => ("24", "2"),
            };
            a.extend(["-vf", yuv, "-c:v", "libvpx-vp9", "-b:v", "0", "-crf", crf, "-deadline", "good", "-cpu-used", cpu, "-row-mt", "1", "-pix_fmt", "yuv420p"].iter().map(|s| s.to_string()));
            a.extend(bt709.iter().map(|s| s.to_string()));
            if subs.is_some() {
                a.extend(["-c:s".into(), "webvtt".into()]);
            }
            a.extend(["-f".into(), "webm".into()]);
        }
        Format::Gif => {
            // Two passes in one: a palette from the whole clip, then mapped to it.
            let dither = if quality == Quality::Draft { "bayer:bayer_scale=3" } else { "sierra2_4a" };
            a.extend(["-filter_complex".into(), format!("[0:v]split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither={dither}"), "-loop".into(), "0".into(), "-f".into(), "gif".into()]);
        }
        Format::PngSequence | Format::Png => {}
    }
    a.push(tmp.display().to_string());
    a
}

pub use crate::files::temp_path;

/// Frames going to a file; `finish` checks and renames, `abort` (or a
/// drop without `finish`) removes everything written.
#[cfg(native)]
pub struct Encoder {
    format: Format,
    out: PathBuf,
    tmp: PathBuf,
    size: (u32, u32),
    frames_written: u64,
    ffmpeg: Option<(Child, ChildStdin, std::thread::JoinHandle<String>)>,
    /// The ffmpeg command line (for the metadata file).
    pub args: Vec<String>,
    /// Seconds spent handing frames on (encoding and its back-pressure, PNG encoding).
    pub encode_s: f64,
    done: bool,
}

#[cfg(native)]
impl Encoder {
    /// Start writing `out`. For ffmpeg formats, ffmpeg starts now and reads
    /// frames from its stdin; `subtitles` is a file for the soft track.
    pub fn start(format: Format, out: &Path, size: (u32, u32), fps: u32, quality: Quality, subtitles: Option<&Path>) -> Result<Self, String> {
        let tmp = temp_path(out);
        let mut enc = Encoder { format, out: out.to_path_buf(), tmp: tmp.clone(), size, frames_written: 0, ffmpeg: None, args: Vec::new(), encode_s: 0.0, done: false };
        match format {
            Format::PngSequence => std::fs::create_dir_all(&tmp).map_err(|e| format!("{}: cannot create the frames folder: {e}", tmp.display()))?,
            Format::Png => {}
            Format::Mp4 | Format::WebM | Format::Gif => {
                if size.0 % 2 == 1 || size.1 % 2 == 1 {
                    return Err(format!("{}x{}: H.264 and VP9 in yuv420p need an even width and height", size.0, size.1));
                }
                enc.args = ffmpeg_args(format, size, fps, quality, subtitles, &tmp);
                let mut cmd = Command::new("ffmpeg");
                // Its own process group: Ctrl-C reaches the export, which stops ffmpeg itself.
                #[cfg(unix)]
                std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
                let mut child = cmd.args(&enc.args).stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().map_err(|e| install_hint(&format!("cannot start ffmpeg ({e})")))?;
                let stdin = child.stdin.take().ok_or("ffmpeg has no stdin")?;
                let mut stderr = child.stderr.take().ok_or("ffmpeg has no stderr")?;
                // Drained all along, so a chatty ffmpeg cannot block on a full pipe.
                let drain = std::thread::spawn(move || {
                    let mut text = String::new();
                    let _ = stderr.read_to_string(&mut text);
                    text
                });
                enc.ffmpeg = Some((child, stdin, drain));
            }
        }
        Ok(enc)
    }

    /// One frame, RGBA, `size` exactly. Blocks while ffmpeg catches up.
    pub fn push(&mut self, rgba: &[u8]) -> Result<(), String> {
        let expected = self.size.0 as usize * self.size.1 as usize * 4;
        if rgba.len() != expected {
            return Err(format!("frame {} has {} bytes, expected {expected} ({}x{} RGBA)", self.frames_written, rgba.len(), self.size.0, self.size.1));
        }
        let started = std::time::Instant::now();
        match self.format {
            Format::PngSequence | Format::Png => {
                let path = if self.format == Format::Png { self.tmp.clone() } else { self.tmp.join(frame_name(self.frames_written)) };
                let img = image::RgbaImage::from_raw(self.size.0, self.size.1, rgba.to_vec()).ok_or("frame size mismatch")?;
                let rgb = image::DynamicImage::ImageRgba8(img).to_rgb8();
                let mut w = std::io::BufWriter::new(std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?);
                rgb.write_to(&mut w, image::ImageFormat::Png).map_err(|e| format!("{}: {e}", path.display()))?;
                w.flush().map_err(|e| format!("{}: {e}", path.display()))?;
                w.get_ref().sync_all().map_err(|e| format!("{}: {e}", path.display()))?;
            }
            Format::Mp4 | Format::WebM | Format::Gif => {
                let Some((_, stdin, _)) = self.ffmpeg.as_mut() else { return Err("ffmpeg is not running".into()) };
                if let Err(e) = stdin.write_all(rgba) {
                    // ffmpeg died: its own message says why.
                    let why = self.ffmpeg_failure();
                    return Err(format!("ffmpeg stopped taking frames ({e}){why}"));
                }
            }
        }
        self.encode_s += started.elapsed().as_secs_f64();
        self.frames_written += 1;
        Ok(())
    }

    pub fn frames_written(&self) -> u64 {
        self.frames_written
    }

    fn ffmpeg_failure(&mut self) -> String {
        let Some((mut child, stdin, drain)) = self.ffmpeg.take() else { return String::new() };
        drop(stdin);
        let _ = child.wait();
        let text = drain.join().unwrap_or_default();
        let last: Vec<&str> = text.lines().rev().take(4).collect();
        if last.is_empty() { String::new() } else { format!(": {}", last.into_iter().rev().collect::<Vec<_>>().join(" / ")) }
    }

    /// Close the stream, check the result (exit status; the frame count
    /// with `ffprobe` where it exists) and rename it into place.
    pub fn finish(mut self, expected_frames: u64) -> Result<(), String> {
        if self.frames_written != expected_frames {
            return Err(format!("{} of {expected_frames} frames were rendered", self.frames_written));
        }
        let started = std::time::Instant::now();
        if let Some((mut child, stdin, drain)) = self.ffmpeg.take() {
            drop(stdin);
            let status = child.wait().map_err(|e| format!("ffmpeg: {e}"))?;
            let log = drain.join().unwrap_or_default();
            if !status.success() {
                return Err(format!("ffmpeg failed ({status}): {}", log.trim()));
            }
            // ffmpeg exits 0 when the disk fills as it closes the file
            // ("Error writing trailer … No space left on device"): its own
            // words and a file that reads back are checked as well.
            if let Some(line) = log.lines().find(|l| l.contains("No space left on device") || l.starts_with("Error writing") || l.starts_with("Error closing")) {
                let full = if line.contains("No space left") { "the disk is full" } else { "the video could not be written" };
                return Err(format!("{}: {full} (ffmpeg: {})", self.out.display(), line.trim()));
            }
            match probe_frames(&self.tmp) {
                Ok(Some(n)) if n != expected_frames => return Err(format!("the encoded file has {n} frames, expected {expected_frames}")),
                Err(e) => return Err(format!("{}: the encoded file does not read back ({e})", self.out.display())),
                _ => {}
            }
            std::fs::File::open(&self.tmp).and_then(|f| f.sync_all()).map_err(|e| format!("{}: {e}", self.tmp.display()))?;
        }
        self.encode_s += started.elapsed().as_secs_f64();
        if self.format == Format::PngSequence {
            // A folder left empty by a previous run may be replaced; a full one is kept.
            if self.out.is_dir() {
                std::fs::remove_dir(&self.out).map_err(|e| format!("{}: the folder exists and is not empty ({e}); choose a new name", self.out.display()))?;
            }
        }
        std::fs::rename(&self.tmp, &self.out).map_err(|e| format!("{}: cannot rename into place: {e}", self.out.display()))?;
        self.done = true;
        Ok(())
    }
}

#[cfg(native)]
impl Drop for Encoder {
    /// An export that did not finish leaves nothing: ffmpeg is stopped and
    /// the temporary file or folder removed.
    fn drop(&mut self) {
        if self.done {
            return;
        }
        if let Some((mut child, stdin, _)) = self.ffmpeg.take() {
            drop(stdin);
            let _ = child.kill();
            let _ = child.wait();
        }
        if self.tmp.is_dir() {
            let _ = std::fs::remove_dir_all(&self.tmp);
        } else {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// The name of frame `k` in a PNG sequence.
pub fn frame_name(k: u64) -> String {
    format!("frame_{k:05}.png")
}

/// Video frames in a file, counted by `ffprobe`: None when ffprobe is not
/// there, an error (ffprobe's last words) when it cannot read the file.
pub fn probe_frames(path: &Path) -> Result<Option<u64>, String> {
    let Ok(out) =
        Command::new("ffprobe").args(["-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0"]).arg(path).stdin(Stdio::null()).output()
    else {
        // No ffprobe: the count is not checked.
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim().trim_end_matches(',').parse().map(Some).map_err(|_| {
        let why = String::from_utf8_lossy(&out.stderr);
        why.lines().last().unwrap_or("ffprobe found no video stream").trim().to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_file_name() {
        assert_eq!(Format::of(Path::new("a/movie.mp4")).unwrap(), Format::Mp4);
        assert_eq!(Format::of(Path::new("movie.WEBM")).unwrap(), Format::WebM);
        assert_eq!(Format::of(Path::new("frames/")).unwrap(), Format::PngSequence);
        assert_eq!(Format::of(Path::new("frames")).unwrap(), Format::PngSequence);
        assert!(Format::of(Path::new("movie.avi")).unwrap_err().contains(".avi"));
    }

    #[test]
    fn mp4_arguments_ask_for_what_players_need() {
        let a = ffmpeg_args(Format::Mp4, (320, 240), 10, Quality::Good, Some(Path::new("m.srt")), Path::new(".m.mp4.part"));
        let line = a.join(" ");
        for want in ["-pix_fmt rgba -s 320x240 -framerate 10 -i pipe:0", "-c:v libx264", "-pix_fmt yuv420p", "-colorspace bt709", "-color_range tv", "+faststart", "-c:s mov_text", "-f mp4"] {
            assert!(line.contains(want), "{want} missing from {line}");
        }
        assert!(!ffmpeg_args(Format::Gif, (320, 240), 10, Quality::Good, Some(Path::new("m.srt")), Path::new("x")).join(" ").contains("1:s"));
    }

    #[test]
    fn an_unfinished_png_sequence_leaves_nothing() {
        let dir = std::env::temp_dir().join(format!("synapse-enc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("frames");
        {
            let mut e = Encoder::start(Format::PngSequence, &out, (4, 2), 10, Quality::Draft, None).unwrap();
            e.push(&[200u8; 32]).unwrap();
            assert!(e.push(&[0u8; 10]).unwrap_err().contains("expected 32"));
        }
        assert!(!out.exists() && std::fs::read_dir(&dir).unwrap().next().is_none(), "a dropped encoder left files");
        let mut e = Encoder::start(Format::PngSequence, &out, (4, 2), 10, Quality::Draft, None).unwrap();
        e.push(&[200u8; 32]).unwrap();
        assert!(e.finish(2).is_err(), "a short clip must not be renamed into place");
        assert!(!out.exists());
        let mut e = Encoder::start(Format::PngSequence, &out, (4, 2), 10, Quality::Draft, None).unwrap();
        e.push(&[200u8; 32]).unwrap();
        e.push(&[100u8; 32]).unwrap();
        e.finish(2).unwrap();
        assert!(out.join(frame_name(1)).exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
