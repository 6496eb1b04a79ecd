//! Accounts, customer associations and tier-2 resellers. Partner-facing reads are always
//! scoped: they read only customers associated with the owner the caller may act for.

use crate::db::Db;
use crate::error::{Result, StorageError};
use crate::scope::restrict;
use crate::sql::Sql;
use pc_domain::customer::{IdentityQuery, NewCustomer, MAX_CUSTOMERS_PER_MOBILE};
use pc_domain::query::{now_millis, EpochMillis, Page};
use pc_domain::tenancy::{AccountKind, AssociationType, TenantScope};
use pc_domain::{DomainError, DomainId, DomainName, ErrorCode};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use sqlx::Row;

/// A stored account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub domain_id: DomainId,
    pub domain_name: String,
    pub kind: AccountKind,
    pub parent_id: Option<DomainId>,
    pub display_name: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub created_at: EpochMillis,
}

/// What the operator (or the demo seed) gives to create an account directly.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub domain_name: DomainName,
    pub kind: AccountKind,
    /// The tier-1 parent of a tier-2 reseller.
    pub parent_id: Option<DomainId>,
    pub display_name: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
}

/// Filters of list_sub_customers; `None` never filters.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    pub account_name: Option<String>,
    pub customer: Option<String>,
    pub label: Option<String>,
    pub association_type: Option<AssociationType>,
    pub associated_from: Option<EpochMillis>,
    pub associated_to: Option<EpochMillis>,
    pub customer_id: Option<DomainId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerItem {
    pub customer_id: DomainId,
    pub domain_name: String,
    pub display_name: String,
    pub associated_on: EpochMillis,
    pub association_type: AssociationType,
    pub label: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub verified_status: i64,
    pub customer_type: i64,
    pub xaccount_id: Option<String>,
    pub xaccount_type: Option<String>,
    /// Login names of the members managing this customer.
    pub managers: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ResellerFilter {
    pub account_name: Option<String>,
    pub associated_from: Option<EpochMillis>,
    pub associated_to: Option<EpochMillis>,
    pub reseller_id: Option<DomainId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResellerItem {
    pub reseller_id: DomainId,
    pub domain_name: String,
    pub display_name: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub associated_on: EpochMillis,
}

const ACCOUNT_COLUMNS: &str = "domain_id, domain_name, kind, partner_kind, parent_id, display_name, email, mobile, created_at";

fn account_from_row(row: &AnyRow) -> Result<Account> {
    let kind: String = row.try_get("kind")?;
    let partner_kind: Option<String> = row.try_get("partner_kind")?;
    let kind = AccountKind::from_db(&kind, partner_kind.as_deref())
        .ok_or_else(|| StorageError::Corrupt(format!("account kind {kind}/{partner_kind:?}")))?;
    Ok(Account {
        domain_id: DomainId::from_trusted(row.try_get("domain_id")?),
        domain_name: row.try_get("domain_name")?,
        kind,
        parent_id: row.try_get::<Option<String>, _>("parent_id")?.map(DomainId::from_trusted),
        display_name: row.try_get("display_name")?,
        email: row.try_get("email")?,
        mobile: row.try_get("mobile")?,
        created_at: row.try_get("created_at")?,
    })
}

fn customer_from_row(row: &AnyRow) -> Result<CustomerItem> {
    let code: i64 = row.try_get("association_type")?;
    Ok(CustomerItem {
        customer_id: DomainId::from_trusted(row.try_get("domain_id")?),
        domain_name: row.try_get("domain_name")?,
        display_name: row.try_get("display_name")?,
        associated_on: row.try_get("associated_on")?,
        association_type: i32::try_from(code)
            .ok()
            .and_then(AssociationType::from_code)
            .ok_or_else(|| StorageError::Corrupt(format!("association_type {code}")))?,
        label: row.try_get("label")?,
        mobile: row.try_get("mobile")?,
        email: row.try_get("email")?,
        verified_status: row.try_get("verified_status")?,
        customer_type: row.try_get("customer_type")?,
        xaccount_id: row.try_get("xaccount_id")?,
        xaccount_type: row.try_get("xaccount_type")?,
        managers: Vec::new(),
    })
}

impl Db {
    /// Creates an account of any kind (operator action and demo seed).
    pub async fn create_account(&self, new: &NewAccount) -> Result<Account> {
        let mut tx = self.begin_write().await?;
        ensure_login_name_free(&mut tx, new.domain_name.as_str()).await?;
        let (kind, partner_kind) = new.kind.as_db();
        let id = DomainId::generate();
        let now = now_millis();
        sqlx::query(
            "INSERT INTO accounts (domain_id, domain_name, kind, partner_kind, parent_id, parent_associated_on, \
             display_name, email, mobile, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id.as_str())
        .bind(new.domain_name.as_str())
        .bind(kind)
        .bind(partner_kind)
        .bind(new.parent_id.as_ref().map(|p| p.as_str().to_owned()))
        .bind(new.parent_id.as_ref().map(|_| now))
        .bind(new.display_name.as_str())
        .bind(new.email.as_deref())
        .bind(new.mobile.as_deref())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(unique_violation_as(ErrorCode::LoginNameTaken))?;
        if new.kind != AccountKind::Operator {
            crate::funds::ensure_cash_account(&mut tx, &id, now).await?;
        }
        tx.commit().await?;
        self.find_account(&id).await?.ok_or_else(|| StorageError::Corrupt("account vanished after insert".into()))
    }

    /// Looks an account up by id. Used at the authentication boundary and by operator tools;
    /// partner-facing reads go through the scoped queries below.
    pub async fn find_account(&self, id: &DomainId) -> Result<Option<Account>> {
        let row = sqlx::query(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE domain_id = $1"))
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    pub async fn find_account_by_name(&self, name: &str) -> Result<Option<Account>> {
        let row = sqlx::query(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE lower(domain_name) = lower($1)"))
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    /// The oldest operator account, the default actor of CLI top-ups.
    pub async fn first_operator(&self) -> Result<Option<DomainId>> {
        let id: Option<String> = sqlx::query_scalar(
            "SELECT domain_id FROM accounts WHERE kind = 'operator' AND domain_id <> $1 ORDER BY created_at, domain_id LIMIT 1",
        )
        .bind(pc_domain::orders::PLATFORM_REVENUE_ID)
        .fetch_optional(&self.pool)
        .await?;
        Ok(id.map(DomainId::from_trusted))
    }

    /// Accounts people created (the platform's revenue account does not count).
    pub async fn count_accounts(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE domain_id <> $1")
            .bind(pc_domain::orders::PLATFORM_REVENUE_ID)
            .fetch_one(&self.pool)
            .await?)
    }

    /// The tier-1 parent of `reseller_id` if it is a tier-2 reseller, else `None`.
    pub async fn reseller_parent(&self, reseller_id: &DomainId) -> Result<Option<DomainId>> {
        let parent: Option<Option<String>> =
            sqlx::query_scalar("SELECT parent_id FROM accounts WHERE domain_id = $1 AND kind = 'partner' AND partner_kind = 'reseller'")
                .bind(reseller_id.as_str())
                .fetch_optional(&self.pool)
                .await?;
        Ok(parent.flatten().map(DomainId::from_trusted))
    }

    /// Creates a customer account and associates it with `partner_id`, atomically. The
    /// password hash, when given, becomes the customer's console login.
    pub async fn create_customer(&self, partner_id: &DomainId, new: &NewCustomer, password_hash: Option<&str>) -> Result<DomainId> {
        let mut tx = self.begin_write().await?;
        ensure_login_name_free(&mut tx, new.domain_name.as_str()).await?;
        let xaccount_uses: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE xaccount_type = $1 AND xaccount_id = $2")
            .bind(&new.xaccount.xaccount_type)
            .bind(&new.xaccount.xaccount_id)
            .fetch_one(&mut *tx)
            .await?;
        if xaccount_uses > 0 {
            return Err(DomainError::of(ErrorCode::XaccountTaken).into());
        }
        if let Some(mobile) = &new.mobile {
            if count_mobile(&mut tx, mobile.as_str()).await? >= MAX_CUSTOMERS_PER_MOBILE {
                return Err(DomainError::of(ErrorCode::MobileLimitReached).into());
            }
        }
        let id = DomainId::generate();
        let now = now_millis();
        sqlx::query(
            "INSERT INTO accounts (domain_id, domain_name, kind, display_name, mobile, xaccount_type, xaccount_id, \
             marketing_messages_off, created_at) VALUES ($1, $2, 'customer', '', $3, $4, $5, $6, $7)",
        )
        .bind(id.as_str())
        .bind(new.domain_name.as_str())
        .bind(new.mobile.as_ref().map(|m| m.as_str().to_owned()))
        .bind(&new.xaccount.xaccount_type)
        .bind(&new.xaccount.xaccount_id)
        .bind(i64::from(new.marketing_messages_off))
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(unique_violation_as(ErrorCode::LoginNameTaken))?;
        insert_association(&mut tx, &id, partner_id, new.association, now).await?;
        crate::funds::ensure_cash_account(&mut tx, &id, now).await?;
        if let Some(hash) = password_hash {
            insert_login(&mut tx, new.domain_name.as_str(), &id, None, hash, now).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Associates an existing customer account with a partner (operator action and seed).
    pub async fn associate_customer(&self, customer_id: &DomainId, partner_id: &DomainId, kind: AssociationType) -> Result<()> {
        let mut tx = self.begin_write().await?;
        insert_association(&mut tx, customer_id, partner_id, kind, now_millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// How many accounts already use this e-mail, mobile or login name.
    pub async fn count_identity_uses(&self, query: &IdentityQuery) -> Result<i64> {
        let mut conn = self.pool.acquire().await?;
        Ok(match query {
            IdentityQuery::Email(e) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE lower(email) = lower($1)").bind(e).fetch_one(&mut *conn).await?
            }
            IdentityQuery::Mobile(m) => count_mobile(&mut conn, m.as_str()).await?,
            IdentityQuery::Name(n) => login_name_uses(&mut conn, n).await?,
        })
    }

    /// Customers in `scope` (associated with its partner, narrowed to a member's managed
    /// ones) matching `filter`: one page of them and the total count of matches.
    pub async fn list_customers(&self, scope: &TenantScope, filter: &CustomerFilter, page: Page) -> Result<(Vec<CustomerItem>, i64)> {
        let b = self.backend;
        let mut sql = Sql::new("");
        let mut wh = " FROM associations s JOIN accounts a ON a.domain_id = s.customer_id WHERE 1 = 1".to_owned();
        wh += &restrict(&mut sql, scope, "s.partner_id", "a.domain_id");
        if let Some(v) = &filter.account_name {
            let p = sql.text_param(v);
            wh += &format!(" AND {}", b.contains_ignore_case("a.domain_name", &p));
        }
        if let Some(v) = &filter.customer {
            let p = sql.text_param(v);
            wh += &format!(" AND {}", b.contains_ignore_case("a.display_name", &p));
        }
        if let Some(v) = &filter.label {
            let p = sql.text_param(v);
            wh += &format!(" AND {}", b.contains("COALESCE(a.label, '')", &p));
        }
        if let Some(t) = filter.association_type {
            let p = sql.int_param(i64::from(t.code()));
            wh += &format!(" AND s.association_type = {p}");
        }
        if let Some(t) = filter.associated_from {
            let p = sql.int_param(t);
            wh += &format!(" AND s.associated_on >= {p}");
        }
        if let Some(t) = filter.associated_to {
            let p = sql.int_param(t);
            wh += &format!(" AND s.associated_on <= {p}");
        }
        if let Some(id) = &filter.customer_id {
            let p = sql.text_param(id.as_str());
            wh += &format!(" AND a.domain_id = {p}");
        }
        let (rows, total) = sql.fetch_page(&self.pool, "a.domain_id, a.domain_name, a.display_name, a.label, a.mobile, a.email, a.verified_status, a.customer_type, a.xaccount_id, a.xaccount_type, s.associated_on, s.association_type", &wh, "s.associated_on DESC, a.domain_id", page).await?;
        let mut items = rows.iter().map(customer_from_row).collect::<Result<Vec<_>>>()?;
        for item in &mut items {
            item.managers = self.customer_managers(&item.customer_id).await?;
        }
        Ok((items, total))
    }

    async fn customer_managers(&self, customer_id: &DomainId) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT m.login_name FROM customer_managers cm JOIN members m ON m.member_id = cm.member_id \
             WHERE cm.customer_id = $1 ORDER BY m.login_name",
        )
        .bind(customer_id.as_str())
        .fetch_all(&self.pool)
        .await?)
    }

    /// The tier-2 resellers of `distributor`: one page and the total count.
    pub async fn list_resellers(&self, distributor: &DomainId, filter: &ResellerFilter, page: Page) -> Result<(Vec<ResellerItem>, i64)> {
        let mut sql = Sql::new("");
        let p = sql.text_param(distributor.as_str());
        let mut wh = format!(" FROM accounts a WHERE a.partner_kind = 'reseller' AND a.parent_id = {p}");
        if let Some(v) = &filter.account_name {
            let p = sql.text_param(v);
            wh += &format!(" AND {}", self.backend.contains_ignore_case("a.domain_name", &p));
        }
        if let Some(t) = filter.associated_from {
            let p = sql.int_param(t);
            wh += &format!(" AND a.parent_associated_on >= {p}");
        }
        if let Some(t) = filter.associated_to {
            let p = sql.int_param(t);
            wh += &format!(" AND a.parent_associated_on <= {p}");
        }
        if let Some(id) = &filter.reseller_id {
            let p = sql.text_param(id.as_str());
            wh += &format!(" AND a.domain_id = {p}");
        }
        let (rows, total) = sql
            .fetch_page(
                &self.pool,
                "a.domain_id, a.domain_name, a.display_name, a.email, a.mobile, a.parent_associated_on",
                &wh,
                "a.parent_associated_on DESC, a.domain_id",
                page,
            )
            .await?;
        let items = rows
            .iter()
            .map(|row| {
                Ok(ResellerItem {
                    reseller_id: DomainId::from_trusted(row.try_get("domain_id")?),
                    domain_name: row.try_get("domain_name")?,
                    display_name: row.try_get("display_name")?,
                    email: row.try_get("email")?,
                    mobile: row.try_get("mobile")?,
                    associated_on: row.try_get("parent_associated_on")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((items, total))
    }
}

/// Login names are shared by accounts and console logins; both must be free.
async fn login_name_uses(conn: &mut AnyConnection, name: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM accounts WHERE lower(domain_name) = lower($1)) \
         + (SELECT COUNT(*) FROM console_logins WHERE lower(login) = lower($1))",
    )
    .bind(name)
    .fetch_one(conn)
    .await?)
}

pub(crate) async fn ensure_login_name_free(conn: &mut AnyConnection, name: &str) -> Result<()> {
    if login_name_uses(conn, name).await? > 0 {
        return Err(DomainError::new(ErrorCode::LoginNameTaken, format!("The login name '{name}' already exists.")).into());
    }
    Ok(())
}

async fn count_mobile(conn: &mut AnyConnection, mobile: &str) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE mobile = $1").bind(mobile).fetch_one(conn).await?)
}

async fn insert_association(
    conn: &mut AnyConnection,
    customer_id: &DomainId,
    partner_id: &DomainId,
    kind: AssociationType,
    at: EpochMillis,
) -> Result<()> {
    sqlx::query("INSERT INTO associations (customer_id, partner_id, association_type, associated_on) VALUES ($1, $2, $3, $4)")
        .bind(customer_id.as_str())
        .bind(partner_id.as_str())
        .bind(i64::from(kind.code()))
        .bind(at)
        .execute(conn)
        .await
        .map_err(unique_violation_as_msg(
            ErrorCode::InvalidParameter,
            "The customer is already associated with a partner; it must disassociate first.",
        ))?;
    Ok(())
}

pub(crate) async fn insert_login(
    conn: &mut AnyConnection,
    login: &str,
    domain_id: &DomainId,
    member_id: Option<&str>,
    password_hash: &str,
    at: EpochMillis,
) -> Result<()> {
    sqlx::query("INSERT INTO console_logins (login, domain_id, member_id, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(login)
        .bind(domain_id.as_str())
        .bind(member_id)
        .bind(password_hash)
        .bind(at)
        .execute(conn)
        .await
        .map_err(unique_violation_as(ErrorCode::LoginNameTaken))?;
    Ok(())
}

/// Maps a unique-constraint violation (a concurrent request won the race after our checks)
/// to the rule it enforces.
pub(crate) fn unique_violation_as(code: ErrorCode) -> impl Fn(sqlx::Error) -> StorageError {
    unique_violation_as_msg(code, code.default_message())
}

pub(crate) fn unique_violation_as_msg(code: ErrorCode, msg: &'static str) -> impl Fn(sqlx::Error) -> StorageError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => DomainError::new(code, msg).into(),
        _ => e.into(),
    }
}
