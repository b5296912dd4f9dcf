//! PolicyPress: a static site generator for schools' online-safety policies, age-banded pupil
//! charters and parent guides. See ARCHITECTURE.md for a map of the code.
//!
//! Data flows one way: [`site::load`] (config, content) → checks → [`pipeline::Build`]
//! (Markdown, with the PDFs beside it, then templates) → [`output::write`].

#![deny(missing_docs)]

pub mod accessibility;
pub mod charter;
pub mod cli;
pub mod config;
pub mod content;
pub mod dates;
pub mod diagnostics;
pub mod doctor;
pub mod downloads;
pub mod export;
pub mod feeds;
pub mod html_text;
pub mod images;
pub mod import;
pub mod limits;
pub mod links;
pub mod markdown;
pub mod minify;
pub mod output;
pub mod page_records;
pub mod phone;
pub mod pipeline;
pub mod print;
pub mod published;
pub mod relative_urls;
pub mod render;
pub mod report;
pub mod roster;
pub mod rules;
pub mod ruleset;
pub mod scaffold;
pub mod school_years;
pub mod seal;
pub mod serve;
pub mod site;
pub mod source_files;
pub mod static_meta;
pub mod statutory;
pub mod url_policy;
pub mod vars;
pub mod watch;

use crate::ruleset::RuleId;
use std::path::{Path, PathBuf};

pub use site::{BuildError, BuildOptions};

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// The output folder the site was written to, as the CLI names it in its summary.
    pub out: PathBuf,
    /// How many HTML pages were published.
    pub pages: usize,
    /// How many of them were carried over from the last build: their inputs hashed as
    /// they did then, so they were neither rendered nor checked again.
    pub pages_carried: usize,
    /// What writing the output did: its files (pages, PDFs and static files, reused or
    /// not), their size, the ones carried over unchanged, and how the folder was replaced.
    pub written: output::WriteStats,
    /// Each export's files published: its format ("PDF"), how many, and how many of them
    /// were made in this run (the rest came from its cache).
    pub exports: Vec<ExportReport>,
    /// The build's findings that were not errors (a build with errors publishes nothing),
    /// printed by the CLI before its summary.
    pub warnings: Vec<diagnostics::Diagnostic>,
}

/// The files one exporter published.
#[derive(Debug)]
pub struct ExportReport {
    /// The export format's name, such as "PDF", used by the CLI to count its files.
    pub format: &'static str,
    /// How many files of this format were published.
    pub files: usize,
    /// How many of those files were compiled in this run rather than taken from the cache.
    pub made: usize,
}

/// Checks the site at `root` as a build would, without publishing anything: every finding,
/// errors included, with the build's verdict. The PDFs are made too (their rules, such as
/// `charter-one-page`, are part of the verdict), taken from the cache where their inputs are
/// unchanged; the ones compiled are stored in the cache when there are no errors, as a
/// build stores them, so the build after a check does not make them again.
pub fn check(root: &Path, opts: &BuildOptions) -> Result<Vec<diagnostics::Diagnostic>, BuildError> {
    let site = match load(root, opts) {
        Ok(site) => site,
        Err(BuildError::Content(diags)) => return Ok(diags),
        Err(e) => return Err(e),
    };
    let reuse = reuse_for(root, None, opts);
    match decide(
        site,
        opts,
        &export::Quiet,
        pipeline::Pages::Addresses,
        &reuse,
    ) {
        Ok(decided) => {
            if !decided.rendered.has_errors() {
                for e in &decided.exported {
                    e.save_cache(opts.school.is_none());
                }
            }
            Ok(decided.rendered.findings)
        }
        Err(BuildError::Content(diags)) => Ok(diags),
        Err(e) => Err(e),
    }
}

/// Loads the site, with rayon's threads set up (rendering recurses on nesting: they get a
/// known stack, see `limits`) and Typst's library and fonts set up meanwhile (milliseconds,
/// once per process).
fn load(root: &Path, opts: &BuildOptions) -> Result<site::Site, BuildError> {
    limits::init_thread_pool();
    std::thread::spawn(print::warm_up);
    site::load(root, opts)
}

/// What a build decides before it writes anything: the pages and PDFs, in memory, and every
/// finding (the verdict `check` reports).
struct Decided {
    site: site::Site,
    rendered: site::Rendered,
    exported: Vec<export::Exported>,
    /// The records of the pages made without a finding, for the next build.
    records: pipeline::Reuse,
}

/// The last build's records of its pages, for a run with `opts` (none with `--external`:
/// a page taken from its record has no links to check). With `out`, a build's: only the
/// records whose page is still there as written.
fn reuse_for(root: &Path, out: Option<&Path>, opts: &BuildOptions) -> pipeline::Reuse {
    let run_key = page_records::run_key(opts.school.as_deref());
    if opts.external {
        return pipeline::Reuse::none(run_key);
    }
    page_records::load(root, out, run_key)
}

/// Prepares, checks and renders a loaded site and makes its PDFs: everything a build does
/// but writing. Static files that clash with a page or PDF are findings like the others.
fn decide(
    site: site::Site,
    opts: &BuildOptions,
    progress: &dyn export::Progress,
    pages: pipeline::Pages,
    reuse: &pipeline::Reuse,
) -> Result<Decided, BuildError> {
    let export_opts = export::Options {
        cache: true,
        progress,
    };
    let (build, exported) = pipeline::Build::with_exports(site, pages, &export_opts, reuse);
    let records = match pages {
        pipeline::Pages::Minified => build.records(),
        pipeline::Pages::Addresses => pipeline::Reuse::none(Vec::new()),
    };
    let (site, mut rendered) = check_links(build, opts)?;
    let mut export_findings: Vec<_> = exported.iter().flat_map(|e| e.findings.clone()).collect();
    pipeline::redact(&site, &mut export_findings);
    rendered.findings.extend(export_findings);
    rendered.findings.extend(static_clashes(
        &site.static_files,
        rendered
            .pages
            .iter()
            .map(|(p, _)| p)
            .chain(rendered.carried.iter().map(|(p, _, _)| p))
            .chain(exported.iter().flat_map(|e| e.files.iter().map(|(p, _)| p))),
    ));
    drop_consequences(&mut rendered.findings);
    diagnostics::normalise(&mut rendered.findings);
    Ok(Decided {
        site,
        rendered,
        exported,
        records,
    })
}

/// One cause, one finding: a PDF refused because an image has no alt text (or a heading
/// skips a level) is already that image's `image-alt-missing` (or `heading-order`) error at
/// the same line; unless that one is allowed or off, when the PDF's refusal is the error left.
/// Likewise a page's "more than one top-level heading" is dropped when the text's own `#`
/// heading, the cause, is reported at its line.
fn drop_consequences(findings: &mut Vec<diagnostics::Diagnostic>) {
    let hash_headings: std::collections::HashSet<String> = findings
        .iter()
        .filter(|d| d.allowed.is_none() && d.rule == "heading-order" && d.line > 0)
        .filter(|d| d.message.contains("`#` can't be used"))
        .map(|d| d.file.clone())
        .collect();
    findings.retain(|d| {
        !(d.rule == "heading-order"
            && d.line == 0
            && d.message.starts_with("this page has")
            && hash_headings.contains(&d.file))
    });
    let reported: std::collections::HashSet<(&'static str, String, usize)> = findings
        .iter()
        .filter(|d| d.allowed.is_none())
        .map(|d| (d.rule, d.file.clone(), d.line))
        .collect();
    findings.retain(|d| {
        d.rule != "pdf-accessibility"
            || !print::SAME_CAUSE.iter().any(|(end, rule)| {
                d.message.ends_with(end) && reported.contains(&(*rule, d.file.clone(), d.line))
            })
    });
}

/// The rendered site and, with `--external`, its links to other websites checked.
fn check_links(
    build: pipeline::Build,
    opts: &BuildOptions,
) -> Result<(site::Site, site::Rendered), BuildError> {
    let (site, mut rendered) = build.into_rendered();
    if opts.external && site.config.rules.enabled(RuleId::BrokenExternalLink) {
        let urls: Vec<String> = rendered
            .external_links
            .iter()
            .map(|(u, _)| u.clone())
            .collect();
        let settings = links::Settings {
            concurrency: site.config.rules.settings.broken_external_link.concurrency,
            timeout: std::time::Duration::from_secs(
                site.config.rules.settings.broken_external_link.timeout,
            ),
            cache_days: 7,
            today: site.today.days_since_epoch(),
        };
        // The cache is written only inside the site: through a link, the write would replace
        // a file elsewhere. Otherwise this run remembers nothing.
        let cache = root_cache(&site.root);
        let safe = source_files::SiteFiles::new(&site.root).writable(&cache);
        let scratch =
            std::env::temp_dir().join(format!("policypress-links-{}.json", std::process::id()));
        let outcomes = links::check(&urls, &settings, if safe { &cache } else { &scratch });
        if !safe {
            let _ = std::fs::remove_file(&scratch);
        }
        let mut found = Vec::new();
        let unchecked = outcomes
            .values()
            .filter(|o| **o == links::Outcome::Unchecked)
            .count();
        if unchecked > 0 {
            found.push(
                diagnostics::Diagnostic::warning(
                    "links-unchecked",
                    "site.toml",
                    format!(
                        "this machine could not reach the internet, so {unchecked} link{} to other websites {} not checked",
                        if unchecked == 1 { "" } else { "s" },
                        if unchecked == 1 { "was" } else { "were" }
                    ),
                )
                .with_hint("connect to the internet and run the check with --external again; links that worked in the last 7 days are remembered"),
            );
        }
        for (url, mut d) in std::mem::take(&mut rendered.external_links) {
            if let Some(outcome) = outcomes
                .get(&url)
                .filter(|o| !matches!(o, links::Outcome::Ok | links::Outcome::Unchecked))
            {
                d.message = format!("the link to {url} is broken: {}", outcome.explain());
                d.hint = Some(
                    "correct the address, or link to the organisation's home page instead".into(),
                );
                found.push(d);
            }
        }
        site.config
            .rules
            .apply(&mut found, &pipeline::allows(&site.content.documents));
        rendered.findings.extend(found);
        diagnostics::normalise(&mut rendered.findings);
    }
    Ok((site, rendered))
}

/// Where `--external` remembers working links: `.policypress/links.json` in the site.
fn root_cache(root: &Path) -> PathBuf {
    root.join(".policypress").join("links.json")
}

/// Builds the site at `root` into `out` (default: the site's `output_dir`).
pub fn build(
    root: &Path,
    out: Option<&Path>,
    opts: &BuildOptions,
) -> Result<BuildReport, BuildError> {
    build_with_progress(root, out, opts, &export::Quiet)
}

/// [`build`], reporting the progress of PDF compilation to `progress`.
///
/// The PDFs are made (in memory, from the cache where their inputs are unchanged) on a thread
/// beside the pages' Markdown and templates; the templates of the pages that link them
/// (with their size and page count) wait for them. They are written, to the output
/// and to the cache, only when the whole build has no errors: a PDF is never published from
/// a source that `check` refuses.
pub fn build_with_progress(
    root: &Path,
    out: Option<&Path>,
    opts: &BuildOptions,
    progress: &dyn export::Progress,
) -> Result<BuildReport, BuildError> {
    let site = load(root, opts)?;
    let out = out.map_or_else(|| root.join(&site.config.output_dir), Path::to_path_buf);
    // The output folder is refused before any work.
    let out = output::guard(root, &out).map_err(|e| BuildError::Usage(e.to_string()))?;
    // Held until the site is written: the pages carried over from the folder stay as they
    // were checked, with no other build in between.
    let taken = output::take(&out).map_err(|e| write_error(&out, e))?;
    let reuse = reuse_for(root, Some(&out), opts);
    let Decided {
        site,
        rendered,
        exported,
        records,
    } = decide(site, opts, progress, pipeline::Pages::Minified, &reuse)?;
    drop(reuse);
    if rendered.has_errors() {
        return Err(BuildError::Content(rendered.findings));
    }
    let pages = rendered.pages.len() + rendered.carried.len();
    let pages_carried = rendered.carried.len();
    let mut files: Vec<(String, crate::published::Source)> = site.static_files.clone();
    let mut exports = Vec::new();
    for e in &exported {
        e.save_cache(opts.school.is_none());
        exports.push(ExportReport {
            format: e.format,
            files: e.files.len(),
            made: e.made,
        });
    }
    files.extend(
        rendered
            .pages
            .into_iter()
            .map(|(p, b)| (p, crate::published::Source::Bytes(b))),
    );
    // Pages carried over: linked (or copied) from the folder as it is, each checked again.
    files.extend(rendered.carried.into_iter().map(|(p, len, hash)| {
        let path = out.join(&p);
        (p, crate::published::Source::Verified { path, len, hash })
    }));
    for e in exported {
        files.extend(e.files);
    }
    let stats = taken.write(root, files).map_err(|e| write_error(&out, e))?;
    page_records::save(root, &records);
    Ok(BuildReport {
        out,
        pages,
        pages_carried,
        written: stats,
        exports,
        warnings: rendered.findings,
    })
}

/// A write's failure as the build's: a refused folder is a usage error (exit 2).
fn write_error(out: &Path, e: output::WriteError) -> BuildError {
    match e {
        output::WriteError::Refused(e) => BuildError::Usage(e.to_string()),
        output::WriteError::Io(e) => BuildError::Io {
            context: format!("could not write the site to {}", out.display()),
            source: e,
        },
    }
}

/// Static files with the address of a page or PDF, or of a folder one is in (`static/status`
/// beside the page `status/index.html`), or inside a page's path.
fn static_clashes<'a>(
    statics: &[(String, crate::published::Source)],
    made: impl Iterator<Item = &'a String>,
) -> Vec<diagnostics::Diagnostic> {
    use std::collections::HashSet;
    fn folders_of(path: &str) -> impl Iterator<Item = &str> {
        let mut rest = path;
        std::iter::from_fn(move || {
            let (dir, _) = rest.rsplit_once('/')?;
            rest = dir;
            Some(dir)
        })
    }
    let mut made_files: HashSet<&str> = HashSet::new();
    let mut made_dirs: HashSet<&str> = HashSet::new();
    for path in made {
        made_files.insert(path.as_str());
        made_dirs.extend(folders_of(path.as_str()));
    }
    let mut clashes = Vec::new();
    for (path, _) in statics {
        let clash = if made_files.contains(path.as_str()) {
            Some(format!("this file has the same address as a page: {path}"))
        } else if made_dirs.contains(path.as_str()) {
            Some(format!(
                "this file has the address of a folder of pages ({path}/), so the pages in it could not be written"
            ))
        } else {
            folders_of(path)
                .find(|d| made_files.contains(d))
                .map(|d| format!("this file would be inside {d}, which is a page's own address"))
        };
        if let Some(message) = clash {
            clashes.push(
                diagnostics::Diagnostic::error("output-clash", format!("static/{path}"), message)
                    .with_hint("rename or move the file in static/"),
            );
        }
    }
    clashes
}
