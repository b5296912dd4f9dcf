//! One PDF compiled with Typst, and Typst's refusals turned into findings at the Markdown line.

use super::*;

/// The `pdf-accessibility` refusals that have the same cause as a publishing rule's finding
/// at the same line: (the end of the refusal's message, that rule's id). Where the rule's
/// finding is reported, the refusal is not reported again (`drop_consequences`).
pub const SAME_CAUSE: [(&str, &str); 2] = [
    (
        " can't be made accessible: this heading skips a level",
        "heading-order",
    ),
    (
        " can't be made accessible: an image has no alt text",
        "image-alt-missing",
    ),
];

/// The last step a per-band template is given in `data.fit` (docs/print.md): 0 prints it as
/// designed, each step after that fits more on the page.
pub(super) const FIT_STEPS: usize = 13;

/// The steps tried in turn, each a range whose steps fit more and more: smaller type in one
/// column, then two columns (the charter template's; see `charter.typ`).
const FIT_RANGES: [(usize, usize); 2] = [(1, 6), (7, FIT_STEPS)];

/// Compiles one PDF, turning Typst's refusals into findings about the author's files. A
/// per-band PDF (a charter) that needs more than one page is laid out again with `data.fit`
/// stepped up until it fits: the least step that does.
pub(super) fn compile(r: &Ready<'_>, templates: &world::Templates) -> Outcome {
    let _doing = crate::watch::Activity::begin(format!("the PDF {}", r.job.out_path));
    let (world, mut result) = layout(r, templates, 0);
    if let (Ok(doc), Some(_)) = (&result, r.fit_at)
        && doc.pages().len() > 1
        && let Some(fitted) = fit(r, templates)
    {
        result = Ok(fitted);
    }
    let result = result.and_then(|doc| {
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
            size: bytes.len() as u64,
            source: crate::published::Source::Bytes(bytes),
            pages,
            cached: false,
        },
        Err(errors) => {
            let mut out: Vec<Diagnostic> = errors
                .iter()
                .filter(|e| e.severity == TypstSeverity::Error)
                .map(|e| explain(r, &world, templates, e))
                .collect();
            out.dedup();
            Outcome::Failed(out)
        }
    }
}

/// The job laid out with `data.fit` at `step`, and the world it was laid out in.
fn layout<'t>(
    r: &Ready<'_>,
    templates: &'t world::Templates,
    step: usize,
) -> (
    world::PrintWorld<'t>,
    typst::diag::SourceResult<PagedDocument>,
) {
    let mut main = r.main.clone();
    if let Some(at) = r.fit_at.filter(|_| step > 0) {
        // Two characters, so that the markup's offsets (and its map to the Markdown) stay.
        main.replace_range(at..at + 2, &format!("{step:<2}"));
    }
    let world = world::PrintWorld::new(main, templates, r.files.clone());
    let result = typst::compile::<PagedDocument>(&world).output;
    (world, result)
}

/// The layout at the least step that fits on one page, found by halving each range of
/// [`FIT_RANGES`] whose last step fits; none when no step does.
fn fit(r: &Ready<'_>, templates: &world::Templates) -> Option<PagedDocument> {
    let fits = |step: usize| match layout(r, templates, step).1 {
        Ok(doc) if doc.pages().len() == 1 => Some(doc),
        _ => None,
    };
    for (mut lo, mut hi) in FIT_RANGES {
        let Some(mut best) = fits(hi) else {
            continue;
        };
        while lo < hi {
            let mid = (lo + hi) / 2;
            match fits(mid) {
                Some(doc) => {
                    best = doc;
                    hi = mid;
                }
                None => lo = mid + 1,
            }
        }
        return Some(best);
    }
    None
}

/// The offset of the line that nests deepest (block quotes `>` and list indentation), for a
/// finding about nesting that Typst could not place.
pub(super) fn deepest_line(text: &str) -> usize {
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
pub(super) fn explain(
    r: &Ready<'_>,
    world: &world::PrintWorld<'_>,
    templates: &world::Templates,
    e: &SourceDiagnostic,
) -> Diagnostic {
    let doc = r.job.doc;
    let what = match (&r.job.what.band, &r.job.what.class) {
        (Some(band), None) => format!("the PDF of this charter for `{}`", band.slug),
        (Some(band), Some(c)) => format!("the PDF of this charter for `{}` ({c})", band.slug),
        (None, _) => "this document's PDF".to_string(),
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
    let (rule, message, hint) = worded(&what, msg);
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

/// The rule, message and hint for what Typst said of `what` (a PDF): the refusals of
/// PDF/UA in words a coordinator can act on; anything else as Typst said it.
fn worded(what: &str, msg: &str) -> (&'static str, String, String) {
    if msg.contains("heading level") || msg.contains("first heading must be") {
        (
            "pdf-accessibility",
            format!("{what}{}", SAME_CAUSE[0].0),
            "use `##` for sections and `###` inside them, without skipping a level".to_string(),
        )
    } else if msg.contains("missing alt text") || msg.contains("alt text") {
        ("pdf-accessibility", format!("{what}{}", SAME_CAUSE[1].0), "describe what the image shows between the brackets: ![Pupils using tablets in class](...)".to_string())
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
    }
}
