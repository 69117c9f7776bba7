//! The `consolidate` command line; everything it does is in [`cli`].

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
