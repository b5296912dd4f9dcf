//! The kinds of document: one file each, declaring where its files live, its front matter
//! and what it holds ([`KindData`]), its section and templates, whether it is printed, per
//! band or numbered. Everything that differs by kind asks the kind's [`KindDef`]
//! (`doc.kind().def()`), so a new kind is its file here, one line in the list below and
//! its templates.

use serde::Deserialize;
use toml::Spanned;

use super::*;

/// Where a kind's files are in `content/` (and in a school's folder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindPath {
    /// Every file in this folder: `policies/…`.
    Folder(&'static str),
    /// This file: `index.md`.
    File(&'static str),
    /// Any file no other kind claims.
    Other,
}

/// How a kind is printed.
#[derive(Debug, Clone, Copy)]
pub struct Print {
    /// The print template (`print/<template>.typ`).
    pub template: &'static str,
    /// What the PDF calls itself ("Policy", "Pupil charter").
    pub words: &'static str,
}

/// One kind of document, declared once.
pub struct KindDef {
    pub kind: Kind,
    /// Its name in templates (`page.kind`) and in docs/templates.md: `risk-log`.
    pub id: &'static str,
    pub path: KindPath,
    /// The title of the school's section listing documents of this kind (its web path is
    /// the folder's name), if they are listed.
    pub section: Option<&'static str>,
    /// The page template.
    pub template: &'static str,
    /// Printed as a PDF, and how.
    pub print: Option<Print>,
    /// One page (and PDF) per age band the school serves (charters).
    pub per_band: bool,
    /// Sections numbered 1, 1.1, 1.1.1 (policies).
    pub numbered: bool,
    /// Reads the front matter (`front`, positioned as in the file) into the document's
    /// metadata and its [`KindData`]; an error that stops the front matter being read at all.
    pub read: fn(&mut Document, &str, &SiteConfig, &mut Vec<Diagnostic>) -> Result<(), Diagnostic>,
}

/// What a document holds beyond the metadata every kind has.
#[derive(Debug, Clone)]
pub enum KindData {
    Home,
    Page,
    Policy(PolicyMeta),
    Charter {
        /// The bands it is limited to (`None`: every band the school serves).
        bands: Option<Vec<String>>,
    },
    Guide {
        /// The bands it concerns (`None`: all).
        bands: Option<Vec<String>>,
    },
    RiskLog {
        risks: Vec<Risk>,
    },
}

impl KindData {
    /// The kind this is the data of.
    pub fn kind(&self) -> Kind {
        match self {
            KindData::Home => Kind::Home,
            KindData::Page => Kind::Page,
            KindData::Policy(_) => Kind::Policy,
            KindData::Charter { .. } => Kind::Charter,
            KindData::Guide { .. } => Kind::Guide,
            KindData::RiskLog { .. } => Kind::RiskLog,
        }
    }

    /// The data of a document of `kind` whose front matter has not been read (or could not be).
    pub fn empty(kind: Kind) -> KindData {
        match kind {
            Kind::Home => KindData::Home,
            Kind::Page => KindData::Page,
            Kind::Policy => KindData::Policy(PolicyMeta::default()),
            Kind::Charter => KindData::Charter { bands: None },
            Kind::Guide => KindData::Guide { bands: None },
            Kind::RiskLog => KindData::RiskLog { risks: Vec::new() },
        }
    }
}

macro_rules! kinds {
    ($($module:ident: $variant:ident,)*) => {
        $(pub mod $module;)*

        /// What a document is, from where its file is.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Kind {
            $($variant,)*
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
    };
}

kinds! {
    home: Home,
    page: Page,
    policy: Policy,
    charter: Charter,
    guide: Guide,
    risk_log: RiskLog,
}

impl Kind {
    /// The kind of the file at `rel` (inside `content/` or a school's folder).
    pub fn of(rel: &str) -> Kind {
        let first = rel.split('/').next().unwrap_or_default();
        let claims = |k: &&Kind| match k.def().path {
            KindPath::Folder(folder) => rel.contains('/') && first == folder,
            KindPath::File(file) => rel == file,
            KindPath::Other => false,
        };
        Kind::ALL.iter().find(claims).copied().unwrap_or(Kind::Page)
    }
}

/// The front matter of charters and guides.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BandedFront {
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
    bands: Option<Vec<Spanned<String>>>,
}

/// Reads a charter's or guide's front matter; its bands, checked.
fn read_banded(
    doc: &mut Document,
    front: &str,
    config: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> Result<Option<Vec<String>>, Diagnostic> {
    let f = parse_toml::<BandedFront>(&doc.source, front, 0)?;
    doc.meta = meta_of!(f, doc, config, diags);
    Ok(f.bands
        .map(|list| check_bands(&list, &doc.source, config, diags)))
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
            }
            assert_eq!(KindData::empty(kind).kind(), kind);
        }
    }
}
