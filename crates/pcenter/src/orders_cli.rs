//! `pcenter orders ...`: orders from the command line, acting as the customer (or, to order
//! on a customer's behalf, its partner) named by `--as`, through the same services and rules
//! as the Open API. Output is JSON, one object per line.

use clap::{Args, Subcommand};
use pc_api::error::ApiError;
use pc_api::principal::{Capability, CustomerOrPartner};
use pc_api::services::orders::{self as svc, ProductChoice};
use pc_domain::orders::{OrderStatus, PaymentRequest, Period};
use pc_domain::pricing::PeriodProduct;
use pc_domain::query::{format_utc, Page};
use pc_domain::tenancy::Principal;
use pc_domain::DomainId;
use pc_storage::{Db, GroupCommit, OrderFilter};
use serde_json::json;

#[derive(Args)]
pub struct OrdersArgs {
    /// The account (domain_id) to act as: a customer, or a partner ordering for a customer.
    #[arg(long = "as", value_name = "DOMAIN_ID")]
    pub acting_as: String,
    #[command(subcommand)]
    pub command: OrdersCommand,
}

#[derive(Subcommand)]
pub enum OrdersCommand {
    /// The customer's orders (a partner: its customers' orders), newest first.
    List {
        /// 1 pending review, 3 processing, 4 cancelled, 5 completed, 6 pending payment.
        #[arg(long)]
        status: Option<i64>,
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// One order with its lines.
    Show { order_id: String },
    /// Order one yearly/monthly product (priced from the price book in effect).
    Create {
        /// A partner ordering on behalf of its resale customer names the customer.
        #[arg(long)]
        customer: Option<String>,
        #[arg(long, default_value = "hws.service.type.ec2")]
        service_type: String,
        #[arg(long, default_value = "hws.resource.type.vm")]
        resource_type: String,
        #[arg(long)]
        spec: String,
        #[arg(long)]
        region: String,
        #[arg(long)]
        size: Option<i64>,
        /// 2 month, 3 year.
        #[arg(long, default_value_t = 2)]
        period_type: i64,
        #[arg(long, default_value_t = 1)]
        period_num: i64,
    },
    /// Pay a pending order: cash, with up to 3 coupons, or with the order's discount.
    Pay {
        order_id: String,
        #[arg(long, value_delimiter = ',')]
        coupons: Vec<String>,
        #[arg(long)]
        discount: Option<String>,
        #[arg(long)]
        idempotency_key: Option<String>,
    },
    /// Cancel a pending-payment order.
    Cancel { order_id: String },
    /// Authorize (or with --revoke withdraw) the customer's partner to order on its behalf.
    Authorize {
        #[arg(long)]
        revoke: bool,
    },
}

pub async fn acting(db: &Db, acting_as: &str) -> anyhow::Result<Principal> {
    let id = DomainId::parse(acting_as).map_err(|e| anyhow::anyhow!("--as: {}", e.message))?;
    let account = db.find_account(&id).await?.ok_or_else(|| anyhow::anyhow!("no account {id}"))?;
    Ok(Principal { domain_id: account.domain_id, kind: account.kind, member: None })
}

/// The rows `--as` reads: a customer's own, a partner's customers'.
fn caller_scope(principal: &Principal) -> anyhow::Result<pc_domain::tenancy::TenantScope> {
    match CustomerOrPartner::from_principal(principal.clone()).map_err(rule)? {
        CustomerOrPartner::Customer(me) => Ok(me.scope().clone()),
        CustomerOrPartner::Partner(p) => Ok(p.own_scope()),
    }
}

fn rule(e: pc_domain::DomainError) -> anyhow::Error {
    ApiError::from(e).into_anyhow()
}

pub async fn run(db: &Db, args: OrdersArgs) -> anyhow::Result<()> {
    let principal = acting(db, &args.acting_as).await?;
    match args.command {
        OrdersCommand::List { status, limit, offset } => {
            let page = Page::parse(Some(offset), Some(limit)).map_err(rule)?;
            let f =
                OrderFilter { status: status.map(OrderStatus::parse_filter).transpose().map_err(rule)?.flatten(), ..Default::default() };
            let scope = caller_scope(&principal)?;
            let (orders, total) = db.list_orders(&scope, &f, page).await?;
            println!("{}", json!({"total_count": total}));
            for o in orders {
                println!(
                    "{}",
                    json!({"order_id": o.order_id, "customer_id": o.customer_id.as_str(), "order_type": o.order_type.code(),
                           "status": o.status.code(), "official_amount": o.official.to_string(), "create_time": format_utc(o.created_at)})
                );
            }
        }
        OrdersCommand::Show { order_id } => {
            let o = db.find_order(&caller_scope(&principal)?, &pc_domain::OrderId::parse(&order_id).map_err(rule)?).await?;
            let o = o.ok_or_else(|| rule(pc_domain::DomainError::of(pc_domain::ErrorCode::OrderNotFound)))?;
            println!(
                "{}",
                json!({"order_id": o.order_id, "status": o.status.code(), "order_type": o.order_type.code(), "official_amount": o.official.to_string(),
                       "amount_after_discount": o.amount_after_discount().to_string(), "paid_cash": o.paid_cash.to_string(), "paid_coupons": o.paid_coupon.to_string()})
            );
            for l in db.order_lines(&o.order_id).await? {
                println!(
                    "{}",
                    json!({"line_id": l.line_id, "resource_id": l.resource_id, "product_id": l.product_id, "official_amount": l.official.to_string(),
                           "effective_time": l.term_start.map(format_utc), "expire_time": l.term_end.map(format_utc)})
                );
            }
        }
        OrdersCommand::Create { customer, service_type, resource_type, spec, region, size, period_type, period_num } => {
            let period = Period::parse(Some(period_type), Some(period_num)).map_err(rule)?;
            let product = PeriodProduct {
                id: "1".into(),
                cloud_service_type: service_type,
                resource_type,
                resource_spec: spec,
                region,
                available_zone: None,
                resource_size: size,
                size_measure_id: size.map(|_| 17),
                period_type,
                period_num,
                subscription_num: 1,
            };
            let types = [product.cloud_service_type.as_str()];
            let caller = CustomerOrPartner::from_principal(principal.clone()).map_err(rule)?;
            let party = svc::order_party(db, &caller, customer.as_deref(), None, &types).await.map_err(ApiError::into_anyhow)?;
            let created = svc::create_purchase(db, &party, &[ProductChoice { product, period: Some(period) }], None)
                .await
                .map_err(ApiError::into_anyhow)?;
            println!("{}", json!({"order_id": created.order_id}));
        }
        OrdersCommand::Pay { order_id, coupons, discount, idempotency_key } => {
            let request = PaymentRequest {
                use_coupon: Some(if coupons.is_empty() { "NO" } else { "YES" }.into()),
                use_discount: Some(if discount.is_some() { "YES" } else { "NO" }.into()),
                coupon_ids: coupons,
                discount_ids: discount.into_iter().collect(),
            };
            let ledger = GroupCommit::start(db.clone());
            let me = customer_caller(&principal)?;
            let paid =
                svc::pay_order(db, &ledger, &me, &order_id, &request, idempotency_key.as_deref()).await.map_err(ApiError::into_anyhow)?;
            println!(
                "{}",
                json!({"order_id": paid.order_id, "cash": paid.cash.to_string(),
                       "coupons": paid.coupons.iter().map(|(id, m)| json!({"coupon_id": id, "amount": m.to_string()})).collect::<Vec<_>>(),
                       "resource_ids": paid.resource_ids, "replayed": paid.replayed})
            );
        }
        OrdersCommand::Cancel { order_id } => {
            svc::cancel_order(db, &customer_caller(&principal)?, &order_id).await.map_err(ApiError::into_anyhow)?;
            println!("{}", json!({"order_id": order_id, "status": OrderStatus::Cancelled.code()}));
        }
        OrdersCommand::Authorize { revoke } => {
            let me = principal.require_customer().map_err(rule)?.clone();
            let partner =
                db.customer_standing_with(&me, false).await?.ok_or_else(|| anyhow::anyhow!("the customer has no partner"))?.partner_id;
            if revoke {
                db.revoke_order_authorization(&me).await?;
            } else {
                db.grant_order_authorization(&me, &partner, db.now().await?).await?;
            }
            println!("{}", json!({"partner_id": partner.as_str(), "authorized": !revoke}));
        }
    }
    Ok(())
}

/// The acting account as a customer acting on its own orders.
fn customer_caller(principal: &Principal) -> anyhow::Result<pc_api::principal::CustomerCaller> {
    use pc_api::principal::Capability;
    pc_api::principal::CustomerCaller::from_principal(principal.clone()).map_err(|e| ApiError::from(e).into_anyhow())
}
