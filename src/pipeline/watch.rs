//! `consolidate watch`: rebuild whenever a submission, a template, `report.toml` or
//! `editorial.toml` changes, keeping the process — and with it Typst's memoised layout and the
//! parsed fonts — warm, so that a rebuild after one region changes costs a fraction of a cold
//! build.
//!
//! Changes are found by polling file sizes and modification times rather than through
//! operating-system events: editors save in many ways (in place, through a temporary file and
//! a rename, with swap files beside), network folders send no events, and a poll of a few
//! dozen files every quarter second costs nothing.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use crate::error::Error;
use crate::input::find::is_submission_file;
use crate::pipeline::compile::{BuildOptions, BuildOutcome, build};

/// How often the files are looked at.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// How long the files must stay unchanged before a rebuild starts: an editor's save, or a
/// `git checkout` of many files, settles within this.
pub const SETTLE_TIME: Duration = Duration::from_millis(200);

/// What one rebuild gave.
#[derive(Debug)]
pub enum WatchEvent {
    /// The report was written.
    Built {
        /// What the build made, with its warnings.
        outcome: BuildOutcome,
        /// How long the build took.
        elapsed: Duration,
    },
    /// The build failed; the last good PDF is still in place.
    Failed {
        /// Why.
        error: Error,
        /// How long the attempt took.
        elapsed: Duration,
    },
}

/// The size and modification time of every watched file.
type Snapshot = BTreeMap<PathBuf, (u64, Option<SystemTime>)>;

/// Builds once, then again after every change, until `on_event` says to stop. A failed build
/// is an event like any other ([`WatchEvent::Failed`]), and watching goes on.
pub fn watch(options: &BuildOptions, mut on_event: impl FnMut(WatchEvent) -> ControlFlow<()>) {
    let mut seen = snapshot(&options.root);
    loop {
        let started = Instant::now();
        let event = match build(options) {
            Ok(outcome) => WatchEvent::Built {
                outcome,
                elapsed: started.elapsed(),
            },
            Err(error) => WatchEvent::Failed {
                error,
                elapsed: started.elapsed(),
            },
        };
        // Old layouts of pages that no longer exist would otherwise pile up over a day's work.
        typst::comemo::evict(10);
        if on_event(event).is_break() {
            return;
        }
        seen = wait_for_change(&options.root, &seen);
    }
}

/// Blocks until the watched files change and then settle; returns the settled snapshot.
fn wait_for_change(root: &Path, seen: &Snapshot) -> Snapshot {
    loop {
        std::thread::sleep(POLL_INTERVAL);
        let now = snapshot(root);
        if now == *seen {
            continue;
        }
        let mut settled = now;
        loop {
            std::thread::sleep(SETTLE_TIME);
            let again = snapshot(root);
            if again == settled {
                return settled;
            }
            settled = again;
        }
    }
}

/// Everything a build reads: `report.toml`, `editorial.toml`, the submissions (not drafts or
/// editors' swap files) and the templates.
fn snapshot(root: &Path) -> Snapshot {
    let mut files = Snapshot::new();
    let mut add = |path: PathBuf| {
        let meta = std::fs::metadata(&path).ok();
        let stamp = meta
            .as_ref()
            .map_or((0, None), |m| (m.len(), m.modified().ok()));
        files.insert(path, stamp);
    };
    add(root.join("report.toml"));
    add(root.join("editorial.toml"));
    for (dir, keep) in [
        ("regions", is_submission_file as fn(&Path) -> bool),
        ("templates", is_template_file),
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() && keep(&path) {
                add(path);
            }
        }
    }
    files
}

/// A template or asset, not an editor's backup or swap file.
fn is_template_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    !(name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || Path::new(name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("swp")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swap_and_backup_files_are_not_watched() {
        assert!(is_template_file(Path::new("templates/style.typ")));
        assert!(!is_template_file(Path::new("templates/.style.typ.swp")));
        assert!(!is_template_file(Path::new("templates/STYLE.TYP.SWP")));
        assert!(!is_template_file(Path::new("templates/style.typ~")));
        assert!(!is_template_file(Path::new("templates/#style.typ#")));
    }
}
