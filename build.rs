//! Two cfg names for the one platform split of the app crate:
//! `native` (the desktop: command line, ffmpeg export, threads, files,
//! file dialogs, signals) and `web` (the same app as WebAssembly in a page).

fn main() {
    // Without this, Cargo reruns the script (and rebuilds the crate) whenever any
    // file of the package changes, dist/ and packaging/generated/ included.
    println!("cargo::rerun-if-changed=build.rs");
    cfg_aliases::cfg_aliases! {
        web: { target_arch = "wasm32" },
        native: { not(target_arch = "wasm32") },
    }
}
