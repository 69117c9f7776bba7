//! Loading `editorial.toml`: the same reading, parsing and schema check as a submission's, with
//! help that speaks of the file's own three kinds of decision.

use std::path::Path;

use crate::diagnostic::Code;
use crate::input::load::{Loaded, load_file};
use crate::model::editorial::{EDITORIAL_FILE, Editorial, EditorialFile};

/// Loads `ROOT/editorial.toml`; a project without one has no decisions. Parse errors come
/// back as diagnostics with file, line, column and help, like a submission's.
#[must_use]
pub fn load_editorial(root: &Path) -> Loaded<Editorial> {
    let path = root.join(EDITORIAL_FILE);
    if !path.exists() {
        return Loaded {
            source: None,
            value: Some(Editorial::default()),
            diagnostics: Vec::new(),
        };
    }
    let mut loaded =
        load_file::<EditorialFile>(root, &path, crate::input::schema::editorial_schema()).map(
            |source, file| Editorial {
                source: Some(source),
                file,
            },
        );
    // The loader's help speaks of submissions; editorial.toml has a shape of its own.
    for diagnostic in &mut loaded.diagnostics {
        let about_submissions = diagnostic
            .help
            .as_deref()
            .is_some_and(|help| help.contains("consolidate init"));
        if about_submissions || matches!(diagnostic.code, Code::WrongType | Code::MissingField) {
            diagnostic.help = Some(EDITORIAL_SHAPE_HELP.to_owned());
        }
    }
    loaded
}

/// The help for a value of the wrong shape in `editorial.toml`: its three kinds of decision.
const EDITORIAL_SHAPE_HELP: &str = "write `merge = [[\"REF\", \"REF\"]]`, `keep_apart = [[\"REF\", \"REF\"]]` and `wording = [{ entry = \"REF\", text = \"...\" }]`; `consolidate review` prints the references";
