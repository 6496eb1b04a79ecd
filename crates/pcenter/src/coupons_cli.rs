//! `pcenter coupons ...`: a partner's coupon quotas and coupons, in a local admin context
//! (acting as the partner named by `--as`, through the same services as the Open API).

use clap::{Args, Subcommand};
use pc_api::error::ApiError;
use pc_api::services::coupons::{self as svc, CouponIssue};
use pc_domain::coupons::{effective_coupon_status, effective_quota_status, Limits};
use pc_domain::money::Money;
use pc_domain::query::{format_utc, Page};
use pc_domain::DomainId;
use pc_storage::{CouponFilter, Db, QuotaFilter};
use serde_json::json;

#[derive(Args)]
pub struct CouponsArgs {
    /// The partner account (domain_id) to act as.
    #[arg(long = "as", value_name = "DOMAIN_ID")]
    pub acting_as: String,
    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: CouponsCommand,
}

#[derive(Subcommand)]
pub enum CouponsCommand {
    /// The partner's coupon quotas.
    Quotas,
    /// Issue coupons of one face value to several customers from a quota.
    Issue {
        #[arg(long)]
        quota: String,
        /// Customer domain_ids, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        customers: Vec<String>,
        /// Yuan, greater than 0, at most 2 decimal places.
        #[arg(long)]
        face_value: String,
        #[arg(long)]
        memo: Option<String>,
    },
    /// Coupons the partner issued, newest first.
    List {
        #[arg(long)]
        customer: Option<String>,
        /// 2 usable, 3 used, 4 expired, 5 reclaimed.
        #[arg(long)]
        status: Option<i64>,
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// Recall coupons (whole remaining balance back to the quota), each reported separately.
    Recall {
        /// Coupon ids, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        coupons: Vec<String>,
    },
}

pub async fn run(db: &Db, args: CouponsArgs) -> anyhow::Result<()> {
    let principal = crate::funds_cli::acting_partner(db, &args.acting_as).await?;
    let id = principal.partner_id().clone();
    let now = db.now().await?;
    match args.command {
        CouponsCommand::Quotas => {
            let filter = QuotaFilter { owner: Some(id.clone()), ..Default::default() };
            let (quotas, total) =
                db.list_quotas(&principal.own_scope(), &filter, Page::parse(None, Some(100)).expect("static page"), now).await?;
            if args.json {
                let rows: Vec<_> = quotas
                    .iter()
                    .map(|q| json!({"quota_id": q.quota_id, "quota_type": q.quota_type, "value": q.value.to_string(), "balance": q.balance.to_string(), "status": effective_quota_status(q.status, q.expire_at, now).code(), "expire_time": format_utc(q.expire_at)}))
                    .collect();
                println!("{}", json!({"total_count": total, "quotas": rows}));
            } else {
                println!("{:<34} {:>4} {:>14} {:>14} {:>6}  EXPIRES", "QUOTA", "TYPE", "VALUE", "BALANCE", "STATUS");
                for q in &quotas {
                    println!(
                        "{:<34} {:>4} {:>14} {:>14} {:>6}  {}",
                        q.quota_id,
                        q.quota_type,
                        q.value.to_string(),
                        q.balance.to_string(),
                        effective_quota_status(q.status, q.expire_at, now).code(),
                        format_utc(q.expire_at)
                    );
                }
            }
        }
        CouponsCommand::Issue { quota, customers, face_value, memo } => {
            let face_value = Money::parse_movement("--face-value", &face_value).map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let issue = CouponIssue {
                quota_id: Some(quota),
                customer_ids: customers,
                face_value,
                valid_at: None,
                expire_at: None,
                limits: Limits::default(),
                memo,
                indirect_partner_id: None,
            };
            let items = svc::issue_coupons(db, &principal, issue).await.map_err(ApiError::into_anyhow)?;
            report(args.json, items.into_iter().map(|(id, r)| (id, r.map(|c| format!("coupon {c}")))).collect());
        }
        CouponsCommand::List { customer, status, limit } => {
            let filter = CouponFilter {
                customer: customer.as_deref().map(DomainId::parse).transpose().map_err(|e| anyhow::anyhow!("--customer: {}", e.message))?,
                status,
                ..Default::default()
            };
            let page = Page::parse(None, Some(limit)).map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let (coupons, total) = db.list_coupons(&principal.own_scope(), &filter, page, now).await?;
            if args.json {
                let rows: Vec<_> = coupons
                    .iter()
                    .map(|c| json!({"coupon_id": c.coupon_id, "customer_id": c.customer.to_string(), "face_value": c.face_value.to_string(), "balance": c.balance.to_string(), "status": effective_coupon_status(c.status, c.expire_at, now).code(), "expire_time": format_utc(c.expire_at)}))
                    .collect();
                println!("{}", json!({"total_count": total, "coupons": rows}));
            } else {
                println!("{:<34} {:<34} {:>12} {:>12} {:>6}", "COUPON", "CUSTOMER", "FACE", "BALANCE", "STATUS");
                for c in &coupons {
                    println!(
                        "{:<34} {:<34} {:>12} {:>12} {:>6}",
                        c.coupon_id,
                        c.customer.to_string(),
                        c.face_value.to_string(),
                        c.balance.to_string(),
                        effective_coupon_status(c.status, c.expire_at, now).code()
                    );
                }
                println!("{} of {total} coupons", coupons.len());
            }
        }
        CouponsCommand::Recall { coupons } => {
            let items = svc::reclaim_coupons(db, &principal, &coupons, None).await.map_err(ApiError::into_anyhow)?;
            report(args.json, items.into_iter().map(|(id, r)| (id, r.map(|m| format!("{m} returned to the quota")))).collect());
        }
    }
    Ok(())
}

/// One line (or JSON entry) per item of a batch.
fn report(json_out: bool, items: Vec<(String, Result<String, pc_domain::DomainError>)>) {
    if json_out {
        let rows: Vec<_> = items
            .iter()
            .map(|(id, r)| match r {
                Ok(msg) => json!({"id": id, "ok": true, "result": msg}),
                Err(e) => json!({"id": id, "ok": false, "error_code": e.code.code(), "error_msg": e.message}),
            })
            .collect();
        println!("{}", json!(rows));
    } else {
        for (id, r) in items {
            match r {
                Ok(msg) => println!("ok      {id}  {msg}"),
                Err(e) => println!("failed  {id}  {} {}", e.code.code(), e.message),
            }
        }
    }
}
