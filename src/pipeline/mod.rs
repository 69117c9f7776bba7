//! The stages in order, for each command. In: a project folder and the command's options. Out:
//! the diagnostics, and for `build` the files written under `out/`.
//!
//! [`prepare`] runs input → validate → consolidate for every command (`validate` stops after
//! the rules); [`compile`] publishes the report or a proof; [`write`] writes the outputs
//! atomically; [`watch`] rebuilds on change. [`check`] is `validate` for one submission in
//! memory, as the validator page runs it, and `validator` writes that page.

pub mod check;
#[cfg(feature = "typeset")]
pub mod compile;
pub mod edition;
pub mod prepare;
#[cfg(feature = "cli")]
pub mod validator;
#[cfg(feature = "typeset")]
pub mod watch;
pub mod write;
