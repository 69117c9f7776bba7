//! The command line's words: every subcommand and option, as clap reads them. Nothing outside
//! `cli` knows about clap: [`super`] resolves these into the library's options.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Compile regional consultation submissions into one consolidated, print-ready report.
#[derive(Debug, Parser)]
#[command(name = "consolidate", version, about)]
pub(crate) struct Cli {
    /// The project folder: holds report.toml, regions/ and optionally templates/.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub(crate) root: PathBuf,
    /// Print only problems: no progress, no summary lines.
    #[arg(long, short, global = true)]
    pub(crate) quiet: bool,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Validate, merge and typeset: out/report.pdf, out/report.typ, out/consolidated.json.
    Build {
        #[command(flatten)]
        build: BuildArgs,
        #[command(flatten)]
        edition: Edition,
        #[command(flatten)]
        draft: super::drafts::DraftArgs,
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
    },
    /// What changed between two drafts: entries added, removed, reworded (word by word),
    /// merged, split, moved, and regions added or removed; from two builds' consolidated.json,
    /// or from a draft's snapshot to the project now (--since N).
    Diff {
        #[command(flatten)]
        args: super::drafts::DiffArgs,
    },
    /// Number every entry afresh in reading order (numbers.toml), closing the gaps that drafts
    /// left: once, before publication.
    Renumber,
    /// Settle the merge decisions left to the editors: on a terminal, one item at a time, each
    /// decision written to editorial.toml at once; otherwise (or with --list) the merged
    /// entries and suggestions, with the lines to paste into editorial.toml.
    Review {
        /// How to print the review.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Print the review instead of opening the editor's desk, even on a terminal.
        #[arg(long)]
        list: bool,
    },
    /// Check report.toml and submissions without building anything.
    Validate {
        /// Submission files or folders to check [default: ROOT/regions].
        paths: Vec<PathBuf>,
        /// How to print the problems.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
    },
    /// Write regions/ID.toml: a commented skeleton submission that validates.
    Init {
        /// The submission's id: lowercase letters, digits and hyphens, e.g. west-asia.
        id: String,
    },
    /// Rebuild the report on every change to regions/, templates/, report.toml or editorial.toml.
    Watch {
        #[command(flatten)]
        build: BuildArgs,
    },
    /// List the fonts the typesetter can use and the scripts they cover.
    Fonts {
        /// Also list the fonts in this folder (repeatable).
        #[arg(long, value_name = "DIR")]
        font_path: Vec<PathBuf>,
    },
    /// Write out/validator.html: one page that checks a submission in the browser, offline,
    /// with this project's report.toml; staff send it to the hosts.
    Validator {
        /// Where to write the page [default: ROOT/out].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Print the JSON Schema of a submission, for editors' completion and checking.
    Schema,
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `consolidate man > consolidate.1`.
    Man,
}

/// What `build` and `watch` share.
#[derive(Debug, clap::Args)]
pub(crate) struct BuildArgs {
    /// Where to write the outputs [default: ROOT/out].
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Also use the fonts in this folder (repeatable), e.g. for Chinese or Japanese text.
    #[arg(long, value_name = "DIR")]
    pub(crate) font_path: Vec<PathBuf>,
    /// Treat warnings as errors.
    #[arg(long)]
    pub(crate) strict: bool,
}

/// Which PDFs `build` writes, and to which standards.
#[derive(Debug, clap::Args)]
pub(crate) struct Edition {
    /// PDF standards, comma-separated: a-2b, a-2a, ua-1, ... or none [default: a-2a,ua-1].
    #[arg(long, value_name = "LIST")]
    pub(crate) pdf_standard: Option<String>,
    /// Also write the printer's copy, out/report-print.pdf: 3 mm bleed, crop marks, CMYK.
    #[arg(long)]
    pub(crate) print: bool,
    /// Write only the proof of one submission, out/ID.pdf, for its hosts to check.
    #[arg(long, value_name = "ID", conflicts_with = "print")]
    pub(crate) region: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// For people: the source line with a caret, and help.
    Human,
    /// For tools: one JSON object.
    Json,
}
