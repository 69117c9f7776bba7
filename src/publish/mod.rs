//! Stages 4 and 5, publish. In: the project and its [`crate::consolidate::Consolidated`]
//! entries. Out: the Typst source of the report or of a region's proof, and its PDF, with the
//! fonts checked before layout and the layout checked after.
//!
//! [`render`] fills the minijinja templates, writing every value through [`escape`] so that
//! host text is data, never markup; [`fonts`] and [`world`] are what Typst reads; [`pdf`] runs
//! the typesetter; [`preflight`] catches missing glyphs and overflowing text.

pub mod escape;
pub mod fonts;
pub mod pdf;
pub mod preflight;
pub mod render;
pub mod world;
