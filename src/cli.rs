//! The command line: parsing arguments (clap), running a command and turning its result into
//! text and an exit code. The only place that prints.
//!
//! Exit codes: 0 success, 1 the site's files have errors (nothing published), 2 usage errors.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use crate::diagnostics::{Diagnostic, Severity};
use crate::site::{BuildError, BuildOptions};

#[derive(Parser, Debug)]
#[command(
    name = "policypress",
    version,
    about = "Builds a school's online-safety policies, pupil charters and parent guides into an accessible website",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the site into its output folder (default `public/`)
    Build {
        /// The site's folder (the one with site.toml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: `output_dir` from site.toml, inside --root)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Publish one school only, as a single-school site
        #[arg(long, value_name = "SLUG")]
        school: Option<String>,
    },
    /// Create a new site with example content to start from
    New {
        /// The folder to create (must not exist, or be empty)
        dir: PathBuf,
    },
    /// Internal: remove an output tree replaced by a build
    #[command(name = "__remove-tree", hide = true)]
    RemoveTree { dir: PathBuf },
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Build { root, out, school } => build(root, out, school),
        Command::New { dir } => match crate::scaffold::create(&dir) {
            Ok(()) => {
                println!("Created a new site in {}.", dir.display());
                println!("Next: cd {} && policypress build", dir.display());
                println!("Then open public/index.html, and edit the files in content/ (see docs/content.md).");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Command::RemoveTree { dir } => match crate::output::remove_tree(&dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::from(1),
        },
    }
}

fn print_diagnostics(diags: &[Diagnostic]) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for d in diags {
        let _ = writeln!(err, "{d}");
    }
    let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = diags.len() - errors;
    if errors + warnings > 0 {
        let _ = writeln!(
            err,
            "{} error{}, {} warning{}",
            errors,
            if errors == 1 { "" } else { "s" },
            warnings,
            if warnings == 1 { "" } else { "s" }
        );
    }
}

fn build(root: PathBuf, out: Option<PathBuf>, school: Option<String>) -> ExitCode {
    let started = Instant::now();
    let opts = BuildOptions { school };
    match crate::build(&root, out.as_deref(), &opts) {
        Ok(report) => {
            print_diagnostics(&report.warnings);
            println!(
                "Built {} pages ({} files, {} KB, {} unchanged) into {} in {} ms.",
                report.pages,
                report.files,
                report.bytes / 1024,
                report.reused,
                report.out.display(),
                started.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(BuildError::Content(diags)) => {
            print_diagnostics(&diags);
            eprintln!("Nothing was published: fix the errors above and build again.");
            ExitCode::from(1)
        }
        Err(BuildError::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(e @ BuildError::Io { .. }) => {
            eprintln!("error: {e}");
            eprintln!("Nothing was published.");
            ExitCode::from(1)
        }
    }
}
