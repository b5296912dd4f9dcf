//! Pupil charters: `content/charters/`, statements tagged by age band; one page and one
//! printed A4 agreement per band (and per class).

use super::*;
use std::collections::BTreeMap;

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
        doc.data = KindData::Charter(read(doc, front, config, diags)?);
        Ok(())
    },
    texts: no_texts,
    page,
    list_line: no_list_line,
    print_bands: no_print_bands,
};

/// What a charter holds: the bands it is limited to, and the sentence each band's copy is
/// signed under when the charter has its own (the agreement's own sign-off words).
#[derive(Debug, Clone, Default)]
pub struct Data {
    /// The bands it is limited to (`None`: every band the school serves).
    pub bands: Option<Vec<String>>,
    /// `signing = "…"`: the sentence every band signs under.
    pub signing: Option<String>,
    /// `[signing]` with a band's slug: that band's sentence.
    pub signing_by_band: BTreeMap<String, String>,
}

front_matter! {
    /// A charter's front matter.
    struct CharterFront {
        bands: Option<Vec<Spanned<String>>>,
        signing: Option<Spanned<SigningToml>>,
    }
}

/// `signing = "…"` for every band, or `[signing]` with a sentence per band's slug.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum SigningToml {
    All(String),
    ByBand(BTreeMap<String, String>),
}

fn read(
    doc: &mut Document,
    front: &str,
    config: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> Result<Data, Diagnostic> {
    let f = parse_toml::<CharterFront>(&doc.source, front, 0)?;
    doc.meta = meta_of!(f, doc, config, diags);
    let mut data = Data {
        bands: f
            .bands
            .map(|list| check_bands(&list, &doc.source, config, diags)),
        ..Data::default()
    };
    if let Some(signing) = f.signing {
        let at = signing.span().start;
        match signing.into_inner() {
            SigningToml::All(text) => data.signing = Some(text),
            SigningToml::ByBand(map) => {
                for (slug, text) in map {
                    if config.band(&slug).is_none() {
                        let offset = at + doc.source.text[at..].find(slug.as_str()).unwrap_or(0);
                        diags.push(config::unknown_band(&doc.source, &slug, offset, &config.bands));
                    } else {
                        data.signing_by_band.insert(slug, text);
                    }
                }
            }
        }
    }
    Ok(data)
}

/// The sentence a band's copy of the charter is signed under: the charter's own for the
/// band, or for all bands, else the band's or the site's (see `config::CharterWords`).
pub fn signing(doc: &Document, band: &config::Band, config: &SiteConfig) -> String {
    match &doc.data {
        KindData::Charter(data) => data
            .signing_by_band
            .get(&band.slug)
            .or(data.signing.as_ref())
            .cloned()
            .unwrap_or_else(|| config.charters.signing(band)),
        _ => config.charters.signing(band),
    }
}

/// A band page: its band, and every band of the charter the school serves (with their
/// pages' addresses); the charter's own page: the bands it is limited to.
fn page(doc: &Document, at: &PageData<'_>, page: &mut PageCtx) {
    let config = at.config;
    match at.band {
        Some(i) => {
            page.band = config.bands.get(i).map(|b| BandCtx {
                signing: signing(doc, b, config),
                ..band_ctx(b, at.url.to_string())
            });
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
