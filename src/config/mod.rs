//! The site's settings (`site.toml`) and its schools (`content/schools/<slug>/school.toml`
//! or `[schools.<slug>]` in `site.toml`), read and validated into [`SiteConfig`].

use crate::ruleset::RuleId;
use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, SourceText, did_you_mean};

mod accessibility;
pub use accessibility::{
    Accessibility, DEFAULT_RESPONSE_DAYS, IssueReason, KnownIssue, PlacedDate,
};
mod publishing;
pub use publishing::Publishing;
mod bands;
use bands::check_bands;
pub use bands::{Band, CharterWords, default_bands, unknown_band};
mod roles;
pub use roles::{KNOWN_ROLES, Person, Role, Roles, role_keys, role_title};
mod school;
pub use school::{Class, ContactDetails, School, SchoolKind, Words};
use school::{SchoolToml, finish_school};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteToml {
    title: String,
    base_url: String,
    #[serde(default)]
    description: String,
    language: Option<String>,
    theme: Option<String>,
    output_dir: Option<String>,
    #[serde(default)]
    allow_raw_html: bool,
    #[serde(default)]
    relative_urls: bool,
    bands: Option<Vec<Band>>,
    #[serde(default)]
    charters: CharterWords,
    #[serde(default)]
    sections: BTreeMap<String, toml::Spanned<String>>,
    #[serde(default)]
    schools: BTreeMap<String, SchoolToml>,
    #[serde(default)]
    rules: BTreeMap<String, toml::Spanned<toml::Table>>,
    accessibility: Option<accessibility::AccessibilityToml>,
}

/// The validated settings of a site.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The site's title (`Riverbend and Hillside Federation: Online Safety`).
    pub title: String,
    /// The full address the site is published at (`https://online-safety.example.org/`).
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending with `/`.
    pub base_path: String,
    /// One sentence about the site, for search results and link previews; empty when not given.
    pub description: String,
    /// The pages' language, as a BCP 47 tag (`en-GB`, the default).
    pub language: String,
    /// The theme to use: a folder under `themes/` (`default`, the default).
    pub theme: String,
    /// The folder the build writes the site to, relative to the site's folder (`public`, the
    /// default).
    pub output_dir: String,
    /// Whether HTML typed into Markdown is published through a sanitizer (`true`) rather than
    /// being a `raw-html` error (`false`, the default).
    pub allow_raw_html: bool,
    /// Whether pages link the site's own files by relative addresses (`../style.css`,
    /// `policies/index.html`), so the built folder works wherever it is put (`true`), rather
    /// than by paths from the site's root (`false`, the default).
    pub relative_urls: bool,
    /// The age bands: the site's own `[[bands]]`, or the four of [`default_bands`].
    pub bands: Vec<Band>,
    /// What the site calls its pupil agreements and the sentences they are signed under.
    pub charters: CharterWords,
    /// The site's own titles for sections (`[sections]`: a kind's folder → its title), each
    /// checked against the kinds' folders when the site is loaded.
    pub sections: BTreeMap<String, toml::Spanned<String>>,
    /// The schools the site publishes for: those in `site.toml`, then those with their own
    /// files. There is always at least one.
    pub schools: Vec<School>,
    /// The rules' settings from `[rules.<id>]` in `site.toml`: each rule's severity and options.
    pub rules: crate::ruleset::RulesConfig,
}

impl SiteConfig {
    /// A section's title: the site's own (`[sections]`), else its kind's, in the words of a
    /// site whose schools all speak of children, not pupils ("Children's charters" for
    /// "Pupil charters" on a site of nurseries and settings).
    pub fn section_title<'a>(&'a self, folder: &str, default: &'a str) -> Cow<'a, str> {
        if let Some(t) = self.sections.get(folder) {
            return Cow::Borrowed(t.get_ref().as_str());
        }
        let children = !self.schools.is_empty()
            && self.schools.iter().all(|s| s.kind.words().child == "child");
        match default.strip_prefix("Pupil ") {
            Some(rest) if children => Cow::Owned(format!("Children's {rest}")),
            _ => Cow::Borrowed(default),
        }
    }

    /// The full address of a web path: `https://example.org/a/` for `/a/`.
    pub fn absolute_url(&self, path: &str) -> String {
        let origin = self.base_url.trim_end_matches('/');
        let origin = origin
            .strip_suffix(self.base_path.trim_end_matches('/'))
            .unwrap_or(origin);
        format!("{origin}{path}")
    }

    /// The band with this slug (`years-3-4`), if the site has one.
    pub fn band(&self, slug: &str) -> Option<&Band> {
        self.bands.iter().find(|b| b.slug == slug)
    }

    /// The school with this slug (`riverbend`), if the site publishes for one.
    pub fn school(&self, slug: &str) -> Option<&School> {
        self.schools.iter().find(|s| s.slug == slug)
    }

    /// Whether the site publishes for more than one school: each school's addresses then
    /// start with its slug, and `/` lists the schools.
    pub fn multi_school(&self) -> bool {
        self.schools.len() > 1
    }

    /// The web path of a school's home page.
    pub fn school_base(&self, school: &School) -> String {
        if self.multi_school() {
            format!("{}{}/", self.base_path, school.slug)
        } else {
            self.base_path.clone()
        }
    }
}

/// Parses TOML into `T`, turning a syntax or shape mistake into a diagnostic that points at
/// the offending place. `base` is the byte offset of `text` inside `source`.
pub fn parse_toml<T: DeserializeOwned>(
    source: &SourceText,
    text: &str,
    base: usize,
) -> Result<T, Diagnostic> {
    let rule = if source.name.ends_with(".md") {
        "front-matter"
    } else {
        "invalid-settings"
    };
    toml::from_str(text).map_err(|e| toml_diagnostic(rule, source, base, &e))
}

fn toml_diagnostic(
    rule: &'static str,
    source: &SourceText,
    base: usize,
    e: &toml::de::Error,
) -> Diagnostic {
    let raw = e.message().trim().to_string();
    let offset = base + e.span().map_or(0, |s| s.start);
    let key = key_at(&source.text, offset);
    let (message, hint) = explain_toml_message(&raw, key);
    let mut d = Diagnostic::error(rule, source.name.clone(), message).at(source, offset);
    if let Some(hint) = hint {
        d = d.with_hint(hint);
    }
    d
}

/// The key of the `key = value` line holding `offset`, if the line is one.
fn key_at(text: &str, offset: usize) -> Option<&str> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    let simple = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    simple.then_some(key)
}

/// serde's name of what a value should be, in plain words with an example.
fn expected_words(expected: &str) -> String {
    let e = expected.trim();
    match e {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number, like 3".into(),
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => {
            "a whole number that is 0 or more, like 3".into()
        }
        "f32" | "f64" => "a number, like 2.5".into(),
        "a boolean" => "`true` or `false` (without quotes)".into(),
        "a string" | "a borrowed string" => "text in double quotes, like \"Oak School\"".into(),
        "a character" => "one character in double quotes".into(),
        "a sequence" => "a list in square brackets, like [\"a\", \"b\"]".into(),
        "a map" => "a table of `key = value` lines".into(),
        e if e.starts_with("struct ") => "a table of `key = value` lines".into(),
        e if e.starts_with("a string or ") || e.starts_with("one of ") => e.to_string(),
        e => e.to_string(),
    }
}

/// serde's name of a value that was found, in plain words.
fn found_words(found: &str) -> String {
    let f = found.trim();
    let quoted = |s: &str| s.split('`').nth(1).unwrap_or("").to_string();
    if let Some(rest) = f.strip_prefix("integer ") {
        let n = quoted(rest);
        return if rest.contains(" as i128") || rest.contains(" as u128") {
            format!("the number {n}, which is far too large")
        } else {
            format!("the number {n}")
        };
    }
    if f.starts_with("floating point ") {
        return format!("the number {}", quoted(f));
    }
    if f.starts_with("boolean ") {
        return format!("`{}`", quoted(f));
    }
    if let Some(rest) = f.strip_prefix("string ") {
        return format!("the text {rest}");
    }
    match f {
        "sequence" => "a list".into(),
        "map" => "a table".into(),
        other => other.to_string(),
    }
}

/// Rewrites serde's wording into plain words, with a "did you mean" for unknown keys.
/// `key` is the key of the line the mistake is on, when known.
fn explain_toml_message(raw: &str, key: Option<&str>) -> (String, Option<String>) {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = raw.strip_prefix(prefix)
            && let Some((found, expected)) = rest.rsplit_once(", expected ")
        {
            let subject = key.map_or("this value".to_string(), |k| format!("`{k}`"));
            let expected = expected_words(expected);
            return (
                format!("{subject} must be {expected}, not {}", found_words(found)),
                Some(
                    "check the value: text needs quotes (\"...\"), numbers and true/false do not, lists use [ ]"
                        .into(),
                ),
            );
        }
    }
    if let Some(rest) = raw.strip_prefix("invalid length ")
        && let Some((_, expected)) = rest.split_once(", expected ")
    {
        let subject = key.map_or("this list".to_string(), |k| format!("`{k}`"));
        return (
            format!("{subject} must have {expected}"),
            Some("check how many values the list has".into()),
        );
    }
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or_default();
        let expected: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let hint = match did_you_mean(field, expected.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None if expected.is_empty() => "remove this key".to_string(),
            None => format!("the keys allowed here are: {}", expected.join(", ")),
        };
        return (format!("unknown key `{field}`"), Some(hint));
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return (
            format!("the required key `{field}` is missing"),
            Some(format!("add a line such as `{field} = \"...\"`")),
        );
    }
    (
        format!("the settings can't be read: {raw}"),
        Some(
            "check the TOML syntax: one `key = \"value\"` per line, text in straight double quotes"
                .into(),
        ),
    )
}

/// Reads `site.toml` and the school files it names or that lie under `content/schools/`.
/// `school_files` are `(slug, source)` pairs already read from disk.
pub fn load(
    site: &SourceText,
    school_files: &[(String, SourceText)],
) -> Result<SiteConfig, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let raw: SiteToml = parse_toml(site, &site.text, 0).map_err(|d| vec![d])?;
    let bands = raw.bands.unwrap_or_else(default_bands);
    check_bands(site, &bands, &mut diags);
    let base_path = site_base_path(site, &raw.base_url, &mut diags);
    let rules = crate::ruleset::RulesConfig::from_toml(&raw.rules, site, &mut diags);
    let language = raw.language.unwrap_or_else(|| "en-GB".into());
    check_language(site, &language, &mut diags);
    let site_access = (raw.accessibility.as_ref(), site);
    let schools = load_schools(site_access, raw.schools, school_files, &bands, &mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    Ok(SiteConfig {
        title: raw.title,
        base_url: raw.base_url,
        base_path,
        description: raw.description,
        language,
        theme: raw.theme.unwrap_or_else(|| "default".into()),
        output_dir: raw.output_dir.unwrap_or_else(|| "public".into()),
        allow_raw_html: raw.allow_raw_html,
        relative_urls: raw.relative_urls,
        bands,
        charters: raw.charters,
        sections: raw.sections,
        schools,
        rules,
    })
}

/// The path part of the site's `base_url` (`/` when the address is not one).
fn site_base_path(site: &SourceText, base_url: &str, diags: &mut Vec<Diagnostic>) -> String {
    let web_address = crate::url_policy::check_web_address(base_url);
    match base_path(base_url).filter(|_| web_address.is_ok()) {
        Some(p) => p,
        None => {
            diags.push(
                Diagnostic::error(
                    "invalid-settings",
                    &site.name,
                    format!(
                        "`{}` is not a web address",
                        crate::url_policy::shown(base_url)
                    ),
                )
                .at(site, value_offset(&site.text, "base_url", base_url))
                .with_hint("write the address the site is published at, e.g. \"https://online-safety.example.org/\""),
            );
            "/".to_string()
        }
    }
}

fn check_language(site: &SourceText, language: &str, diags: &mut Vec<Diagnostic>) {
    if !crate::ruleset::document_language::valid_language(language) {
        diags.push(
            RuleId::DocumentLanguage
                .error(&site.name, format!("`{language}` is not a language tag"))
                .at(site, find_offset(&site.text, language))
                .with_hint("write a BCP 47 tag such as \"en-GB\" or \"cy-GB\""),
        );
    }
}

/// The schools of `site.toml` and of their own files, each defined once, with slugs that
/// can be used in a web address; at least one.
fn load_schools(
    site_access: (Option<&accessibility::AccessibilityToml>, &SourceText),
    in_site: BTreeMap<String, SchoolToml>,
    school_files: &[(String, SourceText)],
    bands: &[Band],
    diags: &mut Vec<Diagnostic>,
) -> Vec<School> {
    let site = site_access.1;
    let slugs_in_site: Vec<String> = in_site.keys().cloned().collect();
    let mut schools = Vec::new();
    for (slug, school) in in_site {
        schools.push(finish_school(
            &slug,
            school,
            site,
            site_access,
            bands,
            diags,
        ));
    }
    for (slug, source) in school_files {
        if slugs_in_site.contains(slug) {
            diags.push(
                Diagnostic::error(
                    "invalid-settings",
                    &source.name,
                    format!("the school `{slug}` is defined twice: in site.toml and in this file"),
                )
                .with_hint("keep one of the two"),
            );
            continue;
        }
        match parse_toml::<SchoolToml>(source, &source.text, 0) {
            Ok(s) => schools.push(finish_school(slug, s, source, site_access, bands, diags)),
            Err(d) => diags.push(d),
        }
    }
    for school in &schools {
        if !is_slug(&school.slug) {
            diags.push(
                Diagnostic::error(
                    "invalid-settings",
                    &school.file,
                    format!(
                        "the school slug `{}` can't be used in a web address",
                        school.slug
                    ),
                )
                .with_hint(
                    "rename the school's folder using lower-case letters, digits and hyphens",
                ),
            );
        }
    }
    if schools.is_empty() {
        diags.push(
            Diagnostic::error("invalid-settings", &site.name, "the site has no schools").with_hint(
                "add a school as content/schools/<slug>/school.toml (see docs/content.md)",
            ),
        );
    }
    schools
}

/// Whether `s` can be a slug in a web address: not empty, and only lower-case ASCII letters,
/// digits, hyphens and underscores.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Where the value of `key` is written, for a finding about it: the line `key = …` that
/// holds it (a value with escapes is not found as written, its key is).
pub(crate) fn value_offset(text: &str, key: &str, value: &str) -> usize {
    if !value.is_empty()
        && let Some(at) = text.find(value)
    {
        return at;
    }
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return pos + (line.len() - t.len());
        }
        pos += line.len();
    }
    0
}

fn find_offset(text: &str, needle: &str) -> usize {
    if needle.is_empty() {
        return 0;
    }
    text.find(needle).unwrap_or(0)
}

/// "/" for "https://example.org", "/policies/" for "https://example.org/policies".
fn base_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() || host.contains(char::is_whitespace) {
        return None;
    }
    let path = path.trim_matches('/');
    Some(if path.is_empty() {
        "/".into()
    } else {
        format!("/{path}/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(text: &str) -> SourceText {
        SourceText::new("site.toml", text.to_string())
    }

    #[test]
    fn unknown_key_says_did_you_mean() {
        let s = site("titel = \"x\"\nbase_url = \"https://a.example/\"\n");
        let err = load(&s, &[]).unwrap_err();
        assert_eq!(err[0].message, "unknown key `titel`");
        assert_eq!(err[0].line, 1);
        assert!(err[0].hint.as_deref().unwrap().contains("`title`"));
    }

    #[test]
    fn type_mistakes_are_in_plain_words() {
        let (m, _) = explain_toml_message(
            "invalid type: integer `99999999999999999999` as i128, expected i64",
            Some("weight"),
        );
        assert_eq!(
            m,
            "`weight` must be a whole number, like 3, not the number 99999999999999999999, which is far too large"
        );
        let (m, _) =
            explain_toml_message("invalid type: string \"3\", expected i64", Some("weight"));
        assert_eq!(
            m,
            "`weight` must be a whole number, like 3, not the text \"3\""
        );
        let (m, _) = explain_toml_message("invalid type: integer `3`, expected a string", None);
        assert_eq!(
            m,
            "this value must be text in double quotes, like \"Oak School\", not the number 3"
        );
        let (m, _) =
            explain_toml_message("invalid value: integer `-1`, expected u64", Some("timeout"));
        assert!(
            m.starts_with("`timeout` must be a whole number that is 0 or more"),
            "{m}"
        );
        for (m, _) in [
            explain_toml_message(
                "invalid type: string \"yes\", expected a boolean",
                Some("draft"),
            ),
            explain_toml_message("invalid type: sequence, expected a string", Some("title")),
        ] {
            assert!(!m.contains("expected") && !m.contains("sequence"), "{m}");
        }
    }

    #[test]
    fn type_mistakes_name_the_key_and_line() {
        let s = site("title = \"T\"\nbase_url = \"https://a.example/\"\n[schools.oak]\nname = 3\n");
        let err = load(&s, &[]).unwrap_err();
        assert_eq!(err[0].line, 4, "{err:?}");
        assert!(err[0].message.starts_with("`name` must be text"), "{err:?}");
    }

    #[test]
    fn base_paths() {
        assert_eq!(base_path("https://a.example").as_deref(), Some("/"));
        assert_eq!(
            base_path("https://a.example/x/y/").as_deref(),
            Some("/x/y/")
        );
        assert_eq!(base_path("a.example"), None);
    }

    #[test]
    fn schools_in_site_toml_and_unknown_bands() {
        let s = site(
            "title = \"T\"\nbase_url = \"https://a.example/\"\n[schools.oak]\nname = \"Oak School\"\nbands = [\"years-1-2\", \"year-9\"]\n",
        );
        let err = load(&s, &[]).unwrap_err();
        assert!(
            err.iter().any(|d| d.message == "unknown band `year-9`"),
            "{err:?}"
        );
    }
}
