//! Yearly/monthly resources: listing, renewal, unsubscription, auto-renewal,
//! renewal settings and conversion to on-demand. The one path for the HTTP handlers, the
//! console and the CLI: each operation reads what it needs, lets `pc_domain::orders::plan`
//! decide, and hands the result to storage (money through the ledger's group commit).

use super::orders::{order_party, OrderParty};
use crate::error::ApiError;
use crate::principal::{CustomerCaller, CustomerOrPartner};
use pc_domain::orders::plan::{auto_renew_period_type, plan_unsubscribe};
use pc_domain::orders::Period;
use pc_domain::query::Page;
use pc_domain::tenancy::TenantScope;
use pc_domain::ResourceId;
use pc_domain::{DomainError, DomainId, ErrorCode};
use pc_storage::{Db, GroupCommit, Posted, PostingJob, RefundJob, Resource, ResourceFilter, StorageError, Unsubscribed};

/// The calling customer as the party of its own resource orders.
pub async fn customer_party(db: &Db, caller: &CustomerCaller) -> Result<OrderParty, ApiError> {
    order_party(db, &CustomerOrPartner::Customer(caller.clone()), None, None, &[]).await
}

/// A customer's resources matching `f`, with their status as of the business clock.
pub async fn list_resources(
    db: &Db,
    scope: &TenantScope,
    customer: &DomainId,
    f: &ResourceFilter,
    page: Page,
) -> Result<(Vec<Resource>, i64), ApiError> {
    let now = db.now().await?;
    Ok(db.list_resources(scope, customer, f, now, page).await?)
}

/// Renews one resource for `period` (a renewal order; with `auto_pay` paid from cash at once).
pub async fn renew(
    db: &Db,
    ledger: &GroupCommit,
    party: &OrderParty,
    resource_id: &str,
    period: Period,
    auto_pay: bool,
) -> Result<String, ApiError> {
    super::orders::renew_resource(db, ledger, party, resource_id, period, auto_pay).await
}

/// Unsubscribes one yearly/monthly resource (or, with `renewals_only`, only its renewals not
/// started yet): the refund plan comes from `plan_unsubscribe`, the ledger applies it.
pub async fn unsubscribe(
    db: &Db,
    ledger: &GroupCommit,
    party: &OrderParty,
    resource_id: &str,
    renewals_only: bool,
) -> Result<Unsubscribed, ApiError> {
    let now = db.now().await?;
    let inputs = db.unsubscribe_inputs(&party.customer, &ResourceId::parse(resource_id)?, now).await?;
    let inputs = inputs.ok_or_else(|| DomainError::of(ErrorCode::ResourceNotFound))?;
    let plan = plan_unsubscribe(&inputs.resource.snapshot(), &inputs.open_orders, &inputs.terms, renewals_only, now)?;
    let job = RefundJob {
        customer: party.customer.clone(),
        resource: inputs.resource,
        plan,
        placed_by: party.placed_by.clone(),
        partner: inputs.partner,
        at: now,
        by: party.by.clone(),
    };
    match ledger.post(PostingJob::Refund(Box::new(job))).await? {
        Posted::Refund(done) => Ok(done),
        other => Err(StorageError::Corrupt(format!("a refund posted as {other:?}")).into()),
    }
}

/// Auto-renewal as asked: its period (`None`: the resource's own, so a yearly resource renews
/// yearly) and how many renewals (`None`: unlimited).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AutoRenewal {
    pub period_type: Option<i64>,
    pub times: Option<i64>,
}

/// Turns auto-renewal of the calling customer's yearly/monthly resource on or off.
pub async fn set_auto_renew(db: &Db, caller: &CustomerCaller, resource_id: &str, on: Option<AutoRenewal>) -> Result<(), ApiError> {
    let me = caller.id().clone();
    let now = db.now().await?;
    let on = match on {
        Some(asked) => {
            let own = match asked.period_type {
                Some(_) => None,
                None => db.find_resource(&me, &ResourceId::parse(resource_id)?, now).await?.and_then(|r| r.period_type),
            };
            Some((auto_renew_period_type(asked.period_type, own), asked.times))
        }
        None => None,
    };
    Ok(db.set_auto_renew(&me, resource_id, on, now).await?)
}

/// The calling customer's renewal settings: deduction days before expiry, unified expiry day.
pub async fn set_renew_settings(
    db: &Db,
    caller: &CustomerCaller,
    deduction_days: Option<i64>,
    expire_day: Option<i64>,
) -> Result<(), ApiError> {
    let me = caller.id().clone();
    let now = db.now().await?;
    Ok(db.set_customer_renew_settings(&me, deduction_days, expire_day, now).await?)
}

/// Marks a resource to become on-demand at its expiry (`set_up`), or withdraws that.
pub async fn to_on_demand(db: &Db, party: &OrderParty, resource_id: &str, set_up: bool) -> Result<(), ApiError> {
    let now = db.now().await?;
    if set_up {
        db.convert_to_on_demand(&party.customer, resource_id, &party.placed_by, party.by.as_ref(), now).await?;
    } else {
        db.cancel_to_on_demand(&party.customer, resource_id, now).await?;
    }
    Ok(())
}
