//! Pharmacology: the drug catalogue as data (`assets/drugs/*.ron`, with
//! its loader, validation and PK models: `catalogue`), what the drugs do to
//! the receptors, release and uptake (`effects`), the drug molecules in the
//! cleft (`particles`), dose-response through a simulated patch (`patch`),
//! and each mechanism's behaviour in one place (`mechanism`).

pub mod catalogue;
pub mod effects;
pub mod mechanism;
pub mod particles;
pub mod patch;

pub use catalogue::{Catalogue, Drug, DrugError, Evidence, Mechanism};
