//! `pcenter`: the partner center in one binary.

mod admin;
mod bench;
mod config;
mod coupons_cli;
mod funds_cli;
mod orders_cli;
mod price_cli;
mod provision;
mod resources_cli;
mod seed;

use clap::{Parser, Subcommand};
use config::{FileConfig, Overrides, Settings};
use pc_api::{AppState, KeyVault};
use pc_storage::{redact, Db};
use provision::Provisioner;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "pcenter", version, about = "Self-hostable cloud partner center")]
struct Cli {
    /// Database URL: sqlite://PATH (embedded, default sqlite://pcenter.db) or postgres://...
    #[arg(long, env = "PCENTER_DB", global = true)]
    db: Option<String>,
    /// Address the server listens on (default 127.0.0.1:8080).
    #[arg(long, env = "PCENTER_LISTEN", global = true)]
    listen: Option<String>,
    /// File holding the server key that seals access-key secrets (created when missing;
    /// default pcenter.key). Every node serving one database needs the same file.
    #[arg(long, env = "PCENTER_KEY_FILE", global = true)]
    key_file: Option<PathBuf>,
    /// Optional TOML file with db, listen, key_file, log.
    #[arg(long, env = "PCENTER_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// Log filter, e.g. info or pc_api=debug.
    #[arg(long, env = "PCENTER_LOG", global = true)]
    log: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the Open API server (applies migrations first).
    Serve {
        /// Seed the demo channel when the database is empty, and print its keys.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Fill an empty database.
    Seed {
        #[command(subcommand)]
        what: SeedWhat,
    },
    /// A partner's coupons: quotas, issue, list, recall.
    Coupons(coupons_cli::CouponsArgs),
    /// A partner's money: balances, allocate, reclaim, records.
    Funds(funds_cli::FundsArgs),
    /// Orders: list, show, create, pay, cancel, authorize the partner.
    Orders(orders_cli::OrdersArgs),
    /// A customer's yearly/monthly resources: list, renew, unsubscribe, auto-renew.
    Resources(resources_cli::ResourcesArgs),
    /// Price inquiries against the price book in effect.
    Price(price_cli::PriceArgs),
    /// Measure throughput and latency (seeds its own data into an empty database).
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
    /// Operator actions.
    Admin {
        #[command(subcommand)]
        action: admin::AdminCommand,
    },
}

#[derive(Subcommand)]
enum BenchWhat {
    /// Signed allocate/reclaim requests from concurrent clients, with an echo and a raw-SQL
    /// reference; prints one JSON object on its last line.
    Transfers(bench::BenchArgs),
}

#[derive(Subcommand)]
enum SeedWhat {
    /// An operator, a tier-1 distributor with one tier-2 reseller, a solution provider and
    /// four customers, with access keys and console logins.
    Demo {
        /// Print exactly one JSON object (the stable contract tests rely on).
        #[arg(long)]
        json: bool,
    },
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli).await {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let file = match &cli.config {
        Some(path) => FileConfig::load(path)?,
        None => FileConfig::default(),
    };
    let settings = Settings::resolve(Overrides { db: cli.db, listen: cli.listen, key_file: cli.key_file, log: cli.log }, file);
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_new(&settings.log).unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();

    let db = Db::connect(&settings.db).await?;
    db.migrate().await?;
    tracing::info!(db = %redact(&settings.db), "database ready");
    let vault = KeyVault::load_or_create(&settings.key_file)?;
    let provisioner = Provisioner { db: &db, vault: &vault };

    match cli.command {
        Command::Migrate => println!("migrations applied to {}", redact(&settings.db)),
        Command::Seed { what: SeedWhat::Demo { json } } => {
            let demo = seed::seed_demo(&provisioner).await?;
            if json {
                println!("{}", serde_json::to_string(&demo)?);
            } else {
                print_demo(&demo, None);
            }
        }
        Command::Admin { action } => admin::run(&provisioner, action).await?,
        Command::Bench { what: BenchWhat::Transfers(args) } => {
            let backend = if settings.db.starts_with("sqlite") { "sqlite" } else { "postgres" };
            bench::run(&db, &settings.db, backend, &vault, args).await?
        }
        Command::Funds(args) => funds_cli::run(&db, args).await?,
        Command::Coupons(args) => coupons_cli::run(&db, args).await?,
        Command::Orders(args) => orders_cli::run(&db, args).await?,
        Command::Resources(args) => resources_cli::run(&db, args).await?,
        Command::Price(args) => price_cli::run(&db, args).await?,
        Command::Serve { demo } => {
            if demo {
                seed::ensure_price_book(&db, "seed").await?;
                if db.count_accounts().await? == 0 {
                    let d = seed::seed_demo(&provisioner).await?;
                    print_demo(&d, Some(&settings.listen));
                } else {
                    println!("The database already holds accounts; demo keys were printed when it was first seeded.");
                }
            }
            serve(db.clone(), vault.clone(), &settings.listen).await?;
        }
    }
    db.close().await;
    Ok(())
}

/// How often the server records coupon expiries (reads apply expiry by time regardless).
const EXPIRY_SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

async fn serve(db: Db, vault: KeyVault, listen: &str) -> anyhow::Result<()> {
    let sweeper_db = db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EXPIRY_SWEEP_EVERY);
        loop {
            tick.tick().await;
            match sweeper_db.sweep_expired_coupons(pc_domain::query::now_millis()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(coupons = n, "expired coupons recorded"),
                Err(e) => tracing::warn!(error = %e, "coupon expiry sweep failed; retrying next round"),
            }
        }
    });
    spawn_order_jobs(db.clone());
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    tracing::info!(address = %listener.local_addr()?, "serving the Open API and the web console");
    let state = AppState::new(db, vault);
    let app = pc_api::router(state.clone()).merge(pc_console::router(state));
    // The peer address reaches the console's sign-in limits (ClientAddr).
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await?;
    Ok(())
}

/// How often the order jobs run (unpaid orders, auto-renewals, expiries).
const ORDER_JOBS_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// The time-driven order lifecycle: each job runs under a lease in the database, so with
/// several nodes one runs it at a time.
fn spawn_order_jobs(db: Db) {
    let node = format!("node-{}", pc_domain::DomainId::generate());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(ORDER_JOBS_EVERY);
        loop {
            tick.tick().await;
            match pc_api::services::orders::run_jobs(&db, &node).await {
                Ok(r) if r == Default::default() => {}
                Ok(r) => tracing::info!(report = ?r, "order jobs ran"),
                Err(e) => tracing::warn!(error = ?e, "order jobs failed; retrying next round"),
            }
        }
    });
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

fn print_demo(demo: &seed::Demo, listen: Option<&str>) {
    if let Some(addr) = listen {
        println!("partner-center is starting at http://{addr}");
        println!("  Open API endpoint: http://{addr}   (health: /health, readiness: /ready)");
        println!("  Web console:       http://{addr}/console   (sign in with a console login below)");
    }
    println!("Demo channel (secrets are shown only now; keep them):");
    let row = |role: &str, h: &provision::Handover| {
        println!(
            "  {role:<18} domain_id={} name={}\n  {:<18} AK={} SK={}\n  {:<18} console login={} password={}",
            h.domain_id, h.domain_name, "", h.ak, h.sk, "", h.login, h.password
        );
    };
    row("operator", &demo.operator);
    row("distributor", &demo.distributor);
    row("reseller", &demo.reseller.account);
    row("solution provider", &demo.solution_provider);
    for c in &demo.customers {
        row(&format!("customer ({})", c.association_type), &c.account);
    }
}
