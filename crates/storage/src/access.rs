//! Members of partner companies, their roles, access keys and console logins.

use crate::accounts::{ensure_login_name_free, insert_login, unique_violation_as};
use crate::db::Db;
use crate::error::{Result, StorageError};
use pc_domain::query::now_millis;
use pc_domain::tenancy::{MemberIdentity, Role};
use pc_domain::{DomainError, DomainId, ErrorCode, MemberId};
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
pub struct NewMember {
    pub login_name: String,
    pub display_name: String,
    pub email: Option<String>,
    pub roles: BTreeSet<Role>,
}

/// A stored access key; the secret stays sealed until the verifier opens it.
#[derive(Debug, Clone)]
pub struct StoredKey {
    pub access_key_id: String,
    pub domain_id: DomainId,
    pub member_id: Option<MemberId>,
    pub secret_sealed: String,
}

impl Db {
    /// Adds a member with its roles to `partner_id`.
    pub async fn create_member(&self, partner_id: &DomainId, new: &NewMember) -> Result<String> {
        let mut tx = self.begin_write().await?;
        ensure_login_name_free(&mut tx, &new.login_name).await?;
        let member_id = uuid::Uuid::new_v4().simple().to_string();
        sqlx::query(
            "INSERT INTO members (member_id, partner_id, login_name, display_name, email, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'active', $6)",
        )
        .bind(&member_id)
        .bind(partner_id.as_str())
        .bind(&new.login_name)
        .bind(&new.display_name)
        .bind(new.email.as_deref())
        .bind(now_millis())
        .execute(&mut *tx)
        .await
        .map_err(unique_violation_as(ErrorCode::LoginNameTaken))?;
        for role in &new.roles {
            sqlx::query("INSERT INTO member_roles (member_id, role) VALUES ($1, $2)")
                .bind(&member_id)
                .bind(role.as_db())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(member_id)
    }

    /// The active member `member_id` of `partner_id`, with its roles.
    pub async fn member_identity(&self, partner_id: &DomainId, member_id: &str) -> Result<Option<MemberIdentity>> {
        let found: Option<String> =
            sqlx::query_scalar("SELECT member_id FROM members WHERE member_id = $1 AND partner_id = $2 AND status = 'active'")
                .bind(member_id)
                .bind(partner_id.as_str())
                .fetch_optional(&self.pool)
                .await?;
        let Some(member_id) = found else { return Ok(None) };
        let names: Vec<String> =
            sqlx::query_scalar("SELECT role FROM member_roles WHERE member_id = $1").bind(&member_id).fetch_all(&self.pool).await?;
        let roles = names
            .iter()
            .map(|n| Role::from_db(n).ok_or_else(|| StorageError::Corrupt(format!("role {n}"))))
            .collect::<Result<BTreeSet<_>>>()?;
        Ok(Some(MemberIdentity { member_id: MemberId::from_trusted(member_id), roles }))
    }

    /// Assigns a member of the customer's partner as one of its customer managers.
    pub async fn assign_customer_manager(&self, partner_id: &DomainId, customer_id: &DomainId, member_id: &str) -> Result<()> {
        let ok: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM associations s JOIN members m ON m.partner_id = s.partner_id \
             WHERE s.customer_id = $1 AND s.partner_id = $2 AND m.member_id = $3",
        )
        .bind(customer_id.as_str())
        .bind(partner_id.as_str())
        .bind(member_id)
        .fetch_one(&self.pool)
        .await?;
        if ok == 0 {
            return Err(DomainError::invalid("The customer and the member must both belong to this partner.").into());
        }
        self.write_one(
            sqlx::query("INSERT INTO customer_managers (customer_id, member_id) VALUES ($1, $2)")
                .bind(customer_id.as_str())
                .bind(member_id),
        )
        .await
        .map_err(|e| match e {
            StorageError::Database(e) => unique_violation_as(ErrorCode::InvalidParameter)(e),
            other => other,
        })?;
        Ok(())
    }

    pub async fn insert_access_key(&self, key: &StoredKey) -> Result<()> {
        self.write_one(
            sqlx::query(
                "INSERT INTO access_keys (access_key_id, domain_id, member_id, secret_sealed, status, created_at) \
             VALUES ($1, $2, $3, $4, 'active', $5)",
            )
            .bind(&key.access_key_id)
            .bind(key.domain_id.as_str())
            .bind(key.member_id.as_deref())
            .bind(&key.secret_sealed)
            .bind(now_millis()),
        )
        .await?;
        Ok(())
    }

    /// An active access key by its id.
    pub async fn find_access_key(&self, access_key_id: &str) -> Result<Option<StoredKey>> {
        let row: Option<(String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT access_key_id, domain_id, member_id, secret_sealed FROM access_keys \
             WHERE access_key_id = $1 AND status = 'active'",
        )
        .bind(access_key_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(access_key_id, domain_id, member_id, secret_sealed)| StoredKey {
            access_key_id,
            domain_id: DomainId::from_trusted(domain_id),
            member_id: member_id.map(MemberId::from_trusted),
            secret_sealed,
        }))
    }

    /// A console login for an account (or one of its members).
    pub async fn create_login(&self, login: &str, domain_id: &DomainId, member_id: Option<&str>, password_hash: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        insert_login(&mut tx, login, domain_id, member_id, password_hash, now_millis()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// (domain_id, member_id, password_hash) of a console login.
    pub async fn find_login(&self, login: &str) -> Result<Option<(DomainId, Option<MemberId>, String)>> {
        let row: Option<(String, Option<String>, String)> =
            sqlx::query_as("SELECT domain_id, member_id, password_hash FROM console_logins WHERE lower(login) = lower($1)")
                .bind(login)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(d, m, h)| (DomainId::from_trusted(d), m.map(MemberId::from_trusted), h)))
    }
}
