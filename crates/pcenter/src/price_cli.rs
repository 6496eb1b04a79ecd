//! `pcenter price ...`: price inquiries against the price book in effect, with the same
//! domain functions as the Open API; and the operator's `admin price-book` commands.

use clap::{Args, Subcommand};
use pc_domain::catalog::PriceBook;
use pc_domain::pricing::{self, DemandProduct, PeriodProduct, PeriodQuote, SpecChoice, PERIOD_MONTH, PERIOD_YEAR};
use pc_domain::query::format_utc;
use pc_domain::DomainId;
use pc_storage::{Db, PriceBookLoad};
use serde_json::json;

#[derive(Args)]
pub struct PriceArgs {
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Price for this customer, with its partner's discounts.
    #[arg(long, global = true)]
    pub customer: Option<String>,
    #[command(subcommand)]
    pub command: PriceCommand,
}

#[derive(Args)]
pub struct Line {
    /// Spec code, e.g. s6.small.1.linux or SAS.
    #[arg(long)]
    pub spec: String,
    #[arg(long, default_value = "cn-north-4")]
    pub region: String,
    /// Size for sized specs (GB for disks, Mbps for bandwidth).
    #[arg(long)]
    pub size: Option<i64>,
    #[arg(long, default_value_t = 1)]
    pub count: i64,
}

#[derive(Subcommand)]
pub enum PriceCommand {
    /// Yearly/monthly price.
    Period {
        #[command(flatten)]
        line: Line,
        #[arg(long, conflicts_with = "years")]
        months: Option<i64>,
        #[arg(long)]
        years: Option<i64>,
    },
    /// On-demand price for a number of hours.
    OnDemand {
        #[command(flatten)]
        line: Line,
        #[arg(long)]
        hours: String,
        /// 0: 6 decimals, 1: 10 decimals.
        #[arg(long, default_value_t = 0)]
        precision: i64,
    },
    /// Change-of-spec price for the time left of a monthly period (scale-up only).
    SpecChange {
        #[command(flatten)]
        line: Line,
        #[arg(long)]
        to: String,
        #[arg(long)]
        to_size: Option<i64>,
        #[arg(long, default_value_t = 1)]
        months: i64,
        /// Days left of the period; default the whole period.
        #[arg(long)]
        remaining_days: Option<i64>,
    },
}

#[derive(Subcommand)]
pub enum PriceBookCommand {
    /// Load (or replace a not yet effective) price-book version from a JSON file.
    Load { file: std::path::PathBuf },
    /// Loaded versions, newest first.
    List,
}

fn period_line(book: &PriceBook, l: &Line, period_type: i64, period_num: i64) -> anyhow::Result<PeriodProduct> {
    let spec = book.spec(&l.spec).ok_or_else(|| anyhow::anyhow!("spec '{}' is not in the price book", l.spec))?;
    Ok(PeriodProduct {
        id: "1".into(),
        cloud_service_type: spec.service_type.clone(),
        resource_type: spec.resource_type.clone(),
        resource_spec: spec.code.clone(),
        region: l.region.clone(),
        available_zone: None,
        resource_size: l.size,
        size_measure_id: None,
        period_type,
        period_num,
        subscription_num: l.count,
    })
}

fn print(q: &PeriodQuote, json_out: bool) {
    if json_out {
        let options: Vec<_> = q
            .discounts
            .iter()
            .map(|o| json!({"discount_id": o.discount_id, "discount_name": o.discount_name, "amount": o.amount.to_string(), "discount_amount": o.discount_amount.to_string(), "best_offer": o.best}))
            .collect();
        let v = json!({"product_id": q.product_id, "official_amount": q.official_amount.to_string(), "discount_amount": q.discount_amount.to_string(), "amount": q.amount.to_string(), "discounts": options});
        println!("{v}");
    } else {
        println!("{}  official {}  discount {}  amount {} CNY", q.product_id, q.official_amount, q.discount_amount, q.amount);
        for o in &q.discounts {
            println!("  {}{}: {} (−{})", o.discount_name, if o.best { " [best]" } else { "" }, o.amount, o.discount_amount);
        }
    }
}

pub async fn run(db: &Db, args: PriceArgs) -> anyhow::Result<()> {
    let book = db.price_book_at(db.now().await?).await?;
    let discounts = match &args.customer {
        Some(c) => db.customer_discounts(&DomainId::parse(c)?).await?,
        None => Vec::new(),
    };
    let quote = match &args.command {
        PriceCommand::Period { line, months, years } => {
            let (t, n) = match (months, years) {
                (_, Some(y)) => (PERIOD_YEAR, *y),
                (m, None) => (PERIOD_MONTH, m.unwrap_or(1)),
            };
            pricing::quote_period(&book, &period_line(&book, line, t, n)?, &discounts)?
        }
        PriceCommand::OnDemand { line, hours, precision } => {
            let p = period_line(&book, line, PERIOD_MONTH, 1)?;
            let usage_value =
                pc_domain::money::parse_plain_decimal(hours).ok_or_else(|| anyhow::anyhow!("--hours must be a decimal number"))?;
            let d = DemandProduct {
                id: p.id,
                cloud_service_type: p.cloud_service_type,
                resource_type: p.resource_type,
                resource_spec: p.resource_spec,
                region: p.region,
                available_zone: None,
                resource_size: p.resource_size,
                size_measure_id: None,
                usage_factor: "Duration".into(),
                usage_value,
                usage_measure_id: 4,
                subscription_num: p.subscription_num,
            };
            pricing::quote_on_demand(&book, &d, pricing::on_demand_scale(Some(*precision))?, &discounts)?
        }
        PriceCommand::SpecChange { line, to, to_size, months, remaining_days } => {
            let from = period_line(&book, line, PERIOD_MONTH, *months)?;
            let period_ms = pricing::period_length_ms(PERIOD_MONTH, *months)?;
            let remaining = remaining_days.map_or(period_ms, |d| d * 86_400_000);
            if remaining <= 0 || remaining > period_ms {
                anyhow::bail!("--remaining-days must be within the {months} month(s) and above 0");
            }
            let to = SpecChoice { resource_spec: to.clone(), resource_size: *to_size };
            let term = pricing::TermSpan { start: 0, end: remaining, period_type: PERIOD_MONTH };
            pricing::quote_spec_change(&book, &from, &to, &[term], 0, &discounts)?
        }
    };
    print(&quote, args.json);
    Ok(())
}

pub async fn run_price_book(db: &Db, operator: &str, cmd: PriceBookCommand) -> anyhow::Result<()> {
    match cmd {
        PriceBookCommand::Load { file } => {
            let text = std::fs::read_to_string(&file)?;
            let book = PriceBook::parse(&text)?;
            let load = db.load_price_book(&book, operator).await?;
            let what = match &load {
                PriceBookLoad::Loaded(_) => "loaded",
                PriceBookLoad::Unchanged(_) => "unchanged",
                PriceBookLoad::Replaced(_) => "replaced",
            };
            let v = load.version();
            println!(
                "{}",
                json!({"book_id": v.book_id, "version": v.version, "effective_from": format_utc(v.effective_from), "result": what})
            );
        }
        PriceBookCommand::List => {
            for v in db.price_book_versions().await? {
                println!(
                    "{}",
                    json!({"book_id": v.book_id, "version": v.version, "effective_from": format_utc(v.effective_from), "loaded_by": v.loaded_by, "loaded_at": format_utc(v.loaded_at)})
                );
            }
        }
    }
    Ok(())
}
