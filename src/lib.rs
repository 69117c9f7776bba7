//! `consolidate` compiles the submissions of regional civil-society consultations into one
//! consolidated, print-ready report.
//!
//! The data flows through one folder per stage:
//!
//! ```text
//! report.toml, regions/*.toml, editorial.toml
//!   → input        bytes → typed model, spans kept          (model: the types every stage shares)
//!   → validate     the rules of the submission format       (diagnostic: how any stage reports)
//!   → consolidate  one consolidated entry per concern
//!   → publish      Typst source → PDF, fonts and layout checked
//!   → out/report.pdf, out/report.typ, out/consolidated.json
//! ```
//!
//! [`pipeline`] runs the stages in order for each command and decides when to stop. A module
//! only depends on the stages before it, on [`model`], [`diagnostic`], [`error`] and
//! [`progress`] (how a long run reports where it is).

pub mod consolidate;
pub mod diagnostic;
pub mod drafts;
pub mod error;
pub mod input;
pub mod model;
pub mod pipeline;
pub mod progress;
#[cfg(feature = "typeset")]
pub mod publish;
pub mod validate;

pub use diagnostic::{Code, Diagnostic, Diagnostics, Severity};
pub use error::Error;
#[cfg(feature = "typeset")]
pub use pipeline::compile::{BuildOptions, BuildOutcome, build};
