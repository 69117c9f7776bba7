//! The stages in order, for each command. In: a project folder and the command's options. Out:
//! the diagnostics, and for `build` the files written under `out/`.
//!
//! [`prepare`] runs input → validate → consolidate for every command (`validate` stops after
//! the rules); [`compile`] publishes the report or a proof; [`write`] writes the outputs
//! atomically; [`watch`] rebuilds on change.

#[cfg(feature = "typeset")]
pub mod compile;
pub mod edition;
pub mod prepare;
#[cfg(feature = "typeset")]
pub mod watch;
pub mod write;
