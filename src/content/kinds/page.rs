//! Pages: any other Markdown file of `content/`, such as `about.md`.

use serde::Deserialize;
use toml::Spanned;

use super::*;

pub const KIND: KindDef = KindDef {
    kind: Kind::Page,
    id: "page",
    path: KindPath::Other,
    section: None,
    template: "page.html",
    print: None,
    per_band: false,
    numbered: false,
    read,
};

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageFront {
    title: Option<String>,
    #[serde(default)]
    description: String,
    schools: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    weight: i64,
    #[serde(default)]
    allow: Vec<AllowToml>,
    nav: Option<bool>,
}
