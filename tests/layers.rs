//! The import direction of the app's source, checked on the files
//! themselves: core ← files, command ← record ← lecture ← app ← cli ← main.
//! A module may name only layers below its own (`crate::…` paths in `use`
//! lines and in code), and the layers below the app never name `bevy`, so
//! the command layer, the lecture format and player, and the recorder build
//! without it (the browser build and the headless lecture check rely on it).

use std::path::{Path, PathBuf};

/// The layers, lowest first; a module may use those before it.
const LAYERS: [&str; 6] = ["files", "command", "record", "lecture", "app", "cli"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layer a file of `src/` belongs to (`src/app/ui/view.rs` → app).
fn layer_of(src: &Path, file: &Path) -> Option<usize> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy().trim_end_matches(".rs").to_string();
    LAYERS.iter().position(|l| *l == first)
}

/// Every `crate::NAME` a line of code names (comments left out).
fn crate_paths(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let line = line.split("//").next().unwrap_or("");
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            // `synapse_core::…` is the core (below every layer): only this crate's paths count.
            let before = &rest[..at];
            if !before.ends_with("synapse_") && !before.ends_with('_') {
                out.push((n + 1, name));
            }
            rest = after;
        }
    }
    out
}

fn names_bevy(code: &str) -> Option<usize> {
    code.lines().position(|line| {
        let line = line.split("//").next().unwrap_or("");
        line.contains("bevy::") || line.contains("bevy_") || line.contains("use bevy")
    })
}

#[test]
fn imports_run_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    let mut checked = 0;
    for file in &files {
        let Some(layer) = layer_of(&src, file) else { continue };
        let code = std::fs::read_to_string(file).unwrap();
        checked += 1;
        for (line, name) in crate_paths(&code) {
            match LAYERS.iter().position(|l| *l == name) {
                Some(used) if used > layer => wrong.push(format!("{}:{line}: {} names crate::{name}, a layer above it", file.display(), LAYERS[layer])),
                _ => {}
            }
        }
        if layer < LAYERS.iter().position(|l| *l == "app").unwrap()
            && let Some(line) = names_bevy(&code)
        {
            wrong.push(format!("{}:{}: {} names bevy; only the app may", file.display(), line + 1, LAYERS[layer]));
        }
    }
    assert!(checked > 30, "only {checked} files found under {}", src.display());
    assert!(wrong.is_empty(), "imports against the layering (core ← files, command ← record ← lecture ← app ← cli):\n{}", wrong.join("\n"));
}

/// The checker itself finds what it must.
#[test]
fn the_checker_sees_an_upward_import() {
    let code = "use crate::app::camera::Pose;\n// crate::cli in a comment\nlet x = synapse_core::hash::fnv1a(b\"\");\nuse crate::command::Target;";
    let names: Vec<String> = crate_paths(code).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, ["app", "command"]);
    assert_eq!(names_bevy("use serde::Serialize;\nuse bevy::prelude::*;"), Some(1));
    assert_eq!(names_bevy("// no bevy:: here\nfn f() {}"), None);
}
