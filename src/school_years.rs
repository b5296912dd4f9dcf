//! School years named in words: "EYFS", "Key Stage 2 (7–11)", "Years 3 and 4",
//! "Reception/Year 1", `years-5-6`. Which years of school (Nursery, Reception, Year 1 to
//! Year 13) a phase heading, a band or a class is about: the one reader of them, for the
//! importer's phases and the classes' bands.

/// A set of school years: Nursery (−1), Reception (0), Year 1 … Year 13.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Years(u16);

/// Nursery's number among the years.
pub const NURSERY: i8 = -1;
/// Reception's.
pub const RECEPTION: i8 = 0;
const LAST: i8 = 13;

impl Years {
    /// The years from `lo` to `hi`, both included (clamped to Nursery … Year 13).
    pub fn range(lo: i8, hi: i8) -> Years {
        let (lo, hi) = (lo.clamp(NURSERY, LAST), hi.clamp(NURSERY, LAST));
        let mut bits = 0;
        for y in lo..=hi {
            bits |= 1 << (y + 1);
        }
        Years(bits)
    }

    /// No year at all.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether the two share a year.
    pub fn meets(self, other: Years) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether every year of `other` is one of these.
    pub fn holds(self, other: Years) -> bool {
        !other.is_empty() && self.0 & other.0 == other.0
    }

    fn add(&mut self, other: Years) {
        self.0 |= other.0;
    }
}

/// The school years a phrase names. Phases ("EYFS", "Early Years", "Foundation Stage",
/// "Nursery", "Reception", "KS1", "Key Stage 2", "Lower KS2", "Infants", "Juniors"), years
/// ("Year 3", "Years 3 and 4", "Years 3 to 6", "Y5", "Year R", a slug's `years-3-4`), and,
/// only where none of those is named, an age range ("(7–11)", "ages 5 to 7": the years
/// those ages are in). Nothing named: empty.
pub fn years_of(text: &str) -> Years {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut years = Years::default();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let next = words.get(i + 1).copied().unwrap_or("");
        let early = Years::range(NURSERY, RECEPTION);
        match w {
            "nursery" | "nurseries" | "preschool" => years.add(Years::range(NURSERY, NURSERY)),
            "pre" if next == "school" => years.add(Years::range(NURSERY, NURSERY)),
            "reception" => years.add(Years::range(RECEPTION, RECEPTION)),
            "eyfs" | "foundation" => years.add(early),
            "early" if next == "years" => {
                years.add(early);
                i += 1;
            }
            "infant" | "infants" => years.add(Years::range(RECEPTION, 2)),
            "junior" | "juniors" => years.add(Years::range(3, 6)),
            "key" if next == "stage" => {
                if let Some(stage) = words.get(i + 2).and_then(|n| n.parse().ok()) {
                    years.add(key_stage(stage, words.get(i.wrapping_sub(1)).copied()));
                    i += 2;
                }
            }
            "year" | "years" | "yr" | "yrs" => {
                let (found, used) = numbers_after(&words[i + 1..]);
                years.add(found);
                i += used;
            }
            _ => {
                if let Some(stage) = w.strip_prefix("ks").and_then(|n| n.parse().ok()) {
                    years.add(key_stage(stage, words.get(i.wrapping_sub(1)).copied()));
                } else if let Some(n) = w.strip_prefix('y').and_then(|n| n.parse::<i8>().ok()) {
                    years.add(Years::range(n, n));
                }
            }
        }
        i += 1;
    }
    if years.is_empty() {
        years = ages(&words);
    }
    years
}

/// A key stage's years; "lower" or "upper" before Key Stage 2 halves it.
fn key_stage(stage: u8, before: Option<&str>) -> Years {
    match (stage, before) {
        (2, Some("lower")) => Years::range(3, 4),
        (2, Some("upper")) => Years::range(5, 6),
        (1, _) => Years::range(1, 2),
        (2, _) => Years::range(3, 6),
        (3, _) => Years::range(7, 9),
        (4, _) => Years::range(10, 11),
        (5, _) => Years::range(12, 13),
        _ => Years::default(),
    }
}

/// The years written after "Year(s)": numbers (and "R") joined by "and", "to", "or" or
/// punctuation, as the range from the least to the greatest; and how many words that took.
fn numbers_after(words: &[&str]) -> (Years, usize) {
    let mut lo: Option<i8> = None;
    let mut hi: Option<i8> = None;
    let mut used = 0;
    for (k, w) in words.iter().enumerate() {
        let n = match *w {
            "r" | "reception" => Some(RECEPTION),
            "n" => Some(NURSERY),
            _ => w.parse::<i8>().ok().filter(|n| (1..=LAST).contains(n)),
        };
        match n {
            Some(n) => {
                lo = Some(lo.map_or(n, |l| l.min(n)));
                hi = Some(hi.map_or(n, |h| h.max(n)));
                used = k + 1;
            }
            None if matches!(*w, "and" | "to" | "or" | "&") => {}
            None => break,
        }
    }
    match (lo, hi) {
        (Some(lo), Some(hi)) => (Years::range(lo, hi), used),
        _ => (Years::default(), 0),
    }
}

/// An age range, "(7–11)" or "ages 5 to 7": the years its pupils are in (a child turns 5 in
/// Reception, 7 in Year 2, 11 in Year 6). Only two numbers, the first the smaller, up to 18.
fn ages(words: &[&str]) -> Years {
    let numbers: Vec<i8> = words.iter().filter_map(|w| w.parse().ok()).collect();
    match numbers[..] {
        [a, b] if a < b && b <= 18 => Years::range((a - 4).max(NURSERY), b - 5),
        _ => Years::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(lo: i8, hi: i8) -> Years {
        Years::range(lo, hi)
    }

    #[test]
    fn reads_phases_years_and_ages() {
        let cases = [
            ("EYFS", y(-1, 0)),
            ("Early Years Foundation Stage (EYFS)", y(-1, 0)),
            ("EYFS (Nursery and Reception)", y(-1, 0)),
            ("Early Years and KS1 (0–6)", y(-1, 2)),
            ("Key Stage 1", y(1, 2)),
            ("Key Stage 2 (7–11)", y(3, 6)),
            ("Lower KS2", y(3, 4)),
            ("Upper Key Stage 2", y(5, 6)),
            ("Years 3 and 4", y(3, 4)),
            ("years-5-6", y(5, 6)),
            ("Years 3 to 6", y(3, 6)),
            ("Year 3 Oak", y(3, 3)),
            ("Reception/Year 1", y(0, 1)),
            ("Year R", y(0, 0)),
            ("Y5 Ash", y(5, 5)),
            ("Pre-school", y(-1, -1)),
            ("Infants", y(0, 2)),
            ("Ages 7 to 11", y(3, 6)),
            ("(5-7)", y(1, 2)),
        ];
        for (text, want) in cases {
            assert_eq!(years_of(text), want, "{text}");
        }
        for none in [
            "Our rules",
            "Kestrels",
            "2024",
            "Keeping safe online",
            "Class 7",
        ] {
            assert!(years_of(none).is_empty(), "{none}");
        }
    }

    #[test]
    fn years_meet_and_hold() {
        assert!(y(3, 6).meets(y(5, 6)) && !y(-1, 0).meets(y(1, 2)));
        assert!(y(3, 6).holds(y(4, 4)) && !y(3, 4).holds(y(4, 5)));
    }
}
