//! Words of text as the roster sees them, and their normal form (the same for the roster
//! and for the text it is checked against).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Case-folds, removes accents, apostrophes and invisible characters, maps look-alike
/// letters to Latin, and keeps letters, digits and hyphens.
pub fn normalise_word(word: &str) -> String {
    let mut out = Vec::with_capacity(word.len());
    normalise_into(word, &mut out);
    // Only whole characters are ever added.
    String::from_utf8(out).unwrap_or_default()
}

/// Unicode's default-ignorable code points (DerivedCoreProperties.txt,
/// `Default_Ignorable_Code_Point`, Unicode 16): characters that display as nothing, such as
/// the soft hyphen, zero-width space and joiners, bidirectional controls and variation
/// selectors.
pub fn is_default_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Appends the folded form of one non-ASCII character of a word (see the module's doc):
/// compatibility forms, accents, look-alikes and case. Characters that fold to nothing
/// (invisible ones, combining marks, apostrophes) add nothing.
pub(super) fn fold_char(c: char, out: &mut Vec<u8>) {
    let mut utf8 = [0u8; 4];
    if is_default_ignorable(c) || matches!(c, '’' | '‘' | '`' | 'ʼ' | '′') {
        return;
    }
    for d in std::iter::once(c).nfkc() {
        for e in std::iter::once(d).nfd() {
            if e.is_ascii() {
                if e.is_ascii_alphanumeric() || e == '-' {
                    out.push(e.to_ascii_lowercase() as u8);
                }
                continue;
            }
            if is_combining_mark(e) || is_default_ignorable(e) || !e.is_alphanumeric() {
                continue;
            }
            // A letter of another script that looks like a Latin one: its TR39 skeleton.
            let mut skel = [0u8; 8];
            let mut n = 0;
            let mut ascii = true;
            for s in unicode_security::skeleton(e.encode_utf8(&mut utf8)) {
                if !s.is_ascii_alphanumeric() || n == skel.len() {
                    ascii = false;
                    break;
                }
                skel[n] = s as u8;
                n += 1;
            }
            if ascii && n > 0 {
                match &skel[..n] {
                    // TR39 writes m's look-alikes as "rn", and I's (capital i) as l.
                    b"rn" => out.push(b'm'),
                    b"l" | b"I" if e.is_uppercase() => out.push(b'i'),
                    s => out.extend(s.iter().map(u8::to_ascii_lowercase)),
                }
            } else {
                for l in e.to_lowercase() {
                    out.extend_from_slice(l.encode_utf8(&mut utf8).as_bytes());
                }
            }
        }
    }
}

/// [`normalise_word`] appending UTF-8 to `out`: a byte loop for plain ASCII words, the
/// common case, and no allocation.
pub(super) fn normalise_into(word: &str, out: &mut Vec<u8>) {
    let start = out.len();
    if word.is_ascii() {
        out.extend(
            word.bytes()
                .filter(|b| b.is_ascii_alphanumeric() || *b == b'-')
                .map(|b| b.to_ascii_lowercase()),
        );
    } else {
        for c in word.chars() {
            if c.is_ascii() {
                if c.is_ascii_alphanumeric() || c == '-' {
                    out.push(c.to_ascii_lowercase() as u8);
                }
            } else {
                fold_char(c, out);
            }
        }
    }
    // Trim hyphens at either end of what was added.
    if out.get(start) == Some(&b'-') {
        let lead = out[start..].iter().take_while(|b| **b == b'-').count();
        out.drain(start..start + lead);
    }
    while out.len() > start && out.last() == Some(&b'-') {
        out.pop();
    }
}

/// Splits text into words as the checker sees them: possessives dropped ("Smith's" → Smith).
/// Each word comes with the offset where its run of word characters starts.
pub fn words(text: &str) -> Words<'_> {
    Words {
        text,
        at: 0,
        plain: false,
    }
}

/// The iterator of [`words`]: a byte loop, decoding only non-ASCII characters.
pub struct Words<'a> {
    pub(super) text: &'a str,
    pub(super) at: usize,
    /// Whether the last word returned is plain: ASCII letters, digits and inner hyphens
    /// only, so that normalising it is only lower-casing.
    pub(super) plain: bool,
}

/// ASCII bytes that belong to words (`WORD`: letters, digits, apostrophes and hyphens), and
/// the apostrophe (`APOSTROPHE`), which normalising drops.
pub(super) const WORD: u8 = 1;
pub(super) const APOSTROPHE: u8 = 2;
pub(super) const CLASS: [u8; 128] = {
    let mut t = [0; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'-' {
            t[b] = WORD;
        } else if c == b'\'' {
            t[b] = WORD | APOSTROPHE;
        }
        b += 1;
    }
    t
};

impl Words<'_> {
    /// The character at byte `i` if it belongs to a word, and its length in bytes.
    #[inline(always)]
    pub(super) fn word_char(&self, i: usize) -> (bool, usize) {
        match self.text.as_bytes().get(i) {
            Some(&b) if b < 0x80 => (CLASS[usize::from(b)] & WORD != 0, 1),
            _ => self.text[i..].chars().next().map_or((false, 1), |c| {
                (
                    c.is_alphanumeric()
                        || c == '’'
                        || is_combining_mark(c)
                        || is_default_ignorable(c),
                    c.len_utf8(),
                )
            }),
        }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let text = self.text;
        let bytes = text.as_bytes();
        let len = text.len();
        loop {
            // Skip to the next word, then take it whole.
            let mut i = self.at;
            let start = loop {
                if i >= len {
                    self.at = len;
                    return None;
                }
                let (word, n) = self.word_char(i);
                if word {
                    break i;
                }
                i += n;
            };
            let mut end = start;
            let mut classes = 0;
            let mut ascii = true;
            while end < len {
                // ASCII in a tight loop; other characters decoded one at a time.
                if let Some(&b) = bytes.get(end).filter(|b| **b < 0x80) {
                    let class = CLASS[usize::from(b)];
                    if class & WORD == 0 {
                        break;
                    }
                    classes |= class;
                    end += 1;
                    continue;
                }
                let (word, n) = self.word_char(end);
                if !word {
                    break;
                }
                ascii = false;
                end += n;
            }
            self.at = end;
            // Trimming below only removes characters, so a plain run gives a plain word.
            self.plain = ascii && classes & APOSTROPHE == 0;
            let w = &text[start..end];
            // Most words begin and end with an ASCII letter or digit, and have no "'s" or
            // "’s" (whose last byte before the s is 0x99).
            let b = w.as_bytes();
            let alnum = |c: u8| c.is_ascii_alphanumeric();
            if alnum(b[0])
                && alnum(b[b.len() - 1])
                && (b.len() < 2 || !matches!(b[b.len() - 2], b'\'' | 0x99))
            {
                return Some((start, w));
            }
            let w = trim_word(w);
            if !w.is_empty() {
                return Some((start, w));
            }
        }
    }
}

/// A run of word characters without a possessive ("Smith's" → Smith) and without
/// apostrophes and hyphens at either end.
pub(super) fn trim_word(w: &str) -> &str {
    w.strip_suffix("'s")
        .or_else(|| w.strip_suffix("’s"))
        .or_else(|| w.strip_suffix("'S"))
        .unwrap_or(w)
        .trim_matches(['\'', '’', '-'])
}
