//! Calendar dates as schools write them: days ("14th March 2022", "31/08/2024",
//! "2026-03-10"), months ("March 2023", "Sept 2024") and school terms ("Spring 2 2026",
//! "Summer Term 2024"), plus review periods ("1 year", "6 months").
//!
//! Pure functions, no I/O and no clock: "today" is always passed in.

use std::fmt;

/// A day of the Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The year, such as 2026.
    pub year: i32,
    /// The month, from 1 (January) to 12 (December).
    pub month: u32,
    /// The day of the month, from 1.
    pub day: u32,
}

impl Date {
    /// The date with this year, month and day; `None` if there is no such day (30 February).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01 (before it, if negative): the inverse of
    /// [`Date::days_since_epoch`].
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Today's date in UTC, from the system clock. Only the CLI edge should call this.
    pub fn today_utc() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days_since_epoch((secs / 86_400) as i64)
    }

    /// Adds whole months, clamping the day to the end of a shorter month.
    pub fn add_months(self, months: u32) -> Date {
        let total = i64::from(self.year) * 12 + i64::from(self.month - 1) + i64::from(months);
        let year = total.div_euclid(12) as i32;
        let month = (total.rem_euclid(12) + 1) as u32;
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }

    /// How many days from this date to `other`: negative if `other` is earlier.
    pub fn days_until(self, other: Date) -> i64 {
        other.days_since_epoch() - self.days_since_epoch()
    }

    /// "10 March 2026".
    pub fn long(self) -> String {
        format!(
            "{} {} {}",
            self.day,
            MONTHS[(self.month - 1) as usize],
            self.year
        )
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// A date as written in a document: a day, or a school term that spans several weeks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolDate {
    /// First day the date can mean.
    pub start: Date,
    /// Last day the date can mean (the same as `start` for a day).
    pub end: Date,
    /// How to show it: a day as "10 March 2026", a term as the writer wrote it.
    pub display: String,
}

impl SchoolDate {
    /// A single day, shown as "10 March 2026".
    pub fn day(date: Date) -> SchoolDate {
        SchoolDate {
            start: date,
            end: date,
            display: date.long(),
        }
    }
}

/// Why a date could not be read, with a plain-words hint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DateError {
    /// What is wrong, quoting the text that could not be read.
    pub message: String,
    /// How to write the date or period so it can be read.
    pub hint: String,
}

const DATE_HINT: &str = "write a day as \"14 March 2022\", \"14th March 2022\" or \"14/03/2022\" (day first), a month as \"March 2023\", or a term as \"Spring 2 2025\" or \"Summer Term 2024\"";

/// Reads a day ("2026-03-10", "10/03/2026", "10.03.26", "14th March 2022", "Tuesday 14
/// March 2022", "March 14, 2022", "14 Sept 2022"), a month ("March 2023", "Sept 2024": from
/// its first to its last day, so an approval in it counts from its start and a review due in
/// it is due by its end) or a term ("Spring 2 2026", "Spring 2026", "Autumn term 2025").
pub fn parse_school_date(text: &str) -> Result<SchoolDate, DateError> {
    let t = text.trim();
    if let Some(date) = parse_iso(t).or_else(|| parse_uk_numeric(t)) {
        return Ok(SchoolDate::day(date));
    }
    parse_words(t)
        .or_else(|| parse_term(t))
        .ok_or_else(|| DateError {
            message: format!("\"{t}\" is not a date I can read"),
            hint: DATE_HINT.to_string(),
        })
}

/// The month a word names ("March", "mar", "Sept", "sept."), from 1.
fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.');
    if w.len() < 3 {
        return None;
    }
    let n = MONTHS
        .iter()
        .position(|m| m.len() >= w.len() && m[..w.len()].eq_ignore_ascii_case(w))?;
    // Abbreviations are the first three letters, or "Sept"; anything longer is the name.
    let name = MONTHS[n];
    (w.len() == 3 || w.len() == name.len() || w.eq_ignore_ascii_case("sept"))
        .then_some(n as u32 + 1)
}

/// A day of the month as written: "14", "14th", "1st", "2nd", "23rd".
fn day_number(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &word[digits.len()..];
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ordinal = ["", "st", "nd", "rd", "th"]
        .iter()
        .any(|s| suffix.eq_ignore_ascii_case(s));
    ordinal.then(|| digits.parse().ok()).flatten()
}

/// A four-digit year of the school's era.
fn year_number(word: &str) -> Option<i32> {
    (word.len() == 4)
        .then(|| word.parse().ok())
        .flatten()
        .filter(|y| (1900..=2999).contains(y))
}

/// A day or a month in words: "14th March 2022", "Tuesday 14 March 2022", "14th of March
/// 2022", "March 14th, 2022", "March 2023", "Sept 2024".
fn parse_words(t: &str) -> Option<SchoolDate> {
    const WEEKDAYS: &[&str] = &["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let words: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .filter(|w| !w.eq_ignore_ascii_case("of") && !w.eq_ignore_ascii_case("the"))
        .collect();
    let words = match words.split_first() {
        Some((first, rest))
            if first
                .get(..3)
                .is_some_and(|f| WEEKDAYS.iter().any(|d| f.eq_ignore_ascii_case(d)))
                && month_number(first).is_none() =>
        {
            rest
        }
        _ => &words[..],
    };
    let (day, month, year) = match words {
        [d, m, y] if day_number(d).is_some() => (day_number(d), month_number(m)?, year_number(y)?),
        [m, d, y] => (Some(day_number(d)?), month_number(m)?, year_number(y)?),
        [m, y] => (None, month_number(m)?, year_number(y)?),
        _ => return None,
    };
    // Shown as written (a numeric date is shown in words instead: "14/03/2022" reads as
    // 3 December to an American parent).
    let display = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let (start, end) = match day {
        Some(day) => (Date::new(year, month, day)?, Date::new(year, month, day)?),
        None => (
            Date::new(year, month, 1)?,
            Date::new(year, month, days_in_month(year, month))?,
        ),
    };
    Some(SchoolDate {
        start,
        end,
        display,
    })
}

fn parse_iso(t: &str) -> Option<Date> {
    let mut parts = t.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// A day written day first, as in the UK: "31/08/2024", "31.08.2024", "31-08-2024", and with
/// a two-digit year ("31/08/24" is 2024).
fn parse_uk_numeric(t: &str) -> Option<Date> {
    let sep = ['/', '.', '-'].into_iter().find(|c| t.contains(*c))?;
    let mut parts = t.split(sep);
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    let digits =
        |p: &str, lens: &[usize]| lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !digits(d, &[1, 2]) || !digits(m, &[1, 2]) || !digits(y, &[2, 4]) {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    let year = if y.len() == 2 { 2000 + year } else { year };
    Date::new(year, m.parse().ok()?, d.parse().ok()?)
}

fn parse_term(t: &str) -> Option<SchoolDate> {
    let lower = t.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty() && *w != "term")
        .collect();
    let (season, half, year) = match words.as_slice() {
        [season, year] => (*season, None, *year),
        [season, half, year] => (*season, Some(*half), *year),
        _ => return None,
    };
    let year: i32 = year.parse().ok().filter(|y| (1900..=2999).contains(y))?;
    let half: Option<u8> = match half {
        None => None,
        Some("1" | "one" | "i") => Some(1),
        Some("2" | "two" | "ii") => Some(2),
        Some(_) => return None,
    };
    // Typical English term dates; a term-only date is deliberately generous.
    let (start, end) = match (season, half) {
        ("autumn", None) => ((year, 9, 1), (year, 12, 31)),
        ("autumn", Some(1)) => ((year, 9, 1), (year, 10, 31)),
        ("autumn", Some(_)) => ((year, 11, 1), (year, 12, 31)),
        ("spring", None) => ((year, 1, 1), (year, 4, 14)),
        ("spring", Some(1)) => ((year, 1, 1), (year, 2, 19)),
        ("spring", Some(_)) => ((year, 2, 20), (year, 4, 14)),
        ("summer", None) => ((year, 4, 15), (year, 8, 31)),
        ("summer", Some(1)) => ((year, 4, 15), (year, 5, 31)),
        ("summer", Some(_)) => ((year, 6, 1), (year, 8, 31)),
        _ => return None,
    };
    let mut display = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(first) = display.get(..1) {
        display = first.to_uppercase() + &display[1..];
    }
    Some(SchoolDate {
        start: Date::new(start.0, start.1, start.2)?,
        end: Date::new(end.0, end.1, end.2)?,
        display,
    })
}

/// A review period in whole months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The length of the period in months: 12 for "1 year", 4 for "termly".
    pub months: u32,
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.months {
            12 => write!(f, "every year"),
            m if m % 12 == 0 => write!(f, "every {} years", m / 12),
            1 => write!(f, "every month"),
            m => write!(f, "every {m} months"),
        }
    }
}

/// Reads "1 year", "2 years", "18 months", "annually", "every two years", "termly".
pub fn parse_period(text: &str) -> Result<Period, DateError> {
    let lower = text.trim().to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().filter(|w| *w != "every").collect();
    let months = match words.as_slice() {
        ["annually" | "annual" | "yearly"] | ["year"] => Some(12),
        ["biennially" | "biennial"] => Some(24),
        ["termly"] => Some(4),
        [n, unit] => number(n).and_then(|n| match *unit {
            "year" | "years" => Some(n * 12),
            "month" | "months" => Some(n),
            _ => None,
        }),
        _ => None,
    };
    months
        .filter(|m| (1..=120).contains(m))
        .map(|months| Period { months })
        .ok_or_else(|| DateError {
            message: format!("\"{}\" is not a review period I can read", text.trim()),
            hint: "write it as \"1 year\", \"2 years\" or \"6 months\"".to_string(),
        })
}

fn number(word: &str) -> Option<u32> {
    word.parse().ok().or(match word {
        "one" | "a" => Some(1),
        "two" => Some(2),
        "three" => Some(3),
        "four" => Some(4),
        "five" => Some(5),
        "six" => Some(6),
        "twelve" => Some(12),
        "eighteen" => Some(18),
        _ => None,
    })
}

/// When a policy is next reviewed, from its approval date and review period.
pub fn next_review(approved: &SchoolDate, period: Period) -> SchoolDate {
    SchoolDate::day(approved.start.add_months(period.months))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_iso_and_uk_dates() {
        assert_eq!(
            parse_school_date("2026-03-10").unwrap().start,
            Date::new(2026, 3, 10).unwrap()
        );
        assert_eq!(
            parse_school_date("10/03/2026").unwrap().display,
            "10 March 2026"
        );
        assert!(parse_school_date("2026-02-30").is_err());
        assert!(parse_school_date("soon").is_err());
    }

    #[test]
    fn reads_dates_as_schools_write_them() {
        let day = |t: &str| parse_school_date(t).map(|d| (d.start, d.end, d.display));
        let d = |y, m, d| Date::new(y, m, d).unwrap();
        for t in [
            "14th March 2022",
            "14 March 2022",
            "14 Mar 2022",
            "Monday 14th March 2022",
            "14th of March 2022",
            "March 14th, 2022",
            "14/03/2022",
            "14.03.2022",
            "14-03-2022",
            "14/3/22",
            "2022-03-14",
        ] {
            let (start, end, _) = day(t).unwrap_or_else(|e| panic!("{t}: {e}"));
            assert_eq!((start, end), (d(2022, 3, 14), d(2022, 3, 14)), "{t}");
        }
        assert_eq!(day("31st August 2024").unwrap().0, d(2024, 8, 31));
        assert_eq!(day("1st Sept 2024").unwrap().0, d(2024, 9, 1));
        assert_eq!(
            day("March 2023").unwrap(),
            (d(2023, 3, 1), d(2023, 3, 31), "March 2023".to_string())
        );
        assert_eq!(
            day("Sept 2024").unwrap(),
            (d(2024, 9, 1), d(2024, 9, 30), "Sept 2024".to_string())
        );
        assert_eq!(day("feb 2024").unwrap().1, d(2024, 2, 29));
        assert_eq!(day("Summer Term 2024").unwrap().0, d(2024, 4, 15));
        assert_eq!(day("Spring 2 2025").unwrap().0, d(2025, 2, 20));
        assert_eq!(day("Autumn 2023").unwrap().0, d(2023, 9, 1));
        for bad in [
            "31st February 2024",
            "14th Marchy 2022",
            "Ma 2022",
            "14xx March 2022",
            "March",
            "2022",
            "32/01/2024",
            "14/03/222",
            "soon",
            "Spring 3 2025",
        ] {
            assert!(parse_school_date(bad).is_err(), "{bad} was read");
        }
        let e = parse_school_date("next year").unwrap_err();
        assert!(e.hint.contains("14 March 2022") && e.hint.contains("Spring 2 2025"));
    }

    #[test]
    fn reads_terms() {
        let d = parse_school_date("Spring 2 2025").unwrap();
        assert_eq!(d.start, Date::new(2025, 2, 20).unwrap());
        assert_eq!(d.end, Date::new(2025, 4, 14).unwrap());
        assert_eq!(d.display, "Spring 2 2025");
        let d = parse_school_date("autumn term 2023").unwrap();
        assert_eq!(d.start, Date::new(2023, 9, 1).unwrap());
        assert_eq!(d.end, Date::new(2023, 12, 31).unwrap());
        assert!(parse_school_date("Winter 2023").is_err());
    }

    #[test]
    fn periods_and_next_review() {
        assert_eq!(parse_period("1 year").unwrap().months, 12);
        assert_eq!(parse_period("every two years").unwrap().months, 24);
        assert_eq!(parse_period("Annually").unwrap().months, 12);
        assert!(parse_period("sometimes").is_err());
        let approved = parse_school_date("2024-02-29").unwrap();
        let next = next_review(&approved, Period { months: 12 });
        assert_eq!(next.start, Date::new(2025, 2, 28).unwrap());
    }

    #[test]
    fn epoch_round_trip() {
        for days in [-1000, 0, 1, 19_000, 20_000, 60_000] {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
        assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
    }
}
