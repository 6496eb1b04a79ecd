//! Orders, payment, resources and the scheduler's jobs (docs/DOMAIN.md#S-ORD, #S-RES, #S-LIFE): who orders for whom,
//! pricing through `pc_domain::pricing` with the price book in effect at the order time and
//! the customer's discounts, then storage. Shared by the HTTP handlers, the CLI and the
//! scheduler in `pcenter serve`.

use super::acting_owner;
use crate::error::ApiError;
use crate::principal::{CustomerCaller, CustomerOrPartner, OperatorCaller};
use pc_domain::catalog::PriceBook;
use pc_domain::coupons::CouponStatus;
use pc_domain::money::Money;
use pc_domain::orders::plan::plan_order_payment;
use pc_domain::orders::{
    check_on_behalf, check_order_customer, check_payable, coupon_covers, is_marketplace, source_type, OnDemandLimits, OrderType,
    PaymentPlan, Period,
};
use pc_domain::pricing::{quote_period, quote_renewal, quote_spec_change, PeriodProduct, PeriodQuote, SpecChoice};
use pc_domain::query::{now_millis, EpochMillis, Page};
use pc_domain::tenancy::{Actor, TenantScope};
use pc_domain::{CouponId, OrderId, ResourceId};
use pc_domain::{DomainError, DomainId, ErrorCode};
use pc_storage::{
    CouponFilter, Db, GroupCommit, IdempotencyClaim, NewOrder, NewOrderLine, OrderCreated, Payment, Posted, PostingJob, Resource,
    ResourceSize, StorageError,
};
use rust_decimal::Decimal;

/// Login name shown as the creator of orders the scheduler places.
pub const SYSTEM_USER: &str = "system";

/// Whose order it is and who places it.
#[derive(Debug, Clone)]
pub struct OrderParty {
    pub customer: DomainId,
    pub partner: Option<DomainId>,
    pub source_type: i64,
    pub placed_by: String,
    /// Who really acts (the caller); `None` for the product's own orders (renewals).
    pub by: Option<Actor>,
}

/// A product to order (the price-inquiry fields).
#[derive(Debug, Clone)]
pub struct ProductChoice {
    pub product: PeriodProduct,
    /// `None`: on-demand (billed by usage, nothing to pay up front).
    pub period: Option<Period>,
}

impl ProductChoice {
    /// The line as it takes part in an order's idempotency hash: every field by name.
    fn canonical(&self) -> serde_json::Value {
        let p = &self.product;
        serde_json::json!({
            "id": p.id,
            "cloud_service_type": p.cloud_service_type,
            "resource_type": p.resource_type,
            "resource_spec": p.resource_spec,
            "region": p.region,
            "available_zone": p.available_zone,
            "resource_size": p.resource_size,
            "size_measure_id": p.size_measure_id,
            "period_type": p.period_type,
            "period_num": p.period_num,
            "subscription_num": p.subscription_num,
        })
    }
}

/// The canonical form of an order request, which its idempotency key is bound to
/// (docs/DOMAIN.md#R-ORD-12): JSON of the parsed lines, each object's keys sorted, no
/// spaces. Independent of the order of the fields in the request body and of how the Rust
/// types print, so a retry with the same key matches across versions of the product.
pub fn order_request_canonical(customer: &DomainId, choices: &[ProductChoice]) -> String {
    let value = serde_json::json!({
        "customer_id": customer.as_str(),
        "product_infos": choices.iter().map(ProductChoice::canonical).collect::<Vec<_>>(),
    });
    let mut out = String::new();
    write_canonical(&value, &mut out);
    out
}

/// Writes `v` as JSON with every object's keys in byte order.
fn write_canonical(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String((*k).clone()).to_string());
                out.push(':');
                if let Some(item) = map.get(*k) {
                    write_canonical(item, out);
                }
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

async fn login_name(db: &Db, id: &DomainId) -> Result<String, ApiError> {
    Ok(db.find_account(id).await?.map(|a| a.domain_name).unwrap_or_else(|| id.to_string()))
}

fn parse_customer(raw: &str) -> Result<DomainId, DomainError> {
    DomainId::parse(raw).map_err(|_| DomainError::of(ErrorCode::NotYourCustomer))
}

/// The customer itself (`customer_id` absent), or its resale partner on its behalf with the
/// customer's recorded authorization and never for marketplace products.
pub async fn order_party(
    db: &Db,
    caller: &CustomerOrPartner,
    customer_id: Option<&str>,
    indirect: Option<&str>,
    service_types: &[&str],
) -> Result<OrderParty, ApiError> {
    match (customer_id.filter(|s| !s.is_empty()), caller) {
        (None, CustomerOrPartner::Customer(me)) => {
            let me = me.id().clone();
            let partner = db.customer_standing_with(&me, false).await?.map(|s| s.partner_id);
            Ok(OrderParty {
                placed_by: login_name(db, &me).await?,
                customer: me,
                partner,
                source_type: source_type::CUSTOMER,
                by: Some(caller.principal().actor()),
            })
        }
        // A customer orders for itself only; a partner always names the customer.
        (None, CustomerOrPartner::Partner(_)) | (Some(_), CustomerOrPartner::Customer(_)) => Err(DomainError::denied().into()),
        (Some(raw), CustomerOrPartner::Partner(partner)) => {
            let ctx = partner.ctx();
            let owner = acting_owner(db, ctx, indirect).await?;
            let customer = parse_customer(raw)?;
            let standing = db.customer_standing(&customer).await?;
            check_order_customer(ctx, &owner, standing.as_ref())?;
            let authorized = db.order_authorized(&customer, &owner).await?;
            check_on_behalf(authorized, service_types.iter().any(|t| is_marketplace(t)))?;
            Ok(OrderParty {
                placed_by: login_name(db, partner.partner_id()).await?,
                customer,
                partner: Some(owner),
                source_type: source_type::PARTNER,
                by: Some(caller.principal().actor()),
            })
        }
    }
}

/// Whole fen of a 2-place price.
fn fen(d: Decimal) -> Result<Money, ApiError> {
    let f = (d * Decimal::ONE_HUNDRED).trunc();
    i64::try_from(f).map(Money::from_fen).map_err(|_| DomainError::invalid("The price is out of range.").into())
}

/// The size a line of a sized spec (a disk) records, in the spec's measure; `None` for a
/// spec without a size.
fn line_size(book: &PriceBook, p: &PeriodProduct) -> Option<ResourceSize> {
    let rule = book.spec(&p.resource_spec)?.size?;
    p.resource_size.map(|resource_size| ResourceSize { resource_size, size_measure_id: rule.measure_id })
}

fn line_from_quote(
    book: &PriceBook,
    p: &PeriodProduct,
    period: Option<Period>,
    resource_id: Option<String>,
    q: &PeriodQuote,
    discount: Option<&str>,
) -> Result<NewOrderLine, ApiError> {
    let chosen = discount.and_then(|d| q.discounts.iter().find(|o| o.discount_id == d));
    Ok(NewOrderLine {
        resource_id,
        cloud_service_type: p.cloud_service_type.clone(),
        resource_type: p.resource_type.clone(),
        resource_spec: p.resource_spec.clone(),
        region: p.region.clone(),
        product_id: q.product_id.clone(),
        size: line_size(book, p),
        priced_until: None,
        period,
        subscription_num: p.subscription_num,
        official: fen(q.official_amount)?,
        amount: fen(chosen.map_or(q.official_amount, |o| o.amount))?,
    })
}

/// The order's discount: the best option of the first line that has one (a payment uses it
/// or coupons, never both).
fn order_discount(quotes: &[PeriodQuote]) -> Option<String> {
    quotes.iter().find_map(|q| q.discounts.iter().find(|o| o.best).map(|o| o.discount_id.clone()))
}

/// Prices and creates a new-purchase order pending payment.
pub async fn create_purchase(
    db: &Db,
    party: &OrderParty,
    products: &[ProductChoice],
    idempotency: Option<IdempotencyClaim>,
) -> Result<OrderCreated, ApiError> {
    if products.is_empty() || products.len() > 100 {
        return Err(DomainError::invalid("product_infos must hold 1 to 100 products.").into());
    }
    for (i, c) in products.iter().enumerate() {
        let n = c.product.subscription_num;
        if c.period.is_none() && !(1..=OnDemandLimits::MAX).contains(&n) {
            return Err(DomainError::invalid(format!(
                "product_infos[{i}].subscription_num must be from 1 to {}, not {n}.",
                OnDemandLimits::MAX
            ))
            .into());
        }
    }
    let now = db.now().await?;
    let book = db.price_book_at(now).await?;
    let discounts = db.customer_discounts(&party.customer).await?;
    let mut quotes = Vec::with_capacity(products.len());
    for c in products {
        quotes.push(match c.period {
            Some(_) => Some(quote_period(&book, &c.product, &discounts)?),
            None => None,
        });
    }
    let priced: Vec<PeriodQuote> = quotes.iter().flatten().cloned().collect();
    let discount = order_discount(&priced);
    let mut lines = Vec::with_capacity(products.len());
    for (c, q) in products.iter().zip(&quotes) {
        lines.push(match q {
            Some(q) => line_from_quote(&book, &c.product, c.period, None, q, discount.as_deref())?,
            None => NewOrderLine {
                resource_id: None,
                cloud_service_type: c.product.cloud_service_type.clone(),
                resource_type: c.product.resource_type.clone(),
                resource_spec: c.product.resource_spec.clone(),
                region: c.product.region.clone(),
                product_id: pc_domain::pricing::product_id(&c.product.resource_spec, &c.product.region),
                size: line_size(&book, &c.product),
                priced_until: None,
                period: None,
                subscription_num: c.product.subscription_num,
                official: Money::ZERO,
                amount: Money::ZERO,
            },
        });
    }
    let order = NewOrder {
        customer: party.customer.clone(),
        partner: party.partner.clone(),
        placed_by: party.placed_by.clone(),
        by: party.by.clone(),
        source_type: party.source_type,
        order_type: OrderType::NewPurchase,
        service_type_code: products[0].product.cloud_service_type.clone(),
        lines,
        discount_id: discount,
        idempotency,
    };
    Ok(db.create_order(&order, now).await?)
}

/// The product line a resource is renewed as (its spec and region, for `period`).
pub fn product_of(r: &Resource, period: Period) -> PeriodProduct {
    PeriodProduct {
        id: r.resource_id.to_string(),
        cloud_service_type: r.cloud_service_type.clone(),
        resource_type: r.resource_type.clone(),
        resource_spec: r.resource_spec.clone(),
        region: r.region.clone(),
        available_zone: None,
        resource_size: r.size.map(|s| s.resource_size),
        size_measure_id: r.size.map(|s| s.size_measure_id),
        period_type: period.period_type,
        period_num: period.period_num,
        subscription_num: 1,
    }
}

/// A customer's resource that can still be renewed (not closed, yearly/monthly), as the
/// product line to price; `None` for anything else (unknown, another's, deleted, on-demand).
pub async fn renewable_product(db: &Db, customer: &DomainId, resource_id: &str, period: Period) -> Result<Option<PeriodProduct>, ApiError> {
    let now = db.now().await?;
    Ok(db
        .find_resource(customer, &ResourceId::parse(resource_id)?, now)
        .await?
        .filter(|r| r.expire_at.is_some() && pc_domain::orders::check_resource_available(r.status).is_ok())
        .map(|r| product_of(&r, period)))
}

async fn owned_resource(db: &Db, customer: &DomainId, resource_id: &str, now: EpochMillis) -> Result<Resource, ApiError> {
    match db.find_resource(customer, &ResourceId::parse(resource_id)?, now).await? {
        Some(r) => Ok(r),
        None => Err(DomainError::of(ErrorCode::ResourceNotFound).into()),
    }
}

/// Creates a renewal order for one resource; with `auto_pay`, pays it from the customer's
/// cash at once (a failed payment leaves the order pending payment).
pub async fn renew_resource(
    db: &Db,
    ledger: &GroupCommit,
    party: &OrderParty,
    resource_id: &str,
    period: Period,
    auto_pay: bool,
) -> Result<String, ApiError> {
    let now = db.now().await?;
    let resource = owned_resource(db, &party.customer, resource_id, now).await?;
    let book = db.price_book_at(now).await?;
    let discounts = db.customer_discounts(&party.customer).await?;
    let product = product_of(&resource, period);
    let quote = quote_renewal(&book, &product, &discounts)?;
    let discount = order_discount(std::slice::from_ref(&quote));
    let line = line_from_quote(&book, &product, Some(period), Some(resource_id.to_owned()), &quote, discount.as_deref())?;
    let order = NewOrder {
        customer: party.customer.clone(),
        partner: party.partner.clone(),
        placed_by: party.placed_by.clone(),
        by: party.by.clone(),
        source_type: party.source_type,
        order_type: OrderType::Renewal,
        service_type_code: resource.cloud_service_type.clone(),
        lines: vec![line],
        discount_id: discount.clone(),
        idempotency: None,
    };
    let created = db.create_order(&order, now).await?;
    if auto_pay {
        let choice = PaymentPlan { coupon_ids: Vec::new(), discount_id: discount };
        match settle(db, ledger, &party.customer, &created.order_id, &choice, None, now, party.by.clone()).await {
            Ok(_) | Err(ApiError::Rule(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(created.order_id.into())
}

/// The price of changing a customer's resource to `to` at `now`, over every paid term it has
/// left (`pc_domain::pricing::quote_spec_change`): the one quote both the change-of-spec
/// order and its inquiry use (docs/DOMAIN.md#R-RES-9).
pub async fn quote_resource_spec_change(
    db: &Db,
    book: &PriceBook,
    resource: &Resource,
    to: &SpecChoice,
    now: EpochMillis,
    discounts: &[pc_domain::pricing::CustomerDiscount],
) -> Result<(PeriodProduct, PeriodQuote), ApiError> {
    let product = product_of(resource, Period { period_type: resource.period_type.unwrap_or(Period::MONTH), period_num: 1 });
    let terms = db.paid_term_spans(&resource.resource_id).await?;
    let quote = quote_spec_change(book, &product, to, &terms, now, discounts)?;
    Ok((product, quote))
}

/// The change-of-spec inquiry for one of the customer's resources: exactly what
/// `change_spec` at the same instant would charge.
pub async fn quote_change_for_customer(db: &Db, customer: &DomainId, resource_id: &str, to: SpecChoice) -> Result<PeriodQuote, ApiError> {
    let now = db.now().await?;
    let resource = owned_resource(db, customer, resource_id, now).await?;
    if resource.expire_at.is_none() {
        return Err(DomainError::invalid("Only yearly/monthly resources change spec by order.").into());
    }
    let to = SpecChoice { resource_size: to.resource_size.or(resource.size.map(|s| s.resource_size)), ..to };
    let book = db.price_book_at(now).await?;
    let discounts = db.customer_discounts(customer).await?;
    Ok(quote_resource_spec_change(db, &book, &resource, &to, now, &discounts).await?.1)
}

/// Creates a change-of-spec order: scaling up only, priced for the time the resource has left.
pub async fn change_spec(db: &Db, party: &OrderParty, resource_id: &str, to: SpecChoice) -> Result<OrderCreated, ApiError> {
    let now = db.now().await?;
    let resource = owned_resource(db, &party.customer, resource_id, now).await?;
    let expire_at = resource.expire_at.ok_or_else(|| DomainError::invalid("Only yearly/monthly resources change spec by order."))?;
    // A sized resource keeps its size unless the change names another.
    let to = SpecChoice { resource_size: to.resource_size.or(resource.size.map(|s| s.resource_size)), ..to };
    let book = db.price_book_at(now).await?;
    let discounts = db.customer_discounts(&party.customer).await?;
    let (product, quote) = quote_resource_spec_change(db, &book, &resource, &to, now, &discounts).await?;
    let discount = order_discount(std::slice::from_ref(&quote));
    let target = PeriodProduct { resource_spec: to.resource_spec.clone(), resource_size: to.resource_size, ..product };
    let mut line = line_from_quote(&book, &target, None, Some(resource_id.to_owned()), &quote, discount.as_deref())?;
    // Priced up to the resource's paid-until: the audit checks the change covers it.
    line.priced_until = Some(expire_at);
    let order = NewOrder {
        customer: party.customer.clone(),
        partner: party.partner.clone(),
        placed_by: party.placed_by.clone(),
        by: party.by.clone(),
        source_type: party.source_type,
        order_type: OrderType::Change,
        service_type_code: resource.cloud_service_type.clone(),
        lines: vec![line],
        discount_id: discount,
        idempotency: None,
    };
    Ok(db.create_order(&order, now).await?)
}

/// The customer's usable coupons that can pay this order (every line within their limits).
pub async fn coupons_for_order(
    db: &Db,
    scope: &TenantScope,
    customer: &DomainId,
    order_id: &str,
) -> Result<Vec<pc_storage::Coupon>, ApiError> {
    let now = db.now().await?;
    let lines = db.order_lines(order_id).await?;
    let covered: Vec<(&str, &str)> = lines.iter().map(|l| (l.cloud_service_type.as_str(), l.product_id.as_str())).collect();
    let filter = CouponFilter { customer: Some(customer.clone()), status: Some(CouponStatus::Usable.code()), ..Default::default() };
    let (coupons, _) = db.list_coupons(scope, &filter, Page::first(100), now).await?;
    Ok(coupons.into_iter().filter(|c| c.effective_at <= now && coupon_covers(&c.limits, &covered)).collect())
}

/// What one run of the scheduler did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobReport {
    pub cancelled_orders: u64,
    pub renewal_orders: Vec<String>,
    pub renewals_paid: usize,
    pub converted_to_on_demand: usize,
    pub deleted_resources: usize,
    /// Remembered request signatures forgotten because their window has passed.
    pub pruned_signatures: u64,
}

const LEASE_MS: i64 = 60_000;

/// Runs each time-driven job once, each under its lease so that one node runs it at a time:
/// cancel unpaid orders past their window, place (and pay from cash, else from up to 3 of
/// the customer's usable coupons, else leave pending) due auto-renewals, and move expired
/// resources on; forget the request signatures whose window has passed.
pub async fn run_jobs(db: &Db, node: &str) -> Result<JobReport, ApiError> {
    let mut report = JobReport::default();
    let now = db.now().await?;
    // The run's payments go through a group commit of their own, as every posting does.
    let ledger = GroupCommit::start(db.clone());
    if db.try_lease("cancel-unpaid-orders", node, now, LEASE_MS).await? {
        let done = db.cancel_overdue_orders(now).await;
        db.release_lease("cancel-unpaid-orders", node).await?;
        report.cancelled_orders = done?;
    }
    if db.try_lease("auto-renew", node, now, LEASE_MS).await? {
        let done = auto_renew(db, &ledger, now, &mut report).await;
        db.release_lease("auto-renew", node).await?;
        done?;
    }
    if db.try_lease("expire-resources", node, now, LEASE_MS).await? {
        let done = db.sweep_expired_resources(now).await;
        db.release_lease("expire-resources", node).await?;
        let sweep = done?;
        report.converted_to_on_demand = sweep.converted_to_on_demand;
        report.deleted_resources = sweep.deleted;
    }
    if db.try_lease("prune-seen-signatures", node, now, LEASE_MS).await? {
        let done = db.prune_seen_signatures(crate::signing::replay_horizon(now_millis())).await;
        db.release_lease("prune-seen-signatures", node).await?;
        report.pruned_signatures = done?;
    }
    Ok(report)
}

async fn auto_renew(db: &Db, ledger: &GroupCommit, now: EpochMillis, report: &mut JobReport) -> Result<(), ApiError> {
    for due in db.due_auto_renewals(now).await? {
        let customer = due.resource.customer_id.clone();
        let party = OrderParty {
            customer: customer.clone(),
            partner: None,
            source_type: source_type::SYSTEM,
            placed_by: SYSTEM_USER.into(),
            by: None,
        };
        let order_id = match renew_resource(db, ledger, &party, &due.resource.resource_id, due.period, false).await {
            Ok(id) => id,
            // Not renewable any more (beyond the maximum, deleted, ...): nothing to place.
            Err(ApiError::Rule(e)) => {
                tracing::info!(resource = %due.resource.resource_id, code = e.code.code(), "auto-renewal skipped: {}", e.message);
                continue;
            }
            Err(e) => return Err(e),
        };
        db.count_auto_renewal(&due.resource.resource_id, now).await?;
        report.renewal_orders.push(order_id.clone());
        let discount = db.find_order(&TenantScope::scheduler(), &OrderId::parse(&order_id)?).await?.and_then(|o| o.discount_id);
        let cash_only = PaymentPlan { coupon_ids: Vec::new(), discount_id: discount };
        let paid = match settle(db, ledger, &customer, &order_id, &cash_only, None, now, None).await {
            Ok(_) => true,
            Err(ApiError::Rule(_)) => {
                let coupons: Vec<CouponId> = coupons_for_order(db, &TenantScope::scheduler(), &customer, &order_id)
                    .await?
                    .into_iter()
                    .take(3)
                    .map(|c| c.coupon_id)
                    .collect();
                let with_coupons = PaymentPlan { coupon_ids: coupons, discount_id: None };
                !with_coupons.coupon_ids.is_empty()
                    && settle(db, ledger, &customer, &order_id, &with_coupons, None, now, None).await.is_ok()
            }
            Err(e) => return Err(e),
        };
        report.renewals_paid += usize::from(paid);
    }
    Ok(())
}

/// Pays a pending order of the calling customer with cash, or with coupons, or with the
/// order's discount (docs/DOMAIN.md#R-ORD-6: coupons or discount, never both).
pub async fn pay_order(
    db: &Db,
    ledger: &GroupCommit,
    caller: &CustomerCaller,
    order_id: &str,
    request: &pc_domain::orders::PaymentRequest,
    pay_key: Option<&str>,
) -> Result<Payment, ApiError> {
    let me = caller.id().clone();
    let choice = pc_domain::orders::plan_payment(request)?;
    let now = db.now().await?;
    settle(db, ledger, &me, order_id, &choice, pay_key, now, Some(caller.principal().actor())).await
}

/// Pays a customer's order as chosen, at `now`: reads what the payment depends on, plans it
/// (`plan_order_payment`) and hands the plan to the ledger's group commit, which applies it
/// in one transaction or refuses it whole. An order that cannot be paid gets the first
/// payment's answer under the same key, else its refusal.
#[allow(clippy::too_many_arguments)]
async fn settle(
    db: &Db,
    ledger: &GroupCommit,
    customer: &DomainId,
    order_id: &str,
    choice: &PaymentPlan,
    pay_key: Option<&str>,
    now: EpochMillis,
    by: Option<Actor>,
) -> Result<Payment, ApiError> {
    let inputs = db.payment_inputs(customer, order_id, &choice.coupon_ids, now).await?;
    let Some(inputs) = inputs.filter(|i| check_payable(i.order.status, i.order.payment_deadline, now).is_ok()) else {
        return Ok(db.payment_refusal(customer, order_id, pay_key, now).await?);
    };
    let plan = plan_order_payment(&inputs.order, &inputs.lines, &inputs.resources, choice, &inputs.coupons, now)?;
    match ledger.post(PostingJob::Payment { plan, pay_key: pay_key.map(str::to_owned), at: now, by }).await? {
        Posted::Payment(payment) => Ok(payment),
        other => Err(StorageError::Corrupt(format!("a payment posted as {other:?}")).into()),
    }
}

/// Cancels a pending order: only with the customer's own identity, never the partner's.
pub async fn cancel_order(db: &Db, caller: &CustomerCaller, order_id: &str) -> Result<(), ApiError> {
    let me = caller.id().clone();
    let now = db.now().await?;
    db.cancel_order(&me, &OrderId::parse(order_id)?, now).await?;
    Ok(())
}

/// The customer authorizes its current partner to place orders on its behalf (docs/DOMAIN.md#R-ORD-3).
pub async fn authorize_partner(db: &Db, caller: &CustomerCaller) -> Result<DomainId, ApiError> {
    let me = caller.id().clone();
    let standing = db.customer_standing_with(&me, false).await?;
    let Some(standing) = standing else {
        return Err(DomainError::new(ErrorCode::BusinessCheckFailed, "You have no partner to authorize.").into());
    };
    let now = db.now().await?;
    db.grant_order_authorization(&me, &standing.partner_id, now).await?;
    Ok(standing.partner_id)
}

/// The operator sets the on-demand limits of one customer (`customer`) or of every customer
/// without its own (docs/DOMAIN.md#R-ORD-18). An unknown or non-customer account is
/// CBC.99000035.
pub async fn set_on_demand_limits(
    db: &Db,
    operator: &OperatorCaller,
    customer: Option<&str>,
    per_order: Option<i64>,
    per_customer: Option<i64>,
) -> Result<OnDemandLimits, ApiError> {
    let limits = OnDemandLimits::parse(per_order, per_customer)?;
    let customer = match customer {
        None => None,
        Some(raw) => {
            let id = parse_customer(raw)?;
            match db.find_account(&id).await? {
                Some(a) if a.kind == pc_domain::tenancy::AccountKind::Customer => Some(id),
                _ => return Err(DomainError::new(ErrorCode::NotYourCustomer, "No such customer.").into()),
            }
        }
    };
    let now = db.now().await?;
    db.set_on_demand_limits(customer.as_ref(), limits, operator.id(), now).await?;
    Ok(limits)
}
