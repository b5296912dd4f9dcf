//! Scanners for contact details and leftover template text in a run of text. Pure functions
//! returning byte ranges; the rules decide what is allowed.

use std::ops::Range;

/// An e-mail address found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// Where the address is in the scanned text, as a byte range.
    pub range: Range<usize>,
    /// The address as written in the text, broken or not.
    pub address: String,
    /// The domain part, lower-cased.
    pub domain: String,
    /// Why it is broken, when it is.
    pub malformed: Option<&'static str>,
}

fn local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '\'')
}

fn domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-')
}

/// Finds e-mail addresses, including broken ones ("office@school .sch.uk", "a@b").
pub fn emails(text: &str) -> Vec<Email> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices('@') {
        let start = text[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| local_char(*c))
            .last()
            .map_or(at, |(i, _)| i);
        if start == at {
            continue;
        }
        let mut end = at + 1;
        for (i, c) in text[at + 1..].char_indices() {
            if domain_char(c) {
                end = at + 1 + i + c.len_utf8();
            } else {
                break;
            }
        }
        // A sentence's full stop is not part of the domain.
        while end > at + 1 && text[..end].ends_with('.') {
            end -= 1;
        }
        let domain = text[at + 1..end].to_ascii_lowercase();
        let local = &text[start..at];
        let rest = &text[end..];
        let mut malformed = None;
        if domain.is_empty() {
            malformed = Some("there is nothing after the @");
        } else if rest.starts_with(' ') && rest.trim_start().starts_with('.') {
            malformed = Some("there is a space inside the domain");
            // Include the stray part so the message shows the whole address.
            let tail = rest.trim_start();
            let tail_len = tail
                .chars()
                .take_while(|c| domain_char(*c))
                .map(char::len_utf8)
                .sum::<usize>();
            end = end + (rest.len() - tail.len()) + tail_len;
        } else if !domain.contains('.') {
            malformed = Some("the domain has no dot (for example school.sch.uk)");
        } else if domain.contains("..") || domain.starts_with('.') || domain.starts_with('-') {
            malformed = Some("the domain has an empty part");
        } else if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            malformed = Some("the part before the @ has a stray dot");
        } else if rest.starts_with('@') {
            malformed = Some("it has two @ signs");
        }
        out.push(Email {
            range: start..end,
            address: text[start..end].to_string(),
            domain,
            malformed,
        });
    }
    out
}

/// A UK telephone number found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// Where the number is in the scanned text, as a byte range.
    pub range: Range<usize>,
    /// Digits in national form, starting with 0 ("07700900123").
    pub national: String,
    /// Whether it is a UK mobile number (07…, but not 070 or 076), which `personal-phone`
    /// reports unless it is listed as official.
    pub mobile: bool,
    /// Why it is not a valid UK number (too few or too many digits), when it is not.
    pub malformed: Option<&'static str>,
}

/// Finds UK telephone numbers: sequences starting `0` or `+44` made of digit groups separated
/// by single spaces (and an optional `(0)` or brackets around the area code).
pub fn phones(text: &str) -> Vec<Phone> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Numbers start with 0, +44 or "(0": jump from one such byte to the next.
    while let Some(k) = memchr::memchr3(b'0', b'+', b'(', &bytes[i..]) {
        i += k;
        let at_word_start = i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric()
                || bytes[i - 1] == b'.'
                || bytes[i - 1] == b'/');
        let plus = bytes[i] == b'+' && text[i..].starts_with("+44");
        let open = bytes[i] == b'(' && bytes.get(i + 1) == Some(&b'0');
        if !at_word_start || !(plus || open || bytes[i] == b'0') {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i + if plus { 3 } else { 0 };
        let mut last_digit_end = j;
        while j < bytes.len() {
            let b = bytes[j];
            if b.is_ascii_digit() {
                j += 1;
                last_digit_end = j;
            } else if matches!(b, b' ' | b'(' | b')')
                && j + 1 < bytes.len()
                && (bytes[j + 1].is_ascii_digit() || bytes[j + 1] == b'(' || bytes[j + 1] == b' ')
            {
                // A double space ends the number.
                if b == b' ' && bytes[j + 1] == b' ' {
                    break;
                }
                j += 1;
            } else {
                break;
            }
        }
        let end = last_digit_end;
        let raw = &text[start..end];
        let national = crate::phone::national_digits(raw);
        // Too short to be meant as a phone number (a year, a count, "0 to 5").
        let looks_like_phone = national.len() >= 9
            || (national.starts_with("080") && national.len() >= 8)
            || (plus && national.len() >= 6);
        let followed_by_word = text[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric());
        if !looks_like_phone
            || followed_by_word
            || !national.starts_with('0')
            || national[1..].starts_with('0')
        {
            i = end.max(i + 1);
            continue;
        }
        let freephone = national.starts_with("080");
        let malformed = match national.len() {
            10 | 11 => None,
            8 | 9 if freephone => None,
            n if n < 10 => Some("it has too few digits for a UK number"),
            _ => Some("it has too many digits for a UK number"),
        };
        out.push(Phone {
            range: start..end,
            mobile: national.starts_with("07")
                && !national.starts_with("070")
                && !national.starts_with("076"),
            national,
            malformed,
        });
        i = end.max(i + 1);
    }
    out
}

/// Leftover template text found in prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// Where the leftover text is in the scanned text, as a byte range.
    pub range: Range<usize>,
    /// The leftover text described for a message, such as "the placeholder `[School name]`".
    pub what: String,
}

/// Finds `[School name]` brackets, `XXX`, `TBC`, `insert … here` and the site's own patterns.
pub fn placeholders(text: &str, extra: &[String]) -> Vec<Placeholder> {
    let mut out = Vec::new();
    bracketed(text, &mut out);
    angled(text, &mut out);
    placeholder_words(text, &mut out);
    insert_here(text, &mut out);
    guidance(text, &mut out);
    own_patterns(text, extra, &mut out);
    // One cause, one finding: a leftover inside another ("(Schools may wish to add …)" is a
    // note and holds a "Schools may wish" sentence) is the other's.
    out.sort_by_key(|p| (p.range.start, std::cmp::Reverse(p.range.end)));
    let mut end = 0;
    out.retain(|p| {
        let inside = p.range.end <= end;
        end = end.max(p.range.end);
        !inside
    });
    out
}

/// [School name], [insert date]: brackets with words inside that are not a link.
fn bracketed(text: &str, out: &mut Vec<Placeholder>) {
    let mut search = 0;
    while let Some(open) = text[search..].find('[').map(|i| search + i) {
        let Some(close) = text[open..].find(']').map(|i| open + i) else {
            break;
        };
        let inner = &text[open + 1..close];
        let linked = text[close + 1..].starts_with('(');
        if !linked
            && inner.chars().any(char::is_alphabetic)
            && !inner.starts_with('^')
            && inner.len() < 80
        {
            out.push(Placeholder {
                range: open..close + 1,
                what: format!("the placeholder `{}`", &text[open..=close]),
            });
        }
        search = close + 1;
    }
}

/// <lockable storage …>, <Name of school>: angle brackets round words that the Markdown
/// reader took as text, not as a tag (those are found among the page's HTML).
fn angled(text: &str, out: &mut Vec<Placeholder>) {
    for open in memchr::memchr_iter(b'<', text.as_bytes()) {
        let Some(close) = text[open..].find('>').map(|i| open + i) else {
            break;
        };
        if close - open < 80 && crate::html_text::is_angle_placeholder(&text[open..=close]) {
            out.push(Placeholder {
                range: open..close + 1,
                what: format!("the placeholder `{}`", &text[open..=close]),
            });
        }
    }
}

/// Words (runs of letters and digits): XXX (three or more X's), TBC and its kind.
fn placeholder_words(text: &str, out: &mut Vec<Placeholder>) {
    // Every such word has an upper-case X, T or F: look only around those.
    let mut checked = 0;
    for at in memchr::memchr3_iter(b'X', b'T', b'F', text.as_bytes()) {
        if at < checked {
            continue;
        }
        let (s, e) = alphanumeric_run_around(text, at);
        let w = &text[s..e];
        let xs = w.len() >= 3 && w.bytes().all(|c| c == b'X' || c == b'x') && w.contains('X');
        if xs || matches!(w, "TBC" | "TBA" | "TODO" | "FIXME" | "TBD") {
            out.push(Placeholder {
                range: s..e,
                what: format!("the placeholder `{w}`"),
            });
        }
        checked = e;
    }
}

/// "insert … here", in any case.
fn insert_here(text: &str, out: &mut Vec<Placeholder>) {
    let bytes = text.as_bytes();
    for i in memchr::memchr2_iter(b'i', b'I', bytes) {
        if !bytes[i..]
            .get(..7)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"insert "))
        {
            continue;
        }
        let window: String = text[i..]
            .split_whitespace()
            .take(6)
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_lowercase();
        if let Some(h) = window.find(" here") {
            let end = (i + h + 5).min(text.len());
            if text.is_char_boundary(end) {
                out.push(Placeholder {
                    range: i..end,
                    what: format!("the instruction `{}`", &text[i..end]),
                });
            }
        }
    }
}

/// The site's own patterns (`[rules.placeholder-text] patterns`), in any case, in any text:
/// also where lower-casing changes a character's length (`İ`, `ẞ`).
fn own_patterns(text: &str, extra: &[String], out: &mut Vec<Placeholder>) {
    let patterns: Vec<String> = extra
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.to_lowercase())
        .collect();
    if patterns.is_empty() {
        return;
    }
    // The text lower-cased, with the byte in `text` each of its bytes came from.
    let mut lower = String::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        for l in c.to_lowercase() {
            lower.push(l);
            from.resize(lower.len(), at);
        }
    }
    let original_end = |lower_end: usize| from.get(lower_end).copied().unwrap_or(text.len());
    for p in &patterns {
        for (i, m) in lower.match_indices(p.as_str()) {
            let (start, end) = (from[i], original_end(i + m.len()));
            if start < end {
                out.push(Placeholder {
                    range: start..end,
                    what: format!("the placeholder `{}`", &text[start..end]),
                });
            }
        }
    }
}

/// Words in a bracketed aside that make it a note to the school from a template's author:
/// "(The school will need to decide …)", "(delete as appropriate)", "(if different)".
const GUIDANCE_ASIDES: [&str; 14] = [
    "the school will need to decide",
    "the school will need to consider",
    "the school may wish to",
    "schools should",
    "schools may",
    "schools will",
    "delete as appropriate",
    "if applicable)",
    "if different)",
    "statements will be required",
    "to be confirmed",
    "add details",
    "add your",
    "insert ",
];

/// Sentence openings addressed to the school: "Schools should include …".
const GUIDANCE_OPENINGS: [&str; 5] = [
    "schools should ",
    "schools may wish ",
    "schools will need ",
    "schools must ",
    "schools are advised ",
];

/// A choice between two words a template leaves to the school: "school / academy".
const ALTERNATIVES: [&str; 6] = [
    "school/academy",
    "academy/school",
    "school/setting",
    "setting/school",
    "school/college",
    "headteacher/principal",
];

/// Template guidance left in: asides and sentences addressed to the school, and choices
/// between alternatives. Only in text whose lower case has the same byte offsets (so the
/// ranges hold); every pattern is ASCII.
fn guidance(text: &str, out: &mut Vec<Placeholder>) {
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        return;
    }
    // Asides in round brackets.
    let mut search = 0;
    while let Some(open) = lower[search..].find('(').map(|i| search + i) {
        let Some(close) = lower[open..].find(')').map(|i| open + i) else {
            break;
        };
        let aside = &lower[open..=close];
        if aside.len() < 300 && GUIDANCE_ASIDES.iter().any(|g| aside.contains(g)) {
            out.push(Placeholder {
                range: open..close + 1,
                what: format!(
                    "the template's note to the school `{}`",
                    &text[open..=close]
                ),
            });
        }
        search = close + 1;
    }
    for opening in GUIDANCE_OPENINGS {
        for (at, _) in lower.match_indices(opening) {
            let before = lower[..at].trim_end_matches([' ', '*', '_']);
            let starts_sentence =
                before.is_empty() || before.ends_with(['.', '!', '?', ':', '\n', '(']);
            if starts_sentence {
                let end = lower[at..].find(['.', '\n']).map_or(text.len(), |e| at + e);
                out.push(Placeholder {
                    range: at..end,
                    what: format!(
                        "guidance written for the school (`{}`)",
                        text[at..end].trim()
                    ),
                });
            }
        }
    }
    // "school / academy", with or without spaces around the slash.
    for alt in ALTERNATIVES {
        let (a, b) = alt.split_once('/').unwrap_or((alt, ""));
        for (at, _) in lower.match_indices(a) {
            let rest = lower[at + a.len()..].trim_start_matches(' ');
            let Some(after) = rest.strip_prefix('/') else {
                continue;
            };
            let after = after.trim_start_matches(' ');
            if after.starts_with(b) {
                let end = lower.len() - after.len() + b.len();
                out.push(Placeholder {
                    range: at..end,
                    what: format!("the choice `{}` left for the school", &text[at..end]),
                });
            }
        }
    }
}

/// The run of letters and digits (in any script) around the ASCII letter at byte `at`.
fn alphanumeric_run_around(text: &str, at: usize) -> (usize, usize) {
    let start = text[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(at, |(i, _)| i);
    let end = text[at..]
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(text.len(), |(i, _)| at + i);
    (start, end)
}

/// Link text that says nothing about where the link goes.
pub fn vague_link_text(text: &str) -> bool {
    let t = text.trim().trim_end_matches(['.', ':', '!']).to_lowercase();
    matches!(
        t.as_str(),
        "here"
            | "click here"
            | "click"
            | "read more"
            | "more"
            | "this link"
            | "link"
            | "this page"
            | "this"
            | "go"
            | "more info"
            | "more information"
            | "find out more"
            | "press here"
            | "tap here"
    )
}

/// Link text that is just a web address.
pub fn is_bare_url(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("http://") || t.starts_with("https://") || t.starts_with("www.")
}

/// Words templates emphasise on their own (`*school*`, `*pupils*`) for each school to replace
/// with its own term ("academy", "students").
const SWAPPABLE_WORDS: [&str; 18] = [
    "school",
    "schools",
    "academy",
    "setting",
    "establishment",
    "college",
    "pupil",
    "pupils",
    "student",
    "students",
    "learner",
    "learners",
    "headteacher",
    "principal",
    "governors",
    "trustees",
    "parents",
    "carers",
];

/// Whether `word`, emphasised on its own, is a template's word to replace.
pub fn is_swappable_word(word: &str) -> bool {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    SWAPPABLE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// Words in a table's header that make it a table of people and contacts (key people,
/// roles), whose empty cells are blanks left to fill in.
const PEOPLE_HEADERS: [&str; 8] = [
    "name",
    "names",
    "contact",
    "contacts",
    "email",
    "e-mail",
    "phone",
    "telephone",
];

/// Whether a table with these header cells is a table of people and contacts.
pub fn is_people_table(header: &[String]) -> bool {
    header.iter().any(|cell| {
        cell.split(|c: char| !(c.is_alphanumeric() || c == '-'))
            .any(|w| PEOPLE_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(w)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_patterns_are_found_in_any_case_even_where_lower_case_is_longer() {
        let found = |text: &str| -> Vec<String> {
            placeholders(text, &["Ask Mrs Office".into()])
                .into_iter()
                .map(|p| text[p.range].to_string())
                .collect()
        };
        assert_eq!(found("Then ASK MRS OFFICE."), vec!["ASK MRS OFFICE"]);
        // `İ` lower-cases to two characters: the text after it is still searched.
        assert_eq!(
            found("İstanbul trip: ask mrs office"),
            vec!["ask mrs office"]
        );
        assert_eq!(found("ẞ and ask Mrs Office ẞ"), vec!["ask Mrs Office"]);
        assert!(found("Ask Mrs Offices").len() == 1);
        assert!(found("Ask Mr Office").is_empty());
    }

    #[test]
    fn finds_emails_and_broken_ones() {
        let e = emails("Write to office@oak.sch.example. Or dsl@oak.sch.example");
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].address, "office@oak.sch.example");
        assert_eq!(e[0].malformed, None);
        let e = emails("office@oaklane .sch.uk");
        assert_eq!(e[0].malformed, Some("there is a space inside the domain"));
        assert_eq!(e[0].address, "office@oaklane .sch.uk");
        assert!(emails("a@b").first().unwrap().malformed.is_some());
        assert!(emails("@twitter handle").is_empty());
    }

    #[test]
    fn finds_uk_phones() {
        let p = phones("Call 01632 960000 or 07700 900123, or +44 (0)7700 900456.");
        let got: Vec<(&str, bool)> = p.iter().map(|p| (p.national.as_str(), p.mobile)).collect();
        assert_eq!(
            got,
            vec![
                ("01632960000", false),
                ("07700900123", true),
                ("07700900456", true)
            ]
        );
        assert!(p.iter().all(|p| p.malformed.is_none()));
        let p = phones("Phone 01632 9600");
        assert_eq!(
            p[0].malformed,
            Some("it has too few digits for a UK number")
        );
        let p = phones("Phone 01632 960000 1");
        assert_eq!(
            p[0].malformed,
            Some("it has too many digits for a UK number")
        );
        assert_eq!(phones("Childline 0800 1111")[0].malformed, None);
        assert!(
            phones("In 2026 we had 0 incidents; Year 5 Oak; 2026-03-10; 01/02/2026").is_empty()
        );
    }

    #[test]
    fn finds_placeholders_but_not_lookalikes() {
        let p = placeholders(
            "Welcome to [School name]. Date: TBC. Call 01632 XXXXXX. Insert logo here.",
            &[],
        );
        let what: Vec<&str> = p.iter().map(|p| p.what.as_str()).collect();
        assert_eq!(what.len(), 4, "{what:?}");
        assert!(
            placeholders(
                "Xbox and XXL sizes; insert the SIM card into the phone; TBCs",
                &[]
            )
            .is_empty()
        );
        assert_eq!(
            placeholders("Lorem ipsum", &["lorem ipsum".into()]).len(),
            1
        );
        // Words are runs of letters and digits in any script; case does not hide an
        // instruction, and a word next to an accented letter is not TBC.
        let p = placeholders("Café TBC. ÉTBC xXx Ünïcode XXX… INSERT YOUR NAME HERE", &[]);
        let what: Vec<&str> = p.iter().map(|p| p.what.as_str()).collect();
        assert_eq!(
            what,
            vec![
                "the placeholder `TBC`",
                "the placeholder `xXx`",
                "the placeholder `XXX`",
                "the instruction `INSERT YOUR NAME HERE`",
            ]
        );
    }

    #[test]
    fn template_guidance_is_found_and_honest_sentences_are_not() {
        let found = |t: &str| {
            placeholders(t, &[])
                .into_iter()
                .map(|p| p.what)
                .collect::<Vec<_>>()
        };
        for text in [
            "Pupils use tablets (The school will need to decide which apps.)",
            "Schools should include their filtering provider here.",
            "Contact the DSL (if different) about this.",
            "The school / academy uses filtering.",
            "Every school/setting has a policy.",
            "Our approach (other specific statements will be required for EYFS) is below.",
            "Monitoring (delete as appropriate) is by the network manager.",
        ] {
            assert_eq!(found(text).len(), 1, "{text}: {:?}", found(text));
        }
        for text in [
            "Staff at the school should report any concern to the DSL.",
            "The school will need your consent before a photo is used.",
            "Many schools should be so lucky, and we are (as the data shows).",
            "We teach pupils in school and at home (when they are ill).",
            "Read the school's policy on academies/trusts.",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }

    #[test]
    fn angle_placeholders_in_text_are_found() {
        let p = placeholders("Keep devices in <lockable storage …>. 3 < 5 > 2. <b>", &[]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].what, "the placeholder `<lockable storage …>`");
    }

    #[test]
    fn angle_placeholders_are_not_tags() {
        assert!(crate::html_text::is_angle_placeholder(
            "<lockable storage …>"
        ));
        assert!(crate::html_text::is_angle_placeholder(
            "<name of filtering provider>"
        ));
        assert!(!crate::html_text::is_angle_placeholder("<b>"));
        assert!(!crate::html_text::is_angle_placeholder("<a href=\"x\">"));
        assert!(!crate::html_text::is_angle_placeholder("</p>"));
        assert!(crate::html_text::is_angle_placeholder("<Name of school>\n"));
        // HTML of its own, and a line of several tags, are not.
        assert!(!crate::html_text::is_angle_placeholder("<details open>"));
        assert!(!crate::html_text::is_angle_placeholder("<li>a <p>b\n"));
        assert!(!crate::html_text::is_angle_placeholder("<input disabled>"));
    }

    #[test]
    fn vague_links() {
        assert!(vague_link_text("Click here"));
        assert!(vague_link_text("here."));
        assert!(!vague_link_text("our online safety policy here"));
        assert!(is_bare_url("https://www.ceop.police.uk"));
    }
}
