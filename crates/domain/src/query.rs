//! Shared query vocabulary: paging, UTC time stamps, fuzzy text filters.

use crate::error::DomainError;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

/// offset/limit paging. A caller's page comes from [`Page::parse`] (`limit` defaults to 10 and
/// is at most 100); the product's own listings use the other constructors. The fields are
/// private so that no page has a negative offset or a limit below 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    offset: i64,
    limit: i64,
}

impl Page {
    pub const DEFAULT_LIMIT: i64 = 10;
    pub const MAX_LIMIT: i64 = 100;
    /// Every row: for the product's own sweeps, never for a caller's request.
    pub const ALL: Page = Page { offset: 0, limit: i64::MAX / 2 };

    /// The first `limit` rows (at least one).
    pub fn first(limit: i64) -> Self {
        Page { offset: 0, limit: limit.max(1) }
    }

    /// Page `number` (from 1) of pages of `size` rows.
    pub fn numbered(number: i64, size: i64) -> Self {
        let size = size.max(1);
        Page { offset: number.max(1).saturating_sub(1).saturating_mul(size), limit: size }
    }

    /// The page after this one.
    pub fn next(self) -> Self {
        Page { offset: self.offset.saturating_add(self.limit), limit: self.limit }
    }

    pub fn offset(self) -> i64 {
        self.offset
    }

    pub fn limit(self) -> i64 {
        self.limit
    }

    /// This page of a list already in memory.
    pub fn window<T>(self, items: impl IntoIterator<Item = T>) -> impl Iterator<Item = T> {
        items.into_iter().skip(usize::try_from(self.offset).unwrap_or(usize::MAX)).take(usize::try_from(self.limit).unwrap_or(usize::MAX))
    }

    pub fn parse(offset: Option<i64>, limit: Option<i64>) -> Result<Self, DomainError> {
        let offset = offset.unwrap_or(0);
        if offset < 0 {
            return Err(DomainError::invalid("offset must be 0 or greater."));
        }
        let limit = limit.unwrap_or(Self::DEFAULT_LIMIT);
        if !(1..=Self::MAX_LIMIT).contains(&limit) {
            return Err(DomainError::invalid(format!("limit must be between 1 and {}.", Self::MAX_LIMIT)));
        }
        Ok(Page { offset, limit })
    }
}

/// The Open API's UTC time format, `yyyy-MM-ddTHH:mm:ssZ`.
pub const UTC_FORMAT: &str = "%Y-%m-%dT%H:%M:%SZ";

/// Milliseconds since the Unix epoch: how instants are stored.
pub type EpochMillis = i64;

/// Years the API accepts in any date or time: enough for every real bound, and far enough
/// from chrono's limits that adding a day or a month can never overflow.
const YEARS: std::ops::RangeInclusive<i32> = 1970..=9999;

/// True when `s` has exactly the shape of `template`, where `9` stands for an ASCII digit
/// and every other byte must match itself. Refuses signs, spaces and extended years that
/// chrono's `%Y` would accept.
fn has_shape(s: &str, template: &str) -> bool {
    s.len() == template.len() && s.bytes().zip(template.bytes()).all(|(c, t)| if t == b'9' { c.is_ascii_digit() } else { c == t })
}

pub fn parse_utc(field: &str, s: &str) -> Result<EpochMillis, DomainError> {
    let bad = || DomainError::invalid(format!("{field} must be a UTC time like 2019-05-06T08:05:01Z, not '{s}'."));
    if !has_shape(s, "9999-99-99T99:99:99Z") {
        return Err(bad());
    }
    let n = NaiveDateTime::parse_from_str(s, UTC_FORMAT).map_err(|_| bad())?;
    if !YEARS.contains(&chrono::Datelike::year(&n)) {
        return Err(bad());
    }
    Ok(Utc.from_utc_datetime(&n).timestamp_millis())
}

/// A calendar date `YYYY-MM-DD` with a year the API accepts.
fn parse_calendar_date(s: &str) -> Option<chrono::NaiveDate> {
    if !has_shape(s, "9999-99-99") {
        return None;
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().filter(|d| YEARS.contains(&chrono::Datelike::year(d)))
}

pub fn format_utc(millis: EpochMillis) -> String {
    DateTime::<Utc>::from_timestamp_millis(millis).unwrap_or_default().format(UTC_FORMAT).to_string()
}

/// An optional time bound that is absent when not sent or null, and an error when empty.
pub fn parse_utc_bound(field: &str, value: Option<&str>) -> Result<Option<EpochMillis>, DomainError> {
    match value {
        None => Ok(None),
        Some("") => Err(DomainError::invalid(format!("{field} must not be an empty string; omit it instead."))),
        Some(s) => parse_utc(field, s).map(Some),
    }
}

/// A fuzzy (substring) filter; absent, null or empty means "do not filter". Spaces are not
/// supported in fuzzy queries.
pub fn parse_fuzzy(field: &str, value: Option<&str>) -> Result<Option<String>, DomainError> {
    match value {
        None | Some("") => Ok(None),
        Some(s) if s.contains(char::is_whitespace) => Err(DomainError::invalid(format!("{field} must not contain spaces."))),
        Some(s) if s.chars().count() > 64 => Err(DomainError::invalid(format!("{field} must be at most 64 characters."))),
        Some(s) => Ok(Some(s.to_owned())),
    }
}

/// Current time in storage form.
pub fn now_millis() -> EpochMillis {
    Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_defaults_and_bounds() {
        assert_eq!(Page::parse(None, None).unwrap(), Page::first(10));
        assert_eq!(Page::numbered(3, 10), Page::first(10).next().next());
        assert_eq!(Page::numbered(0, 0), Page::first(1));
        assert_eq!(Page::numbered(2, 2).window(1..=10).collect::<Vec<_>>(), vec![3, 4]);
        assert!(Page::parse(None, Some(100)).is_ok());
        assert!(Page::parse(None, Some(101)).is_err());
        assert!(Page::parse(None, Some(0)).is_err());
        assert!(Page::parse(Some(-1), None).is_err());
    }

    #[test]
    fn utc_round_trip() {
        let t = parse_utc("t", "2019-05-06T08:05:01Z").unwrap();
        assert_eq!(format_utc(t), "2019-05-06T08:05:01Z");
        assert!(parse_utc("t", "2019-05-06 08:05:01").is_err());
        for extreme in ["+262142-12-31T00:00:00Z", "262142-12-31T00:00:00Z", "0000-01-01T00:00:00Z", "2019-5-6T08:05:01Z"] {
            assert!(parse_utc("t", extreme).is_err(), "{extreme}");
        }
        assert!(parse_utc_bound("t", Some("")).is_err());
        assert_eq!(parse_utc_bound("t", None).unwrap(), None);
    }

    #[test]
    fn fuzzy_filters() {
        assert_eq!(parse_fuzzy("f", Some("")).unwrap(), None);
        assert_eq!(parse_fuzzy("f", Some("ab")).unwrap(), Some("ab".into()));
        assert!(parse_fuzzy("f", Some("a b")).is_err());
    }
}

/// UTC+8, the calendar of the API's "East-8" dates.
fn cst_offset() -> chrono::Duration {
    chrono::Duration::hours(8)
}

/// The change-record date range: `YYYY-MM-DD` dates in UTC+8 (the API's "East-8" dates),
/// both inclusive; defaults are one year before today and today. Returns
/// `[from, to_exclusive)` in epoch milliseconds.
pub fn parse_cst_date_range(begin: Option<&str>, end: Option<&str>, now: EpochMillis) -> Result<(EpochMillis, EpochMillis), DomainError> {
    use chrono::{Duration, NaiveDate};
    let today = (DateTime::<Utc>::from_timestamp_millis(now).unwrap_or_default().naive_utc() + cst_offset()).date();
    let parse = |field: &str, v: Option<&str>, default: NaiveDate| -> Result<NaiveDate, DomainError> {
        match v {
            None | Some("") => Ok(default),
            Some(s) => {
                parse_calendar_date(s).ok_or_else(|| DomainError::invalid(format!("{field} must be a date like 2017-10-21, not '{s}'.")))
            }
        }
    };
    let from = parse("trade_time_begin", begin, today - Duration::days(365))?;
    let to = parse("trade_time_end", end, today)?;
    if from > to {
        return Err(DomainError::invalid("trade_time_begin must not be after trade_time_end."));
    }
    // A fixed offset has exactly one local midnight, and the years are bounded, so neither
    // step can fail; the fallbacks only keep a panic off the request path.
    let millis = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|m| (m - cst_offset()).and_utc().timestamp_millis()).unwrap_or(0);
    let after_end = to.checked_add_signed(Duration::days(1)).unwrap_or(to);
    Ok((millis(from), millis(after_end)))
}

/// A time bound given either as a UTC instant (`2019-05-06T08:05:01Z`) or as a UTC+8
/// calendar date (`2019-05-06`, as some change-record operations document): a begin date
/// means that day's first instant, an end date its last. Absent or empty: no bound.
pub fn parse_instant_or_cst_date(field: &str, value: Option<&str>, is_end: bool) -> Result<Option<EpochMillis>, DomainError> {
    let s = match value {
        None | Some("") => return Ok(None),
        Some(s) => s,
    };
    if s.len() == 10 {
        let now = Utc::now().timestamp_millis();
        let (from, to_exclusive) = parse_cst_date_range(Some(s), Some(s), now).map_err(|_| {
            DomainError::invalid(format!("{field} must be a date like 2019-05-06 or a UTC time like 2019-05-06T08:05:01Z, not '{s}'."))
        })?;
        return Ok(Some(if is_end { to_exclusive - 1 } else { from }));
    }
    parse_utc(field, s).map(Some)
}

#[cfg(test)]
mod date_range_tests {
    use super::*;

    #[test]
    fn east_eight_dates() {
        let now = parse_utc("t", "2026-11-21T20:00:00Z").unwrap(); // 2026-11-22 04:00 in UTC+8
        let (from, to) = parse_cst_date_range(Some("2026-11-22"), Some("2026-11-22"), now).unwrap();
        assert_eq!(format_utc(from), "2026-11-21T16:00:00Z");
        assert_eq!(format_utc(to), "2026-11-22T16:00:00Z");
        let (from, to) = parse_cst_date_range(None, None, now).unwrap();
        assert_eq!(format_utc(to), "2026-11-22T16:00:00Z");
        assert_eq!(format_utc(from), "2025-11-21T16:00:00Z");
        assert!(parse_cst_date_range(Some("2026-11-23"), Some("2026-11-22"), now).is_err());
        assert!(parse_cst_date_range(Some("22/11/2026"), None, now).is_err());
        for extreme in ["+262142-12-31", "262142-12-31", "9999-12-31x", "0000-01-01", "1969-12-31", " 2026-11-22"] {
            assert!(parse_cst_date_range(None, Some(extreme), now).is_err(), "{extreme}");
        }
        let (_, to) = parse_cst_date_range(Some("9999-12-31"), Some("9999-12-31"), now).unwrap();
        assert_eq!(format_utc(to), "9999-12-31T16:00:00Z");
    }

    #[test]
    fn instant_or_date_bounds() {
        assert_eq!(parse_instant_or_cst_date("t", Some("2026-11-22"), false).unwrap().map(format_utc).unwrap(), "2026-11-21T16:00:00Z");
        let end = parse_instant_or_cst_date("t", Some("2026-11-22"), true).unwrap().unwrap();
        assert_eq!(format_utc(end + 1), "2026-11-22T16:00:00Z");
        assert_eq!(
            parse_instant_or_cst_date("t", Some("2026-11-22T01:02:03Z"), true).unwrap().map(format_utc).unwrap(),
            "2026-11-22T01:02:03Z"
        );
        assert_eq!(parse_instant_or_cst_date("t", None, true).unwrap(), None);
        assert!(parse_instant_or_cst_date("t", Some("yesterday"), false).is_err());
        assert!(parse_instant_or_cst_date("t", Some("2026-13-01"), false).is_err());
    }
}

#[cfg(test)]
mod parser_properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// No text, however extreme, makes a date or time parser panic: it parses or is refused.
        #[test]
        fn date_and_time_parsers_never_panic(s in "[-+0-9TZ: ]{0,24}|\\PC{0,24}", now in 0i64..253_402_300_799_000) {
            let _ = parse_utc("t", &s);
            let _ = parse_cst_date_range(Some(&s), Some(&s), now);
            let _ = parse_cst_date_range(None, Some(&s), now);
            let _ = parse_instant_or_cst_date("t", Some(&s), true);
        }
    }
}
