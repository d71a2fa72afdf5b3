//! Synapse Lab, the application crate: the command line and the Bevy app
//! (on the desktop, `native`), or the same app in a web page (`web`, wasm32).
//! The model itself lives in `synapse_core` (no Bevy).

pub mod app;
#[cfg(native)]
pub mod cli;
pub mod command;
pub mod files;
pub mod lecture;
pub mod record;
pub mod web;
