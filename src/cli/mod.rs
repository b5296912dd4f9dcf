//! The command line: parsing arguments (clap), running a command and turning its result into
//! text and an exit code. The only place that prints.
//!
//! Exit codes (also in `--help` and the README):
//! - 0: success.
//! - 1: the site's files have errors; nothing was published.
//! - 2: the command was used wrongly (or the output folder was refused).
//! - 3: reading or writing files failed; nothing was published, the last good output is
//!   untouched. Run again once the disk, permissions or paths are fixed.

mod import;
mod progress;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use crate::dates::Date;
use crate::diagnostics::Diagnostic;
use crate::report::Format;
use crate::site::{BuildError, BuildOptions};

/// The parsed command line: which `policypress` command to run, with its arguments.
#[derive(Parser, Debug)]
#[command(
    name = "policypress",
    version,
    about = "Builds a school's online-safety policies, pupil charters and parent guides into an accessible website",
    long_about = None,
    after_help = EXIT_CODES_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Debug)]
struct SiteArgs {
    /// The site's folder (the one with site.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Publish one school only, as a single-school site
    #[arg(long, value_name = "SLUG")]
    school: Option<String>,
    /// Check review dates as of this day (YYYY-MM-DD) instead of today
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    today: Option<Date>,
    /// Also check links to other websites (slower; results are cached for a week)
    #[arg(long)]
    external: bool,
}

fn parse_date(s: &str) -> Result<Date, String> {
    let d = crate::dates::parse_school_date(s).map_err(|e| format!("{}: {}", e.message, e.hint))?;
    Ok(d.start)
}

impl SiteArgs {
    fn options(&self) -> BuildOptions {
        BuildOptions {
            school: self.school.clone(),
            today: self.today,
            external: self.external,
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check the site and build it into its output folder (default `public/`)
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site (default: `output_dir` from site.toml, inside --root)
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check the site against the publishing rules, with a build's verdict, publishing nothing
    // (Its help lists the rules after the options, from the registry: see `rules_help`.)
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// How to print the findings
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Preview the site in a browser, rebuilding pages as their files are saved
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// The port to listen on (0 picks a free one)
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// The address to listen on; anything but 127.0.0.1 makes the preview visible to others
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Open the preview in the default browser
        #[arg(long)]
        open: bool,
    },
    /// Show every policy with its version, approval and review dates, and whether it is current
    Status {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Say what is set up for publishing and what is missing
    ///
    /// Looks at what a build needs from the school rather than at the documents (that is
    /// `check`): the address the site is published at, the CEOP contact, each school's logo,
    /// contact details and safeguarding lead, the pupil roster and its key, and whether the
    /// print fonts can draw every character the documents use. Exits 1 when something is
    /// missing.
    Doctor {
        /// The site's folder (the one with site.toml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a new site with example content to start from
    New {
        /// The folder to create (must not exist, or be empty)
        dir: PathBuf,
    },
    /// Bring a school's Word policies (.docx) or saved web pages (.html) into the site as
    /// Markdown, with a report of what to look at
    ///
    /// Each file becomes one document in content/ (a policy, a pupils' agreement as a
    /// charter, a guide or a page), with its approval facts in front matter; text a person
    /// must decide (highlighted to amend, Word comments, empty cells) is marked so `check`
    /// fails until it is dealt with. Importing the same file again changes nothing; a file
    /// that was edited since is kept unless --force is given. See docs/import.md.
    Import {
        /// The Word files (.docx), or policy pages saved from the school's website (.html)
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The site's folder (the one with site.toml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The kind of document to make (default: a charter if it reads like a pupils'
        /// agreement, a policy if it states approval facts or calls itself one, else a page)
        #[arg(long, value_enum)]
        kind: Option<crate::import::ImportKind>,
        /// Import into one school's own folder (content/schools/<slug>/), in its words: a
        /// document for that school only, or its own copy of a shared one
        #[arg(long, value_name = "SLUG")]
        school: Option<String>,
        /// Replace a document that differs from what the import makes (it may hold edits)
        #[arg(long)]
        force: bool,
        /// Show what would be written, and write nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Manage the pupil roster used to find pupils' full names
    Roster {
        #[command(subcommand)]
        command: RosterCommand,
    },
    /// Internal: remove output trees replaced by a build
    #[command(name = "__remove-tree", hide = true)]
    RemoveTree { dirs: Vec<PathBuf> },
}

#[derive(Subcommand, Debug)]
enum RosterCommand {
    /// Read a pupil export (CSV) and write the roster file: keyed hashes only, no names
    ///
    /// The hashes are made with a secret roster key kept outside the site: the environment
    /// variable POLICYPRESS_ROSTER_KEY (64 hex characters), or else a key file (--key-file,
    /// POLICYPRESS_ROSTER_KEY_FILE, `key_file` under [rules.pupil-full-name], or
    /// ~/.config/policypress/roster.key), created with mode 0600 when there is none.
    Import {
        /// The export from the school's information system
        file: PathBuf,
        /// The site's folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The column with pupils' legal forenames
        #[arg(long, default_value = "Forename")]
        forename: String,
        /// The column with pupils' surnames
        #[arg(long, default_value = "Surname")]
        surname: String,
        /// The column with preferred forenames (skipped if the export has none)
        #[arg(long, default_value = "Preferred forename")]
        preferred: String,
        /// Where to write the roster (default: `roster` from [rules.pupil-full-name], or roster.toml)
        #[arg(long)]
        out: Option<PathBuf>,
        /// The roster key file (outside the site; made if missing)
        #[arg(long)]
        key_file: Option<PathBuf>,
    },
    /// Say where the roster key is, or print it (--show) to save it as a CI secret
    ///
    /// In GitHub Actions, save the printed key as the repository secret
    /// POLICYPRESS_ROSTER_KEY and give it to the build step:
    /// `env: POLICYPRESS_ROSTER_KEY: ${{ secrets.POLICYPRESS_ROSTER_KEY }}`.
    Key {
        /// The site's folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The roster key file
        #[arg(long)]
        key_file: Option<PathBuf>,
        /// Print the key itself (64 hex characters): keep it secret
        #[arg(long)]
        show: bool,
    },
}

/// The `check` command's help after its options: every rule, from the registry.
fn rules_help() -> String {
    let ids: Vec<&str> = crate::ruleset::all().map(|r| r.id).collect();
    let mut lines =
        vec!["Rules (set each one's severity in site.toml under [rules.<id>]):".to_string()];
    let mut line = String::from(" ");
    for (i, id) in ids.iter().enumerate() {
        let word = if i + 1 == ids.len() {
            format!(" {id}. See docs/rules.md.")
        } else {
            format!(" {id},")
        };
        if line.len() + word.len() > 90 {
            lines.push(std::mem::replace(&mut line, String::from(" ")));
        }
        line.push_str(&word);
    }
    lines.push(line);
    lines.push("Always errors: unsafe-link (a javascript:, data: or other non-web address), and mistakes\n  that stop the site being read.".into());
    lines.push(String::new());
    lines.push("Exit codes: 0 no errors, 1 errors found, 2 usage error, 3 reading or writing files failed.".into());
    lines.join("\n")
}

const EXIT_CODES_HELP: &str = "Exit codes:
  0  done
  1  the site's files have errors: nothing was published
  2  the command was used wrongly (or the output folder was refused)
  3  reading or writing files failed (disk full, no permission, a file where a folder
     should be): nothing was published, and the last good output is untouched";

/// Exit code 3: reading or writing files failed.
const IO_FAILED: u8 = 3;

/// The exit code of a run that found `diags`: 3 when a file could not be read (the check is
/// incomplete, and it is not the content's fault), otherwise 1 when there are errors.
fn findings_exit(diags: &[Diagnostic]) -> ExitCode {
    if diags.iter().any(|d| d.is_error() && d.rule == "io") {
        ExitCode::from(IO_FAILED)
    } else if diags.iter().any(Diagnostic::is_error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Parses the process's arguments, runs the command they name, prints its results and
/// returns the exit code described in this module's documentation.
pub fn main() -> ExitCode {
    let command = <Cli as clap::CommandFactory>::command()
        .version(&*Box::leak(version().into_boxed_str()))
        .mut_subcommand("check", |c| c.after_help(rules_help()));
    let cli = match command
        .try_get_matches()
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Build { site, out } => build(&site, out),
        Command::Check { site, format } => check(&site, format),
        Command::Status { site } => status(&site),
        Command::Doctor { root } => doctor(&root),
        Command::Serve {
            site,
            port,
            bind,
            open,
        } => serve(&site, port, bind, open),
        Command::Roster {
            command:
                RosterCommand::Import {
                    file,
                    root,
                    forename,
                    surname,
                    preferred,
                    out,
                    key_file,
                },
        } => roster_import(&file, &root, forename, surname, preferred, out, key_file),
        Command::Roster {
            command:
                RosterCommand::Key {
                    root,
                    key_file,
                    show,
                },
        } => roster_key(&root, key_file, show),
        Command::Import {
            files,
            root,
            kind,
            school,
            force,
            dry_run,
        } => import::import(&files, &root, kind, school.as_deref(), force, dry_run),
        Command::New { dir } => match crate::scaffold::create(&dir) {
            Ok(()) => {
                println!("Created a new site in {}.", dir.display());
                println!("Next: cd {} && policypress build", dir.display());
                println!(
                    "Then open public/index.html, and edit the files in content/ (see docs/content.md)."
                );
                println!(
                    "To publish: `policypress doctor` says what is still to set up; pushed to GitHub, {} checks every pull request and publishes to GitHub Pages (see docs/publishing.md).",
                    crate::scaffold::WORKFLOW
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Command::RemoveTree { dirs } => {
            let failed = dirs
                .iter()
                .filter(|d| crate::output::remove_tree(d).is_err())
                .count();
            ExitCode::from(u8::from(failed > 0))
        }
    }
}

fn print_diagnostics(diags: &[Diagnostic]) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for d in diags {
        let _ = writeln!(err, "{d}");
    }
    if !diags.is_empty() {
        let _ = writeln!(err, "{}", crate::report::summary(diags));
    }
}

fn check(site: &SiteArgs, format: Format) -> ExitCode {
    match crate::check(&site.root, &site.options()) {
        Ok(diags) => {
            let text = match format {
                Format::Human if diags.is_empty() => "No problems found.\n".to_string(),
                Format::Human => crate::report::human(&diags),
                Format::Json => crate::report::json(&diags) + "\n",
                Format::Github => crate::report::github(&diags),
                Format::Sarif => crate::report::sarif(&diags) + "\n",
            };
            print!("{text}");
            findings_exit(&diags)
        }
        Err(BuildError::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(IO_FAILED)
        }
    }
}

/// Prints what the preview did, one line an event.
fn show_serve_event(event: crate::serve::Event) {
    use crate::serve::Event;
    let mistakes = |n: usize| plural(n, "mistake", "mistakes");
    match event {
        Event::Serving { files, url, errors } => {
            println!("Serving {files} files at {url} (press Ctrl-C to stop)");
            if errors > 0 {
                println!(
                    "The site has {}: they are shown on every page.",
                    mistakes(errors)
                );
            }
        }
        Event::Rebuilt {
            what,
            millis,
            errors,
        } => {
            let shown = if errors > 0 {
                format!(" ({} shown on the pages)", mistakes(errors))
            } else {
                String::new()
            };
            println!("Rebuilt {what} in {millis} ms{shown}");
        }
        Event::Mistakes => println!("The site has mistakes: they are shown on every page."),
        Event::Unreadable(e) => eprintln!("error: {e}"),
        Event::Crashed(what) => {
            eprintln!("error: PolicyPress failed on this change (a bug, please report it): {what}")
        }
        Event::Exported {
            made,
            format,
            millis,
        } => println!(
            "Made {} in {millis} ms",
            plural(made, format, &format!("{format}s"))
        ),
        Event::Stopped => println!("Stopped."),
    }
}

/// "1 PDF", "2 PDFs".
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn serve(args: &SiteArgs, port: u16, bind: String, open: bool) -> ExitCode {
    let loopback = bind == "localhost"
        || bind
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        eprintln!(
            "warning: serving on {bind}: other computers on the network can see this preview, drafts included"
        );
    }
    let opts = crate::serve::ServeOptions {
        root: args.root.clone(),
        bind,
        port,
        open,
        build: args.options(),
        events: std::sync::Arc::new(show_serve_event),
    };
    match crate::serve::serve(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(crate::serve::ServeError::Build(BuildError::Content(diags))) => {
            print_diagnostics(&diags);
            findings_exit(&diags)
        }
        Err(crate::serve::ServeError::Build(BuildError::Usage(msg))) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(e @ crate::serve::ServeError::Build(BuildError::Io { .. })) => {
            eprintln!("error: {e}");
            ExitCode::from(IO_FAILED)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn doctor(root: &std::path::Path) -> ExitCode {
    println!("{}", version_line());
    println!("The setup of the site in {}:", root.display());
    let site = match loaded(crate::site::load(root, &BuildOptions::default())) {
        Ok(site) => site,
        Err(code) => {
            eprintln!(
                "error: the site's settings could not be read, so the rest of its setup was not looked at"
            );
            eprintln!("hint: fix the errors above, then run `policypress doctor` again");
            return code;
        }
    };
    let (text, missing) = crate::doctor::render(&crate::doctor::report(&site));
    print!("{text}");
    ExitCode::from(u8::from(missing))
}

/// A loaded site, or its load's errors printed and the exit code they mean.
fn loaded(result: Result<crate::site::Site, BuildError>) -> Result<crate::site::Site, ExitCode> {
    match result {
        Ok(site) => Ok(site),
        Err(BuildError::Content(diags)) => {
            print_diagnostics(&diags);
            Err(findings_exit(&diags))
        }
        Err(BuildError::Usage(msg)) => {
            eprintln!("error: {msg}");
            Err(ExitCode::from(2))
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(ExitCode::from(IO_FAILED))
        }
    }
}

/// `PolicyPress 0.3.0 (commit 5ae9f13c0d1e)`: the version, and the commit it was built from
/// when the binary was built from a git checkout.
fn version_line() -> String {
    format!("PolicyPress {}", version())
}

/// The version `--version` prints: the crate's version and, when known, the commit.
fn version() -> String {
    match policypress_build_info::COMMIT {
        "" => env!("CARGO_PKG_VERSION").to_string(),
        commit => format!("{} (commit {commit})", env!("CARGO_PKG_VERSION")),
    }
}

fn status(args: &SiteArgs) -> ExitCode {
    let site = match loaded(crate::site::load(&args.root, &args.options())) {
        Ok(site) => site,
        Err(code) => return code,
    };
    let rows = crate::site::status(&site);
    let multi = site.config.multi_school();
    let mut table: Vec<[String; 6]> = vec![[
        "School".into(),
        "Policy".into(),
        "Version".into(),
        "Approved".into(),
        "Next review".into(),
        "Status".into(),
    ]];
    for r in &rows {
        table.push([
            r.school.clone(),
            r.title.clone(),
            r.version.clone(),
            r.approved.clone(),
            r.next_review.clone(),
            r.status.words().to_string(),
        ]);
    }
    let skip = usize::from(!multi);
    let widths: Vec<usize> = (0..6)
        .map(|c| {
            table
                .iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (i, row) in table.iter().enumerate() {
        let line: Vec<String> = (skip..6)
            .map(|c| format!("{:<w$}", row[c], w = widths[c]))
            .collect();
        println!("{}", line.join("  ").trim_end());
        if i == 0 {
            let rule: Vec<String> = (skip..6).map(|c| "-".repeat(widths[c])).collect();
            println!("{}", rule.join("  "));
        }
    }
    if rows.is_empty() {
        println!("No policies.");
    }
    ExitCode::SUCCESS
}

/// The roster settings of the site at `root`, if its site.toml reads: the roster file and
/// the key file.
fn roster_settings(root: &std::path::Path) -> (Option<String>, Option<String>) {
    let Ok(text) = std::fs::read_to_string(root.join("site.toml")) else {
        return (None, None);
    };
    let Ok(value) = toml::from_str::<toml::Table>(&text) else {
        return (None, None);
    };
    let rule = value
        .get("rules")
        .and_then(|r| r.get("pupil-full-name"))
        .and_then(|r| r.as_table());
    let get = |k: &str| {
        rule.and_then(|r| r.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    (get("roster"), get("key_file"))
}

fn roster_import(
    file: &std::path::Path,
    root: &std::path::Path,
    forename: String,
    surname: String,
    preferred: String,
    out: Option<PathBuf>,
    key_file: Option<PathBuf>,
) -> ExitCode {
    use crate::roster::key::{KEY_ENV, find_or_create_key};
    let columns = crate::roster::Columns {
        forename,
        surname,
        preferred: Some(preferred),
    };
    let (roster_setting, key_setting) = roster_settings(root);
    let (key, source, made) = match find_or_create_key(
        root,
        key_setting.as_deref(),
        key_file.as_deref(),
    ) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!(
                "hint: keep the roster key outside the site: in {KEY_ENV} (64 hex characters), or in a key file given with --key-file"
            );
            return ExitCode::from(1);
        }
    };
    let roster = match crate::roster::Roster::import_csv(file, &columns, &key) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let out = out.unwrap_or_else(|| root.join(roster_setting.as_deref().unwrap_or("roster.toml")));
    if let Err(e) = std::fs::write(&out, roster.to_file_text()) {
        eprintln!(
            "error: could not write {}: {}",
            out.display(),
            crate::site::explain_io(&e)
        );
        return ExitCode::from(IO_FAILED);
    }
    println!(
        "Wrote {} with {} pupils as keyed hashes (no names).",
        out.display(),
        roster.pupils
    );
    if made {
        println!(
            "Made a new roster key in {source} (readable by you only). Without it the roster cannot be used: back it up, and never put it in the site."
        );
        println!(
            "For CI, print it once with `policypress roster key --show` and save it as the secret {KEY_ENV}."
        );
    } else {
        println!("The hashes are made with the roster key from {source}.");
    }
    println!(
        "Now delete {}: PolicyPress never needs it again. Never commit it or put it in content/ or static/.",
        file.display()
    );
    ExitCode::SUCCESS
}

fn roster_key(root: &std::path::Path, key_file: Option<PathBuf>, show: bool) -> ExitCode {
    use crate::roster::key::{KEY_ENV, find_key, key_file_path};
    let (_, key_setting) = roster_settings(root);
    match find_key(root, key_setting.as_deref(), key_file.as_deref()) {
        Ok(Some((key, source))) => {
            if show {
                println!("{}", key.to_hex());
            } else {
                println!(
                    "The roster key is in {source} (check value {}).",
                    key.check()
                );
                println!(
                    "To use it in CI, print it with `policypress roster key --show`, save it as the secret {KEY_ENV}, and set `env: {KEY_ENV}: ${{{{ secrets.{KEY_ENV} }}}}` on the build step."
                );
            }
            ExitCode::SUCCESS
        }
        Ok(None) => {
            let place = key_file_path(root, key_setting.as_deref(), key_file.as_deref())
                .map_or("a key file".to_string(), |p| p.display().to_string());
            eprintln!(
                "error: there is no roster key ({KEY_ENV} is not set, and there is no {place})"
            );
            eprintln!("hint: `policypress roster import FILE.csv` makes one");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn build(site: &SiteArgs, out: Option<PathBuf>) -> ExitCode {
    let started = Instant::now();
    let opts = site.options();
    match crate::build_with_progress(
        &site.root,
        out.as_deref(),
        &opts,
        &progress::PdfProgress::new(),
    ) {
        Ok(report) => {
            print_diagnostics(&report.warnings);
            if report.written.waited_for_lock {
                eprintln!(
                    "note: waited for another build writing to {} to finish",
                    report.out.display()
                );
            }
            if report.written.stale_removed > 0 {
                eprintln!(
                    "note: removed {} temporary folder{} left beside {} by a build that was stopped",
                    report.written.stale_removed,
                    if report.written.stale_removed == 1 {
                        ""
                    } else {
                        "s"
                    },
                    report.out.display()
                );
            }
            if report.written.replaced_in_place {
                eprintln!(
                    "note: {} is a mount point and cannot be swapped whole: its contents were replaced in place (not atomically)",
                    report.out.display()
                );
            }
            let exports: String = report
                .exports
                .iter()
                .map(|e| {
                    format!(
                        " and {} ({} compiled)",
                        plural(e.files, e.format, &format!("{}s", e.format)),
                        e.made
                    )
                })
                .collect();
            let carried = if report.pages_carried > 0 {
                format!(" ({} carried over)", report.pages_carried)
            } else {
                String::new()
            };
            println!(
                "Built {}{carried}{exports} ({} files, {} KB, {} unchanged) into {} in {} ms.",
                plural(report.pages, "page", "pages"),
                report.written.files,
                report.written.bytes / 1024,
                report.written.reused,
                report.out.display(),
                started.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(BuildError::Content(diags)) => {
            print_diagnostics(&diags);
            eprintln!("Nothing was published: fix the errors above and build again.");
            findings_exit(&diags)
        }
        Err(BuildError::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(e @ BuildError::Io { .. }) => {
            eprintln!("error: {e}");
            eprintln!("Nothing was published; the last good output is as it was.");
            ExitCode::from(IO_FAILED)
        }
    }
}
