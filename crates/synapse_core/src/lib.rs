//! Synapse Lab's simulation core: a glutamatergic synapse as a deterministic,
//! particle-based model with Markov receptors, transporters, release and
//! the glutamate–glutamine cycle (the fast clock, [`sim::Simulation`]), the
//! drugs of the lecture (`pharmacology`), and the BDNF/TrkB/mTORC1 cascade on
//! a slow clock (`signalling`), and the model against the clinic (`clinic`). No Bevy: the app, the CLI and the tests all
//! drive the same code.

pub mod builtin;
pub mod clinic;
pub mod dendrite;
pub mod ecs;
pub mod evidence;
pub mod experiment;
pub mod gaba;
pub mod grid;
pub mod hash;
pub mod math;
pub mod membrane;
pub mod metabolism;
pub mod molecules;
pub mod pharmacology;
pub mod receptors;
pub mod recorder;
pub mod release;
pub mod rng;
pub mod scenario;
pub mod signalling;
pub mod sim;
pub mod stats;
pub mod text;
pub mod units;
pub mod uptake;
pub mod validation;

pub use scenario::Scenario;
pub use sim::{Control, Simulation};
