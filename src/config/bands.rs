//! The age bands (`[[bands]]` in `site.toml`, or the four defaults) and the words the
//! site's pupil agreements are signed under (`[charters]`).

use serde::Deserialize;

use super::{find_offset, is_slug};
use crate::diagnostics::{Diagnostic, SourceText, did_you_mean};

/// An age band: the unit a charter and a guide are written for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// The band's slug, used in web addresses and PDF file names (`years-3-4`).
    pub slug: String,
    /// The band's name as pages show it (`Years 3 and 4`).
    pub name: String,
    /// Younger children: simpler wording and larger type.
    #[serde(default)]
    pub young: bool,
    /// A parent or carer signs the charter on the child's behalf.
    #[serde(default)]
    pub parent_signs: bool,
    /// The sentence its charters are signed under, when the band has its own
    /// ("I have read and talked about these rules with my parents/carers.").
    #[serde(default)]
    pub signing: Option<String>,
}

/// What the site calls its pupil agreements and how they are signed (`[charters]` in
/// `site.toml`): schools call them acceptable use agreements, AUPs, rules or charters. (The
/// section's own title is set like any section's, in `[sections]`.)
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CharterWords {
    /// One of them in a sentence, lower case (`charter`, `acceptable use agreement`).
    #[serde(default = "CharterWords::default_name")]
    pub name: String,
    /// The sentence a pupil signs under, where a band and a charter give none.
    #[serde(default)]
    pub signing: Option<String>,
    /// The sentence a parent or carer signs under on a young child's behalf
    /// (`parent_signs` bands), where a band and a charter give none.
    #[serde(default)]
    pub parent_signing: Option<String>,
}

impl Default for CharterWords {
    fn default() -> Self {
        CharterWords {
            name: Self::default_name(),
            signing: None,
            parent_signing: None,
        }
    }
}

impl CharterWords {
    fn default_name() -> String {
        "charter".into()
    }

    /// The sentence a band's copy is signed under, where the charter gives none: the band's
    /// own, else the site's for pupils or for parents signing on a child's behalf, else ours.
    pub fn signing(&self, band: &Band) -> String {
        let name = &self.name;
        let site = if band.parent_signs {
            self.parent_signing.clone()
        } else {
            self.signing.clone()
        };
        band.signing.clone().or(site).unwrap_or_else(|| {
            if band.parent_signs {
                format!("We have read this {name} together and talked about what it means.")
            } else {
                format!("I have read this {name} and I will follow it.")
            }
        })
    }
}

/// The four bands used when a site does not define its own.
pub fn default_bands() -> Vec<Band> {
    let band = |slug: &str, name: &str, young, parent_signs| Band {
        slug: slug.into(),
        name: name.into(),
        young,
        parent_signs,
        signing: None,
    };
    vec![
        band("eyfs", "EYFS (Nursery and Reception)", true, true),
        band("years-1-2", "Years 1 and 2", true, false),
        band("years-3-4", "Years 3 and 4", false, false),
        band("years-5-6", "Years 5 and 6", false, false),
    ]
}

/// Each band's slug can be used in a web address and is defined once; there is a band.
pub(super) fn check_bands(site: &SourceText, bands: &[Band], diags: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    for band in bands {
        if !is_slug(&band.slug) {
            diags.push(
                Diagnostic::error(
                    "invalid-settings",
                    &site.name,
                    format!(
                        "the band slug `{}` can't be used in a web address",
                        band.slug
                    ),
                )
                .at(site, find_offset(&site.text, &band.slug))
                .with_hint("use lower-case letters, digits and hyphens, e.g. `years-3-4`"),
            );
        }
        if !seen.insert(band.slug.clone()) {
            diags.push(
                Diagnostic::error(
                    "invalid-settings",
                    &site.name,
                    format!("the band `{}` is defined twice", band.slug),
                )
                .at(site, find_offset(&site.text, &band.slug))
                .with_hint("remove one of the two `[[bands]]` tables, or give it another slug"),
            );
        }
    }
    if bands.is_empty() {
        diags.push(
            Diagnostic::error(
                "invalid-settings",
                &site.name,
                "the site defines no age bands",
            )
            .with_hint("remove `bands = []` to use the default bands, or add `[[bands]]` tables"),
        );
    }
}

/// The error for a band name that the site does not define.
pub fn unknown_band(source: &SourceText, name: &str, offset: usize, bands: &[Band]) -> Diagnostic {
    let names: Vec<&str> = bands.iter().map(|b| b.slug.as_str()).collect();
    let hint = match did_you_mean(name, names.iter().copied()) {
        Some(best) => format!("did you mean `{best}`? The bands are: {}", names.join(", ")),
        None => format!("the bands are: {}", names.join(", ")),
    };
    Diagnostic::error(
        "unknown-band",
        &source.name,
        format!("unknown band `{name}`"),
    )
    .at(source, offset)
    .with_hint(hint)
}
