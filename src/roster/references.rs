//! HTML character references (`P&#111;ppy`, `&shy;`) decoded before names are looked for,
//! with a map back to the text as written.

/// Whether `text` may hold an HTML character reference: `&#` or `&` and a letter.
pub(super) fn has_reference(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b'&', b).any(|i| {
        b.get(i + 1)
            .is_some_and(|c| *c == b'#' || c.is_ascii_alphabetic())
    })
}

/// Text with its HTML character references decoded, and a map back to the original.
pub(super) struct Decoded {
    pub(super) text: String,
    /// Each decoded reference, in order: `(position in text, decoded length, position in
    /// the original, length in the original)`; text between them is copied unchanged.
    pub(super) refs: Vec<(usize, usize, usize, usize)>,
}

impl Decoded {
    pub(super) fn of(source: &str) -> Decoded {
        let mut text = String::with_capacity(source.len());
        let mut refs = Vec::new();
        let mut last = 0;
        for i in memchr::memchr_iter(b'&', source.as_bytes()) {
            if i < last {
                continue;
            }
            let Some((decoded, len)) = entity(&source[i..]) else {
                continue;
            };
            text.push_str(&source[last..i]);
            let t = text.len();
            match decoded {
                Entity::Char(c) => text.push(c),
                Entity::Str(s) => text.push_str(s),
            }
            refs.push((t, text.len() - t, i, len));
            last = i + len;
        }
        text.push_str(&source[last..]);
        Decoded { text, refs }
    }

    /// The original's position of a position of the decoded text: inside what a reference
    /// decoded to, the reference's start (or, with `end`, its end).
    pub(super) fn source_pos(&self, pos: usize, end: bool) -> usize {
        let i = self.refs.partition_point(|r| r.0 <= pos);
        let Some(&(t, t_len, s, s_len)) = i.checked_sub(1).and_then(|i| self.refs.get(i)) else {
            return pos;
        };
        if pos < t + t_len {
            if end && pos > t { s + s_len } else { s }
        } else {
            s + s_len + (pos - t - t_len)
        }
    }

    pub(super) fn source_range(&self, r: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.source_pos(r.start, false)..self.source_pos(r.end, true)
    }
}

/// What a character reference stands for.
pub(super) enum Entity {
    Char(char),
    Str(&'static str),
}

/// Named references for letters and invisible characters (HTML's list: the ones that can
/// spell or hide a name). Letters with accents, and mathematical letters, are recognised by
/// the form of their names in [`entity`].
pub(super) const NAMED: &[(&str, Entity)] = &[
    ("amp", Entity::Char('&')),
    ("lt", Entity::Char('<')),
    ("gt", Entity::Char('>')),
    ("quot", Entity::Char('"')),
    ("apos", Entity::Char('\'')),
    ("nbsp", Entity::Char('\u{A0}')),
    ("shy", Entity::Char('\u{AD}')),
    ("zwnj", Entity::Char('\u{200C}')),
    ("zwj", Entity::Char('\u{200D}')),
    ("lrm", Entity::Char('\u{200E}')),
    ("rlm", Entity::Char('\u{200F}')),
    ("ZeroWidthSpace", Entity::Char('\u{200B}')),
    ("NoBreak", Entity::Char('\u{2060}')),
    ("NegativeVeryThinSpace", Entity::Char('\u{200B}')),
    ("NegativeThinSpace", Entity::Char('\u{200B}')),
    ("NegativeMediumSpace", Entity::Char('\u{200B}')),
    ("NegativeThickSpace", Entity::Char('\u{200B}')),
    ("InvisibleTimes", Entity::Char('\u{2062}')),
    ("it", Entity::Char('\u{2062}')),
    ("InvisibleComma", Entity::Char('\u{2063}')),
    ("ic", Entity::Char('\u{2063}')),
    ("ApplyFunction", Entity::Char('\u{2061}')),
    ("af", Entity::Char('\u{2061}')),
    ("ensp", Entity::Char(' ')),
    ("emsp", Entity::Char(' ')),
    ("thinsp", Entity::Char(' ')),
    ("hairsp", Entity::Char(' ')),
    ("Tab", Entity::Char('\t')),
    ("NewLine", Entity::Char('\n')),
    ("ndash", Entity::Char('–')),
    ("mdash", Entity::Char('—')),
    ("hyphen", Entity::Char('-')),
    ("dash", Entity::Char('-')),
    ("lsquo", Entity::Char('‘')),
    ("rsquo", Entity::Char('’')),
    ("rsquor", Entity::Char('’')),
    ("ldquo", Entity::Char('“')),
    ("rdquo", Entity::Char('”')),
    ("hellip", Entity::Char('…')),
    ("period", Entity::Char('.')),
    ("comma", Entity::Char(',')),
    ("colon", Entity::Char(':')),
    ("semi", Entity::Char(';')),
    ("excl", Entity::Char('!')),
    ("quest", Entity::Char('?')),
    ("lpar", Entity::Char('(')),
    ("rpar", Entity::Char(')')),
    ("sol", Entity::Char('/')),
    ("bsol", Entity::Char('\\')),
    ("num", Entity::Char('#')),
    ("szlig", Entity::Str("ss")),
    ("aelig", Entity::Str("ae")),
    ("AElig", Entity::Str("AE")),
    ("oelig", Entity::Str("oe")),
    ("OElig", Entity::Str("OE")),
    ("oslash", Entity::Char('o')),
    ("Oslash", Entity::Char('O')),
    ("eth", Entity::Char('d')),
    ("ETH", Entity::Char('D')),
    ("thorn", Entity::Str("th")),
    ("THORN", Entity::Str("TH")),
    ("inodot", Entity::Char('i')),
    ("imath", Entity::Char('i')),
    ("jmath", Entity::Char('j')),
    ("filig", Entity::Str("fi")),
    ("fflig", Entity::Str("ff")),
    ("fllig", Entity::Str("fl")),
    ("ffilig", Entity::Str("ffi")),
    ("ffllig", Entity::Str("ffl")),
    ("fjlig", Entity::Str("fj")),
    ("IJlig", Entity::Str("IJ")),
    ("ijlig", Entity::Str("ij")),
    ("kgreen", Entity::Char('k')),
    ("IOcy", Entity::Char('Ё')),
    ("iocy", Entity::Char('ё')),
    ("Iukcy", Entity::Char('І')),
    ("iukcy", Entity::Char('і')),
    ("Jsercy", Entity::Char('Ј')),
    ("jsercy", Entity::Char('ј')),
    ("DScy", Entity::Char('Ѕ')),
    ("dscy", Entity::Char('ѕ')),
    ("YIcy", Entity::Char('Ї')),
    ("yicy", Entity::Char('ї')),
    ("Jukcy", Entity::Char('Є')),
    ("jukcy", Entity::Char('є')),
    ("Ubrcy", Entity::Char('Ў')),
    ("ubrcy", Entity::Char('ў')),
];

/// HTML's names of the Cyrillic letters А to Я, in order (lower case: the same, lowered).
pub(super) const CYRILLIC: [&str; 32] = [
    "A", "B", "V", "G", "D", "IE", "ZH", "Z", "I", "J", "K", "L", "M", "N", "O", "P", "R", "S",
    "T", "U", "F", "KH", "TS", "CH", "SH", "SHCH", "HARD", "Y", "SOFT", "E", "YU", "YA",
];

/// HTML's names of the Greek letters Α to Ω, in order (with a gap at U+03A2).
pub(super) const GREEK: [&str; 25] = [
    "Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota", "Kappa",
    "Lambda", "Mu", "Nu", "Xi", "Omicron", "Pi", "Rho", "", "Sigma", "Tau", "Upsilon", "Phi",
    "Chi", "Psi", "Omega",
];

/// The character reference at the start of `s` (`&#111;`, `&#x6F;`, `&oacute;`, as a
/// browser reads them: numeric ones without their `;` too), and its length.
pub(super) fn entity(s: &str) -> Option<(Entity, usize)> {
    let b = s.as_bytes();
    if b.get(1) == Some(&b'#') {
        let hex = matches!(b.get(2), Some(b'x' | b'X'));
        let digits_at = if hex { 3 } else { 2 };
        let digits = b[digits_at..]
            .iter()
            .take_while(|c| {
                if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                }
            })
            .count();
        if digits == 0 {
            return None;
        }
        let end = digits_at + digits;
        let value = u32::from_str_radix(
            &s[digits_at..end.min(digits_at + 8)],
            if hex { 16 } else { 10 },
        )
        .unwrap_or(u32::MAX);
        let c = char::from_u32(value)
            .filter(|c| *c != '\0')
            .unwrap_or('\u{FFFD}');
        let len = end + usize::from(b.get(end) == Some(&b';'));
        return Some((Entity::Char(c), len));
    }
    let name_len = b[1..]
        .iter()
        .take(32)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if name_len == 0 || b.get(1 + name_len) != Some(&b';') {
        return None;
    }
    let name = &s[1..1 + name_len];
    let len = name_len + 2;
    if let Some((_, e)) = NAMED.iter().find(|(n, _)| *n == name) {
        let e = match e {
            Entity::Char(c) => Entity::Char(*c),
            Entity::Str(s) => Entity::Str(s),
        };
        return Some((e, len));
    }
    let letter = |i: usize| Entity::Str(&LETTERS[i..i + 1]);
    // A letter with an accent (`&eacute;`, `&Zcaron;`) is the letter, once accents are
    // removed; mathematical letters (`&Pscr;`, `&oopf;`, `&yfr;`) fold to the letter.
    let first = name.as_bytes()[0];
    if first.is_ascii_alphabetic() {
        let rest = &name[1..];
        const MARKS: [&str; 17] = [
            "acute", "grave", "circ", "tilde", "uml", "ring", "cedil", "caron", "macr", "breve",
            "ogon", "dot", "dblac", "strok", "scr", "opf", "fr",
        ];
        if MARKS.contains(&rest) {
            let i = LETTERS.find(first as char)?;
            return Some((letter(i), len));
        }
    }
    if let Some(stem) = name.strip_suffix("cy") {
        let upper = CYRILLIC.iter().position(|n| *n == stem);
        let lower = CYRILLIC.iter().position(|n| {
            n.to_ascii_lowercase() == stem && stem.bytes().all(|c| c.is_ascii_lowercase())
        });
        if let Some(i) = upper
            .map(|i| 0x410 + i as u32)
            .or(lower.map(|i| 0x430 + i as u32))
        {
            return char::from_u32(i).map(|c| (Entity::Char(c), len));
        }
    }
    let upper = GREEK.iter().position(|n| !n.is_empty() && *n == name);
    let lower = GREEK.iter().position(|n| {
        !n.is_empty() && n.to_ascii_lowercase() == name && name.as_bytes()[0].is_ascii_lowercase()
    });
    let greek = upper
        .map(|i| 0x391 + i as u32)
        .or(lower.map(|i| 0x3B1 + i as u32))
        .or((name == "sigmaf").then_some(0x3C2));
    greek
        .and_then(char::from_u32)
        .map(|c| (Entity::Char(c), len))
}

pub(super) const LETTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `text` with its HTML character references decoded (`P&#111;ppy` → Poppy).
pub fn decode_references(text: &str) -> std::borrow::Cow<'_, str> {
    if has_reference(text) {
        std::borrow::Cow::Owned(Decoded::of(text).text)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}
