//! The import direction of the app's source, checked on the files
//! themselves: core ← files, command ← record ← lecture ← app ← web ← cli ← main (web and cli are never built together: the page and the command line).
//! A module may name only layers below its own (`crate::…` paths in `use`
//! lines and in code), and the layers below the app never name `bevy`, so
//! the command layer, the lecture format and player, and the recorder build
//! without it (the browser build and the headless lecture check rely on it).
//! Inside the app the same holds between its modules (`APP_MODULES`): no
//! two features import each other.

use std::path::{Path, PathBuf};

/// The layers, lowest first; a module may use those before it.
const LAYERS: [&str; 7] = ["files", "command", "record", "lecture", "app", "web", "cli"];

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
    assert!(wrong.is_empty(), "imports against the layering (core ← files, command ← record ← lecture ← app ← web ← cli):\n{}", wrong.join("\n"));
}

/// The app's modules, lowest first: a module may use those before it. What
/// several features read (settings, view rectangle, selection, offscreen
/// image, video clock) sits in `shared`, below them all.
const APP_MODULES: [&str; 16] =
    ["palette", "browser", "instancing", "sim_bridge", "shared", "keymap", "time_lens", "scene", "dendrite", "pathway", "camera", "ui", "export", "lecture", "recording", "keys"];

/// The app modules a line of code names: `super::X` from a file of the
/// app's top folder (`depth` 0), `super::super::X` from a subfolder
/// (`super::X` there is the file's own module), and `crate::app::X` anywhere.
fn app_paths(code: &str, depth: usize) -> Vec<(usize, String)> {
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let line = line.split("//").next().unwrap_or("");
        let mut rest = line;
        while let Some(at) = rest.find("crate::app::") {
            rest = &rest[at + "crate::app::".len()..];
            out.push((n + 1, ident(rest)));
        }
        let mut rest = line;
        while let Some(at) = rest.find("super::") {
            // A run of `super::`s: count them, then the name after the run.
            let mut after = &rest[at..];
            let mut supers = 0;
            while let Some(next) = after.strip_prefix("super::") {
                supers += 1;
                after = next;
            }
            // `use super::*` in a file's test module names the file itself.
            if supers == depth + 1 && !after.starts_with('*') {
                out.push((n + 1, ident(after)));
            }
            rest = after;
        }
    }
    out
}

#[test]
fn the_apps_modules_import_one_way() {
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
    let mut files = Vec::new();
    rust_files(&app, &mut files);
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&app).unwrap();
        let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().trim_end_matches(".rs").to_string()).collect();
        // mod.rs of the app assembles the plugins: it is above them all.
        if parts == ["mod"] {
            continue;
        }
        let Some(level) = APP_MODULES.iter().position(|m| *m == parts[0]) else {
            unknown.push(file.display().to_string());
            continue;
        };
        let code = std::fs::read_to_string(file).unwrap();
        for (line, name) in app_paths(&code, parts.len() - 1) {
            match APP_MODULES.iter().position(|m| *m == name) {
                Some(used) if used > level => wrong.push(format!("{}:{line}: {} names {name}, a module above it", file.display(), parts[0])),
                Some(_) => {}
                None => unknown.push(format!("{}:{line}: names {name}, not in APP_MODULES", file.display())),
            }
        }
    }
    assert!(unknown.is_empty(), "add these to APP_MODULES at their level:\n{}", unknown.join("\n"));
    assert!(wrong.is_empty(), "imports against the app's module order ({}):\n{}", APP_MODULES.join(" ← "), wrong.join("\n"));
}

/// The checker itself finds what it must.
#[test]
fn the_checker_sees_an_upward_import() {
    let code = "use crate::app::camera::Pose;\n// crate::cli in a comment\nlet x = synapse_core::hash::fnv1a(b\"\");\nuse crate::command::Target;";
    let names: Vec<String> = crate_paths(code).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, ["app", "command"]);
    assert_eq!(names_bevy("use serde::Serialize;\nuse bevy::prelude::*;"), Some(1));
    assert_eq!(names_bevy("// no bevy:: here\nfn f() {}"), None);
    let top = "use super::scene::{InInstance};\nlet x = super::super::palette::RED; // super::ui in a comment\nuse crate::app::ui::Settings;";
    assert_eq!(app_paths(top, 0).into_iter().map(|(_, n)| n).collect::<Vec<_>>(), ["scene", "ui"]);
    assert_eq!(app_paths(top, 1).into_iter().map(|(_, n)| n).collect::<Vec<_>>(), ["palette", "ui"]);
}
