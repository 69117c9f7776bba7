//! `consolidate` compiles the submissions of regional civil-society consultations into one
//! consolidated, print-ready report.
//!
//! The data flow has one module per stage: [`load`] (bytes → typed model, spans kept),
//! [`validate`] (the rules of the submission format), [`merge`] (one consolidated entry per
//! concern, provenance kept), [`render`] (minijinja templates → Typst source, every value
//! escaped) and [`typeset`] (Typst in-process → PDF), with [`preflight`] checking fonts and
//! layout on either side of it. [`build`] runs them in order;
//! [`diagnostic`] is how every stage reports problems.

#[cfg(feature = "typeset")]
pub mod build;
pub mod check;
pub mod cluster;
pub mod diagnostic;
pub mod editorial;
pub mod error;
pub mod init;
pub mod load;
pub mod merge;
pub mod model;
pub mod normalise;
#[cfg(feature = "typeset")]
pub mod preflight;
pub mod progress;
#[cfg(feature = "typeset")]
pub mod render;
pub mod review;
pub mod schema;
pub mod similarity;
pub mod source;
#[cfg(feature = "typeset")]
pub mod typeset;
pub mod validate;
#[cfg(feature = "typeset")]
pub mod watch;

#[cfg(feature = "typeset")]
pub use build::{BuildOptions, BuildOutcome, build};
pub use diagnostic::{Code, Diagnostic, Diagnostics, Severity};
pub use error::Error;
