//! Legible from the back row: each cue of the built-in lecture, rendered in
//! presenter mode offscreen (lavapipe) at 1024x768, and two at 1920x1080,
//! draws every text at 2.5 % of the window's height or more, none cut off
//! by a panel's edge or the screen, and no two texts over each other; the
//! explorer with its panels open at 1280x720 and at UI scale 1.5 draws none
//! under 11 pixels and none over another. The texts are egui's own (`screenshot
//! --text-report`: words, font size and rectangle in points, as drawn).

use std::path::PathBuf;
use std::process::Command;

#[derive(serde::Deserialize)]
struct TextBox {
    text: String,
    size: f32,
    rect: [f32; 4],
    #[serde(default)]
    cut: f32,
}

#[derive(serde::Deserialize)]
struct FrameTexts {
    screen: [f32; 2],
    texts: Vec<TextBox>,
}

/// The texts one `screenshot` drew, with its other arguments.
fn texts_of(tag: &str, args: &[&str]) -> FrameTexts {
    let dir = std::env::temp_dir().join(format!("synapse-lab-legibility-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (png, json): (PathBuf, PathBuf) = (dir.join(format!("{tag}.png")), dir.join(format!("{tag}.json")));
    let o = Command::new(env!("CARGO_BIN_EXE_synapse-lab")).arg("screenshot").args(args).args(["--frames", "3", "--out"]).arg(&png).arg("--text-report").arg(&json).output().expect("synapse-lab runs");
    assert!(o.status.success(), "{tag}: {}", String::from_utf8_lossy(&o.stderr));
    let report = serde_json::from_str(&std::fs::read_to_string(&json).expect("a text report")).expect("the report parses");
    let _ = (std::fs::remove_file(&png), std::fs::remove_file(&json));
    report
}

/// What is wrong with one frame's texts: under `least` points, cut off by
/// a clip (where `cuts` counts: a stage has no scroll areas), or over another text.
fn faults(f: &FrameTexts, least: f32, cuts: bool) -> Vec<String> {
    let mut out = Vec::new();
    for t in &f.texts {
        // Half a point of rounding.
        if t.size + 0.5 < least {
            out.push(format!("{:?} at {:.1} pt (least {least:.1})", t.text, t.size));
        }
        // A panel that overflows the screen, a title wider than its half.
        if cuts && t.cut > 2.0 {
            out.push(format!("{:?} cut off by {:.0} pt", t.text, t.cut));
        }
    }
    for (i, a) in f.texts.iter().enumerate() {
        for b in &f.texts[i + 1..] {
            let w = a.rect[2].min(b.rect[2]) - a.rect[0].max(b.rect[0]);
            let h = a.rect[3].min(b.rect[3]) - a.rect[1].max(b.rect[1]);
            // More than a glyph's edge: two lines of text on top of each other.
            if w > 2.0 && h > 2.0 {
                out.push(format!("{:?} over {:?} ({w:.0}x{h:.0} pt)", a.text, b.text));
            }
        }
    }
    out
}

#[test]
fn every_cue_is_legible_from_the_back_row() {
    let cues = synapse_lab::lecture::Loaded::builtin().lecture.cues.len();
    // Each render is a process of its own (~15 s here: start-up, the cue's run, lavapipe).
    let shots = (1..=cues).map(|c| (c, "1024x768")).chain([(6, "1920x1080"), (19, "1920x1080")]);
    let mut all = Vec::new();
    for (cue, size) in shots {
        let f = texts_of(&format!("{cue}-{size}"), &["--lecture", "--cue", &cue.to_string(), "--size", size]);
        assert!(f.texts.len() >= 3, "cue {cue} at {size}: only {} texts drawn", f.texts.len());
        all.extend(faults(&f, f.screen[1] * 0.025, true).into_iter().map(|e| format!("cue {cue} at {size}: {e}")));
    }
    assert!(all.is_empty(), "{} problems:\n{}", all.len(), all.join("\n"));
}

/// The explorer with its panels open, as a student sees it at a desk
/// (1280x720) and on a projector at UI scale 1.5 (1024x768): every text at
/// least 11 pixels (the plots' legends and the scale note; egui's "small"
/// text, 9, was under it) and none over another. Texts cut by a scroll
/// area's edge are not faults here: the panels scroll.
#[test]
fn the_explorer_is_legible_with_its_panels_open() {
    let mut all = Vec::new();
    for (size, scale, h) in [("1280x720", "1", 720.0), ("1024x768", "1.5", 768.0)] {
        let f = texts_of(&format!("explorer-{size}"), &["--size", size, "--ui-scale", scale]);
        assert!(f.texts.len() >= 40, "the explorer at {size}: only {} texts drawn", f.texts.len());
        // 11 pixels in egui points.
        let least = 11.0 * f.screen[1] / h;
        all.extend(faults(&f, least, false).into_iter().map(|e| format!("explorer at {size}, UI scale {scale}: {e}")));
    }
    assert!(all.is_empty(), "{} problems:\n{}", all.len(), all.join("\n"));
}

#[test]
fn the_checks_see_a_small_text_and_an_overlap() {
    let t = |text: &str, size, rect, cut| TextBox { text: text.into(), size, rect, cut };
    let f = FrameTexts {
        screen: [1024.0, 768.0],
        texts: vec![
            t("big", 20.0, [0.0, 0.0, 100.0, 24.0], 0.0),
            t("tiny", 11.0, [0.0, 100.0, 40.0, 112.0], 0.0),
            t("over", 20.0, [50.0, 10.0, 150.0, 34.0], 0.0),
            t("edge", 20.0, [1000.0, 200.0, 1024.0, 224.0], 30.0),
        ],
    };
    let e = faults(&f, 19.2, true);
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(e[0].contains("\"tiny\" at 11.0 pt") && e[1].contains("\"edge\" cut off by 30 pt") && e[2].contains("\"big\" over \"over\""), "{e:?}");
}
