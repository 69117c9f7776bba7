//! Stage 1, input. In: a project folder. Out: a typed [`crate::model::project::Project`] and
//! the editors' [`crate::model::editorial::Editorial`], every field with its span, and a
//! [`crate::Diagnostic`] for anything that cannot be read, parsed or matched to the schema.
//!
//! [`find`] says which files make the project, [`load`] reads and parses them, [`schema`] is the
//! JSON Schema they are checked against (generated from the model's types), [`editorial`]
//! reads `editorial.toml`, and [`skeleton`] writes the file a new region starts from.

pub mod editorial;
pub mod find;
pub mod load;
pub mod schema;
pub mod skeleton;
