//! How a long run reports where it is: the stages of the data flow, their timings
//! (`--timings`), and a [`Progress`] observer that the command line turns into progress bars.
//! The library never draws anything itself.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde::Serialize;

/// The stages of the data flow, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Reading and parsing `report.toml` and the submissions.
    Load,
    /// Running the rules of the submission format.
    Validate,
    /// Consolidating entries into one per concern.
    Merge,
    /// Turning the consolidated model into Typst source.
    Render,
    /// Laying the report out and exporting the PDF.
    Typeset,
    /// Writing the outputs.
    Write,
}

impl Stage {
    /// The stage's name as `--timings` prints it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Validate => "validate",
            Stage::Merge => "merge",
            Stage::Render => "render",
            Stage::Typeset => "typeset",
            Stage::Write => "write",
        }
    }
}

/// Told about a run as it goes; the CLI draws progress bars from it. Every method has a
/// default that does nothing, so an observer implements only what it shows.
pub trait Progress: Sync {
    /// A stage begins.
    fn stage(&self, _stage: Stage) {}
    /// `total` files are about to be loaded.
    fn files_found(&self, _total: usize) {}
    /// One more file was loaded (called from several threads).
    fn file_loaded(&self) {}
}

/// The observer that shows nothing: for tests, libraries and `--quiet`.
pub struct Silent;

impl Progress for Silent {}

/// How long each stage took.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Timings {
    stages: Vec<(Stage, Duration)>,
}

impl Timings {
    /// Runs one stage, telling `progress` and adding its duration (a stage may run twice, as
    /// typesetting does for the printer's copy: the times add up).
    pub fn time<T>(&mut self, stage: Stage, progress: &dyn Progress, f: impl FnOnce() -> T) -> T {
        progress.stage(stage);
        let started = Instant::now();
        let result = f();
        self.add(stage, started.elapsed());
        result
    }

    /// Adds time to a stage.
    pub fn add(&mut self, stage: Stage, elapsed: Duration) {
        if let Some((_, total)) = self.stages.iter_mut().find(|(s, _)| *s == stage) {
            *total += elapsed;
        } else {
            self.stages.push((stage, elapsed));
            self.stages.sort_by_key(|(s, _)| *s);
        }
    }

    /// The time of one stage, when it ran.
    #[must_use]
    pub fn get(&self, stage: Stage) -> Option<Duration> {
        self.stages
            .iter()
            .find(|(s, _)| *s == stage)
            .map(|(_, d)| *d)
    }

    /// All stages together.
    #[must_use]
    pub fn total(&self) -> Duration {
        self.stages.iter().map(|(_, d)| *d).sum()
    }

    /// The table `--timings` prints: one line per stage that ran, then the total.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (stage, elapsed) in &self.stages {
            let _ = writeln!(
                out,
                "  {:<9} {:>8.1} ms",
                stage.name(),
                elapsed.as_secs_f64() * 1e3
            );
        }
        let _ = writeln!(
            out,
            "  {:<9} {:>8.1} ms",
            "total",
            self.total().as_secs_f64() * 1e3
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timings_add_up_per_stage_in_order() {
        let mut timings = Timings::default();
        timings.add(Stage::Typeset, Duration::from_millis(30));
        timings.add(Stage::Load, Duration::from_millis(5));
        timings.add(Stage::Typeset, Duration::from_millis(10));
        assert_eq!(timings.get(Stage::Typeset), Some(Duration::from_millis(40)));
        assert_eq!(timings.total(), Duration::from_millis(45));
        let table = timings.render();
        assert!(table.find("load").unwrap() < table.find("typeset").unwrap());
        assert!(table.contains("total"));
    }
}
