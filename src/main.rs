//! `synapse-lab`: opens the 3D synapse, or runs a headless command; in a
//! web page (wasm32), opens the synapse the page's address asks for.

#[cfg(web)]
fn main() {
    synapse_lab::web::main()
}

#[cfg(native)]
fn main() -> std::process::ExitCode {
    // Rust ignores SIGPIPE, so printing into a closed pipe (`| head`) would
    // panic; the default action ends the process quietly, as other tools do.
    #[cfg(unix)]
    // SAFETY: setting a signal disposition at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    synapse_lab::cli::main()
}
