//! The kinds of document: one file each, declaring where its files live, its front matter
//! and what it holds ([`KindData`]), its section and templates, whether it is printed, per
//! band or numbered. Everything that differs by kind asks the kind's [`KindDef`]
//! (`doc.kind().def()`), so a new kind is its file here, one line in the list below and
//! its templates.

use toml::Spanned;

use super::*;
use crate::config::School;
use crate::dates::Date;
use crate::render::{BandCtx, PageCtx, PersonCtx};

/// Where a kind's files are in `content/` (and in a school's folder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindPath {
    /// Every file in this folder: `policies/…`.
    Folder(&'static str),
    /// This file: `index.md`.
    File(&'static str),
    /// Any file no other kind claims.
    Other,
    /// No file: PolicyPress writes these documents itself (accessibility statements).
    Generated,
}

/// How a kind is printed.
#[derive(Debug, Clone, Copy)]
pub struct Print {
    /// The print template (`print/<template>.typ`).
    pub template: &'static str,
    /// What the PDF calls itself ("Policy", "Pupil charter").
    pub words: &'static str,
}

/// What a kind's page template is given, beyond what every page has.
pub struct PageData<'a> {
    /// The site's settings, including its age bands.
    pub config: &'a SiteConfig,
    /// The school the page is published for.
    pub school: &'a School,
    /// The page's age band (a per-band kind's band page), as an index into `config.bands`.
    pub band: Option<usize>,
    /// The page's address.
    pub url: &'a str,
    /// The address of the document's own page (a per-band kind's band pages are below it).
    pub doc_url: &'a str,
    /// The date review rules check against.
    pub today: Date,
}

/// One kind of document, declared once.
pub struct KindDef {
    /// The kind this declares (each kind's file declares its own).
    pub kind: Kind,
    /// Its name in templates (`page.kind`) and in docs/templates.md: `risk-log`.
    pub id: &'static str,
    /// Where the kind's files are in `content/`, which is how a file's kind is decided.
    pub path: KindPath,
    /// The title of the school's section listing documents of this kind (its web path is
    /// the folder's name), if they are listed.
    pub section: Option<&'static str>,
    /// The page template.
    pub template: &'static str,
    /// Printed as a PDF, and how.
    pub print: Option<Print>,
    /// One page (and PDF) per age band the school serves, its top-level list items being
    /// statements tagged by band (charters).
    pub per_band: bool,
    /// Sections numbered 1, 1.1, 1.1.1, with a contents list in print (policies).
    pub numbered: bool,
    /// The school's home page: its title may be left out (the school's name is shown), its
    /// address is the school's own, and it has no breadcrumb.
    pub school_home: bool,
    /// Reads the front matter (`front`, positioned as in the file) into the document's
    /// metadata and its [`KindData`]; an error that stops the front matter being read at all.
    pub read: fn(&mut Document, &str, &SiteConfig, &mut Vec<Diagnostic>) -> Result<(), Diagnostic>,
    /// The kind's own text fields of its data that are published (they are cleaned of
    /// control characters, like the title).
    pub texts: fn(&mut KindData) -> Vec<&mut String>,
    /// Fills in the kind's own fields of the page's template data (`page.policy`,
    /// `page.bands`, `page.risks`…).
    pub page: fn(&Document, &PageData<'_>, &mut PageCtx),
    /// The line a list of documents shows under this one's title ("Version 3, next review
    /// July 2026"; "For: Key Stage 1"); empty for none.
    pub list_line: fn(&Document, &SiteConfig) -> String,
    /// The names of the age bands a printed copy says it is for (none: the line is left out).
    pub print_bands: fn(&Document, &SiteConfig, &School) -> Vec<String>,
}

/// The people in role `id` at `school`, as templates see them.
pub fn person_ctx(school: &School, id: &str) -> PersonCtx {
    let people = school.roles.get(id);
    let p = people.first();
    PersonCtx {
        id: id.to_string(),
        title: school.roles.title(id).unwrap_or(id).to_string(),
        name: people
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        email: p.map(|p| p.email.clone()).unwrap_or_default(),
        phone: p.map(|p| p.phone.clone()).unwrap_or_default(),
    }
}

/// An age band as templates see it, with the address of its page (or none).
pub fn band_ctx(b: &config::Band, url: String) -> BandCtx {
    BandCtx {
        slug: b.slug.clone(),
        name: b.name.clone(),
        young: b.young,
        parent_signs: b.parent_signs,
        signing: String::new(),
        url,
    }
}

/// The bands a charter or guide names in its `bands` (`None`: it names none, so is for all).
fn named_bands<'a>(doc: &Document, config: &'a SiteConfig) -> Option<Vec<&'a config::Band>> {
    doc.bands()
        .map(|list| list.iter().filter_map(|b| config.band(b)).collect())
}

/// A kind that adds no text fields of its own.
fn no_texts(_: &mut KindData) -> Vec<&mut String> {
    Vec::new()
}

/// A kind that adds nothing to its page's template data.
fn no_page_data(_: &Document, _: &PageData<'_>, _: &mut PageCtx) {}

/// A kind whose lists show its title only.
fn no_list_line(_: &Document, _: &SiteConfig) -> String {
    String::new()
}

/// A kind whose printed copies name no age band.
fn no_print_bands(_: &Document, _: &SiteConfig, _: &School) -> Vec<String> {
    Vec::new()
}

/// The fields every kind's front matter has (`title`, `description`, `schools`, `draft`,
/// `weight`, `allow`), then the kind's own: a struct that rejects keys it does not have, so
/// a misspelt key is reported for the kind it is in.
macro_rules! front_matter {
    ($(#[$doc:meta])* struct $name:ident { $($field:tt)* }) => {
        $(#[$doc])*
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $name {
            title: Option<String>,
            #[serde(default)]
            description: String,
            schools: Option<Vec<toml::Spanned<String>>>,
            #[serde(default)]
            draft: bool,
            #[serde(default)]
            weight: i64,
            #[serde(default)]
            allow: Vec<AllowToml>,
            $($field)*
        }
    };
}

macro_rules! kinds {
    ($($module:ident: $variant:ident,)*) => {
        $(pub mod $module;)*

        /// What a document is, from where its file is.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Kind {
            $(
                #[doc = concat!(
                    "A document of the kind declared in [`", stringify!($module), "`]."
                )]
                $variant,
            )*
        }

        /// What a document holds beyond the metadata every kind has: its kind's `Data`
        /// (a policy's approval details, a risk log's rows…).
        #[derive(Debug, Clone)]
        pub enum KindData {
            $(
                #[doc = concat!("What a [`Kind::", stringify!($variant), "`] document holds.")]
                $variant($module::Data),
            )*
        }

        impl Kind {
            /// Every kind, in the order of the school's sections.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];

            /// The kind's declaration.
            pub fn def(self) -> &'static KindDef {
                match self {
                    $(Kind::$variant => &$module::KIND,)*
                }
            }
        }

        impl KindData {
            /// The kind this is the data of.
            pub fn kind(&self) -> Kind {
                match self {
                    $(KindData::$variant(_) => Kind::$variant,)*
                }
            }

            /// The data of a document of `kind` whose front matter has not been read (or
            /// could not be).
            pub fn empty(kind: Kind) -> KindData {
                match kind {
                    $(Kind::$variant => KindData::$variant(Default::default()),)*
                }
            }
        }
    };
}

kinds! {
    home: Home,
    page: Page,
    policy: Policy,
    charter: Charter,
    guide: Guide,
    risk_log: RiskLog,
    review: Review,
    statement: Statement,
}

impl Kind {
    /// The kind of the file at `rel` (inside `content/` or a school's folder).
    pub fn of(rel: &str) -> Kind {
        let first = rel.split('/').next().unwrap_or_default();
        let claims = |k: &&Kind| match k.def().path {
            KindPath::Folder(folder) => rel.contains('/') && first == folder,
            KindPath::File(file) => rel == file,
            KindPath::Other | KindPath::Generated => false,
        };
        Kind::ALL.iter().find(claims).copied().unwrap_or(Kind::Page)
    }
}

front_matter! {
    /// The front matter of charters and guides.
    struct BandedFront {
        bands: Option<Vec<Spanned<String>>>,
    }
}

/// What charters and guides hold: the age bands they are for.
#[derive(Debug, Clone, Default)]
pub struct Banded {
    /// The bands it is limited to, or concerns (`None`: every band the school serves).
    pub bands: Option<Vec<String>>,
}

/// Reads a charter's or guide's front matter; its bands, checked.
fn read_banded(
    doc: &mut Document,
    front: &str,
    config: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> Result<Banded, Diagnostic> {
    let f = parse_toml::<BandedFront>(&doc.source, front, 0)?;
    doc.meta = meta_of!(f, doc, config, diags);
    Ok(Banded {
        bands: f
            .bands
            .map(|list| check_bands(&list, &doc.source, config, diags)),
    })
}

fn check_bands(
    list: &[Spanned<String>],
    source: &SourceText,
    config: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut out = Vec::new();
    for b in list {
        if config.band(b.get_ref()).is_some() {
            out.push(b.get_ref().clone());
        } else {
            diags.push(config::unknown_band(
                source,
                b.get_ref(),
                b.span().start,
                &config.bands,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_declared_once_and_its_templates_exist() {
        let theme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut folders = Vec::new();
        for &kind in Kind::ALL {
            let def = kind.def();
            assert_eq!(def.kind, kind, "{}'s file declares another kind", def.id);
            assert!(
                theme.join("templates").join(def.template).is_file(),
                "the default theme has no {} for {}",
                def.template,
                def.id
            );
            if let Some(print) = def.print {
                assert!(
                    theme
                        .join("print")
                        .join(format!("{}.typ", print.template))
                        .is_file(),
                    "the default theme has no print/{}.typ for {}",
                    print.template,
                    def.id
                );
            }
            match def.path {
                KindPath::Folder(folder) => {
                    assert!(!folders.contains(&folder), "two kinds claim {folder}/");
                    folders.push(folder);
                    assert_eq!(Kind::of(&format!("{folder}/a.md")), kind);
                    // A file named like the folder is a page.
                    assert_eq!(Kind::of(&format!("{folder}.md")), Kind::Page);
                }
                KindPath::File(file) => assert_eq!(Kind::of(file), kind),
                KindPath::Other => assert_eq!(Kind::of("about/our-school.md"), kind),
                KindPath::Generated => assert_ne!(Kind::of(statement::REL), kind),
            }
            assert_eq!(KindData::empty(kind).kind(), kind);
        }
    }
}

/// The folders whose section a site may title in `[sections]`: the kinds that have a section.
pub fn section_folders() -> impl Iterator<Item = &'static str> {
    Kind::ALL
        .iter()
        .filter_map(|k| match (k.def().path, k.def().section) {
            (KindPath::Folder(folder), Some(_)) => Some(folder),
            _ => None,
        })
}

/// `[sections]` in `site.toml` titles only sections there are, each with words.
pub fn check_sections(config: &SiteConfig, site: &SourceText) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (folder, title) in &config.sections {
        let known: Vec<&str> = section_folders().collect();
        if !known.contains(&folder.as_str()) {
            let hint = match crate::diagnostics::did_you_mean(folder, known.iter().copied()) {
                Some(m) => format!("did you mean `{m}`? The sections are: {}", known.join(", ")),
                None => format!("the sections are: {}", known.join(", ")),
            };
            out.push(
                Diagnostic::error(
                    "invalid-settings",
                    &site.name,
                    format!("`[sections]` titles `{folder}`, but the site has no such section"),
                )
                .at(site, title.span().start)
                .with_hint(hint),
            );
        } else if title.get_ref().trim().is_empty() {
            out.push(
                Diagnostic::error(
                    "invalid-settings",
                    &site.name,
                    format!("the section `{folder}` is given an empty title"),
                )
                .at(site, title.span().start)
                .with_hint("write the title the menu should show, or remove the line"),
            );
        }
    }
    out
}
