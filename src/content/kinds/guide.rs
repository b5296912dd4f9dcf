//! Guides for parents and carers: `content/guides/`, each for the age bands it concerns,
//! with a PDF.

use super::*;

/// The declaration of guides for parents and carers: their folder, templates and PDF.
pub const KIND: KindDef = KindDef {
    kind: Kind::Guide,
    id: "guide",
    path: KindPath::Folder("guides"),
    section: Some("Guides for parents and carers"),
    template: "guide.html",
    print: Some(Print {
        template: "guide",
        words: "Guide for parents and carers",
    }),
    per_band: false,
    numbered: false,
    school_home: false,
    read: |doc, front, config, diags| {
        doc.data = KindData::Guide(read_banded(doc, front, config, diags)?);
        Ok(())
    },
    texts: no_texts,
    page,
    list_line,
    print_bands,
};

/// What a guide holds: the bands it concerns.
pub type Data = Banded;

/// The bands the guide concerns (every band, when it names none).
fn page(doc: &Document, at: &PageData<'_>, page: &mut PageCtx) {
    let config = at.config;
    page.bands = named_bands(doc, config)
        .unwrap_or_else(|| config.bands.iter().collect())
        .into_iter()
        .map(|b| band_ctx(b, String::new()))
        .collect();
}

/// "For: Key Stage 1; Key Stage 2", when the guide names its bands.
fn list_line(doc: &Document, config: &SiteConfig) -> String {
    match named_bands(doc, config) {
        Some(bands) => {
            let names: Vec<&str> = bands.iter().map(|b| b.name.as_str()).collect();
            format!("For: {}", names.join("; "))
        }
        None => String::new(),
    }
}

/// The bands the guide concerns (every band the school serves, when it names none).
fn print_bands(doc: &Document, config: &SiteConfig, school: &School) -> Vec<String> {
    named_bands(doc, config)
        .unwrap_or_else(|| {
            config
                .bands
                .iter()
                .filter(|b| school.bands.contains(&b.slug))
                .collect()
        })
        .into_iter()
        .map(|b| b.name.clone())
        .collect()
}
