//! Failures that are not problems in a submission: a missing folder, a file that cannot be
//! written. They stop the run with exit code 2 and say what to do.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostics;

/// Why a command could not finish.
#[derive(Debug)]
pub enum Error {
    /// The input has errors; they are in the diagnostics (exit code 1).
    Input(Box<Diagnostics>),
    /// Reading or writing a file failed (exit code 2).
    Io {
        /// What we were doing: "read", "write", "create the folder", ...
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
        /// What the user can do about it.
        hint: Option<String>,
    },
    /// The command was used in a way that cannot work (exit code 2).
    Usage {
        /// What is wrong.
        message: String,
        /// What to do instead.
        hint: Option<String>,
    },
    /// The folder is not a project, or lacks what the command needs: no `report.toml`, no
    /// submissions (exit code 2).
    Project {
        /// What is missing.
        message: String,
        /// How to make it.
        hint: String,
    },
    /// A template of the project's `templates/` folder failed to render (exit code 2).
    Template {
        /// The template's name.
        name: String,
        /// The renderer's account, with its whole cause chain.
        message: String,
    },
    /// A check of the program's own work failed: a bug, not a problem of the input. Nothing was
    /// written (exit code 3).
    Internal(String),
}

impl Error {
    /// An I/O failure with the path it concerns.
    #[must_use]
    pub fn io(action: &'static str, path: &Path, source: io::Error) -> Self {
        Error::Io {
            action,
            path: path.to_owned(),
            source,
            hint: None,
        }
    }

    /// A usage failure with a hint.
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    /// A project that lacks a file or folder, with what to do.
    pub fn project(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Project {
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// The exit code the CLI returns for this failure: 1 for bad input, 2 for a command or
    /// project that cannot work, 3 for a bug.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) => 1,
            Error::Io { .. }
            | Error::Usage { .. }
            | Error::Project { .. }
            | Error::Template { .. } => 2,
            Error::Internal(_) => 3,
        }
    }
}

/// "permission denied" rather than "Permission denied (os error 13)": the message is for people.
fn plain_io_reason(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "not found".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::AlreadyExists => "it already exists".to_owned(),
        _ => {
            let text = err.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            text.to_lowercase()
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(diagnostics) => {
                write!(f, "the input has {}", diagnostics.summary())
            }
            Error::Io {
                action,
                path,
                source,
                hint,
            } => {
                write!(
                    f,
                    "failed to {action} {} ({})",
                    path.display(),
                    plain_io_reason(source)
                )?;
                if let Some(hint) = hint {
                    write!(f, "\nhint: {hint}")?;
                }
                Ok(())
            }
            Error::Usage { message, hint } => {
                f.write_str(message)?;
                if let Some(hint) = hint {
                    write!(f, "\nhint: {hint}")?;
                }
                Ok(())
            }
            Error::Project { message, hint } => write!(f, "{message}\nhint: {hint}"),
            Error::Template { name, message } => write!(
                f,
                "failed to render the template {name}: {message}\nhint: check the template in templates/, or delete it to use the built-in one"
            ),
            Error::Internal(message) => write!(
                f,
                "internal error, nothing was written: {message}\nhint: please report this with the submission files"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
