//! Per-school variables in Markdown (`{{ school.name }}`, `{{ dsl }}`, `{{ contact.ceop }}`):
//! a shared document is written once and filled in with each school's own details.
//!
//! Substitution works on the source text, line by line, skipping fenced code blocks, and
//! keeps a map from each output line to its source line so that later findings still point
//! at the right place in the user's file.

use std::collections::HashMap;

use crate::config::{ROLE_TITLES, School, SiteConfig};
use crate::content::{ContactLink, Document};
use crate::diagnostics::{Diagnostic, did_you_mean};

/// A document body after per-school processing, with the source line of every line.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub text: String,
    /// `line_map[i]` is the 1-based source line of output line `i` (0-based).
    pub line_map: Vec<usize>,
}

impl Prepared {
    /// The body of `doc` as it is.
    pub fn of(doc: &Document) -> Prepared {
        let first = doc.body_line();
        let text = doc.body().to_string();
        let lines = text.split_inclusive('\n').count().max(1);
        Prepared {
            line_map: (first..first + lines + 1).collect(),
            text,
        }
    }

    /// The source line of a byte offset in `text`.
    pub fn source_line(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let line = memchr::memchr_iter(b'\n', &self.text.as_bytes()[..offset]).count();
        self.line_map.get(line).copied().unwrap_or(0)
    }

    /// Places a finding at `offset` of the prepared text, pointing into `doc`'s source. The
    /// column is found by looking for `needle` on the source line.
    pub fn locate(&self, doc: &Document, d: Diagnostic, offset: usize, needle: &str) -> Diagnostic {
        let line = self.source_line(offset);
        place(doc, d, line, needle)
    }

    /// A [`Locator`] for placing many findings: each in time logarithmic in the text's length
    /// (placing each with [`Prepared::locate`] takes time linear in it).
    pub fn locator(&self) -> Locator<'_> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
        Locator {
            prepared: self,
            starts,
        }
    }
}

/// Places findings in a [`Prepared`] text; see [`Prepared::locator`].
pub struct Locator<'a> {
    prepared: &'a Prepared,
    /// Where each line of the prepared text starts.
    starts: Vec<usize>,
}

impl Locator<'_> {
    /// As [`Prepared::locate`].
    pub fn locate(&self, doc: &Document, d: Diagnostic, offset: usize, needle: &str) -> Diagnostic {
        let offset = offset.min(self.prepared.text.len());
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let line = self.prepared.line_map.get(line).copied().unwrap_or(0);
        place(doc, d, line, needle)
    }
}

/// `d` at `line` of `doc`'s source, at the column where `needle` is on it.
fn place(doc: &Document, d: Diagnostic, line: usize, needle: &str) -> Diagnostic {
    let column = doc
        .source
        .line_text(line)
        .and_then(|l| l.find(needle).map(|i| l[..i].chars().count() + 1))
        .unwrap_or(0);
    d.at_line(&doc.source, line, column)
}

/// The values of every variable for one school.
pub struct Variables {
    values: HashMap<String, String>,
    school: String,
}

/// Every variable name a document may use, whatever the school.
fn known_names(contacts: &[ContactLink]) -> Vec<String> {
    let mut names: Vec<String> = [
        "school.name",
        "school.short_name",
        "school.address",
        "school.phone",
        "school.email",
        "school.website",
        "site.title",
        "contacts",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for (id, _) in ROLE_TITLES {
        names.push(id.to_string());
        names.push(format!("{id}.email"));
        names.push(format!("{id}.phone"));
    }
    for c in contacts {
        names.push(format!("contact.{}", c.id));
        names.push(format!("contact.{}.url", c.id));
        names.push(format!("contact.{}.phone", c.id));
        names.push(format!("contact.{}.name", c.id));
    }
    names
}

/// Escapes characters that Markdown would read as markup.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '{' | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn contact_link(c: &ContactLink) -> String {
    if c.url.is_empty() {
        escape_markdown(&c.name)
    } else {
        format!(
            "[{}](<{}>)",
            escape_markdown(&c.name),
            c.url.replace('>', "%3E")
        )
    }
}

impl Variables {
    pub fn new(config: &SiteConfig, school: &School, contacts: &[ContactLink]) -> Variables {
        let mut v: HashMap<String, String> = HashMap::new();
        let mut put = |k: &str, value: &str| {
            if !value.trim().is_empty() {
                v.insert(k.to_string(), escape_markdown(value.trim()));
            }
        };
        put("school.name", &school.name);
        put("school.short_name", &school.short_name);
        put("school.address", &school.contact.address);
        put("school.phone", &school.contact.phone);
        put("school.email", &school.contact.email);
        put("school.website", &school.contact.website);
        put("site.title", &config.title);
        for (id, _) in ROLE_TITLES {
            let people = school.roles.get(id);
            let names: Vec<&str> = people.iter().map(|p| p.name.as_str()).collect();
            put(id, &join_and(&names));
            if let Some(p) = people.first() {
                put(&format!("{id}.email"), &p.email);
                put(&format!("{id}.phone"), &p.phone);
            }
        }
        for c in contacts {
            put(&format!("contact.{}.url", c.id), &c.url);
            put(&format!("contact.{}.phone", c.id), &c.phone);
            put(&format!("contact.{}.name", c.id), &c.name);
        }
        for c in contacts {
            v.insert(format!("contact.{}", c.id), contact_link(c));
        }
        if !contacts.is_empty() {
            let list: Vec<String> = contacts
                .iter()
                .map(|c| {
                    let mut line = format!("- {}", contact_link(c));
                    if !c.description.is_empty() {
                        line.push_str(": ");
                        line.push_str(&escape_markdown(&c.description));
                    }
                    if !c.phone.is_empty() {
                        line.push_str(&format!(" Telephone {}.", escape_markdown(&c.phone)));
                    }
                    line
                })
                .collect();
            v.insert("contacts".into(), list.join("\n"));
        }
        Variables {
            values: v,
            school: school.slug.clone(),
        }
    }

    /// Fills in the variables of `doc`'s body for this school.
    pub fn substitute(
        &self,
        doc: &Document,
        contacts: &[ContactLink],
        diags: &mut Vec<Diagnostic>,
    ) -> Prepared {
        let body = doc.body();
        if !body.contains("{{") {
            return Prepared::of(doc);
        }
        let first_line = doc.body_line();
        let mut out = String::with_capacity(body.len() + 256);
        let mut line_map = Vec::new();
        let mut fence: Option<(char, usize)> = None;
        let mut offset = 0;
        for (i, line) in body.split_inclusive('\n').enumerate() {
            let source_line = first_line + i;
            let line_start = offset;
            offset += line.len();
            if let Some(f) = fence_marker(line) {
                match fence {
                    None => fence = Some(f),
                    Some((c, n))
                        if f.0 == c
                            && f.1 >= n
                            && line.trim_start().trim_start_matches(c).trim().is_empty() =>
                    {
                        fence = None
                    }
                    Some(_) => {}
                }
            }
            if fence.is_some() || !line.contains("{{") {
                out.push_str(line);
                line_map.push(source_line);
                continue;
            }
            let mut rest = line;
            let mut consumed = 0;
            while let Some(open) = rest.find("{{") {
                if open > 0 && rest.as_bytes()[open - 1] == b'\\' {
                    out.push_str(&rest[..open - 1]);
                    out.push_str("{{");
                    consumed += open + 2;
                    rest = &rest[open + 2..];
                    continue;
                }
                let Some(close) = rest[open..].find("}}").map(|c| open + c) else {
                    break;
                };
                out.push_str(&rest[..open]);
                let name = rest[open + 2..close].trim();
                match self.values.get(name) {
                    Some(value) => {
                        out.push_str(value);
                        for _ in value.matches('\n') {
                            line_map.push(source_line);
                        }
                    }
                    None => {
                        let at = doc.body_start + line_start + consumed + open;
                        diags.push(self.unknown(doc, name, at, contacts));
                        out.push_str(&rest[open..close + 2]);
                    }
                }
                consumed += close + 2;
                rest = &rest[close + 2..];
            }
            out.push_str(rest);
            line_map.push(source_line);
        }
        line_map.push(first_line + body.split_inclusive('\n').count());
        Prepared {
            text: out,
            line_map,
        }
    }

    fn unknown(
        &self,
        doc: &Document,
        name: &str,
        at: usize,
        contacts: &[ContactLink],
    ) -> Diagnostic {
        let known = known_names(contacts);
        if known.iter().any(|k| k == name) {
            let (message, hint) = if let Some(id) = name.strip_prefix("contact.") {
                (
                    format!("the contact `{}` has no value for this", id),
                    "fill it in in content/contacts.toml".to_string(),
                )
            } else if name == "contacts" {
                (
                    "`{{ contacts }}` is used, but content/contacts.toml has no contacts"
                        .to_string(),
                    "add `[[contact]]` entries to content/contacts.toml".to_string(),
                )
            } else {
                (
                    format!("the school `{}` has no value for `{name}`", self.school),
                    format!(
                        "fill it in in content/schools/{}/school.toml (see docs/content.md)",
                        self.school
                    ),
                )
            };
            return Diagnostic::error("missing-value", &doc.source.name, message)
                .at(&doc.source, at)
                .with_hint(hint);
        }
        let hint = match did_you_mean(name, known.iter().map(String::as_str)) {
            Some(best) => format!("did you mean `{{{{ {best} }}}}`? Write `\\{{{{` to show the braces themselves"),
            None => "see the list of variables in docs/content.md; write `\\{{` to show the braces themselves".to_string(),
        };
        Diagnostic::error(
            "unknown-variable",
            &doc.source.name,
            format!("unknown variable `{name}`"),
        )
        .at(&doc.source, at)
        .with_hint(hint)
    }
}

/// The fence character and its count when `line` opens or closes a fenced code block.
pub fn fence_marker(line: &str) -> Option<(char, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let t = &line[indent..];
    let c = t.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = t.chars().take_while(|x| *x == c).count();
    (n >= 3).then_some((c, n))
}

fn join_and(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_names() {
        assert_eq!(join_and(&["A"]), "A");
        assert_eq!(join_and(&["A", "B", "C"]), "A, B and C");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(escape_markdown("a*b_[c]"), "a\\*b\\_\\[c\\]");
    }
}
