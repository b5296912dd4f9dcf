//! `[publishing]` in a school's file: its type (what it must publish online follows from it,
//! `data/statutory.toml`) and where each item is, a page of the site or an address elsewhere.

use crate::diagnostics::{Diagnostic, SourceText, did_you_mean};
use crate::ruleset::statutory_missing::statutory;

/// Where a school publishes what it must.
#[derive(Debug, Clone, Default)]
pub struct Publishing {
    /// Its type: a key of `data/statutory.toml`'s `[types]` (`maintained`, `academy`).
    pub school_type: Option<String>,
    /// Each item it gives: its id, where it is (`@/path.md` or `https://…`), and the byte
    /// offset of that value in the school's file.
    pub items: Vec<(String, String, usize)>,
    /// Where `[publishing]` is in the school's file.
    pub offset: usize,
}

pub(super) fn read(
    raw: Option<&toml::Spanned<toml::Table>>,
    source: &SourceText,
    diags: &mut Vec<Diagnostic>,
) -> Publishing {
    let Some(raw) = raw else {
        return Publishing::default();
    };
    let data = statutory();
    let mut out = Publishing {
        offset: raw.span().start,
        ..Publishing::default()
    };
    // Where a key or its value is, looked for from the table's header on.
    let start = raw.span().start.min(source.text.len());
    let tail = source.text.get(start..).unwrap_or_default();
    let offset = |key: &str, value: &str| start + super::value_offset(tail, key, value);
    let error = |message: String, at: usize, hint: String| {
        Diagnostic::error("invalid-settings", &source.name, message)
            .at(source, at)
            .with_hint(hint)
    };
    for (key, value) in raw.get_ref() {
        let Some(text) = value.as_str() else {
            diags.push(error(
                format!("`{key}` under [publishing] is not text"),
                offset(key, ""),
                format!("write `{key} = \"https://…\"` (an address on the school's website) or `{key} = \"@/policies/….md\"` (a page of this site)"),
            ));
            continue;
        };
        let at = offset(key, text);
        if key == "type" {
            if data.types.contains_key(text) {
                out.school_type = Some(text.to_string());
            } else {
                let known: Vec<&str> = data.types.keys().map(String::as_str).collect();
                diags.push(error(
                    format!("`type = \"{text}\"` is not a type of school PolicyPress knows what must be published for"),
                    at,
                    match did_you_mean(text, known.iter().copied()) {
                        Some(m) => format!("did you mean \"{m}\"? The types are: {}", known.join(", ")),
                        None => format!("use one of: {}", known.join(", ")),
                    },
                ));
            }
            continue;
        }
        if !data.item.iter().any(|i| i.id == *key) {
            let known: Vec<&str> = data.item.iter().map(|i| i.id.as_str()).collect();
            diags.push(error(
                format!("`{key}` under [publishing] is not something a school must publish"),
                offset(key, ""),
                match did_you_mean(key, known.iter().copied()) {
                    Some(m) => format!("did you mean `{m}`? The items are: {}", known.join(", ")),
                    None => format!("use one of: {}", known.join(", ")),
                },
            ));
            continue;
        }
        let t = text.trim();
        let ok = t.starts_with("@/") && t.ends_with(".md")
            || crate::url_policy::check_web_address(t).is_ok();
        if !ok {
            diags.push(error(
                format!("`{key} = \"{text}\"` is neither a page of this site nor a web address"),
                at,
                format!("write `{key} = \"https://…\"` (an address on the school's website) or `{key} = \"@/policies/….md\"` (a page of this site)"),
            ));
            continue;
        }
        out.items.push((key.clone(), t.to_string(), at));
    }
    out
}
