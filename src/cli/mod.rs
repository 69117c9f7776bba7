//! The command line. In: the arguments and the environment. Out: what the commands print and
//! the exit code (0 success, 1 the input has errors, 2 usage, project or I/O, 3 a bug). It
//! resolves [`args`] into the library's options, calls the library, and prints the result once;
//! [`terminal`] draws progress bars, and [`desk`] is the interactive review.

mod args;
mod desk;
mod drafts;
mod terminal;

use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use consolidate::pipeline::watch::WatchEvent;
use consolidate::progress::Timings;
use consolidate::{BuildOptions, Diagnostics, Error};

use args::{BuildArgs, Cli, Command, Edition, Format};
use terminal::Bars;

/// How output looks: decided once from the terminal, `NO_COLOR` and `--quiet`.
#[derive(Debug, Clone, Copy)]
struct Output {
    color: bool,
    progress: bool,
    quiet: bool,
}

/// Parses the arguments, runs the command, prints an error once, and returns the exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let terminal = std::io::stderr().is_terminal();
    let out = Output {
        color: terminal && std::env::var_os("NO_COLOR").is_none(),
        progress: terminal && !cli.quiet,
        quiet: cli.quiet,
    };
    let root = cli.root;
    let result = match cli.command {
        Command::Build {
            build,
            edition,
            draft,
            timings,
        } => build_options(root, build, Some(edition)).and_then(|mut o| {
            draft.apply(&mut o);
            run_build(&o, timings, out)
        }),
        Command::Diff { args } => drafts::run_diff(&root, &args, out),
        Command::Renumber => drafts::run_renumber(&root, out),
        Command::Validate {
            paths,
            format,
            strict,
            timings,
        } => run_validate(&root, &paths, format, strict, timings, out),
        Command::Init { id } => run_init(&root, &id, out),
        Command::Review { format, list } => run_review(&root, format, list, out),
        Command::Watch { build } => build_options(root, build, None).map(|o| run_watch(&o, out)),
        Command::Fonts { font_path } => run_fonts(&font_path),
        Command::Validator { out: dir } => run_validator(&root, dir, out),
        Command::Schema => {
            print!("{}", consolidate::input::schema::submission_schema_text());
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "consolidate",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => run_man(),
    };
    result.unwrap_or_else(|err| {
        if let Error::Input(diagnostics) = &err {
            eprint!("{}", diagnostics.render_human(out.color));
            // A failed typesetting writes its source for the editors to read (its diagnostic
            // names the file); the outputs themselves are never touched by a failure.
            let failed_typesetting = diagnostics
                .diagnostics
                .iter()
                .any(|d| d.code == consolidate::diagnostic::Code::Typesetting);
            let outcome = if failed_typesetting {
                "the earlier outputs are kept"
            } else {
                "nothing was written"
            };
            eprintln!("error: {}; {outcome}", diagnostics.summary());
        } else {
            eprintln!("error: {err}");
        }
        ExitCode::from(err.exit_code())
    })
}

/// The build settings, resolved from the arguments and `SOURCE_DATE_EPOCH` before any work.
fn build_options(
    root: PathBuf,
    args: BuildArgs,
    edition: Option<Edition>,
) -> Result<BuildOptions, Error> {
    let mut options = BuildOptions::new(root);
    if let Some(out) = args.out {
        options.out = out;
    }
    options.font_paths = args.font_path;
    options.strict = args.strict;
    options.source_date_epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse().ok());
    if let Some(edition) = edition {
        if let Some(list) = &edition.pdf_standard {
            options.standards = consolidate::publish::pdf::PdfProfile::parse(list)?;
        }
        options.print = edition.print;
        options.region = edition.region;
    }
    Ok(options)
}

/// A path as the user would type it: without a leading `./`.
fn shown(path: &Path) -> std::path::Display<'_> {
    path.strip_prefix(".").unwrap_or(path).display()
}

fn run_build(options: &BuildOptions, timings: bool, out: Output) -> Result<ExitCode, Error> {
    let bars = Bars::new(out.progress);
    let outcome = consolidate::pipeline::compile::build_with(options, &bars);
    bars.finish();
    let outcome = outcome?;
    eprint!("{}", outcome.diagnostics.render_human(out.color));
    if !out.quiet {
        eprintln!("{}", outcome.read);
        eprintln!("{}", outcome.account());
        let pdf = shown(&outcome.pdf);
        let note = warnings_note(&outcome.diagnostics);
        eprintln!("wrote {pdf} ({} pages){note}", outcome.pages);
        if let Some(print) = &outcome.print {
            eprintln!("wrote {} (printer's copy)", shown(print));
        }
        for removed in &outcome.removed {
            eprintln!(
                "removed {} (the printer's copy of an earlier report; add --print for a new one)",
                shown(removed)
            );
        }
        for stale in &outcome.stale {
            let id = stale.file_stem().unwrap_or_default().to_string_lossy();
            eprintln!(
                "note: {} is stale (its submission changed or is gone); run `consolidate build --region {id}` for a new proof",
                shown(stale)
            );
        }
    }
    if timings {
        print_timings(&outcome.timings);
    }
    Ok(ExitCode::SUCCESS)
}

fn run_validate(
    root: &Path,
    paths: &[PathBuf],
    format: Format,
    strict: bool,
    timings: bool,
    out: Output,
) -> Result<ExitCode, Error> {
    let bars = Bars::new(out.progress && format == Format::Human);
    let mut stages = Timings::default();
    let diagnostics =
        consolidate::pipeline::prepare::validate_with(root, paths, strict, &bars, &mut stages);
    bars.finish();
    let consolidate::pipeline::prepare::Validated { diagnostics, read } = diagnostics?;
    match format {
        Format::Human => {
            eprint!("{}", diagnostics.render_human(out.color));
            if !out.quiet {
                eprintln!("{read}");
                eprintln!("{}", diagnostics.summary());
            }
        }
        Format::Json => println!("{}", diagnostics.to_json()),
    }
    if timings {
        print_timings(&stages);
    }
    Ok(if diagnostics.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_timings(timings: &Timings) {
    eprint!("timings:\n{}", timings.render());
}

fn warnings_note(diagnostics: &Diagnostics) -> String {
    match diagnostics.warnings() {
        0 => String::new(),
        1 => ", 1 warning".to_owned(),
        n => format!(", {n} warnings"),
    }
}

fn run_init(root: &Path, id: &str, out: Output) -> Result<ExitCode, Error> {
    let done = consolidate::input::skeleton::init(root, id)?;
    if !out.quiet {
        eprintln!("wrote {}", shown(&done.submission));
        if let Some(schema) = &done.schema {
            eprintln!(
                "wrote {} (editors use it to complete and check fields)",
                shown(schema)
            );
        }
        eprintln!(
            "next: replace the examples, then run `consolidate validate {}`",
            shown(&done.submission)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run_validator(root: &Path, dir: Option<PathBuf>, out: Output) -> Result<ExitCode, Error> {
    let dir = dir.unwrap_or_else(|| root.join("out"));
    let page = consolidate::pipeline::validator::write_validator(root, &dir)?;
    if !out.quiet {
        eprintln!(
            "wrote {}: send it to the hosts; it checks a submission in any current browser, offline, and sends nothing",
            shown(&page)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run_man() -> Result<ExitCode, Error> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .and_then(|()| std::io::stdout().write_all(&page))
        .map_err(|e| Error::io("write", Path::new("the manual page"), e))?;
    Ok(ExitCode::SUCCESS)
}

fn run_watch(options: &BuildOptions, out: Output) -> ExitCode {
    eprintln!(
        "watching {} (report.toml, regions/, templates/, editorial.toml); press Ctrl-C to stop",
        shown(&options.root)
    );
    consolidate::pipeline::watch::watch(options, |event| {
        match event {
            WatchEvent::Built { outcome, elapsed } => {
                eprint!("{}", outcome.diagnostics.render_human(out.color));
                let note = warnings_note(&outcome.diagnostics);
                let pdf = shown(&outcome.pdf);
                eprintln!("rebuilt {pdf} in {:.2} s{note}", elapsed.as_secs_f64());
            }
            WatchEvent::Failed { error, elapsed } => {
                if let Error::Input(diagnostics) = &error {
                    eprint!("{}", diagnostics.render_human(out.color));
                }
                eprintln!(
                    "build failed after {:.2} s: {error}; the last good PDF is kept, waiting for changes",
                    elapsed.as_secs_f64()
                );
            }
        }
        ControlFlow::Continue(())
    });
    ExitCode::SUCCESS
}

fn run_fonts(font_paths: &[PathBuf]) -> Result<ExitCode, Error> {
    let fonts = consolidate::publish::fonts::FontSet::with_paths(font_paths)?;
    for file in &fonts.unreadable {
        eprintln!(
            "warning: {} holds no font the typesetter can read; it is skipped",
            shown(file)
        );
    }
    println!(
        "{:<22} {:<7} {:>6}  {:<10} scripts",
        "family", "style", "weight", "source"
    );
    for font in fonts.summaries() {
        let source = if font.embedded {
            "built in"
        } else {
            "font path"
        };
        println!(
            "{:<22} {:<7} {:>6}  {:<10} {}",
            font.family,
            font.style,
            font.weight,
            source,
            font.scripts.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run_review(root: &Path, format: Format, list: bool, out: Output) -> Result<ExitCode, Error> {
    let prepared = match consolidate::pipeline::prepare::prepare(root, false) {
        Ok(prepared) => prepared,
        // A tool asked for JSON gets JSON, problems included, in the shape `validate` prints.
        Err(Error::Input(diagnostics)) if format == Format::Json => {
            println!("{}", diagnostics.to_json());
            return Ok(ExitCode::from(1));
        }
        Err(error) => return Err(error),
    };
    let review = consolidate::consolidate::review::Review::new(
        &prepared.consolidated,
        prepared.project.submissions.len(),
    );
    eprint!("{}", prepared.diagnostics.render_human(out.color));
    let interactive = format == Format::Human
        && !list
        && std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal();
    if interactive {
        let editorial = root.join(consolidate::model::editorial::EDITORIAL_FILE);
        let state = root.join("out").join(".review-desk");
        // After each decision the desk builds the review again from the files, so that no
        // item shows a group the editors have since split or joined.
        let project_root = root.to_owned();
        let reload = desk::Reload::new(move || {
            let prepared = consolidate::pipeline::prepare::prepare(&project_root, false).ok()?;
            let review = consolidate::consolidate::review::Review::new(
                &prepared.consolidated,
                prepared.project.submissions.len(),
            );
            Some(desk::DeskItem::all(&review))
        });
        let summary = desk::run(&review, &editorial, &state, reload)
            .map_err(|e| Error::io("run the editor's desk on", &editorial, e))?;
        if !out.quiet {
            eprintln!(
                "took {} at the desk ({} pressed), written to {}; run `consolidate build` to see them in the report",
                consolidate::consolidate::review::plural(
                    summary.decisions,
                    "decision",
                    "decisions"
                ),
                consolidate::consolidate::review::plural(summary.keystrokes, "key", "keys"),
                shown(&editorial)
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    match format {
        Format::Human => print!("{}", review.render_human()),
        Format::Json => println!("{}", review.to_json()),
    }
    Ok(ExitCode::SUCCESS)
}
