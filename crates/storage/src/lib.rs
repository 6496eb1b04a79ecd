//! Persistence for the partner center over SQLite (embedded, default) and PostgreSQL
//! (production, several nodes). SQL is written once in the subset both understand;
//! `dialect` holds the few real differences.

mod access;
mod accounts;
pub mod backup;
mod catalog;
mod clock;
mod console;
mod coupons;
mod db;
pub mod dialect;
mod error;
mod funds;
mod group_commit;
mod ledger;
mod orders;
mod scope;
mod sql;
pub mod testing;
mod write;

pub use access::{NewMember, StoredKey};
pub use accounts::{Account, CustomerFilter, CustomerItem, NewAccount, ResellerFilter, ResellerItem};
pub use catalog::{DiscountGrant, PriceBookLoad, PriceBookVersion};
pub use clock::ClockSettings;
pub use console::{ConsoleSession, ExportKind, ExportTask, KeyRow, PartnerRow, RevealRow};
pub use coupons::{
    Coupon, CouponFilter, CouponRecordFilter, CouponRecordRow, NewCoupon, NewQuota, Quota, QuotaFilter, QuotaRecordFilter, QuotaRecordRow,
};
pub use db::{redact, Db};
pub use error::{Result, StorageError};
pub use funds::{
    cash_account_id, AdjustRecord, AdjustRecordFilter, Balance, Entry, EntryFilter, IdempotencyClaim, LedgerAudit, TransferCommand,
    TransferOutcome,
};
pub use group_commit::{GroupCommit, MAX_BATCH};
pub use ledger::{Posted, PostingJob};
pub use orders::{
    DueRenewal, ExpirySweep, NewOrder, NewOrderLine, Order, OrderAudit, OrderCreated, OrderFilter, OrderLine, Payment, PaymentInputs,
    RefundItem, RefundJob, Resource, ResourceFilter, ResourceSize, UnsubscribeInputs, Unsubscribed, CHARGE_ON_DEMAND, CHARGE_PERIOD,
};
pub use write::{current_signed_request, with_signed_request, SignedRequest};

/// `account_type` of the cash balance account.
pub fn funds_cash_type() -> i64 {
    funds::CASH
}
