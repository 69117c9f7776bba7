//! The draft cycle on the command line: `build --draft N | --final | --since N`,
//! `consolidate diff` and `consolidate renumber`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use consolidate::model::Date;
use consolidate::pipeline::edition::{DraftChoice, diff_files, diff_since, renumber_project};
use consolidate::{BuildOptions, Error};

use super::Output;
use super::args::Format;

/// Which edition `build` makes.
#[derive(Debug, clap::Args)]
pub(crate) struct DraftArgs {
    /// Build draft N: a band "Draft N — date — not for citation" on every page, and a snapshot
    /// in drafts/draft-N.json [default: `[draft]` in report.toml].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) draft: Option<u32>,
    /// The day the draft goes out, e.g. 2013-06-20 [default: the date of `[draft]`].
    #[arg(long, value_name = "DATE", requires = "draft", value_parser = parse_date)]
    pub(crate) draft_date: Option<Date>,
    /// Build the final edition, without the band, whatever report.toml says.
    #[arg(long = "final", conflicts_with = "draft")]
    pub(crate) final_edition: bool,
    /// Compare with the snapshot of draft N: an annex "Changes since draft N" in the report,
    /// and in a proof (--region) what changed for the region.
    #[arg(long, value_name = "N")]
    pub(crate) since: Option<u32>,
}

impl DraftArgs {
    /// Puts the choice into the build's options.
    pub(crate) fn apply(&self, options: &mut BuildOptions) {
        options.drafts.edition = if self.final_edition {
            DraftChoice::Final
        } else if let Some(number) = self.draft {
            DraftChoice::Draft {
                number,
                date: self.draft_date,
            }
        } else {
            DraftChoice::FromReport
        };
        options.drafts.since = self.since;
    }
}

/// What `consolidate diff` compares.
#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// The older build's consolidated.json.
    #[arg(required_unless_present = "since", conflicts_with = "since")]
    pub(crate) old: Option<PathBuf>,
    /// The newer build's consolidated.json.
    #[arg(required_unless_present = "since")]
    pub(crate) new: Option<PathBuf>,
    /// Compare the project as it is now with the snapshot of draft N (drafts/draft-N.json).
    #[arg(long, value_name = "N")]
    pub(crate) since: Option<u32>,
    /// How to print the changes.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,
}

/// A date as `2013-06-20`.
fn parse_date(text: &str) -> Result<Date, String> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return Err(format!("`{text}` is not a date like 2013-06-20"));
    };
    let (Ok(year), Ok(month), Ok(day)) = (year.parse(), month.parse::<u8>(), day.parse::<u8>())
    else {
        return Err(format!("`{text}` is not a date like 2013-06-20"));
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(format!("`{text}` is not a date like 2013-06-20"));
    }
    Ok(Date { year, month, day })
}

/// `consolidate diff`: prints what changed, for people or as JSON.
pub(crate) fn run_diff(root: &Path, args: &DiffArgs, out: Output) -> Result<ExitCode, Error> {
    let diff = match (&args.since, &args.old, &args.new) {
        (Some(since), _, _) => diff_since(root, *since)?,
        (None, Some(old), Some(new)) => diff_files(old, new)?,
        _ => {
            return Err(Error::usage(
                "`consolidate diff` compares two builds",
                "give two consolidated.json files, or `--since N`",
            ));
        }
    };
    let color = out.color && std::io::IsTerminal::is_terminal(&std::io::stdout());
    match args.format {
        Format::Human => print!("{}", diff.to_human(color)),
        Format::Json => print!("{}", diff.to_json()),
    }
    Ok(ExitCode::SUCCESS)
}

/// `consolidate renumber`: numbers every entry afresh in reading order.
pub(crate) fn run_renumber(root: &Path, out: Output) -> Result<ExitCode, Error> {
    let count = renumber_project(root)?;
    if !out.quiet {
        eprintln!(
            "numbered {count} entries in reading order: wrote {}",
            root.join(consolidate::drafts::numbers::NUMBERS_FILE)
                .display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
