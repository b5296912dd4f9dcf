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
}

/// A job made into Typst markup, ready to compile (or to take from the cache).
pub(super) struct Ready<'a> {
    pub(super) job: Job<'a>,
    pub(super) main: String,
    pub(super) emitted: emit::Emitted,
    pub(super) files: Vec<(String, Vec<u8>)>,
    pub(super) key: String,
}

pub(super) enum Outcome {
    Pdf {
        bytes: Vec<u8>,
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
            jobs.push(job(
                config,
                unit.school,
                school,
                doc,
                print,
                what,
                &unit.page_url,
                &file,
                text,
            ));
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
                for class in school
                    .classes
                    .iter()
                    .filter(|c| class_band(c, &bands).is_some_and(|cb| cb.slug == band.slug))
                {
                    let file = format!("{stem}-{}.pdf", crate::markdown::slugify(class));
                    push(what(Some(class)), file);
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
        }
    }
    findings
}
