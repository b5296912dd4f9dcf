//! The PDFs to make: one per policy and guide, one per charter band, and the class copies.

use super::*;

/// Which copy of a document one PDF is: for a kind printed per band, the band's (and a
/// class's copy of it); otherwise the document's.
#[derive(Debug, Clone, Default)]
pub(super) struct What<'a> {
    pub(super) band: Option<&'a Band>,
    /// The class a band's copy is for ("Year 3 Oak").
    pub(super) class: Option<String>,
}

/// One PDF to make.
pub(super) struct Job<'a> {
    pub(super) school: &'a School,
    pub(super) school_index: usize,
    pub(super) doc: &'a Document,
    /// How its kind is printed.
    pub(super) print: crate::content::kinds::Print,
    pub(super) what: What<'a>,
    /// The web page it belongs to (URL path, with the base path).
    pub(super) page_url: String,
    /// The PDF's own URL path, and its path in the output folder.
    pub(super) url: String,
    pub(super) out_path: String,
    pub(super) text: std::sync::Arc<Prepared>,
    /// The unit's inputs' hash ([`Unit::inputs`]).
    pub(super) inputs: Option<String>,
}

/// A job made into Typst markup, ready to compile (or to take from the cache).
pub(super) struct Ready<'a> {
    pub(super) job: Job<'a>,
    pub(super) main: String,
    pub(super) emitted: emit::Emitted,
    pub(super) files: Vec<(String, Vec<u8>)>,
    pub(super) key: String,
    /// Where the two characters of `fit: 0 ` are in `main`, for a per-band PDF that must fit
    /// on one page.
    pub(super) fit_at: Option<usize>,
}

impl<'a> Ready<'a> {
    /// A job taken from the cache by its inputs (the memo), never written as markup: its
    /// PDF's cache key is all it has.
    pub(super) fn taken(job: Job<'a>, key: String) -> Ready<'a> {
        Ready {
            job,
            main: String::new(),
            emitted: emit::Emitted::default(),
            files: Vec::new(),
            key,
            fit_at: None,
        }
    }
}

pub(super) enum Outcome {
    Pdf {
        /// The PDF: compiled (in memory) or from the cache (a verified file).
        source: crate::published::Source,
        /// Its size in bytes.
        size: u64,
        pages: usize,
        /// Taken from the cache (its content hash checked).
        cached: bool,
    },
    Failed(Vec<Diagnostic>),
}

pub(super) fn pages_words(n: usize) -> String {
    if n == 1 {
        "1 page".into()
    } else {
        format!("{n} pages")
    }
}

pub(super) fn kb_words(bytes: u64) -> String {
    format!("{} KB", bytes.div_ceil(1024).max(1))
}

/// The file name of a document's PDF, without `.pdf`: its title in URL form.
pub(super) fn file_stem(doc: &Document) -> String {
    if doc.meta.title.trim().is_empty() {
        let rel = doc.rel.strip_suffix(".md").unwrap_or(&doc.rel);
        rel.rsplit('/').next().unwrap_or(rel).to_string()
    } else {
        crate::markdown::slugify(&doc.meta.title)
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn job<'a>(
    config: &SiteConfig,
    school_index: usize,
    school: &'a School,
    doc: &'a Document,
    print: crate::content::kinds::Print,
    what: What<'a>,
    page_url: &str,
    file: &str,
    text: std::sync::Arc<Prepared>,
) -> Job<'a> {
    let url = format!("{page_url}{file}");
    let out_path = url
        .strip_prefix(config.base_path.as_str())
        .unwrap_or(&url)
        .trim_start_matches('/')
        .to_string();
    Job {
        school,
        school_index,
        doc,
        print,
        what,
        page_url: page_url.to_string(),
        url,
        out_path,
        text,
        inputs: None,
    }
}

/// The bands a class's charter copies are printed for, among `bands` (the bands a school
/// serves and a charter covers): the ones the school gives the class, else those of the
/// years in its name (read by [`crate::school_years::years_of`], as bands' slugs and names
/// are): the first band that holds every year of the class, or, for a mixed-age class no
/// band holds ("Year 2/3 Kestrels" with bands `years-1-2` and `years-3-4`), each band that
/// holds one of its years. A class whose name gives no year, or whose years no band holds,
/// has none.
pub fn class_bands<'a>(class: &crate::config::Class, bands: &[&'a Band]) -> Vec<&'a Band> {
    use crate::school_years::years_of;
    if !class.bands.is_empty() {
        return bands
            .iter()
            .filter(|b| class.bands.contains(&b.slug))
            .copied()
            .collect();
    }
    let years = years_of(&class.name);
    if years.is_empty() {
        return Vec::new();
    }
    let band_years = |b: &Band| years_of(&format!("{} {}", b.slug, b.name));
    if let Some(b) = bands.iter().find(|b| band_years(b).holds(years)) {
        return vec![*b];
    }
    bands
        .iter()
        .filter(|b| band_years(b).meets(years))
        .copied()
        .collect()
}

/// The PDFs of the prepared units, in their order: a document's, or, for a kind printed
/// per band, the band's followed by its class copies.
pub(super) fn plan_jobs<'a>(site: &'a Model<'a>, units: Vec<Unit>) -> Vec<Job<'a>> {
    let config = &site.config;
    let mut jobs = Vec::new();
    for unit in units {
        let school = &config.schools[unit.school];
        let doc = &site.documents[unit.doc];
        let stem = file_stem(doc);
        let def = doc.kind().def();
        let Some(print) = def.print else {
            continue;
        };
        let mut push = |what: What<'a>, file: String| {
            let text = unit.text.clone();
            let mut j = job(
                config,
                unit.school,
                school,
                doc,
                print,
                what,
                &unit.page_url,
                &file,
                text,
            );
            j.inputs = unit.inputs.clone();
            jobs.push(j);
        };
        match (def.per_band, unit.band) {
            (false, None) => push(What::default(), format!("{stem}.pdf")),
            (true, Some(b)) => {
                let band = &config.bands[b];
                let bands = crate::content::kinds::charter::bands_at(config, school, doc);
                let what = |class: Option<&String>| What {
                    band: Some(band),
                    class: class.cloned(),
                };
                push(what(None), format!("{stem}-{}.pdf", band.slug));
                for class in &school.classes {
                    let of = class_bands(class, &bands);
                    if !of.iter().any(|cb| cb.slug == band.slug) {
                        continue;
                    }
                    // A mixed-age class has a copy for each of its bands, named apart.
                    let class_slug = crate::markdown::slugify(&class.name);
                    let file = if of.len() > 1 {
                        format!("{stem}-{class_slug}-{}.pdf", band.slug)
                    } else {
                        format!("{stem}-{class_slug}.pdf")
                    };
                    push(what(Some(&class.name)), file);
                }
            }
            // A unit that is not printed (a per-band kind's page listing its bands).
            _ => {}
        }
    }
    jobs
}

/// A warning for each class of a school that matches none of the bands one of its charters
/// is printed for: it gets no printed charter.
pub(super) fn class_band_findings(site: &Model<'_>) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (school, docs) in site.school_documents.iter().map(|(s, d)| (*s, d)) {
        for doc in docs.values().filter(|d| d.kind().def().per_band) {
            let bands = crate::content::kinds::charter::bands_at(&site.config, school, doc);
            for class in &school.classes {
                if class_bands(class, &bands).is_empty() {
                    let mut d = Diagnostic::warning(
                        "class-band",
                        &school.file,
                        format!(
                            "the class `{}` is in none of the bands that `{}` is printed for at {}, so it gets no printed copy",
                            class.name, doc.meta.title, school.name
                        ),
                    )
                    .with_hint(format!(
                        "name the class by its years (\"Year 3 Oak\", \"Years 1 and 2 Robins\"), or write it with its band, as in {{ name = \"Kestrels\", band = \"{}\" }}; see docs/print.md",
                        bands.first().map_or("years-3-4", |b| b.slug.as_str())
                    ));
                    d.line = class.line;
                    findings.push(d);
                }
            }
        }
    }
    findings
}
