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

    /// An amount to move: greater than 0, at most two decimal places, at most one trillion.
    /// `text` is the exact JSON number (or numeric string) the client sent.
    pub fn parse_movement(field: &str, text: &str) -> Result<Self, DomainError> {
        let bad = |why: &str| DomainError::invalid(format!("{field} {why}, not {text}."));
        let d = Decimal::from_str_exact(text.trim()).map_err(|_| bad("must be a decimal number of yuan"))?;
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
        for bad in ["0", "0.00", "-1", "1.234", "0.001", "abc", "", "1e3", "1000000000000.01"] {
            assert!(Money::parse_movement("amount", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn display_has_two_places() {
        assert_eq!(Money::from_fen(1230).to_string(), "12.30");
        assert_eq!(Money::from_fen(5).to_string(), "0.05");
        assert_eq!(Money::ZERO.to_string(), "0.00");
    }

    proptest! {
        #[test]
        fn parse_display_round_trip(fen in 1i64..MAX_MOVEMENT_FEN) {
            let m = Money::from_fen(fen);
            prop_assert_eq!(Money::parse_movement("amount", &m.to_string()).unwrap(), m);
        }
    }
}
