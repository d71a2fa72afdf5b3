//! `synapse-lab`: the Synapse Lab binary. Today it carries the headless
//! commands (run, bench, validate); the 3D app joins it in a later issue.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
