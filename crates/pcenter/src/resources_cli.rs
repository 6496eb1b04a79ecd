//! `pcenter resources ...`: a customer's yearly/monthly resources from the command line
//! (acting as the customer named by `--as`), through the same services as the Open API.

use clap::{Args, Subcommand};
use pc_api::error::ApiError;
use pc_api::principal::Capability;
use pc_api::services::resources::{self as svc, AutoRenewal};
use pc_domain::orders::Period;
use pc_domain::query::{format_utc, Page};
use pc_storage::{Db, GroupCommit, ResourceFilter};
use serde_json::json;

#[derive(Args)]
pub struct ResourcesArgs {
    /// The customer (domain_id) to act as.
    #[arg(long = "as", value_name = "DOMAIN_ID")]
    pub acting_as: String,
    #[command(subcommand)]
    pub command: ResourcesCommand,
}

#[derive(Subcommand)]
pub enum ResourcesCommand {
    /// The customer's yearly/monthly resources with their status now.
    List {
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// Renew a resource (2 month / 3 year); --pay pays from cash at once.
    Renew {
        resource_id: String,
        #[arg(long, default_value_t = 2)]
        period_type: i64,
        #[arg(long, default_value_t = 1)]
        period_num: i64,
        #[arg(long)]
        pay: bool,
    },
    /// Unsubscribe: refund the unused paid time pro rata and close the resource.
    Unsubscribe { resource_id: String },
    /// Turn auto-renewal on (monthly unless --yearly) or, with --off, off.
    AutoRenew {
        resource_id: String,
        #[arg(long)]
        off: bool,
        #[arg(long)]
        yearly: bool,
    },
}

fn err(e: impl Into<ApiError>) -> anyhow::Error {
    e.into().into_anyhow()
}

pub async fn run(db: &Db, args: ResourcesArgs) -> anyhow::Result<()> {
    let principal = crate::orders_cli::acting(db, &args.acting_as).await?;
    let caller = pc_api::principal::CustomerCaller::from_principal(principal).map_err(err)?;
    let me = caller.id().clone();
    match args.command {
        ResourcesCommand::List { limit, offset } => {
            let page = Page::parse(Some(offset), Some(limit)).map_err(err)?;
            let period_only = ResourceFilter { period_only: true, ..Default::default() };
            let (resources, total) = svc::list_resources(db, caller.scope(), &me, &period_only, page).await.map_err(err)?;
            println!("{}", json!({"total_count": total}));
            for r in resources {
                println!(
                    "{}",
                    json!({"resource_id": r.resource_id, "spec": r.resource_spec, "region": r.region, "status": r.status.code(),
                           "expire_time": r.expire_at.map(format_utc), "auto_renew": r.auto_renew})
                );
            }
        }
        ResourcesCommand::Renew { resource_id, period_type, period_num, pay } => {
            let period = Period::parse(Some(period_type), Some(period_num)).map_err(err)?;
            let party = svc::customer_party(db, &caller).await.map_err(err)?;
            let ledger = GroupCommit::start(db.clone());
            let order_id = svc::renew(db, &ledger, &party, &resource_id, period, pay).await.map_err(err)?;
            println!("{}", json!({"order_id": order_id}));
        }
        ResourcesCommand::Unsubscribe { resource_id } => {
            let party = svc::customer_party(db, &caller).await.map_err(err)?;
            let ledger = GroupCommit::start(db.clone());
            let done = svc::unsubscribe(db, &ledger, &party, &resource_id, false).await.map_err(err)?;
            println!(
                "{}",
                json!({"refund_order_id": done.refund_order_id, "cash": done.refund.cash.to_string(),
                       "coupons": done.refund.coupons.iter().map(|(id, m)| json!({"coupon_id": id, "amount": m.to_string()})).collect::<Vec<_>>()})
            );
        }
        ResourcesCommand::AutoRenew { resource_id, off, yearly } => {
            let period_type = Some(if yearly { Period::YEAR } else { Period::MONTH });
            let on = (!off).then_some(AutoRenewal { period_type, times: None });
            svc::set_auto_renew(db, &caller, &resource_id, on).await.map_err(err)?;
            println!("{}", json!({"resource_id": resource_id, "auto_renew": !off}));
        }
    }
    Ok(())
}
