//! `consolidate` compiles the submissions of regional civil-society consultations into one
//! consolidated, print-ready report.
//!
//! The data flow has one module per stage: [`load`] (bytes → typed model, spans kept),
//! [`validate`] (the rules of the submission format), [`merge`] (one consolidated entry per
//! concern, provenance kept), [`render`] (minijinja templates → Typst source, every value
//! escaped) and [`typeset`] (Typst in-process → PDF). [`build`] runs them in order;
//! [`diagnostic`] is how every stage reports problems.

pub mod build;
pub mod cluster;
pub mod diagnostic;
pub mod editorial;
pub mod error;
pub mod load;
pub mod merge;
pub mod model;
pub mod normalise;
pub mod render;
pub mod review;
pub mod similarity;
pub mod source;
pub mod typeset;
pub mod validate;

pub use build::{BuildOptions, BuildOutcome, build};
pub use diagnostic::{Code, Diagnostic, Diagnostics, Severity};
pub use error::Error;
