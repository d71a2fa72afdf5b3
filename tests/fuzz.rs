//! Fuzzed input files: the built-in lecture, the built-in keymap, a command
//! log and a recording, each mutated the ways a person or a broken disk
//! mutates a file (cut short, characters deleted or inserted, a field name
//! misspelt, a number out of range, a byte that is not UTF-8) and read
//! back as the app reads it. Whatever the mutation: no panic, and every
//! rejection names the file with a line and column inside it. A misspelt
//! field is always rejected. The cases are drawn from a fixed seed, so a
//! failure repeats; `FUZZ_SEED=N FUZZ_CASES=N cargo test --test fuzz`
//! draws others.

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use synapse_core::Scenario;
use synapse_core::experiment::{Command, CommandLog, Experiment};
use synapse_lab::command::camera::Pose;
use synapse_lab::command::recording::{RECORDING_VERSION, RecordedFrame, Recording};

/// One change to a file's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    /// Cut the file here.
    Truncate(Index),
    /// Delete up to this many bytes from here.
    Delete(Index, usize),
    /// Insert a character that matters to RON.
    Insert(Index, char),
    /// Misspell the n-th field name (`name:` becomes `nmae:` or similar).
    Rename(Index, Index),
    /// Replace the n-th number with a value out of any range.
    Number(Index, &'static str),
    /// Insert a byte that is not UTF-8.
    Byte(Index, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let ron_chars = prop::sample::select(vec!['(', ')', '[', ']', ',', ':', '"', '0', '-', '.', 'e', 'x', ' ', '\n', '/', '*', '\'', '\\', 'é']);
    let numbers = prop::sample::select(vec!["1e308", "-1", "NaN", "inf", "-inf", "18446744073709551616", "1e-320", "0", "-0.0", "4294967296", "9e18"]);
    prop_oneof![
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), 1usize..40).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<Index>(), ron_chars).prop_map(|(i, c)| Mutation::Insert(i, c)),
        (any::<Index>(), any::<Index>()).prop_map(|(i, j)| Mutation::Rename(i, j)),
        (any::<Index>(), numbers).prop_map(|(i, v)| Mutation::Number(i, v)),
        (any::<Index>(), prop::sample::select(vec![0xFFu8, 0xC3, 0x80, 0xE9, 0xF0])).prop_map(|(i, b)| Mutation::Byte(i, b)),
    ]
}

/// The runs of code (outside strings and `//` comments) that start at a
/// word boundary with a byte `first` accepts and go on while `rest` does.
fn runs(text: &str, first: fn(u8) -> bool, rest: fn(u8) -> bool) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut out = Vec::new();
    let (mut i, mut in_string) = (0, false);
    while i < b.len() {
        let c = b[i];
        if in_string {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_string = false;
            }
        } else if c == b'"' {
            in_string = true;
        } else if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if first(c) && (i == 0 || !word(b[i - 1])) {
            let start = i;
            while i < b.len() && rest(b[i]) {
                i += 1;
            }
            out.push((start, i));
            continue;
        }
        i += 1;
    }
    out
}

/// Where each field name is: an identifier of two or more letters followed by `:` (not `::`).
fn field_names(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    runs(text, |c| c.is_ascii_alphabetic() || c == b'_', |c| c.is_ascii_alphanumeric() || c == b'_')
        .into_iter()
        .filter(|&(s, e)| e - s >= 2 && b.get(e) == Some(&b':') && b.get(e + 1) != Some(&b':'))
        .collect()
}

/// Where each number is.
fn numbers(text: &str) -> Vec<(usize, usize)> {
    runs(text, |c| c.is_ascii_digit(), |c| c.is_ascii_digit() || c == b'.' || c == b'e' || c == b'_')
}

/// The mutated bytes, and whether the mutation must be rejected.
fn apply(text: &str, m: &Mutation) -> (Vec<u8>, bool) {
    let mut b = text.as_bytes().to_vec();
    let at = |i: &Index, len: usize| i.index(len + 1);
    match m {
        Mutation::Truncate(i) => b.truncate(at(i, b.len())),
        Mutation::Delete(i, n) => {
            let s = at(i, b.len());
            b.drain(s..(s + n).min(b.len()));
        }
        Mutation::Insert(i, c) => {
            let s = at(i, b.len());
            let mut buf = [0; 4];
            b.splice(s..s, c.encode_utf8(&mut buf).bytes());
        }
        Mutation::Rename(i, j) => {
            let names = field_names(text);
            if names.is_empty() {
                return (b, false);
            }
            let (s, e) = names[i.index(names.len())];
            let name = &text[s..e];
            // Swap two letters, or double the last one where a swap changes nothing.
            let k = j.index(e - s - 1);
            let mut typo: Vec<u8> = name.bytes().collect();
            typo.swap(k, k + 1);
            if typo == name.as_bytes() {
                typo.push(*typo.last().unwrap());
            }
            b.splice(s..e, typo);
            return (b, true);
        }
        Mutation::Number(i, v) => {
            let nums = numbers(text);
            if !nums.is_empty() {
                let (s, e) = nums[i.index(nums.len())];
                b.splice(s..e, v.bytes());
            }
        }
        Mutation::Byte(i, byte) => {
            // Only between characters, so the bad byte is the inserted one.
            let mut s = at(i, b.len());
            while !text.is_char_boundary(s) {
                s -= 1;
            }
            b.insert(s, *byte);
            return (b, true);
        }
    }
    (b, false)
}

/// The message names `file` with a line and column inside the text.
fn placed(message: &str, file: &str, text: &[u8]) -> bool {
    let lines = text.split(|&c| c == b'\n').count();
    message.match_indices(&format!("{file}:")).any(|(i, m)| {
        let digits = |s: &str| s.chars().take_while(char::is_ascii_digit).collect::<String>().parse::<usize>().ok();
        let mut parts = message[i + m.len()..].splitn(3, ':');
        let line = parts.next().and_then(|l| l.parse::<usize>().ok());
        let col = parts.next().and_then(digits);
        matches!((line, col), (Some(l), Some(c)) if (1..=lines + 1).contains(&l) && c >= 1)
    })
}

/// The line where the mutated bytes first differ, for a failure's message.
fn first_difference(text: &str, bytes: &[u8]) -> String {
    let at = text.bytes().zip(bytes).position(|(a, b)| a != *b).unwrap_or(text.len().min(bytes.len()));
    let line = text[..at].matches('\n').count();
    format!("line {}: {:?} became {:?}", line + 1, text.lines().nth(line).unwrap_or(""), String::from_utf8_lossy(bytes).lines().nth(line).unwrap_or(""))
}

/// Read the bytes as the app reads that kind of file.
type Reader = fn(&str, &str) -> Result<(), String>;

fn fuzz(kind: &str, file: &str, seed_text: &str, read: Reader, cases: u32) {
    read(seed_text, file).unwrap_or_else(|e| panic!("the unmutated {kind} is rejected: {e}"));
    // FUZZ_SEED=N (and FUZZ_CASES=N) draw other cases, to look further than CI does.
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let cases = env("FUZZ_CASES").map_or(cases, |n| n as u32);
    let config = Config { cases, rng_seed: RngSeed::Fixed(env("FUZZ_SEED").unwrap_or(0x5EED_0FF1_1E00)), failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let (rejected, total) = (std::cell::Cell::new(0u32), std::cell::Cell::new(0u32));
    let result = runner.run(&mutation(), |m| {
        let (bytes, must_fail) = apply(seed_text, &m);
        total.set(total.get() + 1);
        let outcome = match synapse_core::text::from_utf8(bytes.clone()) {
            Err(e) => Err(e.describe(file, kind)),
            Ok(text) => read(&text, file),
        };
        if let Err(e) = &outcome {
            rejected.set(rejected.get() + 1);
            prop_assert!(placed(e, file, &bytes), "{kind} after {m:?}: the message has no line and column in the file: {e}");
        }
        prop_assert!(!must_fail || outcome.is_err(), "{kind} after {m:?}: accepted: {}", first_difference(seed_text, &bytes));
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (rejected, total) = (rejected.get(), total.get());
    eprintln!("{kind}: {total} mutated files, {rejected} rejected with a place, the rest still valid");
    // Most mutations break a file; a reader that accepts nearly everything is not reading.
    assert!(rejected * 2 > total, "{kind}: only {rejected} of {total} mutated files were rejected");
}

#[test]
fn a_mutated_lecture_is_read_or_rejected_with_its_place() {
    fuzz("lecture", "talk.ron", synapse_lab::lecture::BUILTIN, |t, f| synapse_lab::lecture::Loaded::parse(t, f, None).map(drop).map_err(|e| e.to_string()), 1500);
}

#[test]
fn a_mutated_keymap_is_read_or_rejected_with_its_place() {
    fuzz("keymap", "keys.ron", synapse_lab::app::keymap::BUILTIN, |t, f| synapse_lab::app::keymap::Keymap::from_ron(t, f).map(drop), 1500);
}

fn a_log() -> CommandLog {
    let mut s = Scenario::default();
    s.protocol.clear();
    let exp = Experiment::new(s.clone()).unwrap();
    let mut log = CommandLog::new("fuzz", &s);
    for (frame, c) in [Command::Spike, Command::Run { steps: 200 }, Command::MgMm(0.5), Command::Drug { name: "ketamine".into(), conc_um: 1.0 }, Command::Run { steps: 100 }].into_iter().enumerate() {
        log.push(frame as u64, &exp, c);
    }
    log
}

#[test]
fn a_mutated_command_log_is_read_or_rejected_with_its_place() {
    let text = a_log().to_ron();
    fuzz("command log", "session.log.ron", &text, |t, f| CommandLog::from_ron(t, f).map(drop).map_err(|e| e.to_string()), 1500);
}

#[test]
fn a_mutated_recording_is_read_or_rejected_with_its_place() {
    let pose = Pose { focus: glam::Vec3::new(0.0, 0.1, 0.0), yaw: 0.3, pitch: 0.2, radius: 2.5 };
    let frame = |a: Vec<Command>| RecordedFrame { dt_s: 1.0 / 30.0, a, b: vec![], view: vec![], cameras: None };
    let rec = Recording {
        version: RECORDING_VERSION,
        program: "fuzz".into(),
        a: a_log(),
        b: None,
        window: [1280, 720],
        pixels_per_point: 1.0,
        ui: Default::default(),
        start: vec![],
        cameras: vec![pose],
        frames: vec![frame(vec![Command::Spike]), frame(vec![Command::Run { steps: 50 }]), frame(vec![Command::HoldingMv(-20.0)])],
        final_hash: None,
        final_hash_b: None,
    };
    fuzz("recording", "talk.recording.ron", &rec.to_ron(), |t, f| Recording::from_ron(t, f).map(drop), 1500);
}
