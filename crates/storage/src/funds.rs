//! The money journal. Every movement is one transaction: a conditional debit (never below
//! zero), a credit, one transfer row and one journal entry per touched account carrying the
//! balance after it. Accounts are locked in id order so opposite movements cannot deadlock.

use crate::db::Db;
use crate::error::{Result, StorageError};
use crate::scope::{managed_by, restrict};
use crate::sql::Sql;
use pc_domain::funds::{CustomerStanding, TransferKind};
use pc_domain::money::{Money, CURRENCY};
use pc_domain::query::{EpochMillis, Page};
use pc_domain::tenancy::{Actor, AssociationType, CustomerScope, Reach, TenantScope};
use pc_domain::{DomainId, MemberId, TransferId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// The only account type so far: cash balance.
pub const CASH: i64 = 1;

/// The id of an owner's cash account: deterministic, so no lookup is needed to name it.
pub fn cash_account_id(owner: &DomainId) -> String {
    format!("{owner}-{CASH}-{CURRENCY}")
}

#[derive(Debug, Clone)]
pub struct IdempotencyClaim {
    /// Whose key space: the calling account.
    pub scope: String,
    pub key: String,
    /// Hash of the request (operation and body); the same key with another hash is refused.
    pub request_hash: String,
}

/// The rows an idempotency key can have produced: a transfer or an order.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ClaimedIn {
    Transfers,
    Orders,
}

impl IdempotencyClaim {
    /// The id of the row this key already produced, if any. The same key sent with another
    /// request is refused (CBC.99007009): one rule for every kind of row.
    pub(crate) async fn earlier_row(&self, conn: &mut AnyConnection, rows: ClaimedIn) -> Result<Option<String>> {
        let sql = match rows {
            ClaimedIn::Transfers => "SELECT transfer_id, request_hash FROM fund_transfers WHERE idem_scope = $1 AND idem_key = $2",
            ClaimedIn::Orders => "SELECT order_id, request_hash FROM orders WHERE idem_scope = $1 AND idem_key = $2",
        };
        let found: Option<(String, Option<String>)> = sqlx::query_as(sql).bind(&self.scope).bind(&self.key).fetch_optional(conn).await?;
        match found {
            None => Ok(None),
            Some((id, Some(hash))) if hash == self.request_hash => Ok(Some(id)),
            Some(_) => Err(pc_domain::DomainError::of(pc_domain::ErrorCode::IdempotencyKeyReused).into()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct TransferCommand {
    pub kind: TransferKind,
    /// Whose adjust records show this transfer.
    pub actor: DomainId,
    /// The customer or reseller on the other side (for a top-up, the partner credited).
    pub counterparty: DomainId,
    /// `None` only for a top-up.
    pub from_owner: Option<DomainId>,
    pub to_owner: DomainId,
    pub amount: Money,
    pub idempotency: Option<IdempotencyClaim>,
    /// Who really moved the money: the caller, which may be a tier-1 acting for the tier-2 in
    /// `actor`, or a member. `None`: the product itself.
    pub by: Option<Actor>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferOutcome {
    Applied(String),
    /// The same request was already applied under this idempotency key.
    Replayed(String),
}

impl TransferOutcome {
    pub fn transfer_id(&self) -> &str {
        match self {
            TransferOutcome::Applied(id) | TransferOutcome::Replayed(id) => id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    pub account_id: String,
    pub amount: Money,
}

#[derive(Debug, Clone, Default)]
pub struct AdjustRecordFilter {
    pub counterparty: Option<DomainId>,
    pub kind: Option<TransferKind>,
    /// `true` when the filter can match nothing (a documented kind this product never produces).
    pub matches_nothing: bool,
    pub from: Option<EpochMillis>,
    pub to: Option<EpochMillis>,
    pub transfer_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdjustRecord {
    pub transfer_id: TransferId,
    /// The partner whose money moved (a tier-1 acting for its tier-2: the tier-2).
    pub on_behalf_of: DomainId,
    /// Who really moved it; `None` for records made before actors were kept.
    pub by: Option<Actor>,
    /// Their login names, for people: the account's, then the member's when a member did it.
    pub by_names: (Option<String>, Option<String>),
    pub kind: TransferKind,
    pub counterparty: DomainId,
    pub counterparty_name: String,
    pub amount: Money,
    pub created_at: EpochMillis,
}

#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    pub kind: Option<TransferKind>,
    pub matches_nothing: bool,
    pub income: Option<bool>,
    pub from: Option<EpochMillis>,
    pub to_exclusive: Option<EpochMillis>,
    pub transfer_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub entry_id: String,
    pub transfer_id: TransferId,
    pub kind: TransferKind,
    /// Signed: positive is income.
    pub delta_fen: i64,
    pub balance_after: Money,
    pub created_at: EpochMillis,
    /// The other party of a partner/customer movement, with its login name.
    pub counterparty: Option<(DomainId, String)>,
}

/// Creates an owner's cash account (in the transaction that creates the owner).
pub(crate) async fn ensure_cash_account(conn: &mut AnyConnection, owner: &DomainId, at: EpochMillis) -> Result<String> {
    let id = cash_account_id(owner);
    sqlx::query(
        "INSERT INTO fund_accounts (account_id, owner_id, account_type, currency, balance_fen, version, created_at) \
         VALUES ($1, $2, $3, $4, 0, 0, $5) ON CONFLICT (owner_id, account_type, currency) DO NOTHING",
    )
    .bind(&id)
    .bind(owner.as_str())
    .bind(CASH)
    .bind(CURRENCY)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(id)
}

/// Binds a record's real actor as its next two parameters, `by_account_id` and
/// `by_member_id` (both NULL for the product itself); `actor_from_row` reads them back.
pub(crate) trait BindActor {
    fn bind_actor(self, by: Option<&Actor>) -> Self;
}

impl<'q> BindActor for sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    fn bind_actor(self, by: Option<&Actor>) -> Self {
        let account = by.map(|a| a.account.to_string());
        let member = by.and_then(|a| a.member.as_ref()).map(|m| m.to_string());
        self.bind(account).bind(member)
    }
}

/// The real actor of a record from its `by_account_id` and `by_member_id` columns; `None` for
/// the product itself (and records made before actors were kept).
pub(crate) fn actor_from_row(r: &AnyRow) -> Result<Option<Actor>> {
    let account: Option<String> = r.try_get("by_account_id")?;
    let member: Option<String> = r.try_get("by_member_id")?;
    Ok(account.map(|a| Actor { account: DomainId::from_trusted(a), member: member.map(MemberId::from_trusted) }))
}

impl Db {
    /// The cash balance of an owner (zero when it never held money).
    pub async fn cash_balance(&self, owner: &DomainId) -> Result<Balance> {
        let id = cash_account_id(owner);
        let fen: Option<i64> =
            sqlx::query_scalar("SELECT balance_fen FROM fund_accounts WHERE account_id = $1").bind(&id).fetch_optional(&self.pool).await?;
        Ok(Balance { account_id: id, amount: Money::from_fen(fen.unwrap_or(0)) })
    }

    /// The partner a customer is associated with, how, and who manages it.
    pub async fn customer_standing(&self, customer: &DomainId) -> Result<Option<CustomerStanding>> {
        self.customer_standing_with(customer, true).await
    }

    /// As `customer_standing`; the managers are read only when `with_managers` (a caller
    /// scoped to its managed customers needs them, others do not).
    pub async fn customer_standing_with(&self, customer: &DomainId, with_managers: bool) -> Result<Option<CustomerStanding>> {
        let row: Option<(String, i64)> = sqlx::query_as("SELECT partner_id, association_type FROM associations WHERE customer_id = $1")
            .bind(customer.as_str())
            .fetch_optional(&self.pool)
            .await?;
        let Some((partner, code)) = row else { return Ok(None) };
        let association = i32::try_from(code)
            .ok()
            .and_then(AssociationType::from_code)
            .ok_or_else(|| StorageError::Corrupt(format!("association_type {code}")))?;
        let managers: Vec<String> = if with_managers {
            sqlx::query_scalar("SELECT member_id FROM customer_managers WHERE customer_id = $1")
                .bind(customer.as_str())
                .fetch_all(&self.pool)
                .await?
        } else {
            Vec::new()
        };
        Ok(Some(CustomerStanding { partner_id: DomainId::from_trusted(partner), association, managers }))
    }

    /// Allocations and reclaims made by the partner of `scope` (to the customers it may
    /// see), newest first.
    pub async fn adjust_records(&self, scope: &TenantScope, f: &AdjustRecordFilter, page: Page) -> Result<(Vec<AdjustRecord>, i64)> {
        if f.matches_nothing {
            return Ok((Vec::new(), 0));
        }
        let mut sql = Sql::new("");
        let mut wh = " FROM fund_transfers t JOIN accounts c ON c.domain_id = t.counterparty_id \
             LEFT JOIN accounts ba ON ba.domain_id = t.by_account_id LEFT JOIN members bm ON bm.member_id = t.by_member_id \
             WHERE t.kind IN ('BEADJUST', 'BERETRIEVE')"
            .to_owned();
        wh += &restrict(&mut sql, scope, "t.actor_id", "t.counterparty_id");
        if let Some(c) = &f.counterparty {
            let p = sql.text_param(c.as_str());
            wh += &format!(" AND t.counterparty_id = {p}");
        }
        if let Some(k) = f.kind {
            let p = sql.text_param(k.as_db());
            wh += &format!(" AND t.kind = {p}");
        }
        if let Some(t) = f.from {
            let p = sql.int_param(t);
            wh += &format!(" AND t.created_at >= {p}");
        }
        if let Some(t) = f.to {
            let p = sql.int_param(t);
            wh += &format!(" AND t.created_at <= {p}");
        }
        if let Some(id) = &f.transfer_id {
            let p = sql.text_param(id);
            wh += &format!(" AND t.transfer_id = {p}");
        }
        let (rows, total) = sql
            .fetch_page(
                &self.pool,
                "t.transfer_id, t.kind, t.actor_id, t.counterparty_id, c.display_name, c.domain_name, t.amount_fen, t.created_at, \
                 t.by_account_id, t.by_member_id, ba.domain_name AS by_login, bm.login_name AS by_member_login",
                &wh,
                "t.created_at DESC, t.transfer_id",
                page,
            )
            .await?;
        let records = rows
            .iter()
            .map(|r| {
                let display: String = r.try_get("display_name")?;
                Ok(AdjustRecord {
                    transfer_id: TransferId::from_trusted(r.try_get("transfer_id")?),
                    on_behalf_of: DomainId::from_trusted(r.try_get("actor_id")?),
                    by: actor_from_row(r)?,
                    by_names: (r.try_get("by_login")?, r.try_get("by_member_login")?),
                    kind: kind_from_row(r)?,
                    counterparty: DomainId::from_trusted(r.try_get("counterparty_id")?),
                    counterparty_name: if display.is_empty() { r.try_get("domain_name")? } else { display },
                    amount: Money::from_fen(r.try_get("amount_fen")?),
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((records, total))
    }

    /// The journal entries of the cash account of `scope`'s partner or customer, newest
    /// first; a member scoped to its managed customers sees only the movements with them.
    pub async fn account_entries(&self, scope: &TenantScope, f: &EntryFilter, page: Page) -> Result<(Vec<Entry>, i64)> {
        let owner = match scope.reach() {
            Reach::Partner { owner, .. } | Reach::Customer(owner) => owner,
            // Journals are read one account at a time.
            Reach::Everyone => return Ok((Vec::new(), 0)),
        };
        if f.matches_nothing {
            return Ok((Vec::new(), 0));
        }
        let mut sql = Sql::new("");
        let p = sql.text_param(&cash_account_id(owner));
        let mut wh = format!(" FROM journal_entries e JOIN fund_transfers t ON t.transfer_id = e.transfer_id WHERE e.account_id = {p}");
        if let CustomerScope::ManagedBy(member) = scope.customers() {
            wh += &format!(" AND {}", managed_by(&mut sql, "t.counterparty_id", member));
        }
        if let Some(k) = f.kind {
            let p = sql.text_param(k.as_db());
            wh += &format!(" AND t.kind = {p}");
        }
        match f.income {
            Some(true) => wh += " AND e.delta_fen > 0",
            Some(false) => wh += " AND e.delta_fen < 0",
            None => {}
        }
        if let Some(t) = f.from {
            let p = sql.int_param(t);
            wh += &format!(" AND e.created_at >= {p}");
        }
        if let Some(t) = f.to_exclusive {
            let p = sql.int_param(t);
            wh += &format!(" AND e.created_at < {p}");
        }
        if let Some(id) = &f.transfer_id {
            let p = sql.text_param(id);
            wh += &format!(" AND e.transfer_id = {p}");
        }
        let (rows, total) = sql.fetch_page(&self.pool, "e.entry_id, e.transfer_id, t.kind, e.delta_fen, e.balance_after_fen, e.created_at, t.counterparty_id, t.actor_id, (SELECT domain_name FROM accounts WHERE domain_id = t.counterparty_id) AS counterparty_name, (SELECT domain_name FROM accounts WHERE domain_id = t.actor_id) AS actor_name", &wh, "e.account_version DESC", page).await?;
        let owner_str = owner.as_str();
        let entries = rows
            .iter()
            .map(|r| {
                let kind = kind_from_row(r)?;
                let counterparty_id: String = r.try_get("counterparty_id")?;
                let actor_id: String = r.try_get("actor_id")?;
                // The other party: for the partner's entry the customer, for the customer's the partner.
                let counterparty = match kind {
                    TransferKind::TopUp => None,
                    _ if counterparty_id == owner_str => Some((DomainId::from_trusted(actor_id), r.try_get("actor_name")?)),
                    _ => Some((DomainId::from_trusted(counterparty_id), r.try_get("counterparty_name")?)),
                };
                Ok(Entry {
                    entry_id: r.try_get("entry_id")?,
                    transfer_id: TransferId::from_trusted(r.try_get("transfer_id")?),
                    kind,
                    delta_fen: r.try_get("delta_fen")?,
                    balance_after: Money::from_fen(r.try_get("balance_after_fen")?),
                    created_at: r.try_get("created_at")?,
                    counterparty,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((entries, total))
    }

    /// Ledger-wide figures for invariant checks: (sum of balances, sum of top-ups, sum of
    /// entry deltas, number of accounts whose balance differs from its entries).
    pub async fn ledger_audit(&self) -> Result<LedgerAudit> {
        let balances: i64 =
            sqlx::query_scalar("SELECT CAST(COALESCE(SUM(balance_fen), 0) AS BIGINT) FROM fund_accounts").fetch_one(&self.pool).await?;
        let topups: i64 =
            sqlx::query_scalar("SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM fund_transfers WHERE kind = 'RECHARGE'")
                .fetch_one(&self.pool)
                .await?;
        let mismatched: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM fund_accounts a WHERE a.balance_fen <> \
             (SELECT CAST(COALESCE(SUM(e.delta_fen), 0) AS BIGINT) FROM journal_entries e WHERE e.account_id = a.account_id) \
             OR a.balance_fen <> COALESCE((SELECT e.balance_after_fen FROM journal_entries e WHERE e.account_id = a.account_id \
             AND e.account_version = a.version), 0) \
             OR a.version <> (SELECT COUNT(*) FROM journal_entries e WHERE e.account_id = a.account_id)",
        )
        .fetch_one(&self.pool)
        .await?;
        let unbalanced: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM fund_transfers t WHERE t.kind <> 'RECHARGE' AND \
             (SELECT CAST(COALESCE(SUM(e.delta_fen), 0) AS BIGINT) FROM journal_entries e WHERE e.transfer_id = t.transfer_id) <> 0",
        )
        .fetch_one(&self.pool)
        .await?;
        let negative: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM fund_accounts WHERE balance_fen < 0").fetch_one(&self.pool).await?;
        // What payments bought: an open yearly/monthly resource runs no later than its paid
        // terms reach, and every paid term at another spec or size is covered by a paid change
        // to its current spec and size priced at least to that term's end
        // (docs/DOMAIN.md#R-RES-9).
        let paid_line = "JOIN orders o ON o.order_id = l.order_id AND o.status = 5 WHERE l.resource_id = r.resource_id AND l.refunded = 0";
        let uncovered: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM resources r WHERE r.closed_at IS NULL AND r.charge_mode = 1 AND ( \
             r.expire_at > COALESCE((SELECT MAX(l.term_end) FROM order_lines l {paid_line} AND l.period_type IS NOT NULL), r.effective_at) \
             OR EXISTS (SELECT 1 FROM order_lines l {paid_line} AND l.period_type IS NOT NULL \
               AND (l.resource_spec <> r.resource_spec OR COALESCE(l.resource_size, -1) <> COALESCE(r.resource_size, -1)) \
               AND l.term_end > COALESCE((SELECT MAX(c.priced_until) FROM order_lines c JOIN orders co ON co.order_id = c.order_id \
                 AND co.status = 5 AND co.order_type = 3 WHERE c.resource_id = r.resource_id AND c.resource_spec = r.resource_spec \
                 AND COALESCE(c.resource_size, -1) = COALESCE(r.resource_size, -1)), l.term_start)))"
        ))
        .fetch_one(&self.pool)
        .await?;
        Ok(LedgerAudit {
            balances_fen: balances,
            topups_fen: topups,
            mismatched_accounts: mismatched,
            unbalanced_transfers: unbalanced,
            negative_accounts: negative,
            uncovered_resources: uncovered,
        })
    }

    /// Journaled movements between accounts (top-ups excluded).
    pub async fn count_transfers(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM fund_transfers WHERE kind <> 'RECHARGE'").fetch_one(&self.pool).await?)
    }

    /// How many transfers carry this idempotency key (0 or 1).
    pub async fn transfers_with_key(&self, scope: &str, key: &str) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM fund_transfers WHERE idem_scope = $1 AND idem_key = $2")
            .bind(scope)
            .bind(key)
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn transfer_exists(&self, transfer_id: &str) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM fund_transfers WHERE transfer_id = $1").bind(transfer_id).fetch_one(&self.pool).await?)
    }
}

/// Ledger-wide invariants, all of which must hold at every commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerAudit {
    pub balances_fen: i64,
    pub topups_fen: i64,
    pub mismatched_accounts: i64,
    pub unbalanced_transfers: i64,
    pub negative_accounts: i64,
    /// Open yearly/monthly resources whose paid-until or spec is not covered by paid terms.
    pub uncovered_resources: i64,
}

impl LedgerAudit {
    /// Money is neither created nor destroyed except by top-ups (consumption comes later).
    pub fn holds(&self) -> bool {
        self.balances_fen == self.topups_fen
            && self.mismatched_accounts == 0
            && self.unbalanced_transfers == 0
            && self.negative_accounts == 0
            && self.uncovered_resources == 0
    }
}

fn kind_from_row(r: &AnyRow) -> Result<TransferKind> {
    let k: String = r.try_get("kind")?;
    TransferKind::from_db(&k).ok_or_else(|| StorageError::Corrupt(format!("transfer kind {k}")))
}
