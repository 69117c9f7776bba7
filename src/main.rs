#![allow(clippy::print_stdout, clippy::print_stderr)]
//! The `consolidate` command line: parses arguments, calls the library, prints the result
//! once and returns the exit code (0 success, 1 the input has errors, 2 usage or I/O).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
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
        #[command(flatten)]
        edition: Edition,
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
    },
    /// Write regions/ID.toml: a commented skeleton submission that validates.
    Init {
        /// The submission's id: lowercase letters, digits and hyphens, e.g. west-asia.
        id: String,
    },
    /// Rebuild the report on every change to regions/, templates/, report.toml or editorial.toml.
    Watch {
        /// Where to write the outputs [default: ROOT/out].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Also use the fonts in this folder (repeatable).
        #[arg(long, value_name = "DIR")]
        font_path: Vec<PathBuf>,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Print the JSON Schema of a submission, for editors' completion and checking.
    Schema,
    /// Print a shell completion script, e.g. `consolidate completions bash > /etc/bash_completion.d/consolidate`.
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `consolidate man > consolidate.1`.
    Man,
}

/// Which PDFs `build` writes, and to which standards.
#[derive(Debug, clap::Args)]
struct Edition {
    /// PDF standards, comma-separated: a-2b, a-2a, ua-1, ... or none [default: a-2a,ua-1].
    #[arg(long, value_name = "LIST")]
    pdf_standard: Option<String>,
    /// Also write the printer's copy, out/report-print.pdf: 3 mm bleed, crop marks, CMYK.
    #[arg(long)]
    print: bool,
    /// Write only the proof of one submission, out/ID.pdf, for its hosts to check.
    #[arg(long, value_name = "ID", conflicts_with = "print")]
    region: Option<String>,
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
            edition,
        } => run_build(cli.root, out, font_path, strict, edition, color),
        Command::Validate {
            paths,
            format,
            strict,
        } => run_validate(&cli.root, &paths, format, strict, color),
        Command::Init { id } => run_init(&cli.root, &id),
        Command::Watch {
            out,
            font_path,
            strict,
        } => run_watch(build_options(cli.root, out, font_path, strict), color),
        Command::Schema => {
            print!("{}", consolidate::schema::submission_schema_text());
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "consolidate", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => run_man(),
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
    edition: Edition,
    color: bool,
) -> Result<ExitCode, Error> {
    let mut options = build_options(root, out, font_paths, strict);
    if let Some(list) = &edition.pdf_standard {
        options.standards = consolidate::typeset::PdfProfile::parse(list)?;
    }
    options.print = edition.print;
    options.region = edition.region;
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
    if let Some(print) = &outcome.print {
        let shown = print.strip_prefix(".").unwrap_or(print);
        eprintln!("wrote {} (printer's copy)", shown.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn run_validate(
    root: &Path,
    paths: &[PathBuf],
    format: Format,
    strict: bool,
    color: bool,
) -> Result<ExitCode, Error> {
    let diagnostics = consolidate::build::validate(root, paths, strict)?;
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

fn warnings_note(diagnostics: &Diagnostics) -> String {
    match diagnostics.warnings() {
        0 => String::new(),
        1 => ", 1 warning".to_owned(),
        n => format!(", {n} warnings"),
    }
}

fn run_init(root: &Path, id: &str) -> Result<ExitCode, Error> {
    let done = consolidate::init::init(root, id)?;
    eprintln!("wrote {}", done.submission.display());
    if let Some(schema) = done.schema {
        eprintln!(
            "wrote {} (editors use it to complete and check fields)",
            schema.display()
        );
    }
    eprintln!(
        "next: replace the examples, then run `consolidate validate {}`",
        done.submission.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn run_man() -> Result<ExitCode, Error> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| Error::io("write", Path::new("the manual page"), e))?;
    use std::io::Write;
    std::io::stdout()
        .write_all(&page)
        .map_err(|e| Error::io("write", Path::new("standard output"), e))?;
    Ok(ExitCode::SUCCESS)
}

/// The build settings shared by `build` and `watch`, resolved from the arguments and
/// `SOURCE_DATE_EPOCH`.
fn build_options(
    root: PathBuf,
    out: Option<PathBuf>,
    font_paths: Vec<PathBuf>,
    strict: bool,
) -> BuildOptions {
    let mut options = BuildOptions::new(root);
    if let Some(out) = out {
        options.out = out;
    }
    options.font_paths = font_paths;
    options.strict = strict;
    options.source_date_epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse().ok());
    options
}

fn run_watch(options: BuildOptions, color: bool) -> Result<ExitCode, Error> {
    eprintln!(
        "watching {} (report.toml, regions/, templates/, editorial.toml); press Ctrl-C to stop",
        options.root.display()
    );
    consolidate::watch::watch(&options, |event| {
        match event {
            consolidate::watch::WatchEvent::Built { outcome, elapsed } => {
                eprint!("{}", outcome.diagnostics.render_human(color));
                eprintln!(
                    "rebuilt {} in {:.2} s{}",
                    outcome.pdf.display(),
                    elapsed.as_secs_f64(),
                    warnings_note(&outcome.diagnostics)
                );
            }
            consolidate::watch::WatchEvent::Failed { error, elapsed } => {
                if let Error::Input(diagnostics) = &error {
                    eprint!("{}", diagnostics.render_human(color));
                }
                eprintln!(
                    "build failed after {:.2} s: {error}; the last good PDF is kept, waiting for changes",
                    elapsed.as_secs_f64()
                );
            }
        }
        std::ops::ControlFlow::Continue(())
    })?;
    Ok(ExitCode::SUCCESS)
}
