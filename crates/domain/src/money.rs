//! Exact money. Amounts are decimals of yuan with at most two places, held as integer fen
//! (1/100 yuan) so storage and arithmetic are exact; no float ever carries money.

use crate::error::DomainError;
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// The settlement currency of this deployment's accounts.
pub const CURRENCY: &str = "CNY";
/// `measure_id` of yuan in the Open API.
pub const MEASURE_YUAN: i64 = 1;

/// A non-negative sum of money in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

/// The largest single movement accepted: one trillion yuan.
pub const MAX_MOVEMENT_FEN: i64 = 100_000_000_000_000;

/// Reads a decimal written exactly as the Open API documents amounts and rates: an optional
/// minus sign, ASCII digits, then optionally one point followed by ASCII digits. Nothing else
/// is accepted: no underscores, exponents, plus signs, spaces or bare points, which
/// `Decimal::from_str_exact` would otherwise let through (`"1_0"` reads as 10). Every decimal
/// field of the API, the console and the CLI goes through here.
pub fn parse_plain_decimal(text: &str) -> Option<Decimal> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || fraction.is_some_and(|f| !all_digits(f)) {
        return None;
    }
    Decimal::from_str_exact(text).ok()
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_fen(fen: i64) -> Self {
        Money(fen)
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// `self + other`; `None` only past 92 quadrillion yuan, which no real sum reaches.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// `self - other`; `None` when `other` is larger, since money is never negative.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).filter(|fen| *fen >= 0).map(Money)
    }

    /// `self + other`, held at the largest amount instead of wrapping.
    pub fn saturating_add(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }

    /// `self - other`, never below zero: what is left of `self` after `other`.
    pub fn saturating_sub(self, other: Money) -> Money {
        Money(self.0.saturating_sub(other.0).max(0))
    }

    /// The sum of `amounts`, held at the largest amount instead of wrapping.
    pub fn sum(amounts: impl IntoIterator<Item = Money>) -> Money {
        amounts.into_iter().fold(Money::ZERO, Money::saturating_add)
    }

    /// An amount to move: greater than 0, at most two decimal places, at most one trillion.
    /// `text` is the exact JSON number (or numeric string) the client sent.
    pub fn parse_movement(field: &str, text: &str) -> Result<Self, DomainError> {
        let bad = |why: &str| DomainError::invalid(format!("{field} {why}, not {text}."));
        let d = parse_plain_decimal(text.trim()).ok_or_else(|| bad("must be a decimal number of yuan"))?;
        let d = d.normalize();
        if d <= Decimal::ZERO {
            return Err(bad("must be greater than 0"));
        }
        if d.scale() > 2 {
            return Err(bad("must have at most 2 decimal places"));
        }
        let fen = (d * Decimal::ONE_HUNDRED).trunc();
        let fen = i64::try_from(fen).map_err(|_| bad("is too large"))?;
        if fen > MAX_MOVEMENT_FEN {
            return Err(bad("is too large"));
        }
        Ok(Money(fen))
    }
}

impl fmt::Display for Money {
    /// Always two decimals: `12.30`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_decimal())
    }
}

impl FromStr for Money {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse_movement("amount", s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn movement_amounts() {
        assert_eq!(Money::parse_movement("amount", "12.3").unwrap().fen(), 1230);
        assert_eq!(Money::parse_movement("amount", "0.01").unwrap().fen(), 1);
        assert_eq!(Money::parse_movement("amount", "100").unwrap().fen(), 10000);
        assert_eq!(Money::parse_movement("amount", "1.500").unwrap().fen(), 150, "trailing zeros are not extra places");
        for bad in
            ["0", "0.00", "-1", "1.234", "0.001", "abc", "", "1e3", "1000000000000.01", "1_0", "0_._01", "+1", ".5", "1.", "1 0", "１"]
        {
            assert!(Money::parse_movement("amount", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn arithmetic_never_wraps_or_goes_negative() {
        let (a, b) = (Money::from_fen(500), Money::from_fen(200));
        assert_eq!(a.checked_add(b), Some(Money::from_fen(700)));
        assert_eq!(a.checked_sub(b), Some(Money::from_fen(300)));
        assert_eq!(b.checked_sub(a), None, "money is never negative");
        assert_eq!(b.saturating_sub(a), Money::ZERO);
        assert_eq!(Money::from_fen(i64::MAX).checked_add(b), None);
        assert_eq!(Money::from_fen(i64::MAX).saturating_add(b), Money::from_fen(i64::MAX));
        assert_eq!(Money::sum([a, b, b]), Money::from_fen(900));
        assert_eq!(Money::sum([]), Money::ZERO);
    }

    #[test]
    fn display_has_two_places() {
        assert_eq!(Money::from_fen(1230).to_string(), "12.30");
        assert_eq!(Money::from_fen(5).to_string(), "0.05");
        assert_eq!(Money::ZERO.to_string(), "0.00");
    }

    /// The value a plain decimal text denotes, worked out on the digits alone: the canonical
    /// text without leading zeros in the whole part or trailing zeros in the fraction.
    fn canonical(text: &str) -> String {
        let (neg, digits) = match text.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let whole = whole.trim_start_matches('0');
        let fraction = fraction.trim_end_matches('0');
        let whole = if whole.is_empty() { "0" } else { whole };
        let body = if fraction.is_empty() { whole.to_owned() } else { format!("{whole}.{fraction}") };
        if neg && body != "0" {
            format!("-{body}")
        } else {
            body
        }
    }

    fn is_plain_decimal(text: &str) -> bool {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let mut parts = digits.splitn(2, '.');
        let ok = |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let whole = parts.next();
        match parts.next() {
            None => ok(whole),
            fraction => ok(whole) && ok(fraction),
        }
    }

    proptest! {
        /// Whatever text is accepted is a plain decimal and reads as exactly the number its
        /// digits denote; anything else is refused.
        #[test]
        fn only_plain_decimals_are_accepted(text in "[-+0-9._eE ]{0,12}|\\PC{0,8}") {
            match parse_plain_decimal(&text) {
                Some(d) => {
                    prop_assert!(is_plain_decimal(&text), "accepted {text:?}");
                    prop_assert_eq!(d.normalize().to_string(), canonical(&text));
                }
                None => prop_assert!(!is_plain_decimal(&text) || text.len() > 28, "refused {text:?}"),
            }
        }

        #[test]
        fn accepted_movements_round_trip(text in "[0-9_.]{1,10}") {
            if let Ok(m) = Money::parse_movement("amount", &text) {
                prop_assert!(is_plain_decimal(&text));
                prop_assert_eq!(m.to_decimal().normalize().to_string(), canonical(&text));
            }
        }

        #[test]
        fn parse_display_round_trip(fen in 1i64..MAX_MOVEMENT_FEN) {
            let m = Money::from_fen(fen);
            prop_assert_eq!(Money::parse_movement("amount", &m.to_string()).unwrap(), m);
        }
    }
}
