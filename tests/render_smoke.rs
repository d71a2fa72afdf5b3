//! Render smoke test: `synapse-lab screenshot` under Xvfb with Mesa's
//! software Vulkan (lavapipe) writes PNGs that are not blank and show the
//! synapse: panels on the left, glutamate-yellow molecules and the green
//! astrocyte in the whole-synapse view, AMPA-blue receptors in the cleft
//! close-up; nothing but the result printed. Needs `xvfb-run` and `mesa-vulkan-drivers` (`.ci/run` installs them).

mod common;
use common::count;
use std::path::PathBuf;
use std::process::Command;

fn shot(view: &str) -> image::RgbImage {
    shot_with(view, &["--scenario", "assets/scenarios/single_spike.ron"])
}

fn shot_with(view: &str, extra: &[&str]) -> image::RgbImage {
    shot_and_output(view, extra).0
}

fn shot_and_output(view: &str, extra: &[&str]) -> (image::RgbImage, String) {
    assert!(Command::new("xvfb-run").arg("--help").output().is_ok(), "xvfb-run is missing: apt-get install xvfb mesa-vulkan-drivers (or run .ci/run, which installs them)");
    let out: PathBuf = std::env::temp_dir().join(format!("synapse-lab-smoke-{}-{view}.png", std::process::id()));
    let o = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x720x24"])
        .arg(env!("CARGO_BIN_EXE_synapse-lab"))
        .arg("screenshot")
        .args(extra)
        .args(["--at", "2.6ms", "--view", view, "--size", "1280x720", "--out"])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("xvfb-run starts");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "screenshot failed:\n{stdout}\n{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.contains("molecules drawn") && stdout.contains("drawn by: "), "{stdout}");
    // A successful run prints its own result only: not libwayland's
    // XDG_RUNTIME_DIR complaint, not the graphics stack's warnings.
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("XDG_RUNTIME_DIR") && !stderr.contains("WARN"), "noise on stderr:\n{stderr}");
    let img = image::open(&out).expect("a PNG was written").to_rgb8();
    let _ = std::fs::remove_file(&out);
    assert_eq!(img.dimensions(), (1280, 720));
    (img, stdout.into_owned())
}

/// The 3D view lies between the left panel (~290 px) and the plots (~360 px).
const VIEW: (u32, u32, u32, u32) = (300, 900, 80, 640);

#[test]
fn screenshots_show_the_synapse() {
    let img = shot("whole");
    let mut colours = std::collections::HashSet::new();
    for p in img.pixels().step_by(7) {
        colours.insert(p.0);
    }
    assert!(colours.len() > 500, "only {} colours: blank frame?", colours.len());
    let magenta = count(&img, (0, 1280, 0, 720), |r, g, b| r > 200 && b > 200 && g < 60);
    assert!(magenta < 100, "{magenta} magenta pixels (missing tonemapping LUTs or a shader error)");
    let glutamate = count(&img, VIEW, |r, g, b| r > 150 && g > 120 && b < 90 && r >= g);
    assert!(glutamate > 300, "too few glutamate-yellow pixels in the 3D view: {glutamate}");
    let astro = count(&img, VIEW, |r, g, b| g > r + 25 && g > b + 25);
    assert!(astro > 10_000, "the green astrocyte is missing: {astro}");
    let bouton = count(&img, VIEW, |r, _, b| b > r + 20 && b - r <= 80);
    assert!(bouton > 10_000, "the bluish presynaptic membrane is missing: {bouton}");
    let panel = count(&img, (0, 250, 100, 600), |r, g, b| (r - g).abs() < 8 && (g - b).abs() < 8 && (20..80).contains(&r));
    assert!(panel > 50_000, "the left panel is missing: {panel}");

    let close = shot("cleft");
    let ampa = count(&close, VIEW, |r, g, b| b > 130 && b - r > 80 && b - g > 35);
    assert!(ampa > 200, "no AMPA-blue receptors in the cleft close-up: {ampa}");
}

#[test]
fn a_day_after_ketamine_the_signalling_view_shows_new_spines() {
    let img = shot_with("signalling", &["--scenario", "assets/scenarios/ketamine_iv.ron", "--slow-at", "24h"]);
    // New spines are drawn bright green on the dendrite; at baseline there are none.
    let green = |img: &image::RgbImage| count(img, VIEW, |r, g, b| g > 170 && g > r + 60 && g > b + 50);
    let day = green(&img);
    let base = green(&shot_with("signalling", &["--scenario", "assets/scenarios/ketamine_iv.ron"]));
    assert!(day > base + 2000, "new green spines: {day} pixels at 24 h vs {base} at the start");
    // The pathway graph in the right panel has orange (raised) nodes.
    let orange = count(&img, (900, 1280, 80, 400), |r, g, b| r > 200 && (100..190).contains(&g) && b < 80);
    assert!(orange > 2000, "raised pathway nodes: {orange}");
}

#[test]
fn the_split_screen_shows_a_synapse_in_each_half() {
    let (img, out) = shot_and_output("whole", &["--compare", "single_spike", "ketamine_iv"]);
    // The titles over the halves name each synapse and what B differs in.
    assert!(out.contains("halves: A — Single spike at rest | B — Ketamine 0.5 mg/kg IV over 40 min"), "{out}");
    // The 3D view (about x 262-900) is split at its middle: A left, B right.
    let (left, right) = ((270, 575, 110, 640), (585, 895, 110, 640));
    for (name, half) in [("A", left), ("B", right)] {
        let astro = count(&img, half, |r, g, b| g > r + 25 && g > b + 25);
        assert!(astro > 5_000, "{name}: the green astrocyte is missing ({astro} px)");
        let bouton = count(&img, half, |r, _, b| b > r + 20 && b - r <= 80);
        assert!(bouton > 5_000, "{name}: the bluish presynaptic membrane is missing ({bouton} px)");
        let glutamate = count(&img, half, |r, g, b| r > 150 && g > 120 && b < 90 && r >= g);
        assert!(glutamate > 100, "{name}: too few glutamate-yellow pixels ({glutamate})");
    }
}

#[test]
fn the_dendrite_scenario_opens_on_its_segment_with_the_drip_round_it() {
    // No --view: a scenario with a dendrite opens on it.
    let (img, out) = shot_and_output("whole", &["--scenario", "dendrite"]);
    assert!(out.contains("a dendrite's 29 synapses"), "{out}");
    // The pink shaft and spines across the view.
    let pink = count(&img, VIEW, |r, g, b| r > 150 && r > g + 40 && b > g);
    assert!(pink > 8_000, "the pink dendrite is missing: {pink} px");
    // The drip: ~25 nM in the shared space is about a thousand molecules, drawn as yellow dots.
    let glutamate = count(&img, VIEW, |r, g, b| r > 150 && g > 120 && b < 90 && r >= g);
    assert!(glutamate > 1_000, "too few glutamate-yellow pixels round the dendrite: {glutamate}");
    // Not the single synapse: its green astrocyte is out of view.
    let astro = count(&img, VIEW, |r, g, b| g > r + 25 && g > b + 25);
    assert!(astro < 1_000, "the single synapse's astrocyte is in the dendrite view: {astro} px");
}
