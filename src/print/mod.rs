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
//! written by [`pdfs`]: the caller publishes the files and calls [`crate::export::Exported::save_cache`]
//! only when the whole build has no errors.
//!
//! File I/O here: the print templates (`themes/<theme>/print/`, the site's `print/`), the
//! images a document shows (from the site's static files) and the PDF cache.

mod cache;
mod compile;
pub use compile::SAME_CAUSE;
mod data;
pub mod emit;
mod jobs;
mod templates;
pub mod world;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use typst::WorldExt;
use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::Smart;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use crate::config::{Band, School, SiteConfig};
use crate::content::Document;
use crate::diagnostics::{Diagnostic, display_path};
use crate::downloads::Download;
use crate::export::{Exported, Exporter, Links, Model, Options, Unit};
use crate::vars::Prepared;
use cache::*;
use compile::*;
use data::*;
use jobs::*;
use templates::*;

use emit::LinkTarget;

/// Sets up what every PDF shares (Typst's standard library and the fonts), if it is not yet.
pub fn warm_up() {
    world::shared();
}

/// The print PDFs, as an exporter.
pub struct Pdf;

impl Exporter for Pdf {
    fn format(&self) -> &'static str {
        "PDF"
    }

    fn export(
        &self,
        site: &Model<'_>,
        units: Vec<Unit>,
        links: &Links<'_>,
        opts: &Options<'_>,
    ) -> Exported {
        pdfs(site, units, links, opts).into_exported()
    }
}

/// Makes the PDFs of the prepared units: one per policy and parent guide, one per charter
/// band, and one per class for the classes listed in the school's `classes`. Preparation is
/// the pipeline's: this only turns what it made into PDFs.
fn pdfs(site: &Model<'_>, units: Vec<Unit>, links: &Links<'_>, opts: &Options<'_>) -> Printed {
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
    findings.extend(class_band_findings(site));
    let jobs = plan_jobs(site, units);
    let keys = (
        templates_hash(&templates),
        world::shared().fonts_hash.as_str(),
    );
    // A job whose inputs hash as when its PDF was made last (the memo in the cache folder)
    // is taken from the cache without being written as Typst markup at all.
    let memo = cache_dir.as_deref().map(read_memo).unwrap_or_default();
    let planned: Vec<(Ready<'_>, Option<Outcome>, Option<String>)> = jobs
        .into_par_iter()
        .map(|job| {
            let inputs = memo_key(&job, keys);
            let hit = inputs.as_ref().and_then(|m| {
                let key = memo.get(m)?;
                let (source, size, pages) = read_cache(cache_dir.as_deref()?, key, &site_files)?;
                Some((key.clone(), source, size, pages))
            });
            match hit {
                Some((key, source, size, pages)) => (
                    Ready::taken(job, key),
                    Some(Outcome::Pdf {
                        source,
                        size,
                        pages,
                        cached: true,
                    }),
                    inputs,
                ),
                None => (ready(site, job, links, keys), None, inputs),
            }
        })
        .collect();
    let mut ready = Vec::with_capacity(planned.len());
    let mut taken = Vec::with_capacity(planned.len());
    let mut inputs = Vec::with_capacity(planned.len());
    for (r, t, i) in planned {
        ready.push(r);
        taken.push(t);
        inputs.push(i);
    }
    let (outcomes, compiled) =
        outcomes(site, &ready, taken, &templates, cache_dir.as_deref(), opts);
    let memo: Vec<(String, String)> = inputs
        .into_iter()
        .zip(&ready)
        .zip(&outcomes)
        .filter(|(_, o)| matches!(o, Outcome::Pdf { .. }))
        .filter_map(|((i, r), _)| Some((i?, r.key.clone())))
        .collect();
    let printed = Printed {
        files: Vec::new(),
        links: HashMap::new(),
        findings,
        compiled,
        reused: 0,
        cache_dir,
        new_entries: Vec::new(),
        used: HashSet::new(),
        memo,
    };
    collect(printed, ready, outcomes)
}

/// The key a job's PDF is remembered by in the memo: the hash of its unit's inputs (when
/// the pipeline knows them), its place and what makes every PDF (this program, the print
/// templates, the fonts). `None`: the job's key is made from its Typst markup only.
fn memo_key(job: &Job<'_>, (templates_hash, fonts_hash): (blake3::Hash, &str)) -> Option<String> {
    let inputs = job.inputs.as_ref()?;
    let mut h = blake3::Hasher::new();
    for part in [
        CACHE_VERSION.as_bytes(),
        env!("CARGO_PKG_VERSION").as_bytes(),
        fonts_hash.as_bytes(),
        templates_hash.as_bytes(),
        job.out_path.as_bytes(),
        job.what.class.as_deref().unwrap_or("").as_bytes(),
        inputs.as_bytes(),
    ] {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part);
    }
    Some(h.finalize().to_hex()[..32].to_string())
}

/// A hash of the print templates (each one's origin and text), part of every PDF's cache key.
fn templates_hash(templates: &world::Templates) -> blake3::Hash {
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
}

/// One job made into Typst markup, with the images it shows and its cache key.
fn ready<'a>(
    site: &'a Model<'a>,
    mut job: Job<'a>,
    links: &Links<'_>,
    (templates_hash, fonts_hash): (blake3::Hash, &str),
) -> Ready<'a> {
    let mut ctx = PrintContext {
        site,
        links: links(job.school_index),
        files: Vec::new(),
        cache: HashMap::new(),
    };
    let numbered = job.doc.kind().def().numbered;
    // Too deep or too long: the page reports it (`pipeline`), and the build publishes
    // nothing; print only what is within the limits meanwhile.
    if job.text.text.len() > crate::limits::MAX_PDF_SOURCE_BYTES {
        std::sync::Arc::make_mut(&mut job.text).text.clear();
    }
    let parsed = crate::markdown::parse(&job.text.text, numbered);
    let parsed = if parsed.too_deep.is_some() {
        drop(parsed);
        let cut = crate::markdown::within_nesting_limit(&job.text.text).to_string();
        std::sync::Arc::make_mut(&mut job.text).text = cut;
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
    // The school's logo travels with the PDF's images: the published file's bytes.
    let logo = job
        .school
        .logo
        .as_ref()
        .and_then(|l| emit::Context::image(&mut ctx, l))
        .map(|(path, _)| path);
    let data = data(
        site,
        &job,
        !parsed.headings.iter().all(|h| h.level != 2),
        logo,
    );
    let template = job.print.template;
    let prefix = format!("#import \"/print/{template}.typ\": {template}\n#show: {template}.with(");
    let mut dict = emit::value(&data);
    // A per-band PDF must fit on one page: its template gets `fit`, two characters wide so
    // that a later step can be written over it (see `compile::fit`).
    let mut fit_at = None;
    if job.what.band.is_some() && dict.ends_with(')') {
        dict.pop();
        dict.push_str(", fit: ");
        fit_at = Some(prefix.len() + dict.len());
        dict.push_str("0 )");
    }
    let header = format!("{prefix}{dict})\n");
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
        fit_at,
    }
}

/// Each ready job's PDF, from the cache where it has it, the others compiled in parallel;
/// and how many were compiled.
fn outcomes(
    site: &Model<'_>,
    ready: &[Ready<'_>],
    taken: Vec<Option<Outcome>>,
    templates: &world::Templates,
    cache_dir: Option<&Path>,
    opts: &Options<'_>,
) -> (Vec<Outcome>, usize) {
    let site_files = crate::source_files::SiteFiles::new(&site.root);
    let mut outcomes: Vec<Option<Outcome>> = ready
        .par_iter()
        .zip(taken)
        .map(|(r, taken)| {
            taken.or_else(|| {
                let (source, size, pages) = read_cache(cache_dir?, &r.key, &site_files)?;
                Some(Outcome::Pdf {
                    source,
                    size,
                    pages,
                    cached: true,
                })
            })
        })
        .collect();
    let to_compile = outcomes.iter().filter(|c| c.is_none()).count();
    opts.progress.start(to_compile);
    let done = AtomicUsize::new(0);
    let compile_one = |r: &Ready<'_>| {
        let outcome = compile(r, templates);
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        // Typst memoises every compilation's layout: trim it now and then. What every PDF
        // reuses (fonts, templates) is hit again and so is kept.
        if n % EVICT_EVERY == 0 {
            typst::comemo::evict(EVICT_AGE);
        }
        opts.progress.advance();
        outcome
    };
    let todo: Vec<usize> = (0..ready.len())
        .filter(|&i| outcomes[i].is_none())
        .collect();
    for (i, outcome) in compile_all(ready, &todo, &compile_one) {
        outcomes[i] = Some(outcome);
    }
    let outcomes: Vec<Outcome> = outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Outcome::Failed(Vec::new())))
        .collect();
    opts.progress.finish();
    // Typst memoises across compilations; a long `serve` should not keep all of it.
    typst::comemo::evict(10);

    (outcomes, done.load(Ordering::Relaxed))
}

/// The PDFs made, checked (a per-band copy must fit on one page) and linked from their pages.
fn collect(mut printed: Printed, ready: Vec<Ready<'_>>, outcomes: Vec<Outcome>) -> Printed {
    for (r, outcome) in ready.into_iter().zip(outcomes) {
        let (source, size, pages, cached) = match outcome {
            Outcome::Failed(d) => {
                printed.findings.extend(d);
                continue;
            }
            Outcome::Pdf {
                source,
                size,
                pages,
                cached,
            } => (source, size, pages, cached),
        };
        if let Some(band) = r.job.what.band
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
                    "shorten or remove some statements shown to `{}`, or give them simpler wording for that band: a charter is printed on one page, and it did not fit even in smaller type and two columns",
                    band.slug
                )),
            );
            continue;
        }
        let (name, label) = match (&r.job.what.band, &r.job.what.class) {
            (Some(_), Some(class)) => (
                class.clone(),
                format!(
                    "{class} (PDF, A4, {}, {})",
                    pages_words(pages),
                    kb_words(size)
                ),
            ),
            (Some(band), None) => (
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
            .push(Download {
                format: "PDF",
                media_type: "application/pdf",
                copy: r.job.what.class.is_some(),
                url: r.job.url.clone(),
                name,
                pages,
                size_kb: size.div_ceil(1024),
                label,
            });
        printed.used.insert(r.key.clone());
        if cached {
            printed.reused += 1;
        } else if let crate::published::Source::Bytes(bytes) = &source {
            printed
                .new_entries
                .push((r.key.clone(), bytes.clone(), pages));
        }
        printed.files.push((r.job.out_path.clone(), source));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn band(slug: &str, name: &str) -> Band {
        Band {
            slug: slug.into(),
            name: name.into(),
            young: false,
            parent_signs: false,
            signing: None,
        }
    }

    #[test]
    fn classes_belong_to_the_bands_of_their_years() {
        let class = |name: &str| crate::config::Class {
            name: name.into(),
            bands: Vec::new(),
            line: 0,
        };
        let of = |c: &str, bands: &[&Band]| -> Vec<String> {
            class_bands(&class(c), bands)
                .iter()
                .map(|b| b.slug.clone())
                .collect()
        };
        let bands = crate::config::default_bands();
        let all: Vec<&Band> = bands.iter().collect();
        for (c, want) in [
            ("Nursery Acorn", &["eyfs"][..]),
            ("Reception Hazel", &["eyfs"]),
            ("Year R", &["eyfs"]),
            ("Year 1 Birch", &["years-1-2"]),
            ("Year 2 Rowan", &["years-1-2"]),
            ("Year 3 Oak", &["years-3-4"]),
            ("Y4 Elm", &["years-3-4"]),
            ("Yr 6 Cedar", &["years-5-6"]),
            ("Years 1 and 2 Willow", &["years-1-2"]),
            ("Reception/Year 1 Robins", &["eyfs", "years-1-2"]),
            ("Year 2/3 Kestrels", &["years-1-2", "years-3-4"]),
            ("Owls", &[]),
            ("Year 7", &[]),
        ] {
            assert_eq!(of(c, &all), want, "{c}");
        }
        let custom = [
            band("ks1", "Key Stage 1 (Years 1 and 2)"),
            band("early", "Nursery"),
            band("upper", "Years 3 to 6"),
        ];
        let custom: Vec<&Band> = custom.iter().collect();
        assert_eq!(of("Year 5 Ash", &custom), ["upper"]);
        assert_eq!(of("Nursery", &custom), ["early"]);
        assert_eq!(of("Year 1", &custom), ["ks1"]);
        assert_eq!(of("Mixed Year 2 and 3", &custom), ["ks1", "upper"]);
        // The school's word for the band wins over the name.
        let mut owls = class("Owls");
        owls.bands = vec!["upper".into()];
        let picked: Vec<&str> = class_bands(&owls, &custom)
            .iter()
            .map(|b| b.slug.as_str())
            .collect();
        assert_eq!(picked, ["upper"]);
    }
}
