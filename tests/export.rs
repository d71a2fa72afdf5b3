//! `synapse-lab export`: offscreen (run with `DISPLAY` unset), frame-exact,
//! whole or not at all. Needs ffmpeg/ffprobe and Mesa's lavapipe (`.ci/run`
//! installs them). Frames are counted by ffprobe, compared pixel by pixel
//! with a screenshot at the same biological time, and compared between two
//! runs of the same command.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("synapse-export-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The binary, headless: no display at all.
fn lab(args: &[&str], dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_synapse-lab"));
    c.args(args).current_dir(dir).env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
    c
}

fn run(args: &[&str], dir: &Path) -> Output {
    let o = lab(args, dir).output().expect("synapse-lab starts");
    assert!(o.status.success(), "{args:?} failed:\n{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    o
}

fn ffprobe(path: &Path, entries: &str) -> String {
    let o = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", entries, "-of", "default=nw=1"])
        .arg(path)
        .output()
        .expect("ffprobe is installed (apt-get install ffmpeg)");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn png(path: &Path) -> image::RgbImage {
    image::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).to_rgb8()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn an_mp4_has_exactly_its_frames_in_h264_yuv420p_bt709() {
    let d = tmp("mp4");
    let o = run(&["export", "--out", "m.mp4", "--size", "320x240", "--fps", "10", "--from", "1ms", "--to", "2ms", "--speed", "1ms/s", "--captions", "both", "--quality", "draft"], &d);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("wrote m.mp4: 10 frames"), "{stdout}");
    let probe = ffprobe(&d.join("m.mp4"), "stream=codec_name,pix_fmt,width,height,nb_read_packets,color_space,color_primaries,color_transfer,color_range");
    for want in ["codec_name=h264", "pix_fmt=yuv420p", "width=320", "height=240", "nb_read_packets=10", "color_space=bt709", "color_primaries=bt709", "color_transfer=bt709", "color_range=tv"] {
        assert!(probe.contains(want), "{want} missing from ffprobe:\n{probe}");
    }
    // The soft subtitle track and the sidecars carry the same clock text.
    let streams = Command::new("ffprobe").args(["-v", "error", "-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0"]).arg(d.join("m.mp4")).output().unwrap();
    assert!(String::from_utf8_lossy(&streams.stdout).contains("mov_text,subtitle"), "no soft subtitle track");
    let srt = std::fs::read_to_string(d.join("m.srt")).unwrap();
    assert!(srt.starts_with("1\n00:00:00,000 --> 00:00:01,000\nSingle spike at rest\nt = 1.000 ms (1000× slower than life)"), "{srt}");
    assert!(std::fs::read_to_string(d.join("m.vtt")).unwrap().starts_with("WEBVTT"));
    // movie.json: enough to render it again.
    let meta: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(d.join("m.json")).unwrap()).unwrap();
    assert_eq!(meta["frames"], 10);
    assert_eq!(meta["fps"], 10);
    assert_eq!(meta["scenario"]["seed"], 6);
    assert!(meta["ffmpeg_version"].as_str().unwrap().starts_with("ffmpeg version"));
    assert!(meta["ffmpeg_args"].as_array().unwrap().iter().any(|a| a == "libx264"));
    // Nothing else was left in the folder (no temporary files).
    assert_eq!(files_in(&d), ["m.json", "m.mp4", "m.srt", "m.vtt"]);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn frames_are_exact_repeatable_and_the_same_in_every_format() {
    let d = tmp("frames");
    let clip = ["--size", "320x240", "--fps", "10", "--from", "1.5ms", "--to", "2.5ms", "--speed", "1ms/s", "--captions", "burned"];
    fn with<'a>(out: &'a str, clip: &[&'a str]) -> Vec<&'a str> {
        [&["export", "--out", out][..], clip].concat()
    }
    run(&with("a/", &clip), &d);
    run(&with("b/", &clip), &d);
    run(&with("m.gif", &clip), &d);
    let (a, b) = (files_in(&d.join("a")), files_in(&d.join("b")));
    assert_eq!(a.len(), 10, "{a:?}");
    assert_eq!(a, b);
    // Two runs of the same command give the same pictures, bit for bit.
    for f in &a {
        assert_eq!(png(&d.join("a").join(f)).into_raw(), png(&d.join("b").join(f)).into_raw(), "frame {f} differs between two runs");
    }
    // The frames change as the spike's glutamate spreads (not one frame repeated).
    assert_ne!(png(&d.join("a/frame_00000.png")).into_raw(), png(&d.join("a/frame_00005.png")).into_raw());
    // The GIF holds as many frames as the PNG sequence.
    assert!(ffprobe(&d.join("m.gif"), "stream=nb_read_packets").contains("nb_read_packets=10"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn frame_k_of_an_export_is_the_screenshot_at_its_time() {
    let d = tmp("match");
    // Frame 3 at 10 fps and 1 ms/s from 1.5 ms is t = 1.8 ms (the release).
    run(&["export", "--out", "f/", "--size", "1280x720", "--fps", "10", "--from", "1.5ms", "--to", "1.9ms", "--speed", "1ms/s", "--panels", "all", "--captions", "none"], &d);
    run(&["screenshot", "--out", "s.png", "--size", "1280x720", "--at", "1.8ms"], &d);
    let (f, s) = (png(&d.join("f/frame_00003.png")), png(&d.join("s.png")));
    // The 3D view and the plots (the clock bar's Play/Pause button differs: the export is playing).
    let (mut sum, mut far, mut n) = (0u64, 0u64, 0u64);
    for y in 80..700 {
        for x in 0..1280 {
            let (p, q) = (f.get_pixel(x, y).0, s.get_pixel(x, y).0);
            let diff = (0..3).map(|c| (p[c] as i32 - q[c] as i32).unsigned_abs()).max().unwrap();
            sum += diff as u64;
            far += (diff > 48) as u64;
            n += 1;
        }
    }
    let mean = sum as f64 / n as f64;
    // Only the schematic glutamine dots (they move with the clock's frames) may differ.
    assert!(mean < 1.0 && (far as f64) < 0.002 * n as f64, "export frame 3 vs screenshot at 1.8 ms: mean |diff| {mean:.3}, {far} of {n} pixels far apart");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn without_ffmpeg_one_clear_line_and_no_file_but_pngs_still_work() {
    let d = tmp("noffmpeg");
    let empty = d.join("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    let o = lab(&["export", "--out", "m.mp4", "--size", "320x240", "--fps", "5", "--to", "1ms"], &d).env("PATH", &empty).output().unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains("ffmpeg is not on PATH") && lines[0].contains("apt-get install ffmpeg") && lines[0].contains("--out frames/"), "{err}");
    assert!(!d.join("m.mp4").exists());
    let o = lab(&["export", "--out", "frames/", "--size", "320x240", "--fps", "5", "--to", "1ms"], &d).env("PATH", &empty).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(files_in(&d.join("frames")).len(), 5);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn an_export_stopped_halfway_leaves_nothing_under_its_name() {
    let d = tmp("kill");
    for signal in ["INT", "KILL"] {
        let mut child = lab(&["export", "--out", "m.mp4", "--size", "320x240", "--fps", "30", "--to", "20ms", "--progress", "json"], &d).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        // Wait for a few frames to be encoded (JSON progress lines), then stop it.
        let reader = std::io::BufReader::new(child.stdout.take().unwrap());
        for line in std::io::BufRead::lines(reader) {
            let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
            assert_eq!(v["frames"], 600);
            if v["frame"].as_u64().unwrap() >= 5 {
                break;
            }
        }
        Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
        let status = child.wait().unwrap();
        assert!(!status.success(), "{signal}: the export did not stop");
        assert!(!d.join("m.mp4").exists() && !d.join("m.json").exists(), "{signal}: a file was left under the final name");
        if signal == "INT" {
            // Ctrl-C also removes the temporary file.
            assert!(files_in(&d).is_empty(), "after Ctrl-C: {:?}", files_in(&d));
        }
    }
    // SIGKILL leaves a part file nothing could clean up; the next export into
    // the folder removes it. A closed progress pipe (`| head -2`) stops the
    // progress, not the export.
    let stale = files_in(&d);
    assert_eq!(stale.len(), 1, "SIGKILL left its part file: {stale:?}");
    let mut child = lab(&["export", "--out", "m.mp4", "--size", "320x240", "--fps", "30", "--to", "2ms", "--progress", "json"], &d).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    {
        let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        for _ in 0..2 {
            std::io::BufRead::read_line(&mut reader, &mut line).unwrap();
        }
    } // the reader goes: the pipe is closed
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the export went on after its progress pipe closed: {:?}\n{err}", out.status);
    assert!(err.contains("left by an export that was killed"), "{err}");
    assert!(d.join("m.mp4").exists());
    assert_eq!(files_in(&d).iter().filter(|p| p.contains(".part-")).count(), 0, "{:?}", files_in(&d));
    let _ = std::fs::remove_dir_all(&d);
}

/// A disk that fills while the video is written: ffmpeg itself exits 0
/// ("Error writing trailer"), so the export reads its words and the file
/// back, names the video, and leaves nothing. Needs a small tmpfs (root);
/// elsewhere it says so and checks nothing.
#[test]
fn a_full_disk_is_named_and_leaves_nothing() {
    let d = tmp("full");
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=4k", "tmpfs"]).arg(&d).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a small tmpfs here (needs root)");
        return;
    }
    let o = lab(&["export", "--out", "m.mp4", "--size", "320x240", "--fps", "30", "--to", "3ms", "--progress", "none"], &d).output().expect("synapse-lab starts");
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    let left = files_in(&d);
    let _ = Command::new("umount").arg(&d).status();
    let _ = std::fs::remove_dir_all(&d);
    assert!(!o.status.success(), "the export claimed success on a full disk: {err}");
    assert!(err.contains("m.mp4: the disk is full") && err.contains("nothing was written to m.mp4"), "{err}");
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn bad_export_requests_are_refused_before_rendering() {
    let d = tmp("bad");
    for (args, want) in [
        (vec!["--out", "m.avi"], ".avi is not a format"),
        (vec!["--out", "m.mp4", "--size", "321x240"], "even width and height"),
        (vec!["--out", "m.mp4", "--from", "5ms", "--to", "2ms"], "must come after --from"),
        (vec!["--out", "m.mp4", "--speed", "1ms"], "per second of video"),
        (vec!["--out", "m.mp4", "--panels", "some"], "use none, plots or all"),
        (vec!["--out", "m.mp4", "--captions", "loud"], "use burned, soft, both or none"),
        (vec!["--out", "one.png"], "one PNG is a screenshot"),
    ] {
        let o = lab(&[&["export"][..], &args[..]].concat(), &d).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
    }
    assert!(files_in(&d).is_empty(), "{:?}", files_in(&d));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_lecture_exports_cue_by_cue_frame_exact_and_ends_where_the_check_does() {
    use synapse_lab::lecture::{Loaded, headless::play, runner::Timeline};
    let l = Loaded::builtin();
    let dir = tmp("lecture");
    // Cue 1: frames as the timeline counts them, and the state the headless check reaches.
    let o = run(&["export", "--lecture", "--cue", "1", "--size", "320x240", "--fps", "10", "--progress", "none", "--out", "frames/"], &dir);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let frames = std::fs::read_dir(dir.join("frames")).unwrap().count() as u64;
    assert_eq!(frames, Timeline::of(&l, &[0], 10).frames);
    assert_eq!(frames, 130, "2 s hold + 6 ms at 1 ms/s + a 3 s pause + 2 s at the end, at 10 fps");
    let hash = synapse_core::experiment::format_hash(play(&l, 0, None).unwrap().hash().0);
    assert!(stdout.contains(&format!("cue 1 why-glutamate ends: state hash A {hash}")), "{stdout}");
    // The caption changes when the spike comes: frame 10 (before it) and the last frame differ at the bottom.
    let (early, late) = (png(&dir.join("frames/frame_00010.png")), png(&dir.join("frames/frame_00129.png")));
    let differ = (200..240).flat_map(|y| (0..320).map(move |x| (x, y))).filter(|&(x, y)| early.get_pixel(x, y) != late.get_pixel(x, y)).count();
    assert!(differ > 300, "the caption band changed ({differ} pixels)");
    // Cue 9 as MP4 with burned and soft captions: ffprobe counts the planned frames; the subtitles name the cue.
    run(&["export", "--lecture", "--cue", "9", "--size", "320x240", "--fps", "10", "--captions", "both", "--progress", "none", "--out", "staging.mp4"], &dir);
    let expected = Timeline::of(&l, &[8], 10).frames;
    assert!(ffprobe(&dir.join("staging.mp4"), "stream=nb_read_packets").contains(&format!("nb_read_packets={expected}")));
    let srt = std::fs::read_to_string(dir.join("staging.srt")).unwrap();
    assert!(srt.contains("Treatment-resistant depression: staging") && srt.contains("Thase-Rush and MGH"), "{srt}");
    let meta: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("staging.json")).unwrap()).unwrap();
    assert_eq!(meta["cues"][0]["id"], "trd-staging", "{meta}");
    assert_eq!(meta["lecture"]["title"], l.lecture.title.as_str());
    // Options a lecture sets itself are refused, and nothing is written.
    let o = lab(&["export", "--lecture", "--scenario", "baseline", "--out", "x.mp4"], &dir).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--scenario do(es) not go with --lecture"));
    assert!(!dir.join("x.mp4").exists());
}

/// A session in the app (headless: MinimalPlugins, 40 ms frames) recorded
/// by the Record button's systems, as the window would record it.
fn record_app() -> bevy::prelude::App {
    use bevy::prelude::*;
    use synapse_lab::app::recording::RecordPlugin;
    use synapse_lab::app::sim_bridge::{Playback, SimPlugin};
    let mut app = App::new();
    let (scenario, source) = synapse_core::builtin::resolve("single_spike").unwrap();
    app.add_plugins(MinimalPlugins).add_plugins(SimPlugin { scenario, source, drugs: Vec::new(), record_commands: None, compare: None, keep_log: true }).add_plugins(RecordPlugin);
    app.init_resource::<synapse_lab::app::shared::Settings>().init_resource::<synapse_lab::app::ui::UiState>().init_resource::<synapse_lab::app::shared::Selection>();
    app.insert_resource(bevy::time::TimeUpdateStrategy::ManualDuration(std::time::Duration::from_millis(40)));
    app.world_mut().resource_mut::<Playback>().bio_us_per_s = 2000.0;
    app
}

/// The recording the Record button keeps, once stopped.
fn stopped(app: &mut bevy::prelude::App) -> synapse_lab::app::recording::Recording {
    use synapse_lab::app::recording::{RecordState, Recorder};
    let RecordState::Naming(n) = std::mem::take(&mut app.world_mut().resource_mut::<Recorder>().state) else { panic!("the recording stopped to be named") };
    n.recording
}

fn recorded_session() -> (synapse_lab::app::recording::Recording, String, String) {
    use bevy::prelude::*;
    use synapse_lab::app::shared::RecordRequest;
    use synapse_lab::app::sim_bridge::{AppCommand, CompareCommand, Slot, Target};
    let mut app = record_app();
    let send = |app: &mut App, c: AppCommand| {
        app.world_mut().write_message(c);
    };
    app.update();
    // B beside A (a copy, then ketamine in B only), played for a while before the press; in the recording B alone gets a spike.
    send(&mut app, AppCommand::Compare(CompareCommand::Start(None)));
    for _ in 0..5 {
        app.update();
    }
    send(&mut app, AppCommand::Sim(Target::B, synapse_core::experiment::Command::Drug { name: "ketamine".into(), conc_um: 10.0 }));
    app.update();
    app.world_mut().write_message(RecordRequest::Toggle);
    app.update();
    for i in 0..22 {
        if i == 4 {
            send(&mut app, AppCommand::Sim(Target::B, synapse_core::experiment::Command::Spike));
        }
        if i == 12 {
            send(&mut app, AppCommand::Caption(Some("a spike in B, with ketamine".into())));
        }
        app.update();
    }
    app.world_mut().write_message(RecordRequest::Toggle);
    app.update();
    let hash = |app: &mut App, slot| synapse_core::experiment::format_hash(synapse_lab::app::sim_bridge::instance(app.world_mut(), slot).map(|s| s.exp.state_hash()).unwrap());
    let (a, b) = (hash(&mut app, Slot::A), hash(&mut app, Slot::B));
    (stopped(&mut app), a, b)
}

#[test]
fn a_recording_keeps_commands_in_the_frame_they_take_effect_and_ends_before_a_load() {
    use synapse_lab::app::recording::Recorder;
    use synapse_lab::app::shared::RecordRequest;
    use synapse_lab::app::sim_bridge::{AppCommand, Slot, Target};
    let mut app = record_app();
    app.update();
    app.world_mut().write_message(RecordRequest::Toggle);
    app.update();
    for i in 0..6 {
        if i == 3 {
            // Sent as a panel sends it: before the frame that carries it out.
            app.world_mut().write_message(AppCommand::Caption(Some("three".into())));
            app.world_mut().write_message(AppCommand::Sim(Target::A, synapse_core::experiment::Command::MgMm(0.0)));
        }
        app.update();
    }
    let before = synapse_core::experiment::format_hash(synapse_lab::app::sim_bridge::instance(app.world_mut(), Slot::A).unwrap().exp.state_hash());
    let (scenario, source) = synapse_core::builtin::resolve("baseline").unwrap();
    app.world_mut().write_message(AppCommand::LoadScenario { target: Target::Both, scenario: Box::new(scenario), source });
    app.update();
    let message = app.world().resource::<Recorder>().message.clone().expect("the recording says why it ended");
    assert!(message.0.contains("a scenario was loaded"), "{message:?}");
    let rec = stopped(&mut app);
    assert_eq!(rec.frames.len(), 6, "the frame that loaded is not in the recording");
    assert_eq!(rec.final_hash.as_deref(), Some(before.as_str()), "it ends where the window was before the load");
    assert_eq!(synapse_core::experiment::format_hash(rec.replay().unwrap().0.state_hash()), before);
    let with_caption: Vec<usize> = rec.frames.iter().enumerate().filter(|(_, f)| f.view.contains(&AppCommand::Caption(Some("three".into())))).map(|(i, _)| i).collect();
    let with_mg: Vec<usize> = rec.frames.iter().enumerate().filter(|(_, f)| f.a.contains(&synapse_core::experiment::Command::MgMm(0.0))).map(|(i, _)| i).collect();
    assert_eq!((with_caption, with_mg), (vec![3], vec![3]), "the caption and the command it came with are in the same frame");
}

#[test]
fn a_recording_from_the_record_button_exports_frame_exact_to_the_windows_state() {
    let (rec, hash_a, hash_b) = recorded_session();
    // The frame that took the stop is the last one recorded: the window's end.
    assert_eq!(rec.final_hash.as_deref(), Some(hash_a.as_str()));
    assert_eq!(rec.final_hash_b.as_deref(), Some(hash_b.as_str()));
    assert!(rec.b.is_some() && rec.frames.iter().any(|f| f.b.contains(&synapse_core::experiment::Command::Spike)));
    let (a, b) = rec.replay().unwrap();
    assert_eq!(synapse_core::experiment::format_hash(a.state_hash()), hash_a, "the replay without rendering ends where the window did");
    assert_eq!(synapse_core::experiment::format_hash(b.unwrap().state_hash()), hash_b);
    assert_ne!(hash_a, hash_b, "B's spike made it differ");
    let seconds = rec.duration_s();
    assert!((seconds - 23.0 * 0.04).abs() < 1e-6, "23 frames of 40 ms recorded: {seconds}");
    let dir = tmp("recording");
    std::fs::write(dir.join("session.recording.ron"), rec.to_ron()).unwrap();
    // As the Record button renders it: ffprobe counts round(0.92 s x 10 fps) = 9 frames, and the last frame is the window's state.
    let o = run(&["export", "--recording", "session.recording.ron", "--size", "320x240", "--fps", "10", "--progress", "none", "--out", "session.mp4"], &dir);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(ffprobe(&dir.join("session.mp4"), "stream=nb_read_packets").contains("nb_read_packets=9"));
    assert!(stdout.contains(&format!("state hash of A at the last frame: {hash_a} (the window's)")), "{stdout}");
    assert!(stdout.contains(&format!("state hash of B at the last frame: {hash_b} (the window's)")), "{stdout}");
    // Twice as PNG frames: the same pictures, and the caption arrives when it was sent.
    run(&["export", "--recording", "session.recording.ron", "--size", "320x240", "--fps", "10", "--progress", "none", "--out", "one/"], &dir);
    run(&["export", "--recording", "session.recording.ron", "--size", "320x240", "--fps", "10", "--progress", "none", "--out", "two/"], &dir);
    assert_eq!(files_in(&dir.join("one")).len(), 9);
    for f in files_in(&dir.join("one")) {
        assert_eq!(std::fs::read(dir.join("one").join(&f)).unwrap(), std::fs::read(dir.join("two").join(&f)).unwrap(), "{f} differs between two renders");
    }
    let (early, late) = (png(&dir.join("one/frame_00001.png")), png(&dir.join("one/frame_00008.png")));
    let changed = (0..240).flat_map(|y| (0..320).map(move |x| (x, y))).filter(|&(x, y)| early.get_pixel(x, y) != late.get_pixel(x, y)).count();
    assert!(changed > 500, "the picture moved on ({changed} pixels)");
    // Options the recording sets are refused, nothing written; a broken recording names its file and line.
    let o = lab(&["export", "--recording", "session.recording.ron", "--scenario", "baseline", "--out", "x.mp4"], &dir).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--scenario do(es) not go with --recording"), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(dir.join("broken.recording.ron"), "Recording(\n  version: 1,\n  frames: [oops").unwrap();
    let o = lab(&["export", "--recording", "broken.recording.ron", "--out", "x.mp4"], &dir).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("broken.recording.ron:3:"), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!dir.join("x.mp4").exists());
}

/// A recording's commands are checked as `replay` checks them, before a frame
/// is rendered: an edited file with an impossible command is refused, exit 2.
#[test]
fn a_recording_with_an_invalid_command_is_refused_before_rendering() {
    let (mut rec, _, _) = recorded_session();
    rec.frames[1].a.push(synapse_core::experiment::Command::MgMm(1e308));
    let dir = tmp("bad-recording");
    std::fs::write(dir.join("bad.recording.ron"), rec.to_ron()).unwrap();
    let o = lab(&["export", "--recording", "bad.recording.ron", "--size", "320x240", "--progress", "none", "--out", "bad.mp4"], &dir).output().expect("synapse-lab starts");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    // Named at the frame's line in the file.
    let text = rec.to_ron();
    let at = text.match_indices("dt_s:").nth(1).unwrap().0;
    let line = text[..at].matches('\n').count() + 1;
    assert!(err.contains(&format!("bad.recording.ron:{line}:")) && err.contains(": frame 2: A: MgMm(") && err.contains("out of range"), "{err}");
    assert!(!dir.join("bad.mp4").exists(), "nothing rendered");
    let e = synapse_lab::app::recording::Recording::open(&dir.join("bad.recording.ron")).unwrap_err();
    assert!(e.contains("frame 2"), "{e}");
}
