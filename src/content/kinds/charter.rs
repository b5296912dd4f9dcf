//! Pupil charters: `content/charters/`, statements tagged by age band; one page and one
//! printed A4 agreement per band (and per class).

use super::*;

/// The declaration of pupil charters: their folder, templates, A4 print and per-band pages.
pub const KIND: KindDef = KindDef {
    kind: Kind::Charter,
    id: "charter",
    path: KindPath::Folder("charters"),
    section: Some("Pupil charters"),
    template: "charter.html",
    print: Some(Print {
        template: "charter",
        words: "Pupil charter",
    }),
    per_band: true,
    numbered: false,
    school_home: false,
    read: |doc, front, config, diags| {
        doc.data = KindData::Charter(read_banded(doc, front, config, diags)?);
        Ok(())
    },
    texts: no_texts,
    page,
    list_line: no_list_line,
    print_bands: no_print_bands,
};

/// What a charter holds: the bands it is limited to.
pub type Data = Banded;

/// A band page: its band, and every band of the charter the school serves (with their
/// pages' addresses); the charter's own page: the bands it is limited to.
fn page(doc: &Document, at: &PageData<'_>, page: &mut PageCtx) {
    let config = at.config;
    match at.band {
        Some(i) => {
            page.band = config.bands.get(i).map(|b| band_ctx(b, at.url.to_string()));
            page.bands = band_pages(config, at.school, doc, at.doc_url);
        }
        None => {
            page.bands = named_bands(doc, config)
                .into_iter()
                .flatten()
                .map(|b| band_ctx(b, String::new()))
                .collect();
        }
    }
}

/// The bands a charter has pages (and printed copies) for at a school: those the school
/// serves and the charter covers.
pub fn bands_at<'a>(config: &'a SiteConfig, school: &School, doc: &Document) -> Vec<&'a config::Band> {
    config
        .bands
        .iter()
        .filter(|b| school.bands.contains(&b.slug))
        .filter(|b| doc.bands().is_none_or(|list| list.contains(&b.slug)))
        .collect()
}

/// The charter's band pages at a school, below its page at `doc_url`.
pub fn band_pages(config: &SiteConfig, school: &School, doc: &Document, doc_url: &str) -> Vec<BandCtx> {
    bands_at(config, school, doc)
        .into_iter()
        .map(|b| band_ctx(b, format!("{doc_url}{}/", b.slug)))
        .collect()
}
