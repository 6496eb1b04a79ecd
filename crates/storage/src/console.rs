//! The web console's own tables: sessions, sign-in attempts, the reveal audit and export
//! tasks; plus the few reads only the console needs (partner list, access keys, activity).

use crate::db::Db;
use crate::error::Result;
use crate::sql::Sql;
use pc_domain::console::{SensitiveField, SignInAttempt, SignInRefusal};
use pc_domain::query::{now_millis, EpochMillis, Page};
use pc_domain::tenancy::AccountKind;
use pc_domain::{DomainId, MemberId};
use sqlx::Row;

/// A live console session as stored (the token itself is never stored, only its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleSession {
    pub login: String,
    pub domain_id: DomainId,
    pub member_id: Option<MemberId>,
    pub csrf_token: String,
    pub expires_at: EpochMillis,
}

/// One recorded reveal of a sensitive field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevealRow {
    pub actor_login: String,
    pub customer_id: DomainId,
    pub customer_name: String,
    pub field: String,
    pub revealed_at: EpochMillis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Customers,
    FundRecords,
}

impl ExportKind {
    pub fn as_db(self) -> &'static str {
        match self {
            ExportKind::Customers => "customers",
            ExportKind::FundRecords => "fund_records",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        [ExportKind::Customers, ExportKind::FundRecords].into_iter().find(|k| k.as_db() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportTask {
    pub export_id: String,
    pub kind: ExportKind,
    pub status: String,
    pub requested_by: String,
    pub row_count: i64,
    pub created_at: EpochMillis,
    pub finished_at: Option<EpochMillis>,
}

/// An access key as its owner sees it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    pub access_key_id: String,
    pub member_id: Option<MemberId>,
    pub status: String,
    pub created_at: EpochMillis,
}

/// A partner as the operator lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerRow {
    pub domain_id: DomainId,
    pub domain_name: String,
    pub display_name: String,
    pub kind: AccountKind,
    pub parent_id: Option<DomainId>,
    pub balance_fen: i64,
}

const EXPORT_COLUMNS: &str = "export_id, kind, status, requested_by, row_count, created_at, finished_at";

fn export_from_row(row: &sqlx::any::AnyRow) -> Result<ExportTask> {
    let kind: String = row.try_get("kind")?;
    Ok(ExportTask {
        export_id: row.try_get("export_id")?,
        kind: ExportKind::from_db(&kind).ok_or_else(|| crate::StorageError::Corrupt(format!("export kind {kind}")))?,
        status: row.try_get("status")?,
        requested_by: row.try_get("requested_by")?,
        row_count: row.try_get("row_count")?,
        created_at: row.try_get("created_at")?,
        finished_at: row.try_get("finished_at")?,
    })
}

impl Db {
    pub async fn create_session(&self, token_hash: &str, session: &ConsoleSession) -> Result<()> {
        self.write_one(
            sqlx::query(
                "INSERT INTO console_sessions (token_hash, login, domain_id, member_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(token_hash)
            .bind(&session.login)
            .bind(session.domain_id.as_str())
            .bind(session.member_id.as_deref())
            .bind(&session.csrf_token)
            .bind(now_millis())
            .bind(session.expires_at),
        )
        .await?;
        Ok(())
    }

    /// The session of a token hash, if it has not expired.
    pub async fn find_session(&self, token_hash: &str, now: EpochMillis) -> Result<Option<ConsoleSession>> {
        let row: Option<(String, String, Option<String>, String, i64)> = sqlx::query_as(
            "SELECT login, domain_id, member_id, csrf_token, expires_at FROM console_sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(login, d, member_id, csrf_token, expires_at)| ConsoleSession {
            login,
            domain_id: DomainId::from_trusted(d),
            member_id: member_id.map(MemberId::from_trusted),
            csrf_token,
            expires_at,
        }))
    }

    /// Ends a session (sign-out), and drops every expired one on the way.
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        self.write_one(
            sqlx::query("DELETE FROM console_sessions WHERE token_hash = $1 OR expires_at <= $2").bind(token_hash).bind(now_millis()),
        )
        .await?;
        Ok(())
    }

    /// Opens a sign-in attempt before its password is checked. In one write transaction,
    /// holding the gates of the login and of the client address (taken in a fixed order), it
    /// reads the login's attempts and the address's failures since `since`, asks `gate`
    /// whether the attempt may go on and, if so, records it as a failure. Parallel attempts
    /// therefore each take one of the places the lockout allows, never more. The login is
    /// compared case-insensitively. Returns the attempt's id for `settle_sign_in_attempt`.
    pub async fn open_sign_in_attempt(
        &self,
        login: &str,
        client: &str,
        now: EpochMillis,
        since: EpochMillis,
        gate: impl FnOnce(&[SignInAttempt], usize) -> std::result::Result<(), SignInRefusal>,
    ) -> Result<std::result::Result<String, SignInRefusal>> {
        let login = login.to_lowercase();
        let mut gates = [format!("client:{client}"), format!("login:{login}")];
        gates.sort();
        let mut tx = self.begin_write().await?;
        for g in &gates {
            sqlx::query("INSERT INTO console_sign_in_gates (gate) VALUES ($1) ON CONFLICT (gate) DO NOTHING")
                .bind(g)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(lock) = self.backend.lock_rows_clause() {
            sqlx::query(&format!("SELECT gate FROM console_sign_in_gates WHERE gate IN ($1, $2) ORDER BY gate{lock}"))
                .bind(&gates[0])
                .bind(&gates[1])
                .fetch_all(&mut *tx)
                .await?;
        }
        let rows: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT attempted_at, succeeded, client_addr FROM console_login_attempts WHERE login = $1 AND attempted_at > $2",
        )
        .bind(&login)
        .bind(since)
        .fetch_all(&mut *tx)
        .await?;
        let attempts: Vec<SignInAttempt> =
            rows.into_iter().map(|(at, ok, addr)| SignInAttempt { at, succeeded: ok == 1, same_client: addr == client }).collect();
        let (client_failures,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM console_login_attempts WHERE client_addr = $1 AND attempted_at > $2 AND succeeded = 0")
                .bind(client)
                .bind(since)
                .fetch_one(&mut *tx)
                .await?;
        if let Err(refusal) = gate(&attempts, usize::try_from(client_failures).unwrap_or(usize::MAX)) {
            return Ok(Err(refusal));
        }
        let attempt_id = uuid::Uuid::new_v4().simple().to_string();
        sqlx::query(
            "INSERT INTO console_login_attempts (login, succeeded, attempted_at, client_addr, attempt_id) VALUES ($1, 0, $2, $3, $4)",
        )
        .bind(&login)
        .bind(now)
        .bind(client)
        .bind(&attempt_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(attempt_id))
    }

    /// Marks an opened attempt as a success once its password was right.
    pub async fn settle_sign_in_attempt(&self, attempt_id: &str) -> Result<()> {
        self.write_one(sqlx::query("UPDATE console_login_attempts SET succeeded = 1 WHERE attempt_id = $1").bind(attempt_id)).await?;
        Ok(())
    }

    pub async fn record_reveal(&self, partner: &DomainId, actor_login: &str, customer: &DomainId, field: SensitiveField) -> Result<()> {
        self.write_one(
            sqlx::query(
                "INSERT INTO console_reveals (reveal_id, partner_id, actor_login, customer_id, field, revealed_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(uuid::Uuid::new_v4().simple().to_string())
            .bind(partner.as_str())
            .bind(actor_login)
            .bind(customer.as_str())
            .bind(field.as_str())
            .bind(now_millis()),
        )
        .await?;
        Ok(())
    }

    /// The reveal audit of one partner, newest first.
    pub async fn list_reveals(&self, partner: &DomainId, page: Page) -> Result<(Vec<RevealRow>, i64)> {
        let mut sql = Sql::new("");
        let p = sql.text_param(partner.as_str());
        let wh = format!(" FROM console_reveals r JOIN accounts a ON a.domain_id = r.customer_id WHERE r.partner_id = {p}");
        let (rows, total) = sql
            .fetch_page(
                &self.pool,
                "r.actor_login, r.customer_id, a.domain_name, r.field, r.revealed_at",
                &wh,
                "r.revealed_at DESC, r.reveal_id",
                page,
            )
            .await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(RevealRow {
                    actor_login: r.try_get("actor_login")?,
                    customer_id: DomainId::from_trusted(r.try_get("customer_id")?),
                    customer_name: r.try_get("domain_name")?,
                    field: r.try_get("field")?,
                    revealed_at: r.try_get("revealed_at")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((items, total))
    }

    /// A new export task in status `pending`.
    pub async fn create_export(&self, owner: &DomainId, requested_by: &str, kind: ExportKind) -> Result<String> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        self.write_one(sqlx::query(
            "INSERT INTO console_exports (export_id, owner_id, requested_by, kind, status, created_at) VALUES ($1, $2, $3, $4, 'pending', $5)",
        )
        .bind(&id)
        .bind(owner.as_str())
        .bind(requested_by)
        .bind(kind.as_db())
        .bind(now_millis()))
        .await?;
        Ok(id)
    }

    /// Completes a pending task with its file (`content: None` marks it failed).
    pub async fn finish_export(&self, export_id: &str, content: Option<(&str, i64)>) -> Result<()> {
        let (status, text, rows) = match content {
            Some((text, rows)) => ("done", Some(text), rows),
            None => ("failed", None, 0),
        };
        self.write_one(sqlx::query(
            "UPDATE console_exports SET status = $1, content = $2, row_count = $3, finished_at = $4 WHERE export_id = $5 AND status = 'pending'",
        )
        .bind(status)
        .bind(text)
        .bind(rows)
        .bind(now_millis())
        .bind(export_id))
        .await?;
        Ok(())
    }

    pub async fn list_exports(&self, owner: &DomainId, page: Page) -> Result<(Vec<ExportTask>, i64)> {
        let mut sql = Sql::new("");
        let p = sql.text_param(owner.as_str());
        let wh = format!(" FROM console_exports WHERE owner_id = {p}");
        let (rows, total) = sql.fetch_page(&self.pool, EXPORT_COLUMNS, &wh, "created_at DESC, export_id", page).await?;
        Ok((rows.iter().map(export_from_row).collect::<Result<Vec<_>>>()?, total))
    }

    /// The finished file of one of `owner`'s exports.
    pub async fn export_content(&self, owner: &DomainId, export_id: &str) -> Result<Option<(ExportKind, String)>> {
        let row: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT kind, content FROM console_exports WHERE owner_id = $1 AND export_id = $2 AND status = 'done'")
                .bind(owner.as_str())
                .bind(export_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|(k, c)| Some((ExportKind::from_db(&k)?, c?))))
    }

    /// The access keys of an account (or of one of its members when `member` is given).
    pub async fn list_access_keys(&self, domain_id: &DomainId, member: Option<&MemberId>) -> Result<Vec<KeyRow>> {
        let rows: Vec<(String, Option<String>, String, i64)> = sqlx::query_as(
            "SELECT access_key_id, member_id, status, created_at FROM access_keys \
             WHERE domain_id = $1 AND ($2 = '' OR member_id = $2) ORDER BY created_at DESC, access_key_id",
        )
        .bind(domain_id.as_str())
        .bind(member.map_or("", MemberId::as_str))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(access_key_id, member_id, status, created_at)| KeyRow {
                access_key_id,
                member_id: member_id.map(MemberId::from_trusted),
                status,
                created_at,
            })
            .collect())
    }

    /// Disables one of the account's keys; false when it has no such active key.
    pub async fn disable_access_key(&self, domain_id: &DomainId, access_key_id: &str) -> Result<bool> {
        let n = self
            .write_one(
                sqlx::query("UPDATE access_keys SET status = 'disabled' WHERE domain_id = $1 AND access_key_id = $2 AND status = 'active'")
                    .bind(domain_id.as_str())
                    .bind(access_key_id),
            )
            .await?
            .rows_affected();
        Ok(n == 1)
    }

    /// Every partner with its cash balance (operator view).
    pub async fn list_partners(&self, page: Page) -> Result<(Vec<PartnerRow>, i64)> {
        let sql = Sql::new("");
        let wh = " FROM accounts a LEFT JOIN fund_accounts f ON f.owner_id = a.domain_id WHERE a.kind = 'partner'";
        let (rows, total) = sql
            .fetch_page(
                &self.pool,
                "a.domain_id, a.domain_name, a.display_name, a.kind, a.partner_kind, a.parent_id, COALESCE(f.balance_fen, 0) AS balance_fen",
                wh,
                "a.created_at, a.domain_id",
                page,
            )
            .await?;
        let items = rows
            .iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                let pk: Option<String> = r.try_get("partner_kind")?;
                Ok(PartnerRow {
                    domain_id: DomainId::from_trusted(r.try_get("domain_id")?),
                    domain_name: r.try_get("domain_name")?,
                    display_name: r.try_get("display_name")?,
                    kind: AccountKind::from_db(&kind, pk.as_deref())
                        .ok_or_else(|| crate::StorageError::Corrupt(format!("account kind {kind}")))?,
                    parent_id: r.try_get::<Option<String>, _>("parent_id")?.map(DomainId::from_trusted),
                    balance_fen: r.try_get("balance_fen")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((items, total))
    }

    /// Money `partner` moved to its customers and tier-2s since `since`: `(at, fen)` per
    /// allocation.
    pub async fn allocations_since(&self, partner: &DomainId, since: EpochMillis) -> Result<Vec<(EpochMillis, i64)>> {
        Ok(sqlx::query_as(
            "SELECT created_at, amount_fen FROM fund_transfers WHERE actor_id = $1 AND kind = 'BEADJUST' AND created_at >= $2",
        )
        .bind(partner.as_str())
        .bind(since)
        .fetch_all(&self.pool)
        .await?)
    }

    /// What `partner`'s customers spent since `since`: `(at, fen)` per spend, from coupons the
    /// partner issued and from their cash accounts (any debit that is not a reclaim).
    pub async fn customer_spend_since(&self, partner: &DomainId, since: EpochMillis) -> Result<Vec<(EpochMillis, i64)>> {
        let mut out: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT created_at, amount_fen FROM coupon_records WHERE issuer_id = $1 AND kind = $2 AND created_at >= $3 AND amount_fen > 0",
        )
        .bind(partner.as_str())
        .bind(pc_domain::coupons::coupon_record::SPEND)
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        let cash: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT j.created_at, -j.delta_fen FROM journal_entries j \
             JOIN fund_accounts f ON f.account_id = j.account_id \
             JOIN associations s ON s.customer_id = f.owner_id \
             JOIN fund_transfers t ON t.transfer_id = j.transfer_id \
             WHERE s.partner_id = $1 AND j.delta_fen < 0 AND t.kind <> 'BERETRIEVE' AND j.created_at >= $2",
        )
        .bind(partner.as_str())
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        out.extend(cash);
        Ok(out)
    }

    /// How many customers are associated with `partner`.
    pub async fn count_customers(&self, partner: &DomainId) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM associations WHERE partner_id = $1")
            .bind(partner.as_str())
            .fetch_one(&self.pool)
            .await?)
    }
}
