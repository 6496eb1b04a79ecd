//! `pcenter funds ...`: a partner's money, from the command line, in a local admin context
//! (acting as the partner named by `--as`, through the same services and rules as the
//! Open API).

use clap::{Args, Subcommand, ValueEnum};
use pc_api::error::ApiError;
use pc_api::principal::{Capability, PartnerCaller};
use pc_api::services::funds::{self as svc, Direction};
use pc_domain::funds::TransferKind;
use pc_domain::money::Money;
use pc_domain::query::{format_utc, Page};
use pc_domain::tenancy::Principal;
use pc_domain::DomainId;
use pc_storage::{AdjustRecordFilter, Db, GroupCommit};
use serde_json::json;

#[derive(Args)]
pub struct FundsArgs {
    /// The partner account (domain_id) to act as.
    #[arg(long = "as", value_name = "DOMAIN_ID")]
    pub acting_as: String,
    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: FundsCommand,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RecordType {
    Allocate,
    Reclaim,
}

#[derive(Args)]
pub struct MoveArgs {
    /// A resale customer of the partner.
    #[arg(long, conflicts_with = "reseller", required_unless_present = "reseller")]
    pub customer: Option<String>,
    /// A tier-2 reseller of the (tier-1) partner.
    #[arg(long)]
    pub reseller: Option<String>,
    /// Yuan, greater than 0, at most 2 decimal places.
    #[arg(long)]
    pub amount: String,
    /// A tier-1 acting for a customer of its tier-2 names the tier-2 here.
    #[arg(long)]
    pub indirect_partner: Option<String>,
    /// Makes a retry safe: the same key and arguments never move money twice.
    #[arg(long)]
    pub idempotency_key: Option<String>,
}

#[derive(Subcommand)]
pub enum FundsCommand {
    /// The partner's cash balance (or, with --indirect-partner, its tier-2's).
    Balances {
        #[arg(long)]
        indirect_partner: Option<String>,
    },
    /// Move money to a customer or a tier-2 reseller.
    Allocate(MoveArgs),
    /// Take money back from a customer or a tier-2 reseller.
    Reclaim(MoveArgs),
    /// Adjustment records (allocations and reclaims), newest first.
    Records {
        #[arg(long)]
        customer: Option<String>,
        #[arg(long, value_enum)]
        r#type: Option<RecordType>,
        #[arg(long)]
        indirect_partner: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
}

/// The partner named by `--as`, as the principal of a local admin context.
pub async fn acting_partner(db: &Db, acting_as: &str) -> anyhow::Result<PartnerCaller> {
    let id = DomainId::parse(acting_as).map_err(|e| anyhow::anyhow!("--as: {}", e.message))?;
    let account = db.find_account(&id).await?.ok_or_else(|| anyhow::anyhow!("no account {id}"))?;
    let principal = Principal { domain_id: account.domain_id, kind: account.kind, member: None };
    PartnerCaller::from_principal(principal).map_err(|e| anyhow::anyhow!("--as must name a partner: {}", e.message))
}

pub async fn run(db: &Db, args: FundsArgs) -> anyhow::Result<()> {
    let principal = acting_partner(db, &args.acting_as).await?;
    match args.command {
        FundsCommand::Balances { indirect_partner } => {
            let b = svc::partner_balance(db, &principal, indirect_partner.as_deref()).await.map_err(ApiError::into_anyhow)?;
            if args.json {
                println!(
                    "{}",
                    json!({"account_id": b.account_id, "account_type": pc_storage::funds_cash_type(), "amount": b.amount.to_string(), "currency": pc_domain::money::CURRENCY})
                );
            } else {
                println!("{:<44} {:>18} CURRENCY", "ACCOUNT", "BALANCE");
                println!("{:<44} {:>18} {}", b.account_id, b.amount.to_string(), pc_domain::money::CURRENCY);
            }
        }
        FundsCommand::Allocate(m) => movement(db, &principal, Direction::Allocate, m, args.json).await?,
        FundsCommand::Reclaim(m) => movement(db, &principal, Direction::Reclaim, m, args.json).await?,
        FundsCommand::Records { customer, r#type, indirect_partner, limit, offset } => {
            let scope = svc::records_scope(db, &principal, indirect_partner.as_deref()).await.map_err(ApiError::into_anyhow)?;
            let page = Page::parse(Some(offset), Some(limit)).map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let filter = AdjustRecordFilter {
                counterparty: customer
                    .as_deref()
                    .map(DomainId::parse)
                    .transpose()
                    .map_err(|e| anyhow::anyhow!("--customer: {}", e.message))?,
                kind: r#type.map(|t| match t {
                    RecordType::Allocate => TransferKind::Allocate,
                    RecordType::Reclaim => TransferKind::Reclaim,
                }),
                ..Default::default()
            };
            let (records, total) = db.adjust_records(&scope, &filter, page).await?;
            if args.json {
                let rows: Vec<_> = records
                    .iter()
                    .map(|r| json!({"trans_id": r.transfer_id, "operation_type": r.kind.operation_type(), "customer_id": r.counterparty.to_string(), "customer_name": r.counterparty_name, "amount": r.amount.to_string(), "operation_time": format_utc(r.created_at)}))
                    .collect();
                println!("{}", json!({"total_count": total, "records": rows}));
            } else {
                println!("{:<21} {:<28} {:>14}  {:<32} TRANS_ID", "TIME", "TYPE", "AMOUNT", "COUNTERPARTY");
                for r in &records {
                    println!(
                        "{:<21} {:<28} {:>14}  {:<32} {}",
                        format_utc(r.created_at),
                        r.kind.operation_type(),
                        r.amount.to_string(),
                        r.counterparty_name,
                        r.transfer_id
                    );
                }
                println!("{} of {total} records", records.len());
            }
        }
    }
    Ok(())
}

async fn movement(db: &Db, principal: &PartnerCaller, direction: Direction, m: MoveArgs, json_out: bool) -> anyhow::Result<()> {
    let amount = Money::parse_movement("--amount", &m.amount).map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let key =
        m.idempotency_key.map(|k| pc_domain::funds::parse_idempotency_key(&k)).transpose().map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let fen = amount.fen().to_string();
    let ledger = GroupCommit::start(db.clone());
    let outcome = match (&m.customer, &m.reseller) {
        (Some(customer), _) => {
            let op = if direction == Direction::Allocate { "allocate-customer" } else { "reclaim-customer" };
            let claim =
                svc::claim(principal.principal(), key, op, &[customer.as_str(), fen.as_str(), m.indirect_partner.as_deref().unwrap_or("")]);
            svc::move_customer_funds(db, &ledger, principal, direction, Some(customer), amount, m.indirect_partner.as_deref(), claim).await
        }
        (None, Some(reseller)) => {
            let op = if direction == Direction::Allocate { "allocate-reseller" } else { "reclaim-reseller" };
            let claim = svc::claim(principal.principal(), key, op, &[reseller.as_str(), fen.as_str()]);
            svc::move_reseller_funds(db, &ledger, principal, direction, Some(reseller), amount, claim).await
        }
        (None, None) => unreachable!("clap requires --customer or --reseller"),
    }
    .map_err(ApiError::into_anyhow)?;
    let replayed = matches!(outcome, pc_storage::TransferOutcome::Replayed(_));
    if json_out {
        println!("{}", json!({"trans_id": outcome.transfer_id(), "amount": amount.to_string(), "replayed": replayed}));
    } else {
        let verb = if direction == Direction::Allocate { "allocated" } else { "reclaimed" };
        println!(
            "{verb} {amount} CNY, trans_id {}{}",
            outcome.transfer_id(),
            if replayed { " (already applied earlier with this key)" } else { "" }
        );
    }
    Ok(())
}
