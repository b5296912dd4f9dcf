//! Per-school variables in Markdown (`{{ school.name }}`, `{{ dsl }}`, `{{ contact.ceop }}`):
//! a shared document is written once and filled in with each school's own details.
//!
//! Substitution works on the source text, line by line, skipping fenced code blocks, and
//! keeps a map from each output line to its source line so that later findings still point
//! at the right place in the user's file.

use std::collections::HashMap;

use crate::config::{School, SiteConfig};
use crate::content::{ContactLink, Document};
use crate::diagnostics::{Diagnostic, did_you_mean};

/// A document body after per-school processing, with the source line of every line.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The Markdown body with the school's variables filled in (and, for a charter, cut to
    /// one band), as it is rendered and printed.
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
    /// The keys of the roles any school of the site names, and the known roles'.
    roles: Vec<String>,
}

/// Every variable name a document may use, whatever the school.
fn known_names(roles: &[String], contacts: &[ContactLink]) -> Vec<String> {
    let mut names: Vec<String> = [
        "school.name",
        "school.short_name",
        "school.address",
        "school.phone",
        "school.email",
        "school.website",
        "site.title",
        "contacts",
        "filtering_review",
        "filtering_review.date",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for id in roles {
        names.push(id.to_string());
        names.push(format!("{id}.email"));
        names.push(format!("{id}.phone"));
        names.push(format!("{id}.title"));
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
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '{' | '}' | '~'
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
    /// Every variable's value for `school`: its name and contact details, the people in its
    /// roles, the site's title and the `contacts`, escaped as Markdown.
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
        for role in school.roles.iter() {
            let id = &role.id;
            let names: Vec<&str> = role.people.iter().map(|p| p.name.as_str()).collect();
            put(id, &join_and(&names));
            put(&format!("{id}.title"), &role.title);
            if let Some(p) = role.people.first() {
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
            roles: crate::config::role_keys(&config.schools),
        }
    }

    /// The school's latest filtering and monitoring review: `{{ filtering_review }}` (a link
    /// to its record, `rel` inside `content/`) and `{{ filtering_review.date }}`.
    pub fn with_review(mut self, title: &str, rel: &str, date: &str) -> Variables {
        self.values.insert(
            "filtering_review".into(),
            format!("[{}](@/{rel})", escape_markdown(title.trim())),
        );
        self.values
            .insert("filtering_review.date".into(), escape_markdown(date.trim()));
        self
    }

    /// Fills in the variables of `doc`'s body for this school. A variable may be written
    /// over a line break (`{{` at the end of one line, `school.name }}` on the next: Word and
    /// pandoc wrap lines), across at most [`MAX_VARIABLE_LINES`] lines. What is left that
    /// looks like template syntax (`{{` never closed, a lone `}}`, `{%` or `%}`), outside
    /// code, is an error at its line (`template-syntax`): it would be published as braces.
    pub fn substitute(
        &self,
        doc: &Document,
        contacts: &[ContactLink],
        diags: &mut Vec<Diagnostic>,
    ) -> Prepared {
        let body = doc.body();
        if !has_template_syntax(body) {
            return Prepared::of(doc);
        }
        let first_line = doc.body_line();
        let mut lines = Vec::new();
        let mut offset = 0;
        for line in body.split_inclusive('\n') {
            lines.push((offset, line));
            offset += line.len();
        }
        let mut fill = Filling {
            vars: self,
            doc,
            contacts,
            diags,
            lines: &lines,
            out: String::with_capacity(body.len() + 256),
            line_map: Vec::new(),
        };
        let mut fence = Fence::default();
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i].1;
            let in_code = fence.read(line);
            if in_code || !has_template_syntax(line) {
                fill.out.push_str(line);
                fill.line_map.push(first_line + i);
                i += 1;
            } else {
                i = fill.line(i, first_line + i);
            }
        }
        fill.line_map.push(first_line + lines.len());
        Prepared {
            text: fill.out,
            line_map: fill.line_map,
        }
    }

    /// `template-syntax` errors for a lone `}}`, `{%` or `%}` in `text` (a piece of a line,
    /// at `at` of the body), outside inline code.
    fn leftovers(&self, doc: &Document, text: &str, at: usize, diags: &mut Vec<Diagnostic>) {
        for (pos, end) in template_tokens(text) {
            let token = &text[pos..end];
            let message = if token == "}}" {
                "`}}` closes a variable that was never opened".to_string()
            } else {
                let shown: String = if token.chars().count() > 40 {
                    token.chars().take(36).collect::<String>() + " …"
                } else {
                    token.to_string()
                };
                format!(
                    "`{shown}` is template syntax, which pages do not use: it would be published as it is"
                )
            };
            diags.push(
                Diagnostic::error("template-syntax", &doc.source.name, message)
                    .at(&doc.source, doc.body_start + at + pos)
                    .with_hint("write a variable as `{{ school.name }}` (see docs/content.md), or `\\{{` to show the braces themselves"),
            );
        }
    }

    fn unknown(
        &self,
        doc: &Document,
        name: &str,
        at: usize,
        contacts: &[ContactLink],
    ) -> Diagnostic {
        let known = known_names(&self.roles, contacts);
        if known.iter().any(|k| k == name) {
            let (message, hint) = if let Some(id) = name.strip_prefix("contact.") {
                (
                    format!("the contact `{}` has no value for this", id),
                    "fill it in in content/contacts.toml".to_string(),
                )
            } else if name.starts_with("filtering_review") {
                (
                    format!("`{{{{ {name} }}}}` is used, but the school `{}` has no filtering and monitoring review record", self.school),
                    "record the school's latest review in content/reviews/ (see docs/content.md, \"Filtering and monitoring reviews\")".to_string(),
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

/// How many lines a variable may be written over.
pub const MAX_VARIABLE_LINES: usize = 3;

/// For a `{{` whose `}}` is not on its line (`start` is what follows the `{{`), the variable
/// written over the next lines: its name, how many more lines it takes and where it ends on
/// the last of them. Only a name that is one word (`school.name`) with space or line breaks
/// around it counts; nothing inside code fences.
fn closing_below(next: &[(usize, &str)], start: &str) -> Option<(String, usize, usize)> {
    let mut name = start.to_string();
    for (k, (_, line)) in next.iter().take(MAX_VARIABLE_LINES - 1).enumerate() {
        if fence_marker(line).is_some() {
            return None;
        }
        match line.find("}}") {
            Some(c) => {
                name.push_str(&line[..c]);
                let word = name.trim();
                let one_word = !word.is_empty()
                    && word
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '.' || c == '_' || c == '-');
                return one_word.then(|| (word.to_string(), k + 1, c + 2));
            }
            None => name.push_str(line),
        }
    }
    None
}

/// The error for a `{{` never closed, at `at` of `doc`'s source.
fn unclosed(doc: &Document, at: usize) -> Diagnostic {
    Diagnostic::error(
        "template-syntax",
        &doc.source.name,
        "`{{` opens a variable that is never closed with `}}`: it would be published as braces",
    )
    .at(&doc.source, at)
    .with_hint("finish the variable, like `{{ school.name }}` (it may go over a line break), or write `\\{{` to show the braces themselves")
}

/// Where `}}`, `{%` and `%}` are in `text`, outside `inline code` (a `\` before one escapes
/// it), as byte ranges: a `{% … %}` tag on one line is one range, so one finding.
fn template_tokens(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut in_code = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'`' => in_code = !in_code,
            b'\\' => i += 1,
            _ if in_code => {}
            b'}' if bytes.get(i + 1) == Some(&b'}') => {
                found.push((i, i + 2));
                i += 1;
            }
            b'{' if bytes.get(i + 1) == Some(&b'%') => {
                // The tag's own `%}`, if it closes before any code span or other tag.
                let rest = &text[i + 2..];
                let close = rest
                    .find("%}")
                    .filter(|&c| !rest[..c].contains(['`', '\\']) && !rest[..c].contains("{%"));
                let end = close.map_or(i + 2, |c| i + 2 + c + 2);
                found.push((i, end));
                i = end - 1;
            }
            b'%' if bytes.get(i + 1) == Some(&b'}') => {
                found.push((i, i + 2));
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    found
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

use crate::diagnostics::words_and as join_and;

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

/// Whether `text` has anything that looks like template syntax.
fn has_template_syntax(text: &str) -> bool {
    ["{{", "}}", "{%", "%}"].iter().any(|t| text.contains(t))
}

/// The code fence a walk over lines is in: its character and length.
#[derive(Default)]
struct Fence(Option<(char, usize)>);

impl Fence {
    /// Reads one line; whether it is in (or opens or closes) a code fence.
    fn read(&mut self, line: &str) -> bool {
        if let Some(f) = fence_marker(line) {
            match self.0 {
                None => self.0 = Some(f),
                Some((c, n))
                    if f.0 == c
                        && f.1 >= n
                        && line.trim_start().trim_start_matches(c).trim().is_empty() =>
                {
                    self.0 = None
                }
                Some(_) => {}
            }
        }
        self.0.is_some()
    }
}

/// One filling-in of a document's variables.
struct Filling<'a> {
    vars: &'a Variables,
    doc: &'a Document,
    contacts: &'a [ContactLink],
    diags: &'a mut Vec<Diagnostic>,
    /// The body's lines, each with its offset in the body.
    lines: &'a [(usize, &'a str)],
    out: String,
    /// The source line of each line of `out`.
    line_map: Vec<usize>,
}

impl Filling<'_> {
    /// Fills in the variables of line `i` (line `source_line` of the file), and of the lines
    /// below it that a variable is written across; the number of the next line to read.
    fn line(&mut self, i: usize, source_line: usize) -> usize {
        let doc = self.doc;
        let mut next = i + 1;
        // `rest` is what is left of the line being read, starting at `rest_at` of the body.
        let (mut rest_at, mut rest) = self.lines[i];
        while let Some(open) = rest.find("{{") {
            if open > 0 && rest.as_bytes()[open - 1] == b'\\' {
                self.vars
                    .leftovers(doc, &rest[..open - 1], rest_at, self.diags);
                self.out.push_str(&rest[..open - 1]);
                self.out.push_str("{{");
                rest_at += open + 2;
                rest = &rest[open + 2..];
                continue;
            }
            self.vars.leftovers(doc, &rest[..open], rest_at, self.diags);
            // The closing `}}` on this line, or on one of the next few lines.
            let (name, lines_more, after) = match rest[open..].find("}}") {
                Some(c) => (rest[open + 2..open + c].to_string(), 0, open + c + 2),
                None => match closing_below(&self.lines[next..], &rest[open + 2..]) {
                    Some(found) => found,
                    None => {
                        let at = doc.body_start + rest_at + open;
                        self.diags.push(unclosed(doc, at));
                        self.out.push_str(&rest[..open + 2]);
                        rest_at += open + 2;
                        rest = &rest[open + 2..];
                        continue;
                    }
                },
            };
            self.out.push_str(&rest[..open]);
            self.value(name.trim(), doc.body_start + rest_at + open, source_line);
            if lines_more > 0 {
                next += lines_more;
                let (start, last) = self.lines[next - 1];
                (rest, rest_at) = (&last[after..], start + after);
            } else {
                rest_at += after;
                rest = &rest[after..];
            }
        }
        self.vars.leftovers(doc, rest, rest_at, self.diags);
        self.out.push_str(rest);
        self.line_map.push(source_line);
        next
    }

    /// Writes the value of the variable `name` (written at `at` of the file), or the
    /// variable as it is and an error when there is no such variable.
    fn value(&mut self, name: &str, at: usize, source_line: usize) {
        match self.vars.values.get(name) {
            Some(value) => {
                self.out.push_str(value);
                for _ in value.matches('\n') {
                    self.line_map.push(source_line);
                }
            }
            None => {
                self.diags
                    .push(self.vars.unknown(self.doc, name, at, self.contacts));
                self.out.push_str("{{ ");
                self.out.push_str(name);
                self.out.push_str(" }}");
            }
        }
    }
}
