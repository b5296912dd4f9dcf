//! Which link targets may be published: the one decision for every address the site makes
//! live (Markdown links and images, autolinks, reference definitions, `contacts.toml`, the
//! schools' `website`, `base_url`, and the PDFs' link actions).
//!
//! Allowed are `http:`, `https:`, `mailto:` and `tel:` addresses, site paths (`/…`, relative
//! paths, `@/…` content links) and fragments (`#…`). Anything else (`javascript:`,
//! `vbscript:`, `data:`, `file:`, …) is refused. The scheme is decided the way a browser reads
//! it: ASCII whitespace and control characters are ignored wherever they are
//! (`java\tscript:` is `javascript:`), and case does not matter. Character references
//! (`java&#09;script:`) are decoded by pulldown-cmark before a Markdown destination gets here.
//! An address with a control character in it is refused too: it would be published broken.
//!
//! Pure.

/// Why an address can't be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// A scheme other than http, https, mailto and tel, lower-cased (`javascript`).
    Scheme(String),
    /// A control character (a tab, a line break, ESC, …) in the address.
    Control(char),
}

impl Refused {
    /// The finding's message, about `what` ("the link", "the image", "`website`").
    pub fn message(&self, what: &str, address: &str) -> String {
        let shown = shown(address);
        match self {
            Refused::Scheme(s) => format!(
                "{what} `{shown}` is a `{s}:` address, which a browser would run or open as a file, not as a web page"
            ),
            Refused::Control(c) => format!(
                "{what} `{shown}` has a control character ({}) in it",
                char_name(*c)
            ),
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            Refused::Scheme(_) => {
                "link only to web pages (https://…), e-mail (mailto:…), telephone numbers (tel:…), pages of this site (@/policies/….md, /…) or headings (#…); put files in static/ and link to them by path"
            }
            Refused::Control(_) => "retype the address without the hidden character",
        }
    }
}

/// The rule id of refused addresses. Always an error: it can't be turned off or allowed.
pub const RULE: &str = "unsafe-link";

/// Whether `dest` may be published as a link or image address.
pub fn check(dest: &str) -> Result<(), Refused> {
    if let Some(s) = scheme(dest).filter(|s| !ALLOWED.contains(&s.as_str())) {
        return Err(Refused::Scheme(s));
    }
    // Leading and trailing spaces and tabs are trimmed by everything that reads a link.
    match dest
        .trim_matches([' ', '\t'])
        .chars()
        .find(|c| (*c).is_control())
    {
        Some(c) => Err(Refused::Control(c)),
        None => Ok(()),
    }
}

/// Whether `url` is a full `http:` or `https:` address with a host name (for `base_url` and
/// a school's `website`).
pub fn check_web_address(url: &str) -> Result<(), Refused> {
    check(url)?;
    if url.chars().any(char::is_whitespace) {
        return Err(Refused::Scheme(scheme(url).unwrap_or_default()));
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| Refused::Scheme(scheme(url).unwrap_or_default()))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]_".contains(&b));
    if host_ok {
        Ok(())
    } else {
        Err(Refused::Scheme(scheme(url).unwrap_or_default()))
    }
}

const ALLOWED: [&str; 4] = ["http", "https", "mailto", "tel"];

/// The scheme of `dest` as a browser reads it, lower-cased; `None` for a path or fragment.
fn scheme(dest: &str) -> Option<String> {
    let mut s = String::new();
    for c in dest.chars() {
        match c {
            c if c.is_ascii_whitespace() || c.is_control() => {}
            ':' => {
                return s
                    .starts_with(|c: char| c.is_ascii_alphabetic())
                    .then_some(s);
            }
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                s.push(c.to_ascii_lowercase())
            }
            _ => return None,
        }
    }
    None
}

/// Characters that reorder text: a file name or address holding one shows something other
/// than what it is.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// The first character of a file's path (relative to `content/` or `static/`) that can't be
/// part of its web address: control and bidi characters, characters with a meaning in an
/// address (`?`, `#`, `%`, `\\`), quotes and angle brackets, and U+FFFD (a name that is not
/// UTF-8).
pub fn bad_path_char(path: &str) -> Option<char> {
    path.chars().find(|&c| {
        c.is_control()
            || is_bidi_control(c)
            || matches!(
                c,
                '?' | '#' | '%' | '\\' | '"' | '<' | '>' | '`' | '{' | '}' | '|' | '^' | '\u{fffd}'
            )
    })
}

/// The finding for a file whose path [`bad_path_char`] refuses; `shown` is the path as
/// [`shown`] prints it.
pub fn bad_path_diagnostic(shown_path: &str, c: char) -> crate::diagnostics::Diagnostic {
    let what = match c {
        c if c.is_control() => format!("a control character ({})", char_name(c)),
        c if is_bidi_control(c) => format!(
            "a character that reverses how text is shown (U+{:04X})",
            c as u32
        ),
        '\u{fffd}' => "characters that are not UTF-8".into(),
        c => format!("`{c}`"),
    };
    crate::diagnostics::Diagnostic::error(
        "file-name",
        shown_path,
        format!("this file's name has {what} in it, which can't be part of a web address"),
    )
    .with_hint("rename the file (or folder) using letters, digits, hyphens and full stops, e.g. online-safety.md")
}

/// `s` with control and bidi characters written as escapes (`\n`, `\u{1b}`), safe to print.
pub fn shown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().take(200) {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_bidi_control(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    if s.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// Plain words for a control character.
fn char_name(c: char) -> String {
    match c {
        '\t' => "a tab".into(),
        '\n' | '\r' => "a line break".into(),
        '\u{1b}' => "ESC".into(),
        '\u{0}' => "a NUL byte".into(),
        c => format!("U+{:04X}", c as u32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_web_mail_phone_paths_and_fragments() {
        for ok in [
            "https://www.ceop.police.uk/",
            "HTTP://a.example",
            "mailto:office@oak.sch.uk",
            "MailTo:office@oak.sch.uk",
            "tel:+441632960000",
            "#filtering",
            "/policies/online-safety/",
            "policies/x/",
            "@/policies/online-safety.md#scope",
            "//cdn.example/x.png",
            "photos/a:b.jpg",
            "?q=1",
            "",
            "  https://a.example/  ",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn refuses_script_and_data_whatever_the_spelling() {
        for (bad, scheme) in [
            ("javascript:alert(1)", "javascript"),
            ("JaVaScRiPt:alert(1)", "javascript"),
            ("java\tscript:alert(1)", "javascript"),
            ("java\nscript:alert(1)", "javascript"),
            (" \u{1}javascript:alert(1)", "javascript"),
            ("vbscript:msgbox", "vbscript"),
            ("data:text/html,<script>", "data"),
            ("DATA:image/svg+xml;base64,AAAA", "data"),
            ("file:///etc/passwd", "file"),
            ("blob:https://a.example/x", "blob"),
            ("c:\\windows", "c"),
        ] {
            assert_eq!(check(bad), Err(Refused::Scheme(scheme.into())), "{bad:?}");
        }
        assert_eq!(
            check("https://a.example/\u{1b}[31m"),
            Err(Refused::Control('\u{1b}'))
        );
    }

    #[test]
    fn web_addresses() {
        assert!(check_web_address("https://oak.sch.example/").is_ok());
        assert!(check_web_address("http://localhost:8080/x").is_ok());
        assert!(check_web_address("javascript:alert(1)").is_err());
        assert!(check_web_address("mailto:a@b.example").is_err());
        assert!(check_web_address("https://a.example\"><script>/").is_err());
        assert!(check_web_address("https://").is_err());
        assert!(check_web_address("https://a.example/\nx").is_err());
    }

    #[test]
    fn file_names() {
        assert_eq!(bad_path_char("policies/online-safety.md"), None);
        assert_eq!(bad_path_char("guides/café menu.md"), None);
        assert_eq!(bad_path_char("a\nb.md"), Some('\n'));
        assert_eq!(bad_path_char("a\u{1b}[31m.md"), Some('\u{1b}'));
        assert_eq!(bad_path_char("evil\u{202e}dm.exe"), Some('\u{202e}'));
        assert_eq!(bad_path_char("what?.md"), Some('?'));
        assert_eq!(bad_path_char("a\u{85}.md"), Some('\u{85}'));
    }

    #[test]
    fn shows_control_characters_escaped() {
        assert_eq!(shown("a\nb\u{1b}c\u{202e}"), "a\\nb\\u{1b}c\\u{202e}");
    }
}
