//! `pcenter admin ...`: operator actions run directly against the database.

use crate::provision::Provisioner;
use clap::{Subcommand, ValueEnum};
use pc_domain::tenancy::{AccountKind, PartnerKind, Role};
use pc_domain::DomainId;
use pc_storage::NewMember;

#[derive(Clone, Copy, ValueEnum)]
pub enum PartnerKindArg {
    Distributor,
    Reseller,
    SolutionProvider,
}

impl From<PartnerKindArg> for PartnerKind {
    fn from(k: PartnerKindArg) -> Self {
        match k {
            PartnerKindArg::Distributor => PartnerKind::Distributor,
            PartnerKindArg::Reseller => PartnerKind::Reseller,
            PartnerKindArg::SolutionProvider => PartnerKind::SolutionProvider,
        }
    }
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Load or list price-book versions.
    PriceBook {
        #[command(subcommand)]
        action: crate::price_cli::PriceBookCommand,
    },
    /// Create a partner account with an access key and console login.
    CreatePartner {
        #[arg(long, value_enum)]
        kind: PartnerKindArg,
        /// Account (login) name.
        #[arg(long)]
        name: String,
        /// Company name.
        #[arg(long, default_value = "")]
        display_name: String,
        #[arg(long)]
        email: Option<String>,
        /// The tier-1 distributor of a tier-2 reseller.
        #[arg(long)]
        parent: Option<String>,
    },
    /// Create an operator account with an access key and console login.
    CreateOperator {
        #[arg(long)]
        name: String,
    },
    /// Issue another access key for an account, or for one of its members.
    IssueKey {
        #[arg(long)]
        account: String,
        #[arg(long)]
        member: Option<String>,
    },
    /// Add a member to a partner, with roles (admin, customer_manager, finance, sales,
    /// project_specialist), a console login and an access key.
    CreateMember {
        #[arg(long)]
        partner: String,
        #[arg(long)]
        login: String,
        #[arg(long, value_delimiter = ',', required = true)]
        roles: Vec<String>,
    },
    /// Credit a partner's cash account (an operator top-up, journaled).
    Topup {
        /// The partner's domain_id.
        #[arg(long)]
        partner: String,
        /// Yuan, greater than 0, at most 2 decimal places.
        #[arg(long)]
        amount: String,
        /// The operator account recorded as the actor (default: the first operator).
        #[arg(long)]
        operator: Option<String>,
    },
    /// Grant a partner a coupon quota.
    QuotaGrant {
        #[arg(long)]
        partner: String,
        /// Yuan.
        #[arg(long)]
        value: String,
        /// 0 voucher quota, 1 cash-coupon quota.
        #[arg(long, default_value_t = 0)]
        quota_type: i64,
        /// Validity in days from now.
        #[arg(long, default_value_t = 365)]
        days: i64,
    },
    /// Set a quota's status: 0 normal, 3 invalid, 5 frozen.
    QuotaStatus {
        #[arg(long)]
        quota: String,
        #[arg(long)]
        status: i64,
    },
    /// Check the ledger and coupon invariants; prints JSON and fails if any is broken.
    Audit,
    /// Record the expiry of coupons past their expire time (the server also does this every minute).
    SweepCoupons,
    /// Run the order jobs once (cancel unpaid orders past their window, auto-renew, expire
    /// resources) at the database's clock; prints what was done as JSON.
    RunJobs,
    /// The database clock: show it, and advance it (--advance-days) in a sandbox database.
    /// Whether a database is a sandbox is fixed when it is created (`pcenter --sandbox`).
    Clock {
        #[arg(long)]
        advance_days: Option<i64>,
    },
    /// Set the on-demand instances allowed per order and per customer (defaults 100 and
    /// 1,000), for one customer (--customer) or every customer without its own limits.
    OnDemandLimits {
        #[arg(long)]
        customer: Option<String>,
        #[arg(long)]
        per_order: i64,
        #[arg(long)]
        per_customer: i64,
    },
    /// Set the lowest discount rate a partner may grant its customers (until set: 0.5), for
    /// one service type (--service-type) or every type without its own.
    DiscountFloor {
        #[arg(long)]
        partner: String,
        #[arg(long)]
        min_rate: String,
        #[arg(long)]
        service_type: Option<String>,
    },
    /// Write a consistent copy of the live SQLite database to FILE while the server runs
    /// (never overwrites FILE). On PostgreSQL, use pg_dump (docs/OPERATIONS.md).
    Backup { file: std::path::PathBuf },
    /// Replace the SQLite database with the backup FILE; the server must be stopped. The
    /// replaced database is kept beside it. On PostgreSQL, use pg_restore.
    Restore { file: std::path::PathBuf },
    /// Make a member the customer manager of one of its partner's customers.
    AssignManager {
        #[arg(long)]
        partner: String,
        #[arg(long)]
        customer: String,
        #[arg(long)]
        member: String,
    },
}

/// `admin backup FILE`.
pub async fn backup(db: &pc_storage::Db, file: &std::path::Path) -> anyhow::Result<()> {
    db.backup_sqlite(file).await?;
    println!("backup written to {}", file.display());
    Ok(())
}

/// `admin restore FILE`, run without a connection to the database it replaces.
pub async fn restore(file: &std::path::Path, db_url: &str) -> anyhow::Result<()> {
    let restored = pc_storage::backup::restore_sqlite(file, db_url).await?;
    println!("restored {} into {}", file.display(), pc_storage::redact(db_url));
    if let Some(previous) = &restored.previous {
        println!("the database it replaced is kept as {}", previous.display());
    }
    if restored.verdict != pc_storage::backup::SchemaVerdict::Current {
        println!("the backup comes from an earlier release: run `pcenter migrate` (or start the server) to bring it up to date");
    }
    Ok(())
}

fn id(s: &str) -> anyhow::Result<DomainId> {
    DomainId::parse(s).map_err(|e| anyhow::anyhow!("{}", e.message))
}

pub async fn run(p: &Provisioner<'_>, cmd: AdminCommand) -> anyhow::Result<()> {
    match cmd {
        AdminCommand::PriceBook { action } => crate::price_cli::run_price_book(p.db, "operator-cli", action).await?,
        AdminCommand::CreatePartner { kind, name, display_name, email, parent } => {
            let kind = PartnerKind::from(kind);
            let parent = parent.as_deref().map(id).transpose()?;
            match (kind, &parent) {
                (PartnerKind::Reseller, None) => anyhow::bail!("a reseller needs --parent (its tier-1 distributor's domain_id)"),
                (PartnerKind::Reseller, Some(pid)) => {
                    let found = p.db.find_account(pid).await?;
                    if !matches!(found.map(|a| a.kind), Some(AccountKind::Partner(PartnerKind::Distributor))) {
                        anyhow::bail!("--parent must be a tier-1 distributor");
                    }
                }
                (_, Some(_)) => anyhow::bail!("only a reseller has a --parent"),
                _ => {}
            }
            let account = p.create_account(&name, AccountKind::Partner(kind), parent.as_ref(), &display_name, email).await?;
            println!("{}", serde_json::to_string_pretty(&p.handover(&account).await?)?);
        }
        AdminCommand::CreateOperator { name } => {
            let account = p.create_account(&name, AccountKind::Operator, None, "Operator", None).await?;
            println!("{}", serde_json::to_string_pretty(&p.handover(&account).await?)?);
        }
        AdminCommand::IssueKey { account, member } => {
            let account = id(&account)?;
            if p.db.find_account(&account).await?.is_none() {
                anyhow::bail!("no account {account}");
            }
            if let Some(m) = &member {
                if p.db.member_identity(&account, m).await?.is_none() {
                    anyhow::bail!("no active member {m} in account {account}");
                }
            }
            let key = p.issue_key(&account, member.as_deref()).await?;
            println!("{}", serde_json::json!({"ak": key.access_key_id, "sk": key.secret}));
        }
        AdminCommand::CreateMember { partner, login, roles } => {
            let partner = id(&partner)?;
            if !matches!(p.db.find_account(&partner).await?.map(|a| a.kind), Some(AccountKind::Partner(_))) {
                anyhow::bail!("{partner} is not a partner account");
            }
            let roles =
                roles.iter().map(|r| Role::from_db(r).ok_or_else(|| anyhow::anyhow!("unknown role {r}"))).collect::<anyhow::Result<_>>()?;
            let member_id =
                p.db.create_member(&partner, &NewMember { login_name: login.clone(), display_name: login.clone(), email: None, roles })
                    .await?;
            let key = p.issue_key(&partner, Some(&member_id)).await?;
            let password = p.create_login(&login, &partner, Some(&member_id)).await?;
            println!(
                "{}",
                serde_json::json!({"member_id": member_id, "ak": key.access_key_id, "sk": key.secret, "login": login, "password": password})
            );
        }
        AdminCommand::Topup { partner, amount, operator } => {
            let partner = id(&partner)?;
            if !matches!(p.db.find_account(&partner).await?.map(|a| a.kind), Some(AccountKind::Partner(_))) {
                anyhow::bail!("{partner} is not a partner account");
            }
            let amount = pc_domain::money::Money::parse_movement("--amount", &amount).map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let operator = match operator {
                Some(o) => id(&o)?,
                None => {
                    p.db.first_operator()
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("no operator account exists; create one with admin create-operator"))?
                }
            };
            let trans_id = p.top_up(&operator, &partner, amount).await?;
            let balance = p.db.cash_balance(&partner).await?;
            println!(
                "{}",
                serde_json::json!({"trans_id": trans_id, "partner": partner.to_string(), "balance": balance.amount.to_string()})
            );
        }
        AdminCommand::QuotaGrant { partner, value, quota_type, days } => {
            let operator =
                p.db.first_operator()
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("no operator account exists; create one with admin create-operator"))?;
            let principal = pc_domain::tenancy::Principal { domain_id: operator, kind: AccountKind::Operator, member: None };
            let operator = <pc_api::principal::OperatorCaller as pc_api::principal::Capability>::from_principal(principal)
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let value = pc_domain::money::Money::parse_movement("--value", &value).map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let quota_type = pc_domain::coupons::parse_quota_type(Some(quota_type)).map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let now = p.db.now().await?;
            let quota_id = pc_api::services::coupons::grant_quota(
                p.db,
                &operator,
                Some(&partner),
                quota_type,
                value,
                Some(now),
                Some(now + days * 86_400_000),
                Default::default(),
            )
            .await
            .map_err(pc_api::error::ApiError::into_anyhow)?;
            println!("{}", serde_json::json!({"quota_id": quota_id}));
        }
        AdminCommand::QuotaStatus { quota, status } => {
            let operator = p.db.first_operator().await?.ok_or_else(|| anyhow::anyhow!("no operator account exists"))?;
            let principal = pc_domain::tenancy::Principal { domain_id: operator, kind: AccountKind::Operator, member: None };
            let operator = <pc_api::principal::OperatorCaller as pc_api::principal::Capability>::from_principal(principal)
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            pc_api::services::coupons::set_quota_status(p.db, &operator, Some(&quota), Some(status))
                .await
                .map_err(pc_api::error::ApiError::into_anyhow)?;
            println!("quota {quota} status {status}");
        }
        AdminCommand::Audit => {
            let ledger = p.db.ledger_audit().await?;
            let coupons_broken = p.db.coupon_audit().await?;
            let transfers = p.db.count_transfers().await?;
            let orders = p.db.order_audit().await?;
            let ok = ledger.holds() && coupons_broken == 0 && orders.holds();
            println!(
                "{}",
                serde_json::json!({
                    "ok": ok,
                    "transfers": transfers,
                    "balances_fen": ledger.balances_fen,
                    "topups_fen": ledger.topups_fen,
                    "mismatched_accounts": ledger.mismatched_accounts,
                    "unbalanced_transfers": ledger.unbalanced_transfers,
                    "negative_accounts": ledger.negative_accounts,
                    "uncovered_resources": ledger.uncovered_resources,
                    "broken_quotas_or_coupons": coupons_broken,
                    "misbooked_orders": orders.misbooked_orders,
                    "refunds_beyond_paid": orders.refunds_beyond_paid,
                    "unpaid_resources": orders.unpaid_resources,
                })
            );
            if !ok {
                anyhow::bail!("invariants broken");
            }
        }
        AdminCommand::SweepCoupons => {
            let n = pc_api::services::coupons::sweep_expired_coupons(p.db).await.map_err(pc_api::error::ApiError::into_anyhow)?;
            println!("{n} expired coupons recorded");
        }
        AdminCommand::RunJobs => {
            let node = format!("admin-{}", std::process::id());
            let r = pc_api::services::orders::run_jobs(p.db, &node).await.map_err(pc_api::error::ApiError::into_anyhow)?;
            println!(
                "{}",
                serde_json::json!({"cancelled_orders": r.cancelled_orders, "renewal_orders": r.renewal_orders, "renewals_paid": r.renewals_paid,
                                   "converted_to_on_demand": r.converted_to_on_demand, "deleted_resources": r.deleted_resources})
            );
        }
        AdminCommand::Clock { advance_days } => {
            if let Some(days) = advance_days {
                p.db.advance_clock(days.saturating_mul(86_400_000)).await.map_err(|e| pc_api::error::ApiError::from(e).into_anyhow())?;
            }
            let c = p.db.clock_settings().await?;
            println!(
                "{}",
                serde_json::json!({"sandbox": c.sandbox, "offset_seconds": c.offset_ms / 1000, "now": pc_domain::query::format_utc(p.db.now().await?)})
            );
        }
        AdminCommand::OnDemandLimits { customer, per_order, per_customer } => {
            let operator = p.db.first_operator().await?.ok_or_else(|| anyhow::anyhow!("no operator account exists"))?;
            let principal = pc_domain::tenancy::Principal { domain_id: operator, kind: AccountKind::Operator, member: None };
            let operator = <pc_api::principal::OperatorCaller as pc_api::principal::Capability>::from_principal(principal)
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let limits =
                pc_api::services::orders::set_on_demand_limits(p.db, &operator, customer.as_deref(), Some(per_order), Some(per_customer))
                    .await
                    .map_err(pc_api::error::ApiError::into_anyhow)?;
            println!(
                "{}",
                serde_json::json!({"customer_id": customer, "per_order": limits.per_order, "per_customer": limits.per_customer})
            );
        }
        AdminCommand::DiscountFloor { partner, min_rate, service_type } => {
            let operator = p.db.first_operator().await?.ok_or_else(|| anyhow::anyhow!("no operator account exists"))?;
            let principal = pc_domain::tenancy::Principal { domain_id: operator, kind: AccountKind::Operator, member: None };
            let operator = <pc_api::principal::OperatorCaller as pc_api::principal::Capability>::from_principal(principal)
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let (partner, rate) =
                pc_api::services::catalog::set_discount_floor(p.db, &operator, &partner, service_type.as_deref(), &min_rate)
                    .await
                    .map_err(pc_api::error::ApiError::into_anyhow)?;
            println!(
                "{}",
                serde_json::json!({"partner_id": partner.to_string(), "service_type_code": service_type, "min_rate": rate.to_string()})
            );
        }
        AdminCommand::Backup { file } => backup(p.db, &file).await?,
        AdminCommand::Restore { .. } => anyhow::bail!("restore runs before the database is opened"),
        AdminCommand::AssignManager { partner, customer, member } => {
            p.db.assign_customer_manager(&id(&partner)?, &id(&customer)?, &member).await?;
            println!("assigned");
        }
    }
    Ok(())
}
