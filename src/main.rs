//! `synapse-lab`: opens the 3D synapse, or runs a headless command.

fn main() -> std::process::ExitCode {
    synapse_lab::cli::main()
}
