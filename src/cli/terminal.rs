//! What the command line draws on a terminal while it works: one progress bar that counts the
//! files as they load, then names the stage it is in. Part of the binary, not the library:
//! the library only reports progress (see `consolidate::progress`).

use std::time::Duration;

use consolidate::progress::{Progress, Stage};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The progress shown on standard error, or nothing when it is not a terminal (or `--quiet`,
/// or JSON output).
pub struct Bars {
    bar: ProgressBar,
}

impl Bars {
    /// Draws only when `visible`.
    pub fn new(visible: bool) -> Bars {
        let target = if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.enable_steady_tick(Duration::from_millis(120));
        Bars { bar }
    }

    /// Clears the bar before the results are printed.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bars {
    fn files_found(&self, total: usize) {
        self.bar.set_length(total as u64);
        self.bar.set_position(0);
        self.bar.set_style(
            ProgressStyle::with_template("{spinner} loading {pos}/{len} files {wide_bar}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
    }

    fn file_loaded(&self) {
        self.bar.inc(1);
    }

    fn stage(&self, stage: Stage) {
        if stage == Stage::Load {
            return;
        }
        self.bar.set_style(
            ProgressStyle::with_template("{spinner} {msg}…")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        let message = match stage {
            Stage::Load => "loading",
            Stage::Validate => "checking the submissions",
            Stage::Merge => "consolidating entries",
            Stage::Render => "rendering the report",
            Stage::Typeset => "typesetting",
            Stage::Write => "writing",
        };
        self.bar.set_message(message);
    }
}
