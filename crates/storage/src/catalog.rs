//! Price-book versions (effective-dated) and partner-granted customer discounts.

use crate::db::Db;
use crate::error::{Result, StorageError};
use pc_domain::catalog::PriceBook;
use pc_domain::pricing::{CustomerDiscount, DiscountFloor};
use pc_domain::query::EpochMillis;
use pc_domain::{DomainError, DomainId, ErrorCode};
use rust_decimal::Decimal;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Parsed versions by `book_id`. A version in effect is never rewritten, so an entry never goes
/// stale; a future version that is replaced gets a new id.
#[derive(Debug, Clone, Default)]
pub(crate) struct PriceBookCache(Arc<Mutex<HashMap<String, Arc<PriceBook>>>>);

impl PriceBookCache {
    fn get(&self, id: &str) -> Option<Arc<PriceBook>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(id).cloned()
    }

    fn put(&self, id: &str, book: Arc<PriceBook>) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(id.to_owned(), book);
    }
}

/// One loaded price-book version, without its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceBookVersion {
    pub book_id: String,
    pub version: String,
    pub effective_from: EpochMillis,
    pub loaded_by: String,
    pub loaded_at: EpochMillis,
}

/// What loading a price book did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PriceBookLoad {
    Loaded(PriceBookVersion),
    /// The same version with the same content was already loaded: nothing changed.
    Unchanged(PriceBookVersion),
    /// A version not yet in effect was replaced by new content.
    Replaced(PriceBookVersion),
}

impl PriceBookLoad {
    pub fn version(&self) -> &PriceBookVersion {
        match self {
            PriceBookLoad::Loaded(v) | PriceBookLoad::Unchanged(v) | PriceBookLoad::Replaced(v) => v,
        }
    }
}

/// A discount as granted and listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscountGrant {
    pub partner_id: DomainId,
    pub customer_id: DomainId,
    pub discount: CustomerDiscount,
    pub created_at: EpochMillis,
}

const VERSION_COLUMNS: &str = "book_id, version, effective_from, loaded_by, loaded_at";
const DISCOUNT_COLUMNS: &str = "discount_id, partner_id, customer_id, name, rate_bp, service_types, created_at";

fn version_row(r: &AnyRow) -> Result<PriceBookVersion> {
    Ok(PriceBookVersion {
        book_id: r.try_get("book_id")?,
        version: r.try_get("version")?,
        effective_from: r.try_get("effective_from")?,
        loaded_by: r.try_get("loaded_by")?,
        loaded_at: r.try_get("loaded_at")?,
    })
}

fn discount_row(r: &AnyRow) -> Result<DiscountGrant> {
    let id = |c: &str| -> Result<DomainId> {
        let s: String = r.try_get(c)?;
        DomainId::parse(&s).map_err(|_| StorageError::Corrupt(format!("customer_discounts.{c} '{s}'")))
    };
    let services: String = r.try_get("service_types")?;
    Ok(DiscountGrant {
        partner_id: id("partner_id")?,
        customer_id: id("customer_id")?,
        discount: CustomerDiscount {
            discount_id: r.try_get("discount_id")?,
            name: r.try_get("name")?,
            rate: Decimal::new(r.try_get("rate_bp")?, 4).normalize(),
            service_types: services.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        },
        created_at: r.try_get("created_at")?,
    })
}

/// A rate as stored: ten-thousandths.
fn rate_bp(rate: Decimal) -> Result<i64> {
    let bp = rate * Decimal::from(10_000);
    if bp.fract() != Decimal::ZERO {
        return Err(DomainError::invalid("discount rate has more than 4 decimal places.").into());
    }
    i64::try_from(bp).map_err(|_| DomainError::invalid("discount rate is out of range.").into())
}

async fn floors_in(conn: &mut sqlx::AnyConnection, partner: &DomainId) -> Result<Vec<DiscountFloor>> {
    let rows = sqlx::query("SELECT service_type, min_rate_bp FROM discount_floors WHERE partner_id = $1 ORDER BY service_type")
        .bind(partner.as_str())
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            let service_type: String = r.try_get("service_type")?;
            Ok(DiscountFloor {
                service_type: (service_type != "*").then_some(service_type),
                min_rate: Decimal::new(r.try_get("min_rate_bp")?, 4).normalize(),
            })
        })
        .collect()
}

impl Db {
    /// Loads a price-book version. Loading the same version again with the same content
    /// changes nothing; new content for a version is accepted only while that version is not
    /// yet in effect (prices in effect are never rewritten: load a new version instead).
    pub async fn load_price_book(&self, book: &PriceBook, loaded_by: &str) -> Result<PriceBookLoad> {
        let body = book.to_json()?;
        let effective_from = book.effective_from.timestamp_millis();
        let now = self.now().await?;
        let mut tx = self.begin_write().await?;
        let existing = sqlx::query(&format!("SELECT {VERSION_COLUMNS}, body FROM price_books WHERE version = $1"))
            .bind(book.version())
            .fetch_optional(&mut *tx)
            .await?;
        let mut replaced = false;
        if let Some(row) = existing {
            let old = version_row(&row)?;
            let old_body: String = row.try_get("body")?;
            if old_body == body {
                return Ok(PriceBookLoad::Unchanged(old));
            }
            if old.effective_from <= now {
                return Err(DomainError::invalid(format!(
                    "Price book version {} is already in effect and cannot be changed; load it under a new version.",
                    old.version
                ))
                .into());
            }
            sqlx::query("DELETE FROM price_books WHERE book_id = $1").bind(&old.book_id).execute(&mut *tx).await?;
            replaced = true;
        }
        if effective_from <= now && self.has_version_after(&mut tx, effective_from).await? {
            return Err(
                DomainError::invalid("A later price-book version is already in effect; a new version must take effect after it.").into()
            );
        }
        let v = PriceBookVersion {
            book_id: uuid::Uuid::new_v4().simple().to_string(),
            version: book.version().to_owned(),
            effective_from,
            loaded_by: loaded_by.to_owned(),
            loaded_at: now,
        };
        sqlx::query(
            "INSERT INTO price_books (book_id, version, effective_from, body, loaded_by, loaded_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&v.book_id)
        .bind(&v.version)
        .bind(v.effective_from)
        .bind(&body)
        .bind(&v.loaded_by)
        .bind(v.loaded_at)
        .execute(&mut *tx)
        .await
        .map_err(crate::accounts::unique_violation_as_msg(
            ErrorCode::InvalidParameter,
            "Another price-book version takes effect at the same instant.",
        ))?;
        tx.commit().await?;
        Ok(if replaced { PriceBookLoad::Replaced(v) } else { PriceBookLoad::Loaded(v) })
    }

    /// Whether a version already in effect started after `at`: a version dated before it
    /// would silently reprice the past.
    async fn has_version_after(&self, conn: &mut sqlx::AnyConnection, at: EpochMillis) -> Result<bool> {
        let now = crate::clock::business_now(&mut *conn).await?;
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM price_books WHERE effective_from > $1 AND effective_from <= $2")
            .bind(at)
            .bind(now)
            .fetch_one(conn)
            .await?;
        Ok(n > 0)
    }

    /// Every loaded version, newest effective first.
    pub async fn price_book_versions(&self) -> Result<Vec<PriceBookVersion>> {
        let rows =
            sqlx::query(&format!("SELECT {VERSION_COLUMNS} FROM price_books ORDER BY effective_from DESC")).fetch_all(&self.pool).await?;
        rows.iter().map(version_row).collect()
    }

    /// The price book in effect at `at` (epoch ms): the version with the latest
    /// `effective_from` not after it. Refused with CBC.99007004 when none is.
    pub async fn price_book_at(&self, at: EpochMillis) -> Result<Arc<PriceBook>> {
        let id: Option<String> =
            sqlx::query_scalar("SELECT book_id FROM price_books WHERE effective_from <= $1 ORDER BY effective_from DESC LIMIT 1")
                .bind(at)
                .fetch_optional(&self.pool)
                .await?;
        let Some(id) = id else {
            return Err(DomainError::new(
                ErrorCode::BusinessCheckFailed,
                "No price book is in effect at this time; the operator must load one.",
            )
            .into());
        };
        if let Some(book) = self.price_books.get(&id) {
            return Ok(book);
        }
        let body: String = sqlx::query_scalar("SELECT body FROM price_books WHERE book_id = $1").bind(&id).fetch_one(&self.pool).await?;
        let book = Arc::new(PriceBook::parse(&body).map_err(|e| StorageError::Corrupt(format!("price book {id}: {e}")))?);
        self.price_books.put(&id, book.clone());
        Ok(book)
    }

    /// Grants `customer` a discount from `partner`. The caller has checked the customer is
    /// the partner's.
    pub async fn grant_customer_discount(
        &self,
        partner: &DomainId,
        customer: &DomainId,
        name: &str,
        rate: Decimal,
        service_types: &[String],
    ) -> Result<DiscountGrant> {
        let grant = DiscountGrant {
            partner_id: partner.clone(),
            customer_id: customer.clone(),
            discount: CustomerDiscount {
                discount_id: uuid::Uuid::new_v4().simple().to_string(),
                name: name.to_owned(),
                rate,
                service_types: service_types.to_vec(),
            },
            created_at: self.now().await?,
        };
        // The floor is read and the grant written in one transaction, so a grant never
        // slips in under a floor the operator has just raised (docs/DOMAIN.md#R-PRICE-12).
        let mut tx = self.begin_write().await?;
        let floors = floors_in(&mut tx, partner).await?;
        pc_domain::pricing::check_discount_floor(rate, service_types, &floors)?;
        sqlx::query(
            "INSERT INTO customer_discounts (discount_id, partner_id, customer_id, name, rate_bp, service_types, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&grant.discount.discount_id)
        .bind(partner.as_str())
        .bind(customer.as_str())
        .bind(name)
        .bind(rate_bp(rate)?)
        .bind(service_types.join(","))
        .bind(grant.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(grant)
    }

    /// The discount floors the operator set for `partner` (none: the product's floor).
    pub async fn discount_floors(&self, partner: &DomainId) -> Result<Vec<DiscountFloor>> {
        let mut conn = self.pool.acquire().await?;
        floors_in(&mut conn, partner).await
    }

    /// The operator sets `partner`'s floor for one service type, or (`None`) for every
    /// service type without its own.
    pub async fn set_discount_floor(
        &self,
        partner: &DomainId,
        service_type: Option<&str>,
        min_rate: Decimal,
        set_by: &DomainId,
        now: EpochMillis,
    ) -> Result<()> {
        self.write_one(
            sqlx::query(
                "INSERT INTO discount_floors (partner_id, service_type, min_rate_bp, set_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (partner_id, service_type) DO UPDATE SET min_rate_bp = excluded.min_rate_bp, set_by = excluded.set_by, \
                 updated_at = excluded.updated_at",
            )
            .bind(partner.as_str())
            .bind(service_type.unwrap_or("*"))
            .bind(rate_bp(min_rate)?)
            .bind(set_by.as_str())
            .bind(now),
        )
        .await?;
        Ok(())
    }

    /// Revokes one of `partner`'s discounts; false when it has none by that id (or it is
    /// already revoked).
    pub async fn revoke_customer_discount(&self, partner: &DomainId, discount_id: &str) -> Result<bool> {
        let now = self.now().await?;
        let n = self
            .write_one(
                sqlx::query(
                    "UPDATE customer_discounts SET revoked_at = $1 WHERE discount_id = $2 AND partner_id = $3 AND revoked_at IS NULL",
                )
                .bind(now)
                .bind(discount_id)
                .bind(partner.as_str()),
            )
            .await?
            .rows_affected();
        Ok(n == 1)
    }

    /// `partner`'s active grants, for one customer or all, oldest first.
    pub async fn list_customer_discounts(&self, partner: &DomainId, customer: Option<&DomainId>) -> Result<Vec<DiscountGrant>> {
        let rows = sqlx::query(&format!(
            "SELECT {DISCOUNT_COLUMNS} FROM customer_discounts WHERE partner_id = $1 AND revoked_at IS NULL \
             AND ($2 = '' OR customer_id = $2) ORDER BY created_at, discount_id"
        ))
        .bind(partner.as_str())
        .bind(customer.map_or("", |c| c.as_str()))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(discount_row).collect()
    }

    /// The discounts pricing applies for `customer`: active grants from its current partner
    /// only (a discount from a former partner lapses with the association), oldest first.
    pub async fn customer_discounts(&self, customer: &DomainId) -> Result<Vec<CustomerDiscount>> {
        let rows = sqlx::query(&format!(
            "SELECT {DISCOUNT_COLUMNS} FROM customer_discounts d WHERE customer_id = $1 AND revoked_at IS NULL \
             AND EXISTS (SELECT 1 FROM associations a WHERE a.customer_id = d.customer_id AND a.partner_id = d.partner_id) \
             ORDER BY created_at, discount_id"
        ))
        .bind(customer.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| discount_row(r).map(|g| g.discount)).collect()
    }
}
