//! Print PDFs: each school's policies, parent guides and pupil charters (per age band and per
//! class) as accessible A4 PDFs, made with Typst as a library.
//!
//! The flow for one PDF: the document's Markdown, with the school's variables filled in (and,
//! for a charter, cut down to one band), is written as Typst markup by [`emit`] (text only
//! ever as string literals); a print template from the theme (`/print/<kind>.typ`) lays it
//! out; Typst compiles it in a [`world::PrintWorld`] that can read nothing but the templates,
//! the fonts and the document's images; `typst-pdf` exports it as PDF/UA-1. A refusal is
//! turned into a [`Diagnostic`] at the author's Markdown line.
//!
//! PDFs compile in parallel. A PDF whose inputs (the generated markup, which holds the text
//! after variables and every school detail shown, the templates, the fonts and the images)
//! are unchanged is taken from `.policypress/pdf-cache/<hash>.pdf` instead. Nothing is
//! written by [`pdfs`]: the caller publishes the files and calls [`Printed::save_cache`]
//! only when the whole build has no errors.
//!
//! File I/O here: the print templates (`themes/<theme>/print/`, the site's `print/`), the
//! images a document shows (from the site's static files) and the PDF cache.

pub mod emit;
pub mod world;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use typst::WorldExt;
use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::Smart;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use crate::config::{Band, School, SiteConfig, role_title};
use crate::content::{Document, Kind};
use crate::diagnostics::{Diagnostic, display_path};
use crate::render::PdfCtx;
use crate::site::{self, Site};
use crate::vars::{Prepared, Variables};
use crate::{charter, output};

use emit::LinkTarget;

/// The print templates every theme provides, in `themes/<theme>/print/`.
pub const TEMPLATE_NAMES: [&str; 4] = ["common.typ", "policy.typ", "charter.typ", "guide.typ"];

/// The default theme's print templates, built into the binary.
pub mod builtin {
    pub const TEMPLATES: [(&str, &str); 4] = [
        (
            "common.typ",
            include_str!("../../themes/default/print/common.typ"),
        ),
        (
            "policy.typ",
            include_str!("../../themes/default/print/policy.typ"),
        ),
        (
            "charter.typ",
            include_str!("../../themes/default/print/charter.typ"),
        ),
        (
            "guide.typ",
            include_str!("../../themes/default/print/guide.typ"),
        ),
    ];
}

/// Trim Typst's memo cache after this many compilations, of results unused for
/// `EVICT_AGE` trims.
const EVICT_EVERY: usize = 32;
const EVICT_AGE: usize = 2;

/// Changes whenever the way PDFs are made changes, so old cache entries are not reused.
const CACHE_VERSION: &str = "policypress-pdf-1";

/// Reports progress of the PDFs being compiled (the CLI shows a bar on a terminal).
pub trait Progress: Sync {
    /// `total` PDFs are about to be compiled (cached ones are not counted).
    fn start(&self, _total: usize) {}
    /// One more PDF is done.
    fn advance(&self) {}
    fn finish(&self) {}
}

/// Reports nothing.
pub struct Quiet;
impl Progress for Quiet {}

/// Settings of a print run.
pub struct Options<'a> {
    /// Reuse and (with [`Printed::save_cache`]) fill `.policypress/pdf-cache/`.
    pub cache: bool,
    pub progress: &'a dyn Progress,
}

/// The PDFs of a site, in memory.
pub struct Printed {
    /// Output path (inside the output folder) and contents of every PDF.
    pub files: Vec<(String, output::Source)>,
    /// For each web page (its URL path), the PDFs to link: its own first, then class copies.
    pub links: HashMap<String, Vec<PdfCtx>>,
    /// Problems: PDF/UA refusals, overflowing charters, template mistakes.
    pub findings: Vec<Diagnostic>,
    /// PDFs compiled in this run, and PDFs taken from the cache.
    pub compiled: usize,
    pub reused: usize,
    cache_dir: Option<PathBuf>,
    /// Newly compiled PDFs to store: cache key, bytes, page count.
    new_entries: Vec<(String, Vec<u8>, usize)>,
    /// Every cache key this run used.
    used: HashSet<String>,
}

impl Printed {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Diagnostic::is_error)
    }

    /// Stores the PDFs compiled in this run in the cache. With `prune`, also removes entries
    /// this run did not use (leave it off for a build of one school). Failures only cost
    /// speed next time, so they are ignored.
    pub fn save_cache(&self, prune: bool) {
        let Some(dir) = &self.cache_dir else { return };
        if self.new_entries.is_empty() && !prune {
            return;
        }
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        for (key, bytes, pages) in &self.new_entries {
            // The PDF first, then its record (page count and content hash) naming it: an
            // entry is only ever taken when its record matches the PDF's bytes.
            let record = format!("{pages} {}", blake3::hash(bytes).to_hex());
            let ok = write_through_tmp(&dir.join(format!("{key}.pdf")), bytes)
                && write_through_tmp(&dir.join(format!("{key}.pages")), record.as_bytes());
            if !ok {
                let _ = std::fs::remove_file(dir.join(format!("{key}.pages")));
            }
        }
        if prune && let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                let key = name.split('.').next().unwrap_or("");
                let ours = name.ends_with(".pdf") || name.ends_with(".pages");
                if ours && !key.is_empty() && !self.used.contains(key) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }
}

/// Writes a cache file through a temporary file and a rename (never following a symbolic
/// link planted under its name).
fn write_through_tmp(path: &Path, bytes: &[u8]) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let ok = std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, path).is_ok();
    if !ok {
        let _ = std::fs::remove_file(&tmp);
    }
    ok
}

/// The cache entry for `key`: the PDF's bytes and page count, when its record
/// (`<key>.pages`: page count and the PDF's BLAKE3 hash) matches the bytes of `<key>.pdf`.
/// A PDF replaced or edited after it was stored, a record of the old format (no hash), a
/// symbolic link or anything unreadable is not taken: the PDF is compiled again.
fn read_cache(
    dir: &Path,
    key: &str,
    site_files: &crate::source_files::SiteFiles,
) -> Option<(Vec<u8>, usize)> {
    let pdf = dir.join(format!("{key}.pdf"));
    let record = dir.join(format!("{key}.pages"));
    // Only regular files inside the site, never a link planted to another file.
    let plain = |p: &Path| {
        std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()) && site_files.check(p).is_ok()
    };
    if !plain(&pdf) || !plain(&record) {
        return None;
    }
    let record = std::fs::read_to_string(record).ok()?;
    let (pages, hash) = record.trim().split_once(' ')?;
    let pages: usize = pages.parse().ok()?;
    let bytes = std::fs::read(&pdf).ok()?;
    (blake3::hash(&bytes).to_hex().as_str() == hash).then_some((bytes, pages))
}

/// Where `.policypress/pdf-cache/` is for the site at `root`.
pub fn cache_dir(root: &Path) -> PathBuf {
    root.join(".policypress").join("pdf-cache")
}

/// What one PDF is.
#[derive(Debug, Clone)]
enum What<'a> {
    Policy,
    Guide,
    Charter {
        band: &'a Band,
        class: Option<String>,
    },
}

/// One PDF to make.
struct Job<'a> {
    school: &'a School,
    doc: &'a Document,
    what: What<'a>,
    /// The web page it belongs to (URL path, with the base path).
    page_url: String,
    /// The PDF's own URL path, and its path in the output folder.
    url: String,
    out_path: String,
    text: Prepared,
}

/// A job made into Typst markup, ready to compile (or to take from the cache).
struct Ready<'a> {
    job: Job<'a>,
    main: String,
    emitted: emit::Emitted,
    files: Vec<(String, Vec<u8>)>,
    key: String,
}

enum Outcome {
    Pdf {
        bytes: Vec<u8>,
        pages: usize,
        /// Taken from the cache (its content hash checked).
        cached: bool,
    },
    Failed(Vec<Diagnostic>),
}

/// Sets up what every PDF shares (Typst's standard library and the fonts), if it is not yet.
pub fn prepare() {
    world::shared();
}

/// Makes every PDF of the site: policies and parent guides per school, charters per school
/// and band, and per class for the classes listed in the school's `classes`.
pub fn pdfs(site: &Site, opts: &Options<'_>) -> Printed {
    let config = &site.config;
    let mut findings = Vec::new();
    let templates = load_templates(&site.root, &config.theme, &mut findings);
    // A cache folder that is (or lies under) a link out of the site is not used: pruning it
    // would delete files elsewhere, and its "PDFs" could be any file.
    let site_files = crate::source_files::SiteFiles::new(&site.root);
    let cache_dir = opts
        .cache
        .then(|| cache_dir(&site.root))
        .filter(|d| site_files.writable(d));
    let per_school = site::school_documents(site);

    // Plan: one job per PDF.
    let mut plans: Vec<(&School, &Document, &BTreeMap<&str, &Document>)> = Vec::new();
    for (school, docs) in &per_school {
        for doc in docs.values() {
            if matches!(doc.kind, Kind::Policy | Kind::Guide | Kind::Charter) {
                plans.push((*school, *doc, docs));
            }
        }
    }
    let variables: HashMap<&str, Variables> = config
        .schools
        .iter()
        .map(|s| {
            (
                s.slug.as_str(),
                Variables::new(config, s, &site.content.contacts),
            )
        })
        .collect();
    let mut jobs: Vec<(Job<'_>, &BTreeMap<&str, &Document>)> = Vec::new();
    for (school, doc, docs) in plans {
        // Mistakes in variables are reported by the page render; print what there is.
        let filled = variables[school.slug.as_str()].substitute(
            doc,
            &site.content.contacts,
            &mut Vec::new(),
        );
        let page_url = format!("{}{}", config.school_base(school), doc.slug_path());
        let stem = file_stem(doc);
        match doc.kind {
            Kind::Policy | Kind::Guide => {
                let what = if doc.kind == Kind::Policy {
                    What::Policy
                } else {
                    What::Guide
                };
                jobs.push((
                    job(
                        config,
                        school,
                        doc,
                        what,
                        &page_url,
                        &format!("{stem}.pdf"),
                        filled,
                    ),
                    docs,
                ));
            }
            _ => {
                let bands: Vec<&Band> = config
                    .bands
                    .iter()
                    .filter(|b| school.bands.contains(&b.slug))
                    .filter(|b| doc.bands.as_ref().is_none_or(|list| list.contains(&b.slug)))
                    .collect();
                for class in &school.classes {
                    if class_band(class, &bands).is_none() {
                        findings.push(
                            Diagnostic::warning(
                                "class-band",
                                &school.file,
                                format!("the class `{class}` matches none of {}'s age bands, so it gets no printed charter", school.name),
                            )
                            .with_hint("name classes by their year (\"Year 3 Oak\", \"Reception Hazel\", \"Nursery\"); see docs/print.md"),
                        );
                    }
                }
                for &band in &bands {
                    let text = charter::for_band(&filled, &band.slug);
                    let band_url = format!("{page_url}{}/", band.slug);
                    let what = What::Charter { band, class: None };
                    jobs.push((
                        job(
                            config,
                            school,
                            doc,
                            what,
                            &band_url,
                            &format!("{stem}-{}.pdf", band.slug),
                            text.clone(),
                        ),
                        docs,
                    ));
                    for class in school
                        .classes
                        .iter()
                        .filter(|c| class_band(c, &bands).is_some_and(|b| b.slug == band.slug))
                    {
                        let name = format!("{stem}-{}.pdf", crate::markdown::slugify(class));
                        let what = What::Charter {
                            band,
                            class: Some(class.clone()),
                        };
                        jobs.push((
                            job(config, school, doc, what, &band_url, &name, text.clone()),
                            docs,
                        ));
                    }
                }
            }
        }
    }

    // Write each job as Typst and work out its cache key.
    let templates_hash = {
        let mut h = blake3::Hasher::new();
        let mut names: Vec<(&String, &typst::syntax::Source)> = templates
            .origins
            .iter()
            .filter_map(|(id, o)| Some((o, templates.sources.get(id)?)))
            .collect();
        names.sort_by_key(|(o, _)| o.as_str());
        for (o, s) in names {
            h.update(o.as_bytes());
            h.update(&[0]);
            h.update(s.text().as_bytes());
            h.update(&[0]);
        }
        h.finalize()
    };
    let fonts_hash = &world::shared().fonts_hash;
    let ready: Vec<Ready<'_>> = jobs
        .into_par_iter()
        .map(|(mut job, docs)| {
            let mut ctx = PrintContext {
                site,
                school: job.school,
                docs,
                files: Vec::new(),
                cache: HashMap::new(),
            };
            let numbered = matches!(job.what, What::Policy);
            // Too deep or too long: the page reports it (`pipeline`), and the build publishes
            // nothing; print only what is within the limits meanwhile.
            if job.text.text.len() > crate::limits::MAX_PDF_SOURCE_BYTES {
                job.text.text.clear();
            }
            let parsed = crate::markdown::parse(&job.text.text, numbered);
            let parsed = if parsed.too_deep.is_some() {
                drop(parsed);
                job.text.text = crate::markdown::within_nesting_limit(&job.text.text).to_string();
                crate::markdown::parse(&job.text.text, numbered)
            } else {
                parsed
            };
            let emitted = emit::emit(
                &job.text.text,
                &parsed.headings,
                &mut ctx,
                emit::Options { numbered },
            );
            let data = data(site, &job, !parsed.headings.iter().all(|h| h.level != 2));
            let template = match job.what {
                What::Policy => "policy",
                What::Guide => "guide",
                What::Charter { .. } => "charter",
            };
            let header = format!(
                "#import \"/print/{template}.typ\": {template}\n#show: {template}.with({})\n",
                emit::value(&data)
            );
            let offset = header.len();
            let main = header + &emitted.markup;
            let emitted = emit::Emitted {
                markup: String::new(),
                spans: emitted
                    .spans
                    .into_iter()
                    .map(|(m, md)| (m + offset, md))
                    .collect(),
            };
            let mut h = blake3::Hasher::new();
            h.update(CACHE_VERSION.as_bytes());
            h.update(env!("CARGO_PKG_VERSION").as_bytes());
            h.update(fonts_hash.as_bytes());
            h.update(templates_hash.as_bytes());
            h.update(job.out_path.as_bytes());
            h.update(&[0]);
            h.update(main.as_bytes());
            for (path, bytes) in &ctx.files {
                h.update(path.as_bytes());
                h.update(&(bytes.len() as u64).to_le_bytes());
                h.update(bytes);
            }
            let key = h.finalize().to_hex()[..32].to_string();
            Ready {
                job,
                main,
                emitted,
                files: ctx.files,
                key,
            }
        })
        .collect();

    // Take what the cache has; compile the rest, in parallel.
    let cached: Vec<Option<(Vec<u8>, usize)>> = ready
        .par_iter()
        .map(|r| read_cache(cache_dir.as_ref()?, &r.key, &site_files))
        .collect();
    let to_compile = cached.iter().filter(|c| c.is_none()).count();
    opts.progress.start(to_compile);
    let done = AtomicUsize::new(0);
    let compile_one = |r: &Ready<'_>| {
        let outcome = compile(site, r, &templates);
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        // Typst memoises every compilation's layout: trim it now and then. What every PDF
        // reuses (fonts, templates) is hit again and so is kept.
        if n % EVICT_EVERY == 0 {
            typst::comemo::evict(EVICT_AGE);
        }
        opts.progress.advance();
        outcome
    };
    let mut outcomes: Vec<Option<Outcome>> = cached
        .into_iter()
        .map(|c| {
            c.map(|(bytes, pages)| Outcome::Pdf {
                bytes,
                pages,
                cached: true,
            })
        })
        .collect();
    let todo: Vec<usize> = (0..ready.len())
        .filter(|&i| outcomes[i].is_none())
        .collect();
    for (i, outcome) in compile_all(&ready, &todo, &compile_one) {
        outcomes[i] = Some(outcome);
    }
    let outcomes: Vec<Outcome> = outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Outcome::Failed(Vec::new())))
        .collect();
    opts.progress.finish();
    // Typst memoises across compilations; a long `serve` should not keep all of it.
    typst::comemo::evict(10);

    let mut printed = Printed {
        files: Vec::new(),
        links: HashMap::new(),
        findings,
        compiled: done.load(Ordering::Relaxed),
        reused: 0,
        cache_dir,
        new_entries: Vec::new(),
        used: HashSet::new(),
    };
    for (r, outcome) in ready.into_iter().zip(outcomes) {
        let (bytes, pages, cached) = match outcome {
            Outcome::Failed(d) => {
                printed.findings.extend(d);
                continue;
            }
            Outcome::Pdf {
                bytes,
                pages,
                cached,
            } => (bytes, pages, cached),
        };
        if let What::Charter { band, .. } = &r.job.what
            && pages > 1
        {
            printed.findings.push(
                Diagnostic::error(
                    "charter-one-page",
                    &r.job.doc.source.name,
                    format!(
                        "the charter for the band `{}` ({}) does not fit on one A4 page for {}: it needs {pages} pages",
                        band.slug, band.name, r.job.school.name
                    ),
                )
                .with_hint(format!(
                    "shorten or remove some statements shown to `{}`, or give them simpler wording for that band; a charter is printed on one page",
                    band.slug
                )),
            );
            continue;
        }
        let size = bytes.len() as u64;
        let (name, label) = match &r.job.what {
            What::Charter {
                class: Some(class), ..
            } => (
                class.clone(),
                format!(
                    "{class} (PDF, A4, {}, {})",
                    pages_words(pages),
                    kb_words(size)
                ),
            ),
            What::Charter { band, .. } => (
                band.name.clone(),
                format!(
                    "Download PDF (A4, {}, {})",
                    pages_words(pages),
                    kb_words(size)
                ),
            ),
            _ => (
                r.job.doc.meta.title.clone(),
                format!(
                    "Download PDF (A4, {}, {})",
                    pages_words(pages),
                    kb_words(size)
                ),
            ),
        };
        printed
            .links
            .entry(r.job.page_url.clone())
            .or_default()
            .push(PdfCtx {
                url: r.job.url.clone(),
                name,
                pages,
                size_kb: size.div_ceil(1024),
                label,
            });
        printed.used.insert(r.key.clone());
        if cached {
            printed.reused += 1;
        } else {
            printed
                .new_entries
                .push((r.key.clone(), bytes.clone(), pages));
        }
        printed
            .files
            .push((r.job.out_path.clone(), output::Source::Bytes(bytes)));
    }
    if let Some(roster) = &site.roster {
        for d in &mut printed.findings {
            if let Some(snippet) = &mut d.snippet {
                *snippet = crate::rules::roster::redact_in(roster, snippet);
            }
            d.message = crate::rules::roster::redact_in(roster, &d.message);
        }
    }
    crate::diagnostics::normalise(&mut printed.findings);
    printed
}

/// Compiles the jobs at `todo` on one plain thread per core, each pulling the next job.
///
/// Not rayon's pool: typst-pdf serialises with rayon, and a rayon worker waiting for that
/// work steals other jobs meanwhile, so every waiting PDF starts another one, all held in
/// memory at once (7,000 guides took 24 GB). Plain threads wait without stealing, so only
/// one PDF per thread is in progress. The threads have room for Typst's deep recursion.
fn compile_all(
    ready: &[Ready<'_>],
    todo: &[usize],
    compile_one: &(dyn Fn(&Ready<'_>) -> Outcome + Sync),
) -> Vec<(usize, Outcome)> {
    if todo.is_empty() {
        return Vec::new();
    }
    let threads = std::thread::available_parallelism()
        .map_or(2, usize::from)
        .min(todo.len());
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut out = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(&i) = todo.get(k) else { break };
            out.push((i, compile_one(&ready[i])));
        }
        out
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .filter_map(|t| {
                std::thread::Builder::new()
                    .name(format!("policypress-pdf-{t}"))
                    .stack_size(crate::limits::STACK_SIZE)
                    .spawn_scoped(scope, worker)
                    .ok()
            })
            .collect();
        let mut results: Vec<(usize, Outcome)> = Vec::with_capacity(todo.len());
        if handles.is_empty() {
            // No thread could be started: compile here.
            results.extend(worker());
        }
        for h in handles {
            match h.join() {
                Ok(r) => results.extend(r),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        results
    })
}

fn pages_words(n: usize) -> String {
    if n == 1 {
        "1 page".into()
    } else {
        format!("{n} pages")
    }
}

fn kb_words(bytes: u64) -> String {
    format!("{} KB", bytes.div_ceil(1024).max(1))
}

/// The file name of a document's PDF, without `.pdf`: its title in URL form.
fn file_stem(doc: &Document) -> String {
    if doc.meta.title.trim().is_empty() {
        let rel = doc.rel.strip_suffix(".md").unwrap_or(&doc.rel);
        rel.rsplit('/').next().unwrap_or(rel).to_string()
    } else {
        crate::markdown::slugify(&doc.meta.title)
    }
}

fn job<'a>(
    config: &SiteConfig,
    school: &'a School,
    doc: &'a Document,
    what: What<'a>,
    page_url: &str,
    file: &str,
    text: Prepared,
) -> Job<'a> {
    let url = format!("{page_url}{file}");
    let out_path = url
        .strip_prefix(config.base_path.as_str())
        .unwrap_or(&url)
        .trim_start_matches('/')
        .to_string();
    Job {
        school,
        doc,
        what,
        page_url: page_url.to_string(),
        url,
        out_path,
        text,
    }
}

/// The band a class belongs to, among `bands` (the bands a school serves and a charter
/// covers), by the year in its name:
///
/// - "Nursery …" and "Reception …" (also "Year R", "EYFS") belong to the first band whose slug
///   or name says "nursery" (or "reception"), else one that says "eyfs" or "early years";
/// - "Year N …" (also "Yr N", "YN", "Years N") belongs to the first band whose slug (or, when
///   the slug does not say "year", name) has numbers after the word "year" whose range holds
///   N: `years-3-4` and "Years 3 and 4" hold 3 and 4, "Years 3 to 6" holds 3, 4, 5 and 6,
///   "Key Stage 1 (Years 1 and 2)" holds 1 and 2.
///
/// A class whose name gives no year, or whose year no band holds, has no band.
pub fn class_band<'a>(class: &str, bands: &[&'a Band]) -> Option<&'a Band> {
    let lower = class.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let says =
        |b: &Band, w: &str| b.slug.to_lowercase().contains(w) || b.name.to_lowercase().contains(w);
    let early = |first: &str| -> Option<&'a Band> {
        bands
            .iter()
            .find(|b| says(b, first))
            .or_else(|| {
                bands
                    .iter()
                    .find(|b| says(b, "eyfs") || says(b, "early years"))
            })
            .copied()
    };
    let mut year: Option<u32> = None;
    for (i, w) in words.iter().enumerate() {
        match *w {
            "nursery" => return early("nursery"),
            "reception" | "eyfs" => return early("reception"),
            "year" | "years" | "yr" => match words.get(i + 1) {
                Some(&"r") => return early("reception"),
                Some(n) => {
                    if let Ok(n) = n.parse() {
                        year = Some(n);
                        break;
                    }
                }
                None => {}
            },
            w if w.starts_with('y')
                && w.len() > 1
                && w[1..].chars().all(|c| c.is_ascii_digit()) =>
            {
                year = w[1..].parse().ok();
                break;
            }
            _ => {}
        }
    }
    let year = year?;
    // The numbers written after "year"/"years" in a band's slug, else its name.
    let years = |s: &str| -> Vec<u32> {
        let s = s.to_lowercase();
        let Some(at) = s.find("year") else {
            return Vec::new();
        };
        s[at..]
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect()
    };
    bands
        .iter()
        .find(|b| {
            let mut n = years(&b.slug);
            if n.is_empty() {
                n = years(&b.name);
            }
            match (n.iter().min(), n.iter().max()) {
                (Some(lo), Some(hi)) => (*lo..=*hi).contains(&year),
                _ => false,
            }
        })
        .copied()
}

/// Reads the print templates: built in, then `themes/<theme>/print/`, then the site's
/// `print/`, each replacing the one before by name.
fn load_templates(root: &Path, theme: &str, diags: &mut Vec<Diagnostic>) -> world::Templates {
    let mut t = world::Templates::default();
    for (name, text) in builtin::TEMPLATES {
        t.insert(
            name,
            text.to_string(),
            format!("(built-in) themes/default/print/{name}"),
        );
    }
    for dir in [
        root.join("themes").join(theme).join("print"),
        root.join("print"),
    ] {
        let files = crate::source_files::SiteFiles::new(root);
        let walk = files.walk(&dir, false);
        diags.extend(walk.refused.iter().map(|(p, e)| files.diagnostic(p, e)));
        let paths: Vec<PathBuf> = walk
            .files
            .into_iter()
            .filter(|p| {
                p.parent() == Some(dir.as_path()) && p.extension().is_some_and(|e| e == "typ")
            })
            .collect();
        for path in paths {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            match files.read_text(&path, crate::source_files::Limit::TEXT) {
                Ok(Ok(text)) => t.insert(&name, text, display_path(root, &path)),
                Ok(Err(_)) => diags.push(Diagnostic::error(
                    "io",
                    display_path(root, &path),
                    "this print template is not UTF-8 text",
                )),
                Err(e) => diags.push(files.diagnostic(&path, &e)),
            }
        }
    }
    t
}

/// Links and images of one document, as print sees them.
struct PrintContext<'a> {
    site: &'a Site,
    school: &'a School,
    docs: &'a BTreeMap<&'a str, &'a Document>,
    /// Images given to the world: virtual path and bytes.
    files: Vec<(String, Vec<u8>)>,
    cache: HashMap<String, Option<(String, bool)>>,
}

impl emit::Context for PrintContext<'_> {
    fn link(&self, dest: &str) -> LinkTarget {
        let dest = dest.trim();
        let config = &self.site.config;
        // Refused addresses are reported when the page renders; in print they are text.
        if crate::url_policy::check(dest).is_err() {
            return LinkTarget::None;
        }
        if let Some(target) = dest.strip_prefix("@/") {
            let (path, anchor) = target
                .split_once('#')
                .map_or((target, None), |(p, a)| (p, Some(a)));
            let Some(doc) = self.docs.get(path.trim_start_matches('/')) else {
                return LinkTarget::None;
            };
            let mut url = absolute_url(
                config,
                &format!("{}{}", config.school_base(self.school), doc.slug_path()),
            );
            if let Some(a) = anchor.filter(|a| !a.is_empty()) {
                url.push('#');
                url.push_str(a);
            }
            return LinkTarget::External(url);
        }
        if let Some(anchor) = dest.strip_prefix('#') {
            return if anchor.is_empty() {
                LinkTarget::None
            } else {
                LinkTarget::Internal(format!("h-{anchor}"))
            };
        }
        let lower = dest.to_ascii_lowercase();
        if lower.starts_with("https://")
            || lower.starts_with("http://")
            || lower.starts_with("mailto:")
            || lower.starts_with("tel:")
        {
            return LinkTarget::External(dest.to_string());
        }
        if dest.starts_with('/') && !dest.starts_with("//") {
            return LinkTarget::External(absolute_url(config, dest));
        }
        LinkTarget::None
    }

    fn image(&mut self, src: &str) -> Option<(String, bool)> {
        if let Some(hit) = self.cache.get(src) {
            return hit.clone();
        }
        let config = &self.site.config;
        let rel = src
            .trim()
            .strip_prefix(config.base_path.as_str())
            .unwrap_or(src.trim())
            .trim_start_matches('/')
            .split(['?', '#'])
            .next()
            .unwrap_or("")
            .to_string();
        let ext = rel.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
        let supported = matches!(
            ext.as_str(),
            "png" | "jpg" | "jpeg" | "gif" | "svg" | "webp"
        );
        let found = self
            .site
            .static_files
            .iter()
            .find(|(p, _)| *p == rel)
            .filter(|_| supported);
        let result = found.and_then(|(_, source)| {
            let bytes = match source {
                output::Source::Bytes(b) => b.clone(),
                output::Source::File(path) => std::fs::read(path).ok()?,
            };
            // Typst decodes by the name: name the copy after what the bytes are (a PNG named
            // .jpg is reported as `image-format` when the site loads).
            use crate::images::Format;
            let ext = match crate::images::format_of(std::path::Path::new(&rel), &bytes) {
                f @ (Format::Jpeg | Format::Png | Format::Gif | Format::Svg | Format::WebP) => {
                    f.extension().to_string()
                }
                _ => return None,
            };
            // Never hand Typst an image that would take gigabytes to decode (a published
            // one was refused already; this holds whatever the list holds).
            let format = crate::images::format_of(std::path::Path::new(&rel), &bytes);
            if crate::images::dimensions(format, &bytes).is_some_and(|d| d.too_large()) {
                return None;
            }
            // The bytes are the published file's (`static_meta` has removed its metadata):
            // the PDF embeds exactly what the site publishes.
            let path = format!("/images/{}.{ext}", self.files.len());
            self.files.push((path.clone(), bytes));
            let decorative = self
                .site
                .content
                .images
                .iter()
                .any(|i| i.file == rel && i.decorative);
            Some((path, decorative))
        });
        self.cache.insert(src.to_string(), result.clone());
        result
    }
}

/// The full address of a web path: `https://example.org/a/` for `/a/`.
fn absolute_url(config: &SiteConfig, path: &str) -> String {
    let origin = config.base_url.trim_end_matches('/');
    let origin = origin
        .strip_suffix(config.base_path.trim_end_matches('/'))
        .unwrap_or(origin);
    format!("{origin}{path}")
}

/// Policies of at least this many words (about two printed pages) print their contents list
/// on a page of its own, before the sections.
const CONTENTS_PAGE_WORDS: usize = 800;

/// The details a print template gets as `data` (documented in docs/print.md).
fn data(site: &Site, job: &Job<'_>, has_sections: bool) -> serde_json::Value {
    use serde_json::json;
    let config = &site.config;
    let school = job.school;
    let doc = job.doc;
    let mut parts = config.language.split(['-', '_']);
    let lang = parts.next().unwrap_or("en").to_ascii_lowercase();
    let region = parts
        .find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
        .map(|r| r.to_ascii_uppercase());
    let person = |id: &str| -> String {
        school
            .roles
            .get(id)
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let roles: Vec<serde_json::Value> = crate::config::ROLE_TITLES
        .iter()
        .flat_map(|(id, title)| {
            school.roles.get(id).into_iter().map(move |p| json!({"id": id, "title": title, "name": p.name, "email": p.email, "phone": p.phone}))
        })
        .collect();
    let ceop = site.content.contacts.iter().find(|c| c.id == "ceop");
    let ceop = json!({
        "name": ceop.map_or("CEOP: Child Exploitation and Online Protection", |c| c.name.as_str()),
        "url": ceop.map_or("https://www.ceop.police.uk/ceop-reporting/", |c| c.url.as_str()),
        "description": ceop.map_or("Report a concern about online sexual abuse or grooming to the police.", |c| c.description.as_str()),
    });
    let policy = doc.policy.as_ref();
    let owner = policy
        .filter(|p| !p.owner.is_empty())
        .map(|p| {
            let name = person(&p.owner);
            let title = role_title(&p.owner).unwrap_or(&p.owner);
            if name.is_empty() {
                title.to_string()
            } else {
                format!("{title}: {name}")
            }
        })
        .unwrap_or_default();
    let (band, class) = match &job.what {
        What::Charter { band, class } => (
            json!({"slug": band.slug, "name": band.name, "young": band.young, "parent_signs": band.parent_signs}),
            class
                .clone()
                .map_or(serde_json::Value::Null, serde_json::Value::String),
        ),
        _ => (serde_json::Value::Null, serde_json::Value::Null),
    };
    let mut title = doc.meta.title.clone();
    if let What::Charter { band, class } = &job.what {
        title = format!("{title}: {}", band.name);
        if let Some(c) = class {
            title = format!("{title}, {c}");
        }
    }
    let kind_words = match job.what {
        What::Policy => "Policy",
        What::Guide => "Guide for parents and carers",
        What::Charter { .. } => "Pupil charter",
    };
    let subject = if doc.meta.description.trim().is_empty() {
        format!("{kind_words} of {}", school.name)
    } else {
        doc.meta.description.trim().to_string()
    };
    let bands: Vec<&str> = match &doc.bands {
        Some(list) if doc.kind == Kind::Guide => list
            .iter()
            .filter_map(|b| config.band(b).map(|b| b.name.as_str()))
            .collect(),
        None if doc.kind == Kind::Guide => config
            .bands
            .iter()
            .filter(|b| school.bands.contains(&b.slug))
            .map(|b| b.name.as_str())
            .collect(),
        _ => Vec::new(),
    };
    let toc = has_sections && job.doc.kind == Kind::Policy;
    json!({
        "kind": match job.what { What::Policy => "policy", What::Guide => "guide", What::Charter { .. } => "charter" },
        "lang": lang,
        "region": region,
        "title": title,
        "document_title": doc.meta.title,
        "subject": subject,
        "keywords": [kind_words, school.short_name],
        "url": absolute_url(config, &job.page_url),
        "toc": toc,
        "contents_page": toc && job.text.text.split_whitespace().count() >= CONTENTS_PAGE_WORDS,
        "site": {"title": config.title, "url": config.base_url},
        "school": {
            "slug": school.slug,
            "name": school.name,
            "short_name": school.short_name,
            "address": school.contact.address,
            "phone": school.contact.phone,
            "email": school.contact.email,
            "website": school.contact.website,
            "roles": roles,
        },
        "headteacher": person("headteacher"),
        "chair_of_governors": person("chair_of_governors"),
        "dsl": person("dsl"),
        "policy": {
            "version": policy.map(|p| p.version.clone()).unwrap_or_default(),
            "approved_by": policy.map(|p| p.approved_by.clone()).unwrap_or_default(),
            "approved": policy.and_then(|p| p.approved.as_ref()).map(|d| d.display.clone()).unwrap_or_default(),
            "minute_ref": policy.map(|p| p.minute_ref.clone()).unwrap_or_default(),
            "review_period": policy.and_then(|p| p.review_period).map(|r| r.to_string()).unwrap_or_default(),
            "next_review": policy.and_then(|p| p.next_review.as_ref()).map(|d| d.display.clone()).unwrap_or_default(),
            "owner": owner,
            "sign_off": policy.is_some_and(|p| p.sign_off),
            // Set (to the review date) when the review is overdue and the PDF says so.
            "overdue_since": policy
                .filter(|p| {
                    site.config.rules.settings.review_overdue.notice
                        && p.review_status(site.today, site.config.rules.settings.review_due_soon.days)
                            == crate::content::ReviewStatus::Overdue
                })
                .and_then(|p| p.next_review.as_ref())
                .map(|d| d.display.clone())
                .unwrap_or_default(),
        },
        "band": band,
        "class": class,
        "bands": bands,
        "contacts": site.content.contacts.iter().map(|c| json!({"id": c.id, "name": c.name, "url": c.url, "description": c.description, "phone": c.phone})).collect::<Vec<_>>(),
        "ceop": ceop,
    })
}

/// Compiles one PDF, turning Typst's refusals into findings about the author's files.
fn compile(site: &Site, r: &Ready<'_>, templates: &world::Templates) -> Outcome {
    let world = world::PrintWorld::new(r.main.clone(), templates, r.files.clone());
    let _doing = crate::watch::Activity::begin(format!("the PDF {}", r.job.out_path));
    let result = typst::compile::<PagedDocument>(&world)
        .output
        .and_then(|doc| {
            let standards = PdfStandards::new(&[PdfStandard::Ua_1]).unwrap_or_default();
            let options = PdfOptions {
                ident: Smart::Custom(r.job.out_path.clone()),
                creator: Smart::Custom(Some(format!(
                    "PolicyPress {} (Typst)",
                    env!("CARGO_PKG_VERSION")
                ))),
                standards,
                ..PdfOptions::default()
            };
            let pages = doc.pages().len();
            // The writer's buffer is far bigger than the PDF: keep only the PDF, or a site
            // of thousands of PDFs holds gigabytes until they are written.
            typst_pdf::pdf(&doc, &options).map(|mut bytes| {
                bytes.shrink_to_fit();
                (bytes, pages)
            })
        });
    match result {
        Ok((bytes, pages)) => Outcome::Pdf {
            bytes,
            pages,
            cached: false,
        },
        Err(errors) => {
            let mut out: Vec<Diagnostic> = errors
                .iter()
                .filter(|e| e.severity == TypstSeverity::Error)
                .map(|e| explain(site, r, &world, templates, e))
                .collect();
            out.dedup();
            Outcome::Failed(out)
        }
    }
}

/// The offset of the line that nests deepest (block quotes `>` and list indentation), for a
/// finding about nesting that Typst could not place.
fn deepest_line(text: &str) -> usize {
    let mut best = (0, 0);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let depth: usize = line
            .chars()
            .take_while(|c| matches!(c, '>' | ' ' | '\t' | '-' | '*' | '+'))
            .map(|c| match c {
                ' ' => 1,
                '\t' => 4,
                _ => 2,
            })
            .sum();
        if depth > best.0 {
            best = (depth, offset);
        }
        offset += line.len();
    }
    best.1
}

/// A Typst error as a PolicyPress finding: at the Markdown line it came from, in words.
fn explain(
    _site: &Site,
    r: &Ready<'_>,
    world: &world::PrintWorld<'_>,
    templates: &world::Templates,
    e: &SourceDiagnostic,
) -> Diagnostic {
    let doc = r.job.doc;
    let what = match &r.job.what {
        What::Charter { band, class: None } => {
            format!("the PDF of this charter for `{}`", band.slug)
        }
        What::Charter {
            band,
            class: Some(c),
        } => format!("the PDF of this charter for `{}` ({c})", band.slug),
        _ => "this document's PDF".to_string(),
    };
    let msg = e.message.as_str();
    if msg.contains("depth exceeded") {
        // Typst's show rules, layout or calls nested too deep: the text does, whichever
        // template rule Typst was in when it stopped.
        let d = Diagnostic::error(
            "pdf",
            &doc.source.name,
            format!("{what} can't be made: the text nests too deeply here (quotes, lists or emphasis inside each other) to print"),
        )
        .with_hint("use fewer levels inside each other: a few levels of lists or quotes are plenty");
        let at = world
            .range(e.span)
            .filter(|_| e.span.id() == Some(world.main_source().id()))
            .and_then(|range| r.emitted.source_offset(range.start))
            .unwrap_or_else(|| deepest_line(&r.job.text.text));
        let mut d = r.job.text.locate(doc, d, at, "");
        d.file = doc.source.name.clone();
        return d;
    }
    let (rule, message, hint) = if msg.contains("heading level")
        || msg.contains("first heading must be")
    {
        (
            "pdf-accessibility",
            format!("{what} can't be made accessible: this heading skips a level"),
            "use `##` for sections and `###` inside them, without skipping a level".to_string(),
        )
    } else if msg.contains("missing alt text") || msg.contains("alt text") {
        ("pdf-accessibility", format!("{what} can't be made accessible: an image has no alt text"), "describe what the image shows between the brackets: ![Pupils using tablets in class](...)".to_string())
    } else if msg.contains("missing document title") || msg.contains("document title was not set") {
        (
            "pdf-accessibility",
            format!("{what} can't be made accessible: it has no title"),
            "give the document a `title` in its front matter".to_string(),
        )
    } else if msg.contains("heading title is empty") {
        (
            "pdf-accessibility",
            format!("{what} can't be made accessible: a heading is empty"),
            "write the heading's text, or remove it".to_string(),
        )
    } else if msg.contains("could not be displayed") {
        (
            "pdf-accessibility",
            format!("{what} can't be made: a character here is in none of the PDF fonts"),
            "write the character another way (emoji and rare symbols can't be printed)".to_string(),
        )
    } else if msg.contains("language") {
        (
            "pdf-accessibility",
            format!(
                "{what} can't be made accessible: the site's language is not one a PDF can declare"
            ),
            "set `language = \"en-GB\"` (or another valid tag) in site.toml".to_string(),
        )
    } else if msg.contains("failed to decode image")
        || msg.contains("unknown image format")
        || msg.contains("failed to parse SVG")
    {
        (
            "pdf",
            format!(
                "{what} can't be made: an image here is damaged, or is not the kind of image its name says"
            ),
            "open the image in an image editor and export it again as PNG or JPEG".to_string(),
        )
    } else {
        (
            "pdf",
            format!("{what} could not be made"),
            format!("the PDF maker said: {msg}"),
        )
    };
    let range = world.range(e.span);
    let file = e.span.id();
    match (file, range) {
        (Some(id), Some(range)) if id == world.main_source().id() => {
            let d = Diagnostic::error(rule, &doc.source.name, message).with_hint(hint);
            match r.emitted.source_offset(range.start) {
                Some(md) => {
                    let mut d = r.job.text.locate(doc, d, md, "");
                    d.file = doc.source.name.clone();
                    d
                }
                None => d,
            }
        }
        (Some(id), Some(range)) if templates.sources.contains_key(&id) => {
            let origin = templates.origins.get(&id).cloned().unwrap_or_default();
            let text = templates.sources[&id].text();
            let line = text[..range.start.min(text.len())].matches('\n').count() + 1;
            let mut d = Diagnostic::error(
                "print-template",
                origin.trim_start_matches("(built-in) "),
                format!("{what} could not be made: the print template has a mistake: {msg}"),
            )
            .with_hint(
                "see docs/print.md; the default theme's print templates are a working example",
            );
            d.line = line;
            d.snippet = text.lines().nth(line - 1).map(crate::diagnostics::snippet);
            d
        }
        _ => Diagnostic::error(rule, &doc.source.name, message).with_hint(hint),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(slug: &str, name: &str) -> Band {
        Band {
            slug: slug.into(),
            name: name.into(),
            young: false,
            parent_signs: false,
        }
    }

    #[test]
    fn classes_belong_to_the_band_of_their_year() {
        let bands = crate::config::default_bands();
        let all: Vec<&Band> = bands.iter().collect();
        let of = |c: &str| class_band(c, &all).map(|b| b.slug.as_str());
        assert_eq!(of("Nursery Acorn"), Some("eyfs"));
        assert_eq!(of("Reception Hazel"), Some("eyfs"));
        assert_eq!(of("Year R"), Some("eyfs"));
        assert_eq!(of("Year 1 Birch"), Some("years-1-2"));
        assert_eq!(of("Year 2 Rowan"), Some("years-1-2"));
        assert_eq!(of("Year 3 Oak"), Some("years-3-4"));
        assert_eq!(of("Y4 Elm"), Some("years-3-4"));
        assert_eq!(of("Yr 6 Cedar"), Some("years-5-6"));
        assert_eq!(of("Owls"), None);
        assert_eq!(of("Year 7"), None);
        let custom = [
            band("ks1", "Key Stage 1 (Years 1 and 2)"),
            band("early", "Nursery"),
            band("upper", "Years 3 to 6"),
        ];
        let custom: Vec<&Band> = custom.iter().collect();
        assert_eq!(
            class_band("Year 5 Ash", &custom).map(|b| b.slug.as_str()),
            Some("upper")
        );
        assert_eq!(
            class_band("Nursery", &custom).map(|b| b.slug.as_str()),
            Some("early")
        );
        assert_eq!(
            class_band("Year 1", &custom).map(|b| b.slug.as_str()),
            Some("ks1")
        );
        assert_eq!(
            class_band("Year 2", &custom).map(|b| b.slug.as_str()),
            Some("ks1")
        );
    }
}
