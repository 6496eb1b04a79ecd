//! Coupon quotas, coupons and their records. Every balance change is a conditional update
//! inside one transaction (the same discipline as the money journal): a quota or coupon
//! balance never goes below zero, and a quota's value is always accounted for.

use crate::accounts::unique_violation_as;
use crate::clock::business_now;
use crate::db::Db;
use crate::error::{Result, StorageError};
use crate::funds::{actor_from_row, BindActor};
use crate::scope::{restrict, restrict_owner};
use crate::sql::Sql;
use pc_domain::coupons::{coupon_record, coupon_type_for, quota_record, CouponStatus, Limits, QuotaStatus};
use pc_domain::money::Money;
use pc_domain::query::{EpochMillis, Page};
use pc_domain::tenancy::{Actor, TenantScope};
use pc_domain::{CouponId, QuotaId};
use pc_domain::{DomainError, DomainId, ErrorCode};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[derive(Debug, Clone)]
pub struct NewQuota {
    pub owner: DomainId,
    pub granted_by: DomainId,
    pub quota_type: i64,
    pub value: Money,
    pub effective_at: EpochMillis,
    pub expire_at: EpochMillis,
    pub limits: Limits,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quota {
    pub quota_id: QuotaId,
    pub owner: DomainId,
    pub parent_quota_id: Option<QuotaId>,
    pub quota_type: i64,
    pub value: Money,
    pub balance: Money,
    /// Stored status; use `pc_domain::coupons::effective_quota_status` to read it.
    pub status: QuotaStatus,
    pub effective_at: EpochMillis,
    pub expire_at: EpochMillis,
    pub limits: Limits,
    pub created_at: EpochMillis,
    pub updated_at: EpochMillis,
    /// For sub-quotas: the reseller's login and company names.
    pub owner_names: (String, String),
}

#[derive(Debug, Clone, Default)]
pub struct QuotaFilter {
    pub quota_ids: Vec<String>,
    pub statuses: Vec<i64>,
    pub quota_type: Option<i64>,
    pub created: (Option<EpochMillis>, Option<EpochMillis>),
    pub effective: (Option<EpochMillis>, Option<EpochMillis>),
    pub expire: (Option<EpochMillis>, Option<EpochMillis>),
    pub owner: Option<DomainId>,
    pub parent_quota_id: Option<String>,
    /// Only sub-quotas issued from quotas of this owner.
    pub issued_by: Option<DomainId>,
}

#[derive(Debug, Clone)]
pub struct NewCoupon {
    pub issuer: DomainId,
    pub quota_id: String,
    pub customer: DomainId,
    pub face_value: Money,
    pub effective_at: EpochMillis,
    pub expire_at: EpochMillis,
    pub limits: Limits,
    pub memo: Option<String>,
    /// Who really issued it (the caller); `issuer` is the partner whose quota it came from.
    pub by: Option<Actor>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coupon {
    pub coupon_id: CouponId,
    pub quota_id: QuotaId,
    pub issuer: DomainId,
    pub customer: DomainId,
    pub coupon_type: i64,
    pub face_value: Money,
    pub balance: Money,
    pub status: CouponStatus,
    pub effective_at: EpochMillis,
    pub expire_at: EpochMillis,
    pub limits: Limits,
    pub created_at: EpochMillis,
}

#[derive(Debug, Clone, Default)]
pub struct CouponFilter {
    pub issuer: Option<DomainId>,
    pub customer: Option<DomainId>,
    pub coupon_id: Option<String>,
    pub coupon_type: Option<i64>,
    /// Effective status (expiry applied).
    pub status: Option<i64>,
    pub created: (Option<EpochMillis>, Option<EpochMillis>),
    pub effective: (Option<EpochMillis>, Option<EpochMillis>),
    pub expire: (Option<EpochMillis>, Option<EpochMillis>),
    pub matches_nothing: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaRecordRow {
    pub record_id: String,
    pub kind: i64,
    pub actor_name: String,
    pub reseller: DomainId,
    pub reseller_names: (String, String),
    pub quota_id: String,
    pub parent_quota_id: String,
    pub amount: Money,
    pub remark: Option<String>,
    pub created_at: EpochMillis,
    /// Who really made the change; `None` for records made before actors were kept.
    pub by: Option<Actor>,
}

#[derive(Debug, Clone, Default)]
pub struct QuotaRecordFilter {
    pub reseller: Option<DomainId>,
    pub quota_id: Option<String>,
    pub parent_quota_id: Option<String>,
    pub kind: Option<i64>,
    pub from: Option<EpochMillis>,
    pub to: Option<EpochMillis>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouponRecordRow {
    pub record_id: String,
    pub kind: i64,
    pub quota_id: String,
    pub quota_type: i64,
    pub coupon_id: String,
    pub customer: DomainId,
    pub issuer_name: String,
    pub amount: Money,
    pub balance_after: Money,
    pub trade_id: Option<String>,
    pub remark: Option<String>,
    pub created_at: EpochMillis,
    /// Who really made the change: the issuer's caller, the paying or unsubscribing party;
    /// `None` for the product itself (expiry, unbinding).
    pub by: Option<Actor>,
}

#[derive(Debug, Clone, Default)]
pub struct CouponRecordFilter {
    pub customer: Option<DomainId>,
    pub kinds: Vec<i64>,
    pub quota_id: Option<String>,
    pub quota_type: Option<i64>,
    pub coupon_ids: Vec<String>,
    pub income: Option<bool>,
    pub from: Option<EpochMillis>,
    pub to: Option<EpochMillis>,
    pub matches_nothing: bool,
}

const QUOTA_COLUMNS: &str = "q.quota_id, q.owner_id, q.parent_quota_id, q.quota_type, q.value_fen, q.balance_fen, q.status, \
    q.effective_at, q.expire_at, q.limits, q.created_at, q.updated_at, o.domain_name AS owner_login, o.display_name AS owner_company";

fn quota_from_row(r: &AnyRow) -> Result<Quota> {
    Ok(Quota {
        quota_id: QuotaId::from_trusted(r.try_get("quota_id")?),
        owner: DomainId::from_trusted(r.try_get("owner_id")?),
        parent_quota_id: r.try_get::<Option<String>, _>("parent_quota_id")?.map(QuotaId::from_trusted),
        quota_type: r.try_get("quota_type")?,
        value: Money::from_fen(r.try_get("value_fen")?),
        balance: Money::from_fen(r.try_get("balance_fen")?),
        status: stored_code(r, "status", QuotaStatus::from_code)?,
        effective_at: r.try_get("effective_at")?,
        expire_at: r.try_get("expire_at")?,
        limits: Limits::from_db(r.try_get::<Option<String>, _>("limits")?.as_deref()),
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        owner_names: (r.try_get("owner_login")?, r.try_get("owner_company")?),
    })
}

pub(crate) const COUPON_COLUMNS: &str =
    "c.coupon_id, c.quota_id, c.issuer_id, c.customer_id, c.coupon_type, c.face_value_fen, c.balance_fen, \
    c.status, c.effective_at, c.expire_at, c.limits, c.created_at";

/// An integer code column read back as its enum; an unknown code means the row is corrupt.
fn stored_code<T>(r: &AnyRow, column: &str, from_code: fn(i64) -> Option<T>) -> Result<T> {
    let code: i64 = r.try_get(column)?;
    from_code(code).ok_or_else(|| StorageError::Corrupt(format!("{column} {code}")))
}

pub(crate) fn coupon_from_row(r: &AnyRow) -> Result<Coupon> {
    Ok(Coupon {
        coupon_id: CouponId::from_trusted(r.try_get("coupon_id")?),
        quota_id: QuotaId::from_trusted(r.try_get("quota_id")?),
        issuer: DomainId::from_trusted(r.try_get("issuer_id")?),
        customer: DomainId::from_trusted(r.try_get("customer_id")?),
        coupon_type: r.try_get("coupon_type")?,
        face_value: Money::from_fen(r.try_get("face_value_fen")?),
        balance: Money::from_fen(r.try_get("balance_fen")?),
        status: stored_code(r, "status", CouponStatus::from_code)?,
        effective_at: r.try_get("effective_at")?,
        expire_at: r.try_get("expire_at")?,
        limits: Limits::from_db(r.try_get::<Option<String>, _>("limits")?.as_deref()),
        created_at: r.try_get("created_at")?,
    })
}

/// `AND col >= $a AND col <= $b` for an optional range.
fn range(sql: &mut Sql, wh: &mut String, column: &str, (from, to): (Option<EpochMillis>, Option<EpochMillis>)) {
    if let Some(t) = from {
        let p = sql.int_param(t);
        *wh += &format!(" AND {column} >= {p}");
    }
    if let Some(t) = to {
        let p = sql.int_param(t);
        *wh += &format!(" AND {column} <= {p}");
    }
}

fn in_list(sql: &mut Sql, wh: &mut String, column: &str, values: &[String]) {
    if !values.is_empty() {
        let ps: Vec<String> = values.iter().map(|v| sql.text_param(v)).collect();
        *wh += &format!(" AND {column} IN ({})", ps.join(", "));
    }
}

fn in_ints(sql: &mut Sql, wh: &mut String, column: &str, values: &[i64]) {
    if !values.is_empty() {
        let ps: Vec<String> = values.iter().map(|v| sql.int_param(*v)).collect();
        *wh += &format!(" AND {column} IN ({})", ps.join(", "));
    }
}

/// SQL for a coupon's effective status at `$now`.
fn effective_coupon_status_sql(now: &str) -> String {
    format!(
        "(CASE WHEN c.status = {} AND c.expire_at <= {now} THEN {} ELSE c.status END)",
        CouponStatus::Usable.code(),
        CouponStatus::Expired.code()
    )
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_coupon_record(
    conn: &mut AnyConnection,
    kind: i64,
    issuer: &str,
    customer: &str,
    coupon_id: &str,
    quota_id: &str,
    quota_type: i64,
    amount: i64,
    balance_after: i64,
    trade_id: Option<&str>,
    remark: Option<&str>,
    at: EpochMillis,
    by: Option<&Actor>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO coupon_records (record_id, kind, issuer_id, customer_id, coupon_id, quota_id, quota_type, amount_fen, \
         balance_after, trade_id, remark, created_at, by_account_id, by_member_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(new_id())
    .bind(kind)
    .bind(issuer)
    .bind(customer)
    .bind(coupon_id)
    .bind(quota_id)
    .bind(quota_type)
    .bind(amount)
    .bind(balance_after)
    .bind(trade_id)
    .bind(remark)
    .bind(at)
    .bind_actor(by)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes back a coupon's whole remaining balance into its quota, if the coupon is still
/// `expected_status` with the balance we read (compare-and-set, so a concurrent spend either
/// happens entirely before or is refused after).
async fn take_back(
    conn: &mut AnyConnection,
    coupon: &Coupon,
    new_status: CouponStatus,
    kind: i64,
    now: EpochMillis,
    by: Option<&Actor>,
) -> Result<Option<Money>> {
    let amount = coupon.balance.fen();
    let done = sqlx::query(
        "UPDATE coupons SET balance_fen = 0, reclaimed_fen = reclaimed_fen + $1, status = $2, updated_at = $3 \
         WHERE coupon_id = $4 AND status = $5 AND balance_fen = $1",
    )
    .bind(amount)
    .bind(new_status.code())
    .bind(now)
    .bind(coupon.coupon_id.as_str())
    .bind(CouponStatus::Usable.code())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if done == 0 {
        return Ok(None);
    }
    if amount > 0 {
        sqlx::query("UPDATE coupon_quotas SET balance_fen = balance_fen + $1, updated_at = $2 WHERE quota_id = $3")
            .bind(amount)
            .bind(now)
            .bind(coupon.quota_id.as_str())
            .execute(&mut *conn)
            .await?;
    }
    let quota_type: i64 = sqlx::query_scalar("SELECT quota_type FROM coupon_quotas WHERE quota_id = $1")
        .bind(coupon.quota_id.as_str())
        .fetch_one(&mut *conn)
        .await?;
    insert_coupon_record(
        conn,
        kind,
        coupon.issuer.as_str(),
        coupon.customer.as_str(),
        &coupon.coupon_id,
        &coupon.quota_id,
        quota_type,
        amount,
        0,
        None,
        None,
        now,
        by,
    )
    .await?;
    Ok(Some(Money::from_fen(amount)))
}

impl Db {
    /// The operator grants a partner a quota.
    pub async fn create_quota(&self, q: &NewQuota) -> Result<String> {
        let id = new_id();
        let now = self.now().await?;
        self.write_one(sqlx::query(
            "INSERT INTO coupon_quotas (quota_id, owner_id, parent_quota_id, granted_by, quota_type, value_fen, balance_fen, returned_fen, \
             status, effective_at, expire_at, limits, created_at, updated_at) VALUES ($1, $2, NULL, $3, $4, $5, $5, 0, 0, $6, $7, $8, $9, $9)",
        )
        .bind(&id)
        .bind(q.owner.as_str())
        .bind(q.granted_by.as_str())
        .bind(q.quota_type)
        .bind(q.value.fen())
        .bind(q.effective_at)
        .bind(q.expire_at)
        .bind(q.limits.to_db())
        .bind(now))
        .await?;
        Ok(id)
    }

    /// Operator status change (normal, invalid, frozen). Reclaimed quotas stay reclaimed.
    pub async fn set_quota_status(&self, quota_id: &QuotaId, status: QuotaStatus) -> Result<()> {
        let now = self.now().await?;
        let n = self
            .write_one(
                sqlx::query("UPDATE coupon_quotas SET status = $1, updated_at = $2 WHERE quota_id = $3 AND status <> $4")
                    .bind(status.code())
                    .bind(now)
                    .bind(quota_id.as_str())
                    .bind(QuotaStatus::Reclaimed.code()),
            )
            .await?
            .rows_affected();
        if n == 0 {
            return Err(DomainError::of(ErrorCode::QuotaUnavailable).into());
        }
        Ok(())
    }

    /// A quota of `scope`'s partner.
    pub async fn find_quota(&self, scope: &TenantScope, quota_id: &QuotaId) -> Result<Option<Quota>> {
        let mut sql = Sql::new("");
        let p = sql.text_param(quota_id);
        let owned = restrict_owner(&mut sql, scope, "q.owner_id");
        sql.replace_text(format!(
            "SELECT {QUOTA_COLUMNS} FROM coupon_quotas q JOIN accounts o ON o.domain_id = q.owner_id WHERE q.quota_id = {p}{owned}"
        ));
        let row = sql.query().fetch_optional(&self.pool).await?;
        row.as_ref().map(quota_from_row).transpose()
    }

    /// Quotas of `scope`'s partner (its own and the sub-quotas it issued) matching `f`
    /// (effective statuses at `now`), one page, and the total.
    pub async fn list_quotas(&self, scope: &TenantScope, f: &QuotaFilter, page: Page, now: EpochMillis) -> Result<(Vec<Quota>, i64)> {
        let mut sql = Sql::new("");
        let n = sql.int_param(now);
        let status_sql = format!(
            "(CASE WHEN q.status = {} AND q.expire_at <= {n} THEN {} ELSE q.status END)",
            QuotaStatus::Normal.code(),
            QuotaStatus::Invalid.code()
        );
        let mut wh = " FROM coupon_quotas q JOIN accounts o ON o.domain_id = q.owner_id WHERE 1 = 1".to_owned();
        let owned = restrict_owner(&mut sql, scope, "q.owner_id");
        if !owned.is_empty() {
            let issued = restrict_owner(&mut sql, scope, "pq.owner_id");
            wh += &format!(" AND (1 = 1{owned} OR EXISTS (SELECT 1 FROM coupon_quotas pq WHERE pq.quota_id = q.parent_quota_id{issued}))");
        }
        if let Some(o) = &f.owner {
            let p = sql.text_param(o.as_str());
            wh += &format!(" AND q.owner_id = {p}");
        }
        if let Some(by) = &f.issued_by {
            let p = sql.text_param(by.as_str());
            wh += &format!(" AND q.parent_quota_id IN (SELECT quota_id FROM coupon_quotas WHERE owner_id = {p})");
        }
        if let Some(pq) = &f.parent_quota_id {
            let p = sql.text_param(pq);
            wh += &format!(" AND q.parent_quota_id = {p}");
        }
        in_list(&mut sql, &mut wh, "q.quota_id", &f.quota_ids);
        in_ints(&mut sql, &mut wh, &status_sql, &f.statuses);
        if let Some(t) = f.quota_type {
            let p = sql.int_param(t);
            wh += &format!(" AND q.quota_type = {p}");
        }
        range(&mut sql, &mut wh, "q.created_at", f.created);
        range(&mut sql, &mut wh, "q.effective_at", f.effective);
        range(&mut sql, &mut wh, "q.expire_at", f.expire);
        let (rows, total) = sql.fetch_page(&self.pool, QUOTA_COLUMNS, &wh, "q.created_at DESC, q.quota_id", page).await?;
        Ok((rows.iter().map(quota_from_row).collect::<Result<Vec<_>>>()?, total))
    }

    /// A tier-1 issues a sub-quota of `amount` from its quota to a reseller: one transaction.
    /// The parent's status and window are re-checked by the conditional debit itself.
    pub async fn issue_sub_quota(
        &self,
        actor: &DomainId,
        parent_quota_id: &str,
        reseller: &DomainId,
        amount: Money,
        by: Option<&Actor>,
    ) -> Result<String> {
        let mut tx = self.begin_write().await?;
        let now = business_now(&mut tx).await?;
        let debited = sqlx::query(
            "UPDATE coupon_quotas SET balance_fen = balance_fen - $1, updated_at = $2 WHERE quota_id = $3 AND owner_id = $4 \
             AND status = $5 AND effective_at <= $2 AND expire_at > $2 AND balance_fen >= $1",
        )
        .bind(amount.fen())
        .bind(now)
        .bind(parent_quota_id)
        .bind(actor.as_str())
        .bind(QuotaStatus::Normal.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if debited == 0 {
            return Err(DomainError::of(ErrorCode::QuotaInsufficient).into());
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO coupon_quotas (quota_id, owner_id, parent_quota_id, granted_by, quota_type, value_fen, balance_fen, returned_fen, \
             status, effective_at, expire_at, limits, created_at, updated_at) \
             SELECT $1, $2, quota_id, owner_id, quota_type, $3, $3, 0, 0, effective_at, expire_at, limits, $4, $4 FROM coupon_quotas WHERE quota_id = $5",
        )
        .bind(&id)
        .bind(reseller.as_str())
        .bind(amount.fen())
        .bind(now)
        .bind(parent_quota_id)
        .execute(&mut *tx)
        .await?;
        insert_quota_record(&mut tx, quota_record::ISSUE, actor, reseller, &id, parent_quota_id, amount.fen(), None, now, by).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A tier-1 takes back a reseller's sub-quota: its remaining balance returns to the parent.
    /// The sub-quota is emptied by compare-and-set, so a coupon issued from it concurrently
    /// either lands first (and is not returned) or is refused after; retried on conflict.
    pub async fn reclaim_sub_quota(&self, actor: &DomainId, quota_id: &str, remark: Option<&str>, by: Option<&Actor>) -> Result<()> {
        for _ in 0..5 {
            let mut tx = self.begin_write().await?;
            let now = business_now(&mut tx).await?;
            let row: Option<(String, String, i64)> = sqlx::query_as(
                "SELECT q.parent_quota_id, q.owner_id, q.balance_fen FROM coupon_quotas q JOIN coupon_quotas p ON p.quota_id = q.parent_quota_id \
                 WHERE q.quota_id = $1 AND p.owner_id = $2 AND q.status IN ($3, $4)",
            )
            .bind(quota_id)
            .bind(actor.as_str())
            .bind(QuotaStatus::Normal.code())
            .bind(QuotaStatus::Invalid.code())
            .fetch_optional(&mut *tx)
            .await?;
            let Some((parent, reseller, balance)) = row else {
                return Err(DomainError::of(ErrorCode::QuotaUnavailable).into());
            };
            let emptied = sqlx::query(
                "UPDATE coupon_quotas SET balance_fen = 0, returned_fen = returned_fen + $1, status = $2, updated_at = $3 \
                 WHERE quota_id = $4 AND balance_fen = $1 AND status IN ($5, $6)",
            )
            .bind(balance)
            .bind(QuotaStatus::Reclaimed.code())
            .bind(now)
            .bind(quota_id)
            .bind(QuotaStatus::Normal.code())
            .bind(QuotaStatus::Invalid.code())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if emptied == 0 {
                continue;
            }
            sqlx::query("UPDATE coupon_quotas SET balance_fen = balance_fen + $1, updated_at = $2 WHERE quota_id = $3")
                .bind(balance)
                .bind(now)
                .bind(&parent)
                .execute(&mut *tx)
                .await?;
            insert_quota_record(
                &mut tx,
                quota_record::RECLAIM,
                actor,
                &DomainId::from_trusted(reseller),
                quota_id,
                &parent,
                balance,
                remark,
                now,
                by,
            )
            .await?;
            tx.commit().await?;
            return Ok(());
        }
        Err(DomainError::new(ErrorCode::QuotaUnavailable, "The sub-quota is changing; try again.").into())
    }

    /// Sub-quota issues and reclaims made by `scope`'s partner.
    pub async fn quota_records(&self, scope: &TenantScope, f: &QuotaRecordFilter, page: Page) -> Result<(Vec<QuotaRecordRow>, i64)> {
        let mut sql = Sql::new("");
        let mut wh =
            " FROM quota_records r JOIN accounts a ON a.domain_id = r.actor_id JOIN accounts s ON s.domain_id = r.reseller_id WHERE 1 = 1"
                .to_owned();
        wh += &restrict_owner(&mut sql, scope, "r.actor_id");
        if let Some(v) = &f.reseller {
            let p = sql.text_param(v.as_str());
            wh += &format!(" AND r.reseller_id = {p}");
        }
        if let Some(v) = &f.quota_id {
            let p = sql.text_param(v);
            wh += &format!(" AND r.quota_id = {p}");
        }
        if let Some(v) = &f.parent_quota_id {
            let p = sql.text_param(v);
            wh += &format!(" AND r.parent_quota_id = {p}");
        }
        if let Some(k) = f.kind {
            let p = sql.int_param(k);
            wh += &format!(" AND r.kind = {p}");
        }
        range(&mut sql, &mut wh, "r.created_at", (f.from, f.to));
        let (rows, total) = sql.fetch_page(&self.pool, "r.record_id, r.kind, a.domain_name AS actor_name, r.reseller_id, s.domain_name AS reseller_login, s.display_name AS reseller_company, r.quota_id, r.parent_quota_id, r.amount_fen, r.remark, r.created_at, r.by_account_id, r.by_member_id", &wh, "r.created_at DESC, r.record_id", page).await?;
        let records = rows
            .iter()
            .map(|r| {
                Ok(QuotaRecordRow {
                    record_id: r.try_get("record_id")?,
                    kind: r.try_get("kind")?,
                    actor_name: r.try_get("actor_name")?,
                    reseller: DomainId::from_trusted(r.try_get("reseller_id")?),
                    reseller_names: (r.try_get("reseller_login")?, r.try_get("reseller_company")?),
                    quota_id: r.try_get("quota_id")?,
                    parent_quota_id: r.try_get("parent_quota_id")?,
                    amount: Money::from_fen(r.try_get("amount_fen")?),
                    remark: r.try_get("remark")?,
                    created_at: r.try_get("created_at")?,
                    by: actor_from_row(r)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((records, total))
    }

    /// Issues one coupon from a quota: the quota is debited only if it is normal, in effect,
    /// owned by the issuer and covers the face value.
    pub async fn issue_coupon(&self, c: &NewCoupon) -> Result<String> {
        let mut tx = self.begin_write().await?;
        let now = business_now(&mut tx).await?;
        let debited = sqlx::query(
            "UPDATE coupon_quotas SET balance_fen = balance_fen - $1, updated_at = $2 WHERE quota_id = $3 AND owner_id = $4 \
             AND status = $5 AND effective_at <= $2 AND expire_at > $2 AND balance_fen >= $1",
        )
        .bind(c.face_value.fen())
        .bind(now)
        .bind(&c.quota_id)
        .bind(c.issuer.as_str())
        .bind(QuotaStatus::Normal.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if debited == 0 {
            return Err(DomainError::of(ErrorCode::QuotaInsufficient).into());
        }
        let quota_type: i64 =
            sqlx::query_scalar("SELECT quota_type FROM coupon_quotas WHERE quota_id = $1").bind(&c.quota_id).fetch_one(&mut *tx).await?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO coupons (coupon_id, quota_id, issuer_id, customer_id, coupon_type, face_value_fen, balance_fen, reclaimed_fen, status, \
             effective_at, expire_at, limits, memo, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6, 0, $7, $8, $9, $10, $11, $12, $12)",
        )
        .bind(&id)
        .bind(&c.quota_id)
        .bind(c.issuer.as_str())
        .bind(c.customer.as_str())
        .bind(coupon_type_for(quota_type))
        .bind(c.face_value.fen())
        .bind(CouponStatus::Usable.code())
        .bind(c.effective_at)
        .bind(c.expire_at)
        .bind(c.limits.to_db())
        .bind(c.memo.as_deref())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(unique_violation_as(ErrorCode::InvalidParameter))?;
        insert_coupon_record(
            &mut tx,
            coupon_record::ISSUE,
            c.issuer.as_str(),
            c.customer.as_str(),
            &id,
            &c.quota_id,
            quota_type,
            c.face_value.fen(),
            c.face_value.fen(),
            None,
            c.memo.as_deref(),
            now,
            c.by.as_ref(),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A coupon in `scope`: issued by its partner to a customer it may see, or held by its
    /// customer.
    pub async fn find_coupon(&self, scope: &TenantScope, coupon_id: &CouponId) -> Result<Option<Coupon>> {
        let mut sql = Sql::new("");
        let p = sql.text_param(coupon_id);
        let scoped = restrict(&mut sql, scope, "c.issuer_id", "c.customer_id");
        sql.replace_text(format!("SELECT {COUPON_COLUMNS} FROM coupons c WHERE c.coupon_id = {p}{scoped}"));
        let row = sql.query().fetch_optional(&self.pool).await?;
        row.as_ref().map(coupon_from_row).transpose()
    }

    /// Coupons in `scope` matching `f` (effective statuses at `now`), one page, and the total.
    pub async fn list_coupons(&self, scope: &TenantScope, f: &CouponFilter, page: Page, now: EpochMillis) -> Result<(Vec<Coupon>, i64)> {
        if f.matches_nothing {
            return Ok((Vec::new(), 0));
        }
        let mut sql = Sql::new("");
        let n = sql.int_param(now);
        let status_sql = effective_coupon_status_sql(&n);
        let mut wh = " FROM coupons c WHERE 1 = 1".to_owned();
        wh += &restrict(&mut sql, scope, "c.issuer_id", "c.customer_id");
        if let Some(v) = &f.issuer {
            let p = sql.text_param(v.as_str());
            wh += &format!(" AND c.issuer_id = {p}");
        }
        if let Some(v) = &f.customer {
            let p = sql.text_param(v.as_str());
            wh += &format!(" AND c.customer_id = {p}");
        }
        if let Some(v) = &f.coupon_id {
            let p = sql.text_param(v);
            wh += &format!(" AND c.coupon_id = {p}");
        }
        if let Some(v) = f.coupon_type {
            let p = sql.int_param(v);
            wh += &format!(" AND c.coupon_type = {p}");
        }
        if let Some(v) = f.status {
            let p = sql.int_param(v);
            wh += &format!(" AND {status_sql} = {p}");
        }
        range(&mut sql, &mut wh, "c.created_at", f.created);
        range(&mut sql, &mut wh, "c.effective_at", f.effective);
        range(&mut sql, &mut wh, "c.expire_at", f.expire);
        let (rows, total) = sql.fetch_page(&self.pool, COUPON_COLUMNS, &wh, "c.created_at DESC, c.coupon_id", page).await?;
        Ok((rows.iter().map(coupon_from_row).collect::<Result<Vec<_>>>()?, total))
    }

    /// Reclaims a usable coupon's whole remaining balance to its quota (`kind`: manual or
    /// unbinding). Refused unless the coupon is usable and unexpired at this moment.
    pub async fn reclaim_coupon(&self, issuer: &DomainId, coupon_id: &str, kind: i64, by: Option<&Actor>) -> Result<Money> {
        for _ in 0..5 {
            let mut tx = self.begin_write().await?;
            let now = business_now(&mut tx).await?;
            let row = sqlx::query(&format!("SELECT {COUPON_COLUMNS} FROM coupons c WHERE c.coupon_id = $1 AND c.issuer_id = $2"))
                .bind(coupon_id)
                .bind(issuer.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let coupon = match row.as_ref().map(coupon_from_row).transpose()? {
                None => return Err(DomainError::new(ErrorCode::NotYourCustomer, "The coupon was not issued by you.").into()),
                Some(c) => c,
            };
            let status = pc_domain::coupons::effective_coupon_status(coupon.status, coupon.expire_at, now);
            if status != CouponStatus::Usable || coupon.balance == Money::ZERO {
                return Err(DomainError::new(ErrorCode::BusinessCheckFailed, "Only a usable coupon can be reclaimed.").into());
            }
            if let Some(amount) = take_back(&mut tx, &coupon, CouponStatus::Reclaimed, kind, now, by).await? {
                tx.commit().await?;
                return Ok(amount);
            }
            // A concurrent spend changed the balance between our read and our write: read again.
        }
        Err(DomainError::new(ErrorCode::BusinessCheckFailed, "The coupon is changing; try again.").into())
    }

    /// The customer spends part of a coupon (used by order payment). Never below zero, never
    /// an expired or reclaimed coupon; a coupon spent to zero becomes used (3).
    pub async fn spend_coupon(&self, customer: &DomainId, coupon_id: &str, amount: Money, trade_id: &str) -> Result<Money> {
        let mut tx = self.begin_write().await?;
        let now = business_now(&mut tx).await?;
        let by = Actor { account: customer.clone(), member: None };
        let balance = spend_coupon_in(&mut tx, customer, coupon_id, amount, trade_id, now, Some(&by)).await?;
        tx.commit().await?;
        Ok(balance)
    }

    /// Records the expiry of every usable coupon past its expiry: its balance returns to its
    /// quota (expiry reclaim). Returns how many coupons were swept.
    pub async fn sweep_expired_coupons(&self, now: EpochMillis) -> Result<usize> {
        let rows = sqlx::query(&format!("SELECT {COUPON_COLUMNS} FROM coupons c WHERE c.status = $1 AND c.expire_at <= $2"))
            .bind(CouponStatus::Usable.code())
            .bind(now)
            .fetch_all(&self.pool)
            .await?;
        let mut swept = 0;
        for coupon in rows.iter().map(coupon_from_row).collect::<Result<Vec<_>>>()? {
            let mut tx = self.begin_write().await?;
            if take_back(&mut tx, &coupon, CouponStatus::Expired, coupon_record::EXPIRY_RECLAIM, now, None).await?.is_some() {
                tx.commit().await?;
                swept += 1;
            }
        }
        Ok(swept)
    }

    /// Unbinding hook: every usable coupon `partner` issued to `customer` goes back to its quota
    /// (recorded as an unbinding reclaim). Returns (coupon_id, amount) of each.
    pub async fn return_coupons_on_unbind(&self, partner: &DomainId, customer: &DomainId) -> Result<Vec<(CouponId, Money)>> {
        let f = CouponFilter {
            issuer: Some(partner.clone()),
            customer: Some(customer.clone()),
            status: Some(CouponStatus::Usable.code()),
            ..Default::default()
        };
        // The unbinding runs for the partner, whatever member asked for it.
        let (coupons, _) = self.list_coupons(&TenantScope::scheduler(), &f, Page::ALL, self.now().await?).await?;
        let mut returned = Vec::new();
        for c in coupons {
            match self.reclaim_coupon(partner, &c.coupon_id, coupon_record::UNBIND_RECLAIM, None).await {
                Ok(amount) => returned.push((c.coupon_id, amount)),
                // Spent or expired in the meantime: nothing left to return.
                Err(StorageError::Rule(e)) if e.code == ErrorCode::BusinessCheckFailed => {}
                Err(e) => return Err(e),
            }
        }
        Ok(returned)
    }

    /// Coupon records in `scope` matching `f`, one page, and the total. A partner's view
    /// leaves out its customers' spending.
    pub async fn coupon_records(&self, scope: &TenantScope, f: &CouponRecordFilter, page: Page) -> Result<(Vec<CouponRecordRow>, i64)> {
        if f.matches_nothing {
            return Ok((Vec::new(), 0));
        }
        let mut sql = Sql::new("");
        let mut wh = " FROM coupon_records r JOIN accounts i ON i.domain_id = r.issuer_id WHERE 1 = 1".to_owned();
        wh += &restrict(&mut sql, scope, "r.issuer_id", "r.customer_id");
        if scope.partner_owner().is_some() {
            wh += &format!(" AND r.kind <> {}", coupon_record::SPEND);
        }
        if let Some(v) = &f.customer {
            let p = sql.text_param(v.as_str());
            wh += &format!(" AND r.customer_id = {p}");
        }
        in_ints(&mut sql, &mut wh, "r.kind", &f.kinds);
        if let Some(v) = &f.quota_id {
            let p = sql.text_param(v);
            wh += &format!(" AND r.quota_id = {p}");
        }
        if let Some(v) = f.quota_type {
            let p = sql.int_param(v);
            wh += &format!(" AND r.quota_type = {p}");
        }
        in_list(&mut sql, &mut wh, "r.coupon_id", &f.coupon_ids);
        match f.income {
            Some(true) => wh += &format!(" AND r.kind = {}", coupon_record::ISSUE),
            Some(false) => wh += &format!(" AND r.kind <> {}", coupon_record::ISSUE),
            None => {}
        }
        range(&mut sql, &mut wh, "r.created_at", (f.from, f.to));
        let (rows, total) = sql.fetch_page(&self.pool, "r.record_id, r.kind, r.quota_id, r.quota_type, r.coupon_id, r.customer_id, i.domain_name AS issuer_name, r.amount_fen, r.balance_after, r.trade_id, r.remark, r.created_at, r.by_account_id, r.by_member_id", &wh, "r.created_at DESC, r.record_id", page).await?;
        let records = rows
            .iter()
            .map(|r| {
                Ok(CouponRecordRow {
                    record_id: r.try_get("record_id")?,
                    kind: r.try_get("kind")?,
                    quota_id: r.try_get("quota_id")?,
                    quota_type: r.try_get("quota_type")?,
                    coupon_id: r.try_get("coupon_id")?,
                    customer: DomainId::from_trusted(r.try_get("customer_id")?),
                    issuer_name: r.try_get("issuer_name")?,
                    amount: Money::from_fen(r.try_get("amount_fen")?),
                    balance_after: Money::from_fen(r.try_get("balance_after")?),
                    trade_id: r.try_get("trade_id")?,
                    remark: r.try_get("remark")?,
                    created_at: r.try_get("created_at")?,
                    by: actor_from_row(r)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((records, total))
    }

    /// Quotas whose value is not fully accounted for (must always be 0), and coupons with a
    /// negative or over-face balance (also 0).
    pub async fn coupon_audit(&self) -> Result<i64> {
        let broken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM coupon_quotas q WHERE q.value_fen <> q.balance_fen + q.returned_fen \
             + (SELECT CAST(COALESCE(SUM(c.face_value_fen - c.reclaimed_fen), 0) AS BIGINT) FROM coupons c WHERE c.quota_id = q.quota_id) \
             + (SELECT CAST(COALESCE(SUM(s.value_fen - s.returned_fen), 0) AS BIGINT) FROM coupon_quotas s WHERE s.parent_quota_id = q.quota_id)",
        )
        .fetch_one(&self.pool)
        .await?;
        let bad_coupons: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM coupons WHERE balance_fen < 0 OR balance_fen + reclaimed_fen > face_value_fen")
                .fetch_one(&self.pool)
                .await?;
        Ok(broken + bad_coupons)
    }
}

#[allow(clippy::too_many_arguments)]
async fn insert_quota_record(
    conn: &mut AnyConnection,
    kind: i64,
    actor: &DomainId,
    reseller: &DomainId,
    quota_id: &str,
    parent_quota_id: &str,
    amount: i64,
    remark: Option<&str>,
    at: EpochMillis,
    by: Option<&Actor>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO quota_records (record_id, kind, actor_id, reseller_id, quota_id, parent_quota_id, amount_fen, remark, created_at, \
         by_account_id, by_member_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(new_id())
    .bind(kind)
    .bind(actor.as_str())
    .bind(reseller.as_str())
    .bind(quota_id)
    .bind(parent_quota_id)
    .bind(amount)
    .bind(remark)
    .bind(at)
    .bind_actor(by)
    .execute(conn)
    .await?;
    Ok(())
}

/// Spends `amount` of a coupon inside the caller's transaction (order payment): guarded so the balance never
/// goes below zero and only a usable, effective coupon of this customer is touched.
pub(crate) async fn spend_coupon_in(
    conn: &mut AnyConnection,
    customer: &DomainId,
    coupon_id: &str,
    amount: Money,
    trade_id: &str,
    now: EpochMillis,
    by: Option<&Actor>,
) -> Result<Money> {
    let row = sqlx::query(
        "UPDATE coupons SET balance_fen = balance_fen - $1, status = CASE WHEN balance_fen - $1 = 0 THEN $2 ELSE status END, updated_at = $3 \
         WHERE coupon_id = $4 AND customer_id = $5 AND status = $6 AND effective_at <= $3 AND expire_at > $3 AND balance_fen >= $1 \
         RETURNING balance_fen, issuer_id, quota_id",
    )
    .bind(amount.fen())
    .bind(CouponStatus::Used.code())
    .bind(now)
    .bind(coupon_id)
    .bind(customer.as_str())
    .bind(CouponStatus::Usable.code())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Err(
            DomainError::new(ErrorCode::CouponNotApplicable, format!("Coupon {coupon_id} is no longer usable for this amount.")).into()
        );
    };
    record_coupon_change(conn, &row, coupon_record::SPEND, customer, coupon_id, amount, trade_id, now, by).await?;
    Ok(Money::from_fen(row.try_get("balance_fen")?))
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_coupon_change(
    conn: &mut AnyConnection,
    row: &AnyRow,
    kind: i64,
    customer: &DomainId,
    coupon_id: &str,
    amount: Money,
    trade_id: &str,
    now: EpochMillis,
    by: Option<&Actor>,
) -> Result<()> {
    let balance: i64 = row.try_get("balance_fen")?;
    let issuer: String = row.try_get("issuer_id")?;
    let quota_id: String = row.try_get("quota_id")?;
    let quota_type: i64 =
        sqlx::query_scalar("SELECT quota_type FROM coupon_quotas WHERE quota_id = $1").bind(&quota_id).fetch_one(&mut *conn).await?;
    insert_coupon_record(
        conn,
        kind,
        &issuer,
        customer.as_str(),
        coupon_id,
        &quota_id,
        quota_type,
        amount.fen(),
        balance,
        Some(trade_id),
        None,
        now,
        by,
    )
    .await
}
