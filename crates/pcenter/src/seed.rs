//! `seed demo`: a small, complete channel in an empty database. The JSON it prints is a
//! stable contract that tests and tools rely on.

use crate::provision::{Handover, Provisioner};
use pc_domain::tenancy::{AccountKind, AssociationType, PartnerKind};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct DemoReseller {
    #[serde(flatten)]
    pub account: Handover,
    pub parent: String,
}

#[derive(Debug, Serialize)]
pub struct DemoCustomer {
    #[serde(flatten)]
    pub account: Handover,
    pub partner: String,
    pub association_type: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Demo {
    pub operator: Handover,
    pub distributor: Handover,
    pub reseller: DemoReseller,
    pub solution_provider: Handover,
    pub customers: Vec<DemoCustomer>,
}

fn email(name: &str) -> Option<String> {
    Some(format!("{name}@example.com"))
}

/// Loads the shipped price book when no version is loaded yet.
pub async fn ensure_price_book(db: &pc_storage::Db, loaded_by: &str) -> anyhow::Result<()> {
    if db.price_book_versions().await?.is_empty() {
        let book = pc_domain::catalog::PriceBook::parse(pc_domain::catalog::SHIPPED_PRICE_BOOK)?;
        db.load_price_book(&book, loaded_by).await?;
    }
    Ok(())
}

pub async fn seed_demo(p: &Provisioner<'_>) -> anyhow::Result<Demo> {
    if p.db.count_accounts().await? > 0 {
        anyhow::bail!("the database is not empty; the demo is seeded only into an empty database");
    }
    ensure_price_book(p.db, "seed").await?;
    let partner = |kind| AccountKind::Partner(kind);
    let operator = p.create_account("demo-operator", AccountKind::Operator, None, "Cloud Operations", email("demo-operator")).await?;
    let distributor = p
        .create_account(
            "demo-distributor",
            partner(PartnerKind::Distributor),
            None,
            "Huadong Distribution Co., Ltd.",
            email("demo-distributor"),
        )
        .await?;
    let reseller = p
        .create_account(
            "demo-reseller",
            partner(PartnerKind::Reseller),
            Some(&distributor.domain_id),
            "Xihu Cloud Reseller Ltd.",
            email("demo-reseller"),
        )
        .await?;
    let provider = p
        .create_account("demo-provider", partner(PartnerKind::SolutionProvider), None, "Binjiang Solutions Ltd.", email("demo-provider"))
        .await?;

    // Starting balances, credited by the operator like any top-up.
    for (partner, yuan) in [(&distributor, "100000.00"), (&reseller, "20000.00"), (&provider, "50000.00")] {
        let amount = pc_domain::money::Money::parse_movement("amount", yuan).map_err(|e| anyhow::anyhow!("{e}"))?;
        p.top_up(&operator.domain_id, &partner.domain_id, amount).await?;
    }

    // Voucher quotas: the operator grants the solution provider and the distributor one each;
    // the distributor passes part of its quota to its reseller.
    let day = 86_400_000;
    let now = pc_domain::query::now_millis();
    let grant = |partner: &pc_storage::Account, yuan: &str| {
        let value = pc_domain::money::Money::parse_movement("quota_value", yuan).expect("static amount");
        pc_storage::NewQuota {
            owner: partner.domain_id.clone(),
            granted_by: operator.domain_id.clone(),
            quota_type: 0,
            value,
            effective_at: now - day,
            expire_at: now + 365 * day,
            limits: Default::default(),
        }
    };
    p.db.create_quota(&grant(&provider, "10000.00")).await?;
    let distributor_quota = p.db.create_quota(&grant(&distributor, "20000.00")).await?;
    let sub = pc_domain::money::Money::parse_movement("quota_amount", "5000.00").expect("static amount");
    p.db.issue_sub_quota(&distributor.domain_id, &distributor_quota, &reseller.domain_id, sub, None).await?;

    let plan = [
        ("demo-shop-alpha", "Alpha Retail Ltd.", &provider, AssociationType::Resale),
        ("demo-shop-bravo", "Bravo Logistics Ltd.", &provider, AssociationType::Resale),
        ("demo-shop-charlie", "Charlie Media Ltd.", &provider, AssociationType::Consultative),
        ("demo-shop-delta", "Delta Games Ltd.", &reseller, AssociationType::Resale),
    ];
    let mut customers = Vec::new();
    for (name, display, owner, kind) in plan {
        let c = p.create_account(name, AccountKind::Customer, None, display, email(name)).await?;
        p.associate(&c.domain_id, &owner.domain_id, kind).await?;
        customers.push(DemoCustomer {
            account: p.handover(&c).await?,
            partner: owner.domain_id.to_string(),
            association_type: kind.name(),
        });
    }
    Ok(Demo {
        operator: p.handover(&operator).await?,
        distributor: p.handover(&distributor).await?,
        reseller: DemoReseller { account: p.handover(&reseller).await?, parent: distributor.domain_id.to_string() },
        solution_provider: p.handover(&provider).await?,
        customers,
    })
}
