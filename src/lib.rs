//! Synapse Lab, the application crate: the command line and the Bevy app.
//! The model itself lives in `synapse_core` (no Bevy).

pub mod app;
pub mod cli;
pub mod command;
pub mod files;
pub mod lecture;
pub mod record;
