//! Pharmacology: the drug catalogue as data (`assets/drugs/*.ron`).
//!
//! This module holds the catalogue's format, its loader and its validation
//! (issue #4's first part). Applying the mechanisms to the receptors
//! (open-channel block with trapping, allosteric and competitive
//! inhibition, the glycine site, release and uptake effects) and the PK
//! models come next; they will act through the rate hooks of
//! `receptors::scheme::RateMods` and the release/uptake scales.

pub mod catalogue;
pub mod effects;
pub mod patch;

pub use catalogue::{Catalogue, Drug, DrugError, Evidence, Mechanism};
