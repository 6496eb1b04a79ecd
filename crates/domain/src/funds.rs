//! Funds rules (docs/DOMAIN.md#S-FUNDS): who may move money between which accounts.

use crate::error::{DomainError, ErrorCode};
use crate::ids::DomainId;
use crate::tenancy::{AssociationType, CustomerScope, PartnerContext, PartnerKind};

/// Declares the transfer kinds: each is one line (its variant, its name in the database and
/// the change records, its adjust-record `operation_type` and its change-record
/// `trade_detail_type`). The database's `transfer_kinds` table is filled from `ALL` at
/// migration time (`Db::migrate`), so a new kind needs no schema change.
macro_rules! transfer_kinds {
    ($($(#[$doc:meta])* $variant:ident => $db:literal, $operation:literal, $trade:literal;)+) => {
        /// What a journal transfer is. Wire names are those of the adjust and change records.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum TransferKind {
            $($(#[$doc])* $variant,)+
        }

        impl TransferKind {
            pub const ALL: &'static [TransferKind] = &[$(TransferKind::$variant),+];

            pub fn as_db(self) -> &'static str {
                match self {
                    $(TransferKind::$variant => $db,)+
                }
            }

            /// `operation_type` of adjust records.
            pub fn operation_type(self) -> &'static str {
                match self {
                    $(TransferKind::$variant => $operation,)+
                }
            }

            /// `trade_detail_type` of account change records (the Open API spells recharge
            /// `SOURCE_OPERAIION_RECHARGE`).
            pub fn trade_detail_type(self) -> &'static str {
                match self {
                    $(TransferKind::$variant => $trade,)+
                }
            }
        }
    };
}

transfer_kinds! {
    /// Operator credits a partner's cash account (RECHARGE).
    TopUp => "RECHARGE", "SOURCE_OPERATION_RECHARGE", "SOURCE_OPERAIION_RECHARGE";
    /// Partner → customer, or tier-1 → tier-2 (拨款, BEADJUST).
    Allocate => "BEADJUST", "SOURCE_OPERATION_BEADJUST", "SOURCE_OPERATION_BEADJUST";
    /// Customer → partner, or tier-2 → tier-1 (回收, BERETRIEVE).
    Reclaim => "BERETRIEVE", "SOURCE_OPERATION_BERETRIEVE", "SOURCE_OPERATION_BERETRIEVE";
    /// Customer → platform revenue: paying a yearly/monthly order (消费, DEDEUCT).
    Deduct => "DEDEUCT", "SOURCE_OPERAIION_DEDEUCT", "SOURCE_OPERAIION_DEDEUCT";
    /// Platform revenue → customer: the cash part of an unsubscription refund (退款, REFUND).
    Refund => "REFUND", "SOURCE_OPERAIION_REFUND", "SOURCE_OPERAIION_REFUND";
}

impl TransferKind {
    pub fn from_db(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_db() == s)
    }

    /// Money enters the ledger from outside (no source account): only a top-up.
    pub fn from_outside(self) -> bool {
        self == TransferKind::TopUp
    }

    /// Settles an order (a payment or a refund): the transfer names its order.
    pub fn settles_order(self) -> bool {
        matches!(self, TransferKind::Deduct | TransferKind::Refund)
    }
}

/// The adjust-record `operation_type` filter. `SOURCE_OPERATION_BEUNBIND` (reclaim on
/// unbinding) is accepted and matches nothing until unbinding exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdjustFilter {
    Kind(TransferKind),
    Unbind,
}

impl AdjustFilter {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s {
            "SOURCE_OPERATION_BEADJUST" => Ok(AdjustFilter::Kind(TransferKind::Allocate)),
            "SOURCE_OPERATION_BERETRIEVE" => Ok(AdjustFilter::Kind(TransferKind::Reclaim)),
            "SOURCE_OPERATION_BEUNBIND" => Ok(AdjustFilter::Unbind),
            _ => Err(DomainError::invalid(format!(
                "operation_type '{s}' is unknown: use SOURCE_OPERATION_BEADJUST, SOURCE_OPERATION_BERETRIEVE or SOURCE_OPERATION_BEUNBIND."
            ))),
        }
    }
}

/// The `trade_type` filter of account change records.
pub fn parse_trade_type(s: &str) -> Result<Option<TransferKind>, DomainError> {
    match s {
        kind if TransferKind::from_db(kind).is_some() => Ok(TransferKind::from_db(kind)),
        // Documented kinds this product does not produce yet: they filter to nothing.
        "RFROZEN" | "TRANS" | "ADJUST" | "BEUNBIND" | "BONUSCONVERT" | "TRADE_MODE_TRANSFER" | "EXPIRED" => Ok(None),
        _ => Err(DomainError::invalid(format!("trade_type '{s}' is unknown."))),
    }
}

/// `revenue_expense_type`: `Some(true)` income only, `Some(false)` expense only; absent or
/// empty does not filter.
pub fn parse_revenue_expense(s: Option<&str>) -> Result<Option<bool>, DomainError> {
    match s {
        None | Some("") => Ok(None),
        Some("REVENUE") => Ok(Some(true)),
        Some("EXPENSE") => Ok(Some(false)),
        Some(other) => Err(DomainError::invalid(format!("revenue_expense_type '{other}' is unknown: use REVENUE or EXPENSE."))),
    }
}

/// `balance_type`: answers whether the filter can match anything. Only the cash (debit)
/// account exists, so `BALANCE_TYPE_CREDIT` is valid and matches nothing.
pub fn parse_balance_type(s: Option<&str>, required: bool) -> Result<bool, DomainError> {
    match s {
        Some("BALANCE_TYPE_DEBIT") => Ok(true),
        Some("BALANCE_TYPE_CREDIT") => Ok(false),
        None | Some("") if !required => Ok(true),
        None | Some("") => Err(DomainError::invalid("balance_type is required: BALANCE_TYPE_DEBIT or BALANCE_TYPE_CREDIT.")),
        Some(other) => {
            Err(DomainError::invalid(format!("balance_type '{other}' is unknown: use BALANCE_TYPE_DEBIT or BALANCE_TYPE_CREDIT.")))
        }
    }
}

/// How a customer stands with a partner, as storage reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerStanding {
    pub partner_id: DomainId,
    pub association: AssociationType,
    /// Members assigned as this customer's managers.
    pub managers: Vec<String>,
}

/// May `owner` (the caller, or the tier-2 a tier-1 acts for) move money to or from this
/// customer? Only its own resale customers, and a scoped member only its managed ones.
pub fn check_fundable_customer(ctx: &PartnerContext, owner: &DomainId, standing: Option<&CustomerStanding>) -> Result<(), DomainError> {
    let standing = match standing {
        Some(s) if &s.partner_id == owner => s,
        _ => return Err(DomainError::of(ErrorCode::NotYourCustomer)),
    };
    if let CustomerScope::ManagedBy(member) = &ctx.scope {
        if !standing.managers.contains(member) {
            return Err(DomainError::of(ErrorCode::NotYourCustomer));
        }
    }
    if standing.association != AssociationType::Resale {
        return Err(DomainError::new(
            ErrorCode::BusinessCheckFailed,
            "Funds can be allocated to and reclaimed from resale customers only; this customer is consultative.",
        ));
    }
    Ok(())
}

/// Tier-1 ↔ tier-2 movements: only a distributor, only with its own reseller.
pub fn check_reseller_movement(ctx: &PartnerContext, reseller_parent: Option<&DomainId>) -> Result<(), DomainError> {
    if ctx.kind != PartnerKind::Distributor {
        return Err(DomainError::denied());
    }
    ctx.require_full_scope()?;
    if reseller_parent != Some(&ctx.partner_id) {
        return Err(DomainError::of(ErrorCode::NotYourIndirectPartner));
    }
    Ok(())
}

/// An idempotency key: 1–64 characters of `[A-Za-z0-9_.:-]`.
pub fn parse_idempotency_key(s: &str) -> Result<String, DomainError> {
    let ok = (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.:-".contains(&b));
    if ok {
        Ok(s.to_owned())
    } else {
        Err(DomainError::invalid("X-Idempotency-Key must be 1 to 64 characters of letters, digits, '_', '.', ':' and '-'."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_transfer_kind_round_trips_through_its_stored_name() {
        for kind in TransferKind::ALL {
            assert_eq!(TransferKind::from_db(kind.as_db()), Some(*kind));
            assert_eq!(parse_trade_type(kind.as_db()).unwrap(), Some(*kind));
        }
        assert!(TransferKind::ALL.iter().filter(|k| k.from_outside()).eq([&TransferKind::TopUp]));
    }

    fn ctx(kind: PartnerKind, scope: CustomerScope) -> PartnerContext {
        PartnerContext { partner_id: DomainId::generate(), kind, scope }
    }

    fn standing(partner: &DomainId, a: AssociationType, managers: &[&str]) -> CustomerStanding {
        CustomerStanding { partner_id: partner.clone(), association: a, managers: managers.iter().map(|s| s.to_string()).collect() }
    }

    #[test]
    fn only_own_resale_customers_are_fundable() {
        let c = ctx(PartnerKind::SolutionProvider, CustomerScope::AllOfPartner);
        let me = c.partner_id.clone();
        assert!(check_fundable_customer(&c, &me, Some(&standing(&me, AssociationType::Resale, &[]))).is_ok());
        let e = check_fundable_customer(&c, &me, Some(&standing(&me, AssociationType::Consultative, &[]))).unwrap_err();
        assert_eq!(e.code, ErrorCode::BusinessCheckFailed);
        let other = DomainId::generate();
        let e = check_fundable_customer(&c, &me, Some(&standing(&other, AssociationType::Resale, &[]))).unwrap_err();
        assert_eq!(e.code, ErrorCode::NotYourCustomer);
        assert_eq!(check_fundable_customer(&c, &me, None).unwrap_err().code, ErrorCode::NotYourCustomer);
    }

    #[test]
    fn scoped_members_fund_only_managed_customers() {
        let c = ctx(PartnerKind::SolutionProvider, CustomerScope::ManagedBy("m1".into()));
        let me = c.partner_id.clone();
        assert!(check_fundable_customer(&c, &me, Some(&standing(&me, AssociationType::Resale, &["m1"]))).is_ok());
        let e = check_fundable_customer(&c, &me, Some(&standing(&me, AssociationType::Resale, &["m2"]))).unwrap_err();
        assert_eq!(e.code, ErrorCode::NotYourCustomer);
    }

    #[test]
    fn reseller_movements_need_the_parent_distributor() {
        let t1 = ctx(PartnerKind::Distributor, CustomerScope::AllOfPartner);
        assert!(check_reseller_movement(&t1, Some(&t1.partner_id)).is_ok());
        assert_eq!(check_reseller_movement(&t1, Some(&DomainId::generate())).unwrap_err().code, ErrorCode::NotYourIndirectPartner);
        assert_eq!(check_reseller_movement(&t1, None).unwrap_err().code, ErrorCode::NotYourIndirectPartner);
        let sp = ctx(PartnerKind::SolutionProvider, CustomerScope::AllOfPartner);
        assert_eq!(check_reseller_movement(&sp, Some(&sp.partner_id)).unwrap_err().code, ErrorCode::AccessDenied);
    }

    #[test]
    fn idempotency_keys() {
        assert!(parse_idempotency_key("order-123:retry.1_a").is_ok());
        assert!(parse_idempotency_key("").is_err());
        assert!(parse_idempotency_key(&"k".repeat(65)).is_err());
        assert!(parse_idempotency_key("has space").is_err());
    }

    #[test]
    fn filters() {
        assert_eq!(AdjustFilter::parse("SOURCE_OPERATION_BEADJUST").unwrap(), AdjustFilter::Kind(TransferKind::Allocate));
        assert!(AdjustFilter::parse("x").is_err());
        assert_eq!(parse_trade_type("BERETRIEVE").unwrap(), Some(TransferKind::Reclaim));
        assert_eq!(parse_trade_type("REFUND").unwrap(), Some(TransferKind::Refund));
        assert_eq!(parse_trade_type("RFROZEN").unwrap(), None);
        assert!(parse_trade_type("NOPE").is_err());
        assert!(parse_balance_type(None, true).is_err());
        assert!(parse_balance_type(None, false).is_ok());
        assert!(parse_balance_type(Some("BALANCE_TYPE_DEBIT"), true).unwrap());
        assert!(!parse_balance_type(Some("BALANCE_TYPE_CREDIT"), true).unwrap());
        assert!(parse_balance_type(Some("CASH"), false).is_err());
        assert_eq!(parse_revenue_expense(Some("REVENUE")).unwrap(), Some(true));
        assert_eq!(parse_revenue_expense(Some("EXPENSE")).unwrap(), Some(false));
        assert_eq!(parse_revenue_expense(Some("")).unwrap(), None);
        assert!(parse_revenue_expense(Some("income")).is_err());
    }
}
