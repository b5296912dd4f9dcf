//! Pages: any other Markdown file of `content/`, such as `about.md`.

use super::*;

/// The declaration of ordinary pages: the kind of every file no other kind claims.
pub const KIND: KindDef = KindDef {
    kind: Kind::Page,
    id: "page",
    path: KindPath::Other,
    section: None,
    template: "page.html",
    print: None,
    per_band: false,
    numbered: false,
    school_home: false,
    read,
    texts: no_texts,
    page: no_page_data,
    list_line: no_list_line,
    print_bands: no_print_bands,
};

/// A page holds nothing beyond what every document has.
pub type Data = ();

pub(super) fn read(
    doc: &mut Document,
    front: &str,
    config: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    let f = parse_toml::<PageFront>(&doc.source, front, 0)?;
    doc.meta = meta_of!(f, doc, config, diags);
    doc.meta.nav = f.nav.unwrap_or(!doc.rel.contains('/'));
    Ok(())
}

front_matter! {
    struct PageFront {
        nav: Option<bool>,
    }
}
