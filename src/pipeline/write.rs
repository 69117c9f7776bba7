//! The last stage: the outputs, written so that a reader (or a crash) never sees a half-written
//! file, and the JSON that other tools read.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::consolidate::{Consolidated, ConsolidatedEntry};
use crate::error::Error;
use crate::model::project::Project;
use crate::model::{Date, DraftEdition};

/// `out/consolidated.json`: the stable shape other tools read (fields may be added, never
/// removed): `{"entries": [{"number", "kind", "text", "agenda", "regions", "sources":
/// [{"region", "file", "line", "text", ...}]}], "draft", ...}`. `numbers` holds each entry's
/// number; `draft` is `null` for the final edition.
///
/// # Errors
///
/// [`Error::Internal`] when the model cannot be written as JSON: an empty file in its place
/// would read as a report with no entries.
pub fn consolidated_json(
    project: &Project,
    consolidated: &Consolidated,
    numbers: &[String],
    draft: Option<DraftEdition>,
) -> Result<String, Error> {
    #[derive(Serialize)]
    struct Region<'a> {
        id: &'a str,
        name: &'a str,
        file: &'a str,
        date: Date,
        end_date: Option<Date>,
        location: &'a str,
    }
    #[derive(Serialize)]
    struct Numbered<'a> {
        number: &'a str,
        #[serde(flatten)]
        entry: &'a ConsolidatedEntry,
    }
    #[derive(Serialize)]
    struct Document<'a> {
        title: &'a str,
        date: Date,
        draft: Option<DraftEdition>,
        regions: Vec<Region<'a>>,
        entries: Vec<Numbered<'a>>,
    }
    let settings = &project.settings.data;
    let document = Document {
        title: &settings.title,
        date: *settings.date.get_ref(),
        draft,
        regions: project
            .submissions
            .iter()
            .map(|s| {
                let c = s.data.consultation.get_ref();
                Region {
                    id: &s.id,
                    name: s.region(),
                    file: &s.source.name,
                    date: *c.date.get_ref(),
                    end_date: c.end_date.as_ref().map(|d| *d.get_ref()),
                    location: c.location.get_ref(),
                }
            })
            .collect(),
        entries: consolidated
            .entries
            .iter()
            .enumerate()
            .map(|(i, entry)| Numbered {
                number: numbers.get(i).map_or("", String::as_str),
                entry,
            })
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&document).map_err(|e| {
        Error::Internal(format!(
            "the consolidated model cannot be written as JSON: {e}"
        ))
    })?;
    json.push('\n');
    Ok(json)
}

/// Writes every file to a temporary name beside its target, then renames them all: a reader
/// (or a crash) never sees a half-written PDF. The outputs change together or not at all: when
/// one cannot take its place, those already renamed are put back as they were, and no
/// temporary file is left behind.
///
/// # Errors
///
/// [`Error::Io`] naming the file that could not be written.
pub fn write_atomically(files: &[(&Path, &[u8])]) -> Result<(), Error> {
    let interrupt = Interrupt::hold();
    write_unless_interrupted(files, &interrupt)
}

/// [`write_atomically`], stopping (with everything put back) as soon as `interrupt` is set.
fn write_unless_interrupted(files: &[(&Path, &[u8])], interrupt: &Interrupt) -> Result<(), Error> {
    let interrupted =
        |path: &Path| Error::io("write", path, io::Error::from(io::ErrorKind::Interrupted));
    let mut staged: Vec<(PathBuf, &Path)> = Vec::new();
    for (path, bytes) in files {
        let temp = beside(path, "tmp");
        let result = if interrupt.is_set() {
            Err(io::Error::from(io::ErrorKind::Interrupted))
        } else {
            stage(&temp, bytes, path)
        };
        if let Err(e) = result {
            let _ = fs::remove_file(&temp);
            remove_all(staged.iter().map(|(temp, _)| temp));
            return Err(Error::io("write", path, e));
        }
        staged.push((temp, *path));
    }
    let mut replaced: Vec<Replaced> = Vec::new();
    for (at, (temp, path)) in staged.iter().enumerate() {
        if interrupt.is_set() {
            remove_all(staged[at..].iter().map(|(temp, _)| temp));
            for done in replaced.iter().rev() {
                done.undo();
            }
            return Err(interrupted(path));
        }
        match replace(temp, path) {
            Ok(done) => replaced.push(done),
            Err(e) => {
                remove_all(staged[at..].iter().map(|(temp, _)| temp));
                for done in replaced.iter().rev() {
                    done.undo();
                }
                return Err(Error::io("write", path, e));
            }
        }
    }
    remove_all(replaced.iter().filter_map(|done| done.previous.as_ref()));
    // The renames are durable once their folders are.
    #[cfg(unix)]
    for (_, path) in &staged {
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            let _ = fs::File::open(folder).and_then(|f| f.sync_all());
        }
    }
    Ok(())
}

/// Ctrl-C, SIGTERM or SIGHUP while the outputs are replaced: held (not fatal) for as long as
/// this lives, so that the write can put everything back instead of leaving temporary files
/// and a new `consolidated.json` beside an old `report.pdf`. Once dropped, a signal ends the
/// process again as it normally would.
struct Interrupt {
    flag: std::sync::Arc<std::sync::atomic::AtomicBool>,
    #[cfg(unix)]
    handlers: Vec<signal_hook::SigId>,
}

impl Interrupt {
    /// Starts holding the signals. Where a handler cannot be installed, that signal keeps its
    /// default action: the write is then only as safe as the renames.
    fn hold() -> Interrupt {
        let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        #[cfg(unix)]
        let handlers = [
            signal_hook::consts::SIGINT,
            signal_hook::consts::SIGTERM,
            signal_hook::consts::SIGHUP,
        ]
        .into_iter()
        .filter_map(|signal| signal_hook::flag::register(signal, flag.clone()).ok())
        .collect();
        Interrupt {
            flag,
            #[cfg(unix)]
            handlers,
        }
    }

    fn is_set(&self) -> bool {
        self.flag.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for Interrupt {
    fn drop(&mut self) {
        #[cfg(unix)]
        for handler in self.handlers.drain(..) {
            signal_hook::low_level::unregister(handler);
        }
    }
}

/// Writes `bytes` to the temporary file `temp` with the permissions of the file it will
/// replace (an editorial.toml shared with a group stays shared), and flushes it to disk.
fn stage(temp: &Path, bytes: &[u8], target: &Path) -> io::Result<()> {
    use std::io::Write as _;
    let mut file = fs::File::create(temp)?;
    file.write_all(bytes)?;
    if let Ok(meta) = fs::metadata(target) {
        file.set_permissions(meta.permissions())?;
    }
    file.sync_all()
}

/// An output renamed into place, with what was there before, so that it can be put back.
struct Replaced<'a> {
    /// The output.
    path: &'a Path,
    /// A second link to the file it replaced (`None` when there was none).
    previous: Option<PathBuf>,
}

impl Replaced<'_> {
    /// Puts the previous file back, or removes the output when there was none.
    fn undo(&self) {
        let _ = match &self.previous {
            Some(previous) => fs::rename(previous, self.path),
            None => fs::remove_file(self.path),
        };
    }
}

/// Renames `temp` onto `path`, keeping the file it replaces under a second name until every
/// output is in place.
fn replace<'a>(temp: &Path, path: &'a Path) -> io::Result<Replaced<'a>> {
    let previous = match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => {
            let previous = beside(path, "old");
            let _ = fs::remove_file(&previous);
            // A hard link keeps the old file readable under its name until the rename; where
            // the file system has none, a copy does the same.
            if fs::hard_link(path, &previous).is_err() {
                fs::copy(path, &previous)?;
            }
            Some(previous)
        }
        // Nothing there, or not a file: the rename says what it makes of that.
        _ => None,
    };
    if let Err(e) = fs::rename(temp, path) {
        remove_all(previous.iter());
        return Err(e);
    }
    Ok(Replaced { path, previous })
}

/// A hidden name beside `path` for this process: `.report.pdf.1234.tmp`.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.{suffix}", std::process::id()))
}

/// Removes files, as far as it can: what remains is only clutter.
fn remove_all<'a>(paths: impl Iterator<Item = &'a PathBuf>) {
    for path in paths {
        let _ = fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names in a folder, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// The tests that write hold this: a signal raised by one would reach the other's write.
    static SIGNALS: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    #[cfg(unix)]
    fn an_interrupt_during_the_write_puts_everything_back() {
        let _signals = SIGNALS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let dir =
            std::env::temp_dir().join(format!("consolidate-interrupt-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let (json, pdf) = (dir.join("consolidated.json"), dir.join("report.pdf"));
        fs::write(&json, "old json").unwrap();
        fs::write(&pdf, "old pdf").unwrap();

        // Ctrl-C while the signals are held sets the flag instead of ending the process.
        let interrupt = Interrupt::hold();
        signal_hook::low_level::raise(signal_hook::consts::SIGINT).unwrap();
        assert!(interrupt.is_set());
        let files: [(&Path, &[u8]); 2] = [(&json, b"new json"), (&pdf, b"new pdf")];
        let Err(Error::Io { path, .. }) = write_unless_interrupted(&files, &interrupt) else {
            panic!("an interrupted write fails");
        };
        assert_eq!(path, json);
        drop(interrupt);
        assert_eq!(fs::read_to_string(&json).unwrap(), "old json");
        assert_eq!(fs::read_to_string(&pdf).unwrap(), "old pdf");
        assert_eq!(
            names(&dir),
            ["consolidated.json", "report.pdf"],
            "no temporary file left"
        );

        // Without an interrupt the same write goes through.
        write_atomically(&files).unwrap();
        assert_eq!(fs::read_to_string(&pdf).unwrap(), "new pdf");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn outputs_change_together_or_not_at_all() {
        let _signals = SIGNALS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let dir = std::env::temp_dir().join(format!("consolidate-write-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let (new, old, blocked) = (dir.join("new.typ"), dir.join("old.json"), dir.join("x.pdf"));
        fs::write(&old, "old").unwrap();
        fs::create_dir(&blocked).unwrap();

        let files: [(&Path, &[u8]); 3] = [(&new, b"1"), (&old, b"2"), (&blocked, b"3")];
        let Err(Error::Io { path, .. }) = write_atomically(&files) else {
            panic!("a folder in the way fails the write");
        };
        assert_eq!(path, blocked);
        assert_eq!(fs::read_to_string(&old).unwrap(), "old", "put back");
        assert_eq!(
            names(&dir),
            ["old.json", "x.pdf"],
            "nothing new, nothing temporary"
        );

        write_atomically(&[(&new, b"1"), (&old, b"2")]).unwrap();
        assert_eq!(fs::read_to_string(&old).unwrap(), "2");
        assert_eq!(
            names(&dir),
            ["new.typ", "old.json", "x.pdf"],
            "no backup left"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
