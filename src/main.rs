#![allow(clippy::print_stdout, clippy::print_stderr)]
//! The `consolidate` command line: parses arguments, calls the library, prints the result
//! once and returns the exit code (0 success, 1 the input has errors, 2 usage or I/O).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use consolidate::{BuildOptions, Diagnostics, Error};

/// Compile regional consultation submissions into one consolidated, print-ready report.
#[derive(Debug, Parser)]
#[command(name = "consolidate", version, about)]
struct Cli {
    /// The project folder: holds report.toml, regions/ and optionally templates/.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate, merge and typeset: out/report.pdf, out/report.typ, out/consolidated.json.
    Build {
        /// Where to write the outputs [default: ROOT/out].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Also use the fonts in this folder (repeatable), e.g. for Chinese or Japanese text.
        #[arg(long, value_name = "DIR")]
        font_path: Vec<PathBuf>,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Show the merge decisions left to the editors: merged entries and near-misses, with the
    /// lines to paste into editorial.toml.
    Review {
        /// How to print the review.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Check report.toml and the submissions without building anything.
    Validate {
        /// How to print the problems.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// For people: the source line with a caret, and help.
    Human,
    /// For tools: one JSON object.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let result = match cli.command {
        Command::Build {
            out,
            font_path,
            strict,
        } => run_build(cli.root, out, font_path, strict, color),
        Command::Validate { format, strict } => run_validate(&cli.root, format, strict, color),
        Command::Review { format } => run_review(&cli.root, format, color),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if let Error::Input(diagnostics) = &err {
                eprint!("{}", diagnostics.render_human(color));
                eprintln!("error: {}; nothing was written", diagnostics.summary());
            } else {
                eprintln!("error: {err}");
            }
            ExitCode::from(err.exit_code())
        }
    }
}

fn run_build(
    root: PathBuf,
    out: Option<PathBuf>,
    font_paths: Vec<PathBuf>,
    strict: bool,
    color: bool,
) -> Result<ExitCode, Error> {
    let mut options = BuildOptions::new(root);
    if let Some(out) = out {
        options.out = out;
    }
    options.font_paths = font_paths;
    options.strict = strict;
    options.source_date_epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse().ok());
    let outcome = consolidate::build(&options)?;
    eprint!("{}", outcome.diagnostics.render_human(color));
    eprintln!("{}", outcome.account());
    eprintln!(
        "wrote {} ({} pages){}",
        outcome
            .pdf
            .strip_prefix(".")
            .unwrap_or(&outcome.pdf)
            .display(),
        outcome.pages,
        warnings_note(&outcome.diagnostics)
    );
    Ok(ExitCode::SUCCESS)
}

fn run_validate(
    root: &std::path::Path,
    format: Format,
    strict: bool,
    color: bool,
) -> Result<ExitCode, Error> {
    let diagnostics = match consolidate::build::load_and_validate(root, strict) {
        Ok((_, diagnostics)) => diagnostics,
        Err(Error::Input(diagnostics)) => *diagnostics,
        Err(other) => return Err(other),
    };
    match format {
        Format::Human => {
            eprint!("{}", diagnostics.render_human(color));
            eprintln!("{}", diagnostics.summary());
        }
        Format::Json => println!("{}", diagnostics.to_json()),
    }
    Ok(if diagnostics.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_review(root: &std::path::Path, format: Format, color: bool) -> Result<ExitCode, Error> {
    let prepared = consolidate::build::prepare(root, false)?;
    let review = consolidate::review::Review::of(&prepared);
    eprint!("{}", prepared.diagnostics.render_human(color));
    match format {
        Format::Human => print!("{}", review.render_human()),
        Format::Json => println!("{}", review.to_json()),
    }
    Ok(ExitCode::SUCCESS)
}

fn warnings_note(diagnostics: &Diagnostics) -> String {
    match diagnostics.warnings() {
        0 => String::new(),
        1 => ", 1 warning".to_owned(),
        n => format!(", {n} warnings"),
    }
}
