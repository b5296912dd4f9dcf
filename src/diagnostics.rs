//! Findings about a user's files: what is wrong, where, and what to do about it.
//!
//! Every stage of a run collects [`Diagnostic`]s instead of stopping at the first problem, so
//! one run reports everything. A diagnostic carries the file (relative to the site root), a
//! 1-based line and column, the offending line itself and a plain-words hint.

use std::fmt;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Blocks publishing.
    Error,
    /// Reported, but the site is still published.
    Warning,
}

/// One finding about a user's file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Whether the finding blocks publishing or is only reported (unless the page allows it).
    pub severity: Severity,
    /// Stable identifier of the kind of finding (for example `broken-internal-link`).
    pub rule: &'static str,
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    /// 1-based line; 0 when the finding is about the whole file.
    pub line: usize,
    /// 1-based column, counted in characters; 0 when unknown.
    pub column: usize,
    /// The offending line of the file, when there is one.
    pub snippet: Option<String>,
    /// What is wrong, in plain words: the headline printed after `error[rule]:`.
    pub message: String,
    /// What to do about it, printed as `= hint:` under the finding, when there is advice.
    pub hint: Option<String>,
    /// Set when the page allows this finding in its front matter: the written reason.
    pub allowed: Option<String>,
}

impl Diagnostic {
    /// A finding that blocks publishing, about the whole of `file` (no line, snippet or hint
    /// yet: see [`Diagnostic::at`] and [`Diagnostic::with_hint`]).
    pub fn error(rule: &'static str, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            rule,
            file: file.into(),
            line: 0,
            column: 0,
            snippet: None,
            message: message.into(),
            hint: None,
            allowed: None,
        }
    }

    /// A finding that is reported but does not block publishing, otherwise as
    /// [`Diagnostic::error`].
    pub fn warning(
        rule: &'static str,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(rule, file, message)
        }
    }

    /// Adds the plain-words advice on what to do about the finding.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Places the finding at a byte offset of `source`, filling line, column and snippet.
    pub fn at(mut self, source: &SourceText, offset: usize) -> Self {
        let (line, column) = source.line_col(offset);
        self.line = line;
        self.column = column;
        self.snippet = source.line_text(line).map(snippet);
        self
    }

    /// Places the finding at a 1-based line and column of `source`.
    pub fn at_line(mut self, source: &SourceText, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self.snippet = source.line_text(line).map(snippet);
        self
    }

    /// Whether this finding blocks publishing.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error && self.allowed.is_none()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match (self.severity, &self.allowed) {
            (_, Some(_)) => "allowed",
            (Severity::Error, None) => "error",
            (Severity::Warning, None) => "warning",
        };
        // Control characters from a user's file (ESC above all) never reach the terminal.
        let (message, file) = (terminal_safe(&self.message), terminal_safe(&self.file));
        writeln!(f, "{label}[{}]: {message}", self.rule)?;
        match (self.line, self.column) {
            (0, _) => writeln!(f, "  --> {file}")?,
            (line, 0) => writeln!(f, "  --> {file}:{line}")?,
            (line, column) => writeln!(f, "  --> {file}:{line}:{column}")?,
        }
        if let Some(snippet) = &self.snippet {
            let snippet = &self::snippet(snippet);
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            writeln!(f, "{pad} |")?;
            writeln!(f, "{number} | {}", snippet.trim_end())?;
            if self.column > 0 {
                // Keep tabs so the caret lines up under the offending character.
                let lead: String = snippet
                    .chars()
                    .take(self.column - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                writeln!(f, "{pad} | {lead}^")?;
            } else {
                writeln!(f, "{pad} |")?;
            }
        }
        match &self.allowed {
            Some(reason) => writeln!(f, "  = allowed by the page's front matter: {reason}")?,
            None => {
                if let Some(hint) = &self.hint {
                    writeln!(f, "  = hint: {hint}")?;
                }
            }
        }
        Ok(())
    }
}

/// The most characters of a line a finding shows.
pub const SNIPPET_CHARS: usize = 200;

/// A line as a finding shows it: one line (cut at the first line break), at most
/// [`SNIPPET_CHARS`] characters (cut on a character boundary and marked with "…"), control
/// characters (a NUL, an escape sequence) shown as "�" so nothing is sent to the terminal.
/// A file of one huge line never has more than this of it printed.
pub fn snippet(line: &str) -> String {
    let line = line.split(['\n', '\r']).next().unwrap_or("");
    let mut out = String::with_capacity(line.len().min(SNIPPET_CHARS * 4));
    for (i, c) in line.chars().enumerate() {
        if i == SNIPPET_CHARS {
            out.push('…');
            break;
        }
        out.push(if c != '\t' && c.is_control() {
            '\u{fffd}'
        } else {
            c
        });
    }
    out
}

/// `s` with control characters other than tabs and line breaks written as escapes (`\u{1b}`), so printing
/// it can't move the cursor, change colours or retitle the terminal.
pub fn terminal_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c != '\t' && c != '\n' && c.is_control()) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' | '\n' => out.push(c),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Sorts findings by file and position and drops exact repeats (a shared document checked
/// once per school would otherwise report the same mistake once per school).
pub fn normalise(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.severity, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
    });
    diagnostics.dedup();
}

/// The text of a user's file with its path, for turning offsets into lines and snippets.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// Path relative to the site root, with `/` separators.
    pub name: String,
    /// The file's whole contents, which findings' byte offsets point into.
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceText {
    /// Wraps the contents of the file at `name` (relative to the site root), indexing where
    /// each line starts.
    pub fn new(name: impl Into<String>, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        SourceText {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }

    /// Byte offset where a 1-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> Option<&str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        Some(self.text[start..end].trim_end_matches(['\n', '\r']))
    }
}

/// Path of `path` relative to `root`, with `/` separators, for messages.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    rel.to_string_lossy().replace('\\', "/")
}

/// The closest of `candidates` to `word`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let len = word.chars().count();
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::osa_distance(word, c),
                strsim::jaro_winkler(word, c),
                c,
            )
        })
        .filter(|(edits, jw, _)| *edits <= (len / 3).max(1) || *jw > 0.88)
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)))
        .map(|(_, _, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let s = SourceText::new("a.md", "ab\ncé d\n".to_string());
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(3), (2, 1));
        assert_eq!(s.line_col(7), (2, 4));
        assert_eq!(s.line_text(2), Some("cé d"));
        assert_eq!(s.line_text(4), None);
    }

    #[test]
    fn snippets_are_one_short_line() {
        let long = "x".repeat(5000);
        let s = snippet(&long);
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 1);
        assert!(s.ends_with('…'));
        assert_eq!(snippet("A=1\0SECRET=2\nnext"), "A=1\u{fffd}SECRET=2");
        assert_eq!(snippet(&"é".repeat(300)).chars().count(), SNIPPET_CHARS + 1);
        let source = SourceText::new("a", format!("{long}\n"));
        let d = Diagnostic::error("r", "a", "m").at(&source, 4000);
        assert!(d.snippet.unwrap().len() < 300);
        let shown = Diagnostic {
            snippet: Some(long),
            line: 1,
            ..Diagnostic::error("r", "a", "m")
        }
        .to_string();
        assert!(shown.len() < 400, "{shown}");
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        assert_eq!(did_you_mean("titel", ["title", "version"]), Some("title"));
        assert_eq!(did_you_mean("zzz", ["title", "version"]), None);
        assert_eq!(
            did_you_mean("dls", ["dsl.email", "dsl", "headteacher"]),
            Some("dsl")
        );
    }
}

/// A list in words: `a`, `a and b`, `a, b and c`.
pub fn words_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
