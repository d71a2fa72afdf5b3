//! Lectures: the built-in lecture's claims hold when each cue is played
//! headless; a cue reached by a jump is bit-identical to the same cue reached
//! by stepping through the ones before it (headless, and in the app); the
//! clicker's keys drive the lecture in a headless App (simulated key presses).

mod common;
use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use common::count;
use std::time::Duration;
use synapse_lab::app::keymap::Keymap;
use synapse_lab::app::keys::KeysPlugin;
use synapse_lab::app::lecture::{Blank, LecturePlugin, LectureState};
use synapse_lab::app::shared::Settings;
use synapse_lab::app::sim_bridge::{SimPlugin, Slot, instance};
use synapse_lab::app::ui::UiSettings;
use synapse_lab::lecture::headless::{check, play};
use synapse_lab::lecture::runner::Pace;
use synapse_lab::lecture::{Loaded, Step};

#[test]
fn every_claim_of_the_built_in_lecture_holds() {
    let l = Loaded::builtin();
    let mut claims = 0;
    let failures = check(&l, |_, p| claims += p.claims.len()).unwrap();
    assert!(failures.is_empty(), "{failures:#?}");
    // Every cue with a simulation claims something; the staging cue has only its calculator.
    let silent: Vec<&str> = l.lecture.cues.iter().filter(|c| !c.steps.iter().any(|s| matches!(s, Step::Expect(..)))).map(|c| c.id.as_str()).collect();
    assert_eq!(silent, ["trd-staging"]);
    assert!(claims >= 30, "{claims} claims");
}

#[test]
fn a_cue_reached_by_a_jump_equals_the_cue_reached_by_stepping() {
    let l = Loaded::builtin();
    let mut before = None;
    for i in 0..l.lecture.cues.len() {
        let stepped = play(&l, i, before.take()).unwrap();
        let jumped = play(&l, i, None).unwrap();
        assert_eq!(stepped.hash(), jumped.hash(), "cue {} ({})", i + 1, l.lecture.cues[i].id);
        before = Some(stepped.bench);
    }
}

#[test]
fn a_claim_that_the_simulation_contradicts_is_reported_with_its_place() {
    let text = synapse_lab::lecture::BUILTIN.replacen("Expect(\"peak:glu_cleft_uM\", Above(300.0))", "Expect(\"peak:glu_cleft_uM\", Above(30000.0))", 1);
    let l = Loaded::parse(&text, "wrong.ron", None).unwrap();
    let failures = check(&l, |_, _| {}).unwrap();
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(failures[0].starts_with("wrong.ron:") && failures[0].contains("cue 1 \"why-glutamate\"") && failures[0].contains("> 30000"), "{}", failures[0]);
    // An unknown column is an error naming the columns there are.
    let text = synapse_lab::lecture::BUILTIN.replacen("Expect(\"vesicles_fused\"", "Expect(\"vesicles_fusedd\"", 1);
    let err = check(&Loaded::parse(&text, "w.ron", None).unwrap(), |_, _| {}).err().unwrap().0;
    assert!(err.contains("\"vesicles_fusedd\" is not a column") && err.contains("glu_cleft_uM"), "{err}");
}

/// A headless App with the lecture, the keys and the two clocks.
fn lecture_app(cue: usize, presenter: bool, pace: Pace) -> App {
    let l = Loaded::builtin();
    let (scenario, source) = l.first_scenario();
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .add_plugins(bevy::input::InputPlugin)
        .add_plugins(SimPlugin { scenario, source, drugs: Vec::new(), record_commands: None, compare: None, keep_log: false })
        .add_plugins(synapse_lab::app::time_lens::TimeLensPlugin)
        .add_plugins(KeysPlugin(Keymap::builtin()))
        .add_plugins(LecturePlugin { loaded: l, cue, presenter, pace, console_in_main: false, timeline: None })
        .insert_resource(Settings::default())
        // The keys ask egui whether a text box has the keyboard; without a window there is none.
        .init_resource::<bevy_egui::EguiUserTextures>()
        .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(50)));
    app.update();
    app
}

/// Press and release a key, as a clicker does.
fn press(app: &mut App, key: KeyCode) {
    for state in [ButtonState::Pressed, ButtonState::Released] {
        app.world_mut().write_message(KeyboardInput {
            key_code: key,
            logical_key: Key::Unidentified(bevy::input::keyboard::NativeKey::Unidentified),
            state,
            text: None,
            repeat: false,
            window: Entity::PLACEHOLDER,
        });
        app.update();
    }
}

fn cue(app: &App) -> usize {
    app.world().resource::<LectureState>().runner.cue
}

#[test]
fn the_clickers_keys_drive_the_lecture() {
    let mut app = lecture_app(0, true, Pace::Live);
    assert!(app.world().resource::<LectureState>().presenter);
    assert!(app.world().resource::<Settings>().presenting, "presenter mode's settings");
    assert!(!app.world().resource::<Settings>().show_top_bar && !app.world().resource::<Settings>().dark);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(cue(&app), 1);
    press(&mut app, KeyCode::ArrowRight);
    assert_eq!(cue(&app), 2);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(cue(&app), 1);
    press(&mut app, KeyCode::Period);
    assert_eq!(app.world().resource::<LectureState>().blank, Some(Blank::Black));
    press(&mut app, KeyCode::KeyB);
    assert_eq!(app.world().resource::<LectureState>().blank, None);
    press(&mut app, KeyCode::KeyW);
    assert_eq!(app.world().resource::<LectureState>().blank, Some(Blank::White));
    // Digits and Enter jump; a cue that does not exist is ignored.
    for k in [KeyCode::Digit1, KeyCode::Digit2, KeyCode::Enter] {
        press(&mut app, k);
    }
    assert_eq!(cue(&app), 11);
    assert_eq!(app.world().resource::<LectureState>().blank, None, "a new cue unblanks");
    for k in [KeyCode::Digit9, KeyCode::Digit9, KeyCode::Enter] {
        press(&mut app, k);
    }
    assert_eq!(cue(&app), 11);
    // Esc leaves presenter mode and gives the settings back.
    press(&mut app, KeyCode::Escape);
    assert!(!app.world().resource::<LectureState>().presenter);
    assert_eq!(app.world().resource::<Settings>().0, UiSettings::default());
    // Exploring, Space plays and pauses again; PageDown still moves on.
    press(&mut app, KeyCode::Space);
    assert_eq!(cue(&app), 11);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(cue(&app), 12);
    press(&mut app, KeyCode::F5);
    assert!(app.world().resource::<LectureState>().presenter);
}

#[test]
fn a_prediction_waits_for_next_and_the_app_plays_cues_as_the_check_does() {
    // Cue 6 asks a question: Next closes the vote and the simulation runs; the
    // answer shows only at the pause after it (the runner's test holds that).
    let mut app = lecture_app(5, true, Pace::Live);
    for _ in 0..4 {
        app.update();
    }
    let l = app.world().resource::<LectureState>();
    assert!(l.runner.waiting_for_next() && !l.runner.prediction.as_ref().unwrap().revealed);
    press(&mut app, KeyCode::Space);
    let l = app.world().resource::<LectureState>();
    assert_eq!(l.runner.cue, 5);
    assert!(!l.runner.waiting_for_next() && !l.runner.prediction.as_ref().unwrap().revealed, "running, the answer not yet shown");
    // Played instantly, a cue in the app ends in the state the headless check reaches.
    for i in [0usize, 6, 13] {
        let mut app = lecture_app(i, true, Pace::Instant);
        app.update();
        let played = play(&Loaded::builtin(), i, None).unwrap();
        let a = instance(app.world_mut(), Slot::A).unwrap().exp.state_hash();
        let b = instance(app.world_mut(), Slot::B).map(|s| s.exp.state_hash());
        assert_eq!((a, b), played.hash(), "cue {}", i + 1);
    }
}

fn synapse_lab(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_synapse-lab")).args(args).env_remove("DISPLAY").current_dir(env!("CARGO_MANIFEST_DIR")).output().expect("the binary runs")
}

#[test]
fn lecture_check_prints_each_cue_and_a_broken_file_names_its_place() {
    let o = synapse_lab(&["lecture", "--check"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(out.lines().filter(|l| l.starts_with("cue ")).count(), Loaded::builtin().lecture.cues.len(), "{out}");
    assert!(out.contains("claims hold"), "{out}");
    let dir = std::env::temp_dir().join(format!("synapse-lab-lecture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.ron");
    std::fs::write(&bad, synapse_lab::lecture::BUILTIN.replacen("Hold(2.0)", "Hodl(2.0)", 1)).unwrap();
    let o = synapse_lab(&["lecture", "--check", bad.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("{}:", bad.display())) && err.contains("(in cue \"why-glutamate\")") && err.contains("a step is one of"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    let o = synapse_lab(&["lecture", "--cue", "99", "--check"]);
    assert!(o.status.success(), "--check plays every cue whatever --cue says");
    let o = synapse_lab(&["screenshot", "--lecture", "--cue", "99", "--out", dir.join("x.png").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("has cues 1 to 19"));
    assert!(!dir.join("x.png").exists());
}

fn lecture_shot(cue: &str, size: &str, extra: &[&str]) -> image::RgbImage {
    let out = std::env::temp_dir().join(format!("synapse-lab-lecture-{}-{cue}-{size}.png", std::process::id()));
    let mut args = vec!["screenshot", "--lecture", "--cue", cue, "--size", size, "--out", out.to_str().unwrap()];
    args.extend(extra);
    let o = synapse_lab(&args);
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let img = image::open(&out).unwrap().to_rgb8();
    let _ = std::fs::remove_file(&out);
    img
}

#[test]
fn presenter_mode_gives_the_stage_the_screen_with_one_plot_and_a_big_caption() {
    // Cue 1 at 1920x1080: no panel; the astrocyte's green reaches both thirds of the width.
    let img = lecture_shot("1", "1920x1080", &[]);
    let green = |r: i32, g: i32, b: i32| g > r + 25 && g > b + 10;
    assert!(count(&img, (0, 640, 100, 900), green) > 2000, "green on the left");
    assert!(count(&img, (1280, 1920, 100, 900), green) > 2000, "green on the right");
    // The caption band: dark text on a light band, at least 1/30 of the height (36 px) tall letters.
    let dark = |r: i32, g: i32, b: i32| r < 90 && g < 90 && b < 90;
    let rows_with_text = (1080 - 130..1080).filter(|&y| count(&img, (0, 1920, y, y + 1), dark) > 3).count();
    assert!(rows_with_text >= 30, "caption text spans {rows_with_text} rows");
    // The cue's title in its band at the top.
    assert!(count(&img, (0, 700, 0, 50), dark) > 300, "cue tag");
    // Cue 6 at 1024x768: the stage keeps 70 % of the width, the one plot beside it
    // shows what the prediction asks about, the NMDA current (orange), without AMPA's (blue).
    let img = lecture_shot("6", "1024x768", &[]);
    let blue = |r: i32, g: i32, b: i32| b > 180 && r < 120 && g < 160;
    let orange = |r: i32, g: i32, b: i32| r > 180 && (80..180).contains(&g) && b < 90;
    assert!(count(&img, (730, 1024, 100, 600), orange) > 100, "the NMDA current plot");
    assert!(count(&img, (730, 1024, 100, 600), blue) < 20, "no AMPA current beside the NMDA question");
    // The stage shows the cleft close-up: AMPA receptors (blue capsules) in both halves.
    let ampa = |r: i32, g: i32, b: i32| b > r + 50 && b > g + 15 && b > 120;
    assert!(count(&img, (0, 350, 200, 600), ampa) > 2000, "AMPA receptors in A");
    assert!(count(&img, (360, 710, 200, 600), ampa) > 2000, "AMPA receptors in B");
    // The console: the notes, on an opaque page (no scene behind it).
    let img = lecture_shot("6", "1024x768", &["--console"]);
    // (The evidence badge at the top is green too: below it the page is the console's alone.)
    assert_eq!(count(&img, (0, 1024, 250, 768), green), 0, "nothing of the scene shows through the console");
    assert!(count(&img, (0, 1024, 100, 200), dark) > 500, "notes");
}

/// Presses that arrive while a cue is loading are one press: on a slow
/// machine a presenter presses again when nothing moved, and the lecture
/// jumped from cue 1 to cue 4. Two Nexts in one frame, or in the frame after
/// the move, move one cue; the next press after that moves again.
#[test]
fn presses_while_a_cue_loads_are_coalesced_not_skips() {
    use synapse_lab::app::sim_bridge::AppCommand;
    use synapse_lab::command::lecture::LectureCommand;
    let mut app = lecture_app(0, true, Pace::Live);
    let next = |app: &mut App| {
        app.world_mut().write_message(AppCommand::Lecture(LectureCommand::Next));
    };
    next(&mut app);
    next(&mut app);
    app.update();
    assert_eq!(cue(&app), 1, "two presses in one frame: one move");
    next(&mut app);
    app.update();
    assert_eq!(cue(&app), 1, "a press in the frame after the move: the same press");
    app.update();
    next(&mut app);
    app.update();
    assert_eq!(cue(&app), 2, "a later press moves on");
    app.update();
    app.world_mut().write_message(AppCommand::Lecture(LectureCommand::Previous));
    app.world_mut().write_message(AppCommand::Lecture(LectureCommand::Previous));
    app.update();
    assert_eq!(cue(&app), 1);
}
