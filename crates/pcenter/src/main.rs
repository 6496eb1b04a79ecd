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
    /// Create the database as a sandbox: its business clock can be advanced (demos, tests).
    /// Only a database created with this flag is a sandbox; it cannot be turned on later.
    #[arg(long, global = true)]
    sandbox: bool,
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

    // Restore replaces the database file, so it must not hold it open itself.
    if let Command::Admin { action: admin::AdminCommand::Restore { file } } = &cli.command {
        return admin::restore(file, &settings.db).await;
    }

    let db = match DbAccess::of(&cli.command) {
        DbAccess::Migrate => {
            let db = Db::connect(&settings.db).await?;
            db.migrate_creating(cli.sandbox).await?;
            db
        }
        DbAccess::AsIs => open_without_migrating(&settings.db, false).await?,
        DbAccess::CurrentSchema => open_without_migrating(&settings.db, true).await?,
    };
    tracing::info!(db = %redact(&settings.db), "database ready");
    // Only the commands that provision or serve need the server key (created when missing).
    let vault = || KeyVault::load_or_create(&settings.key_file);

    match cli.command {
        Command::Migrate => println!("migrations applied to {}", redact(&settings.db)),
        Command::Seed { what: SeedWhat::Demo { json } } => {
            let vault = vault()?;
            let demo = seed::seed_demo(&Provisioner { db: &db, vault: &vault }).await?;
            if json {
                println!("{}", serde_json::to_string(&demo)?);
            } else {
                print_demo(&demo, None);
            }
        }
        Command::Admin { action: admin::AdminCommand::Backup { file } } => admin::backup(&db, &file).await?,
        Command::Admin { action } => admin::run(&Provisioner { db: &db, vault: &vault()? }, action).await?,
        Command::Bench { what: BenchWhat::Transfers(args) } => {
            let backend = if settings.db.starts_with("sqlite") { "sqlite" } else { "postgres" };
            bench::run(&db, &settings.db, backend, &vault()?, args).await?
        }
        Command::Funds(args) => funds_cli::run(&db, args).await?,
        Command::Coupons(args) => coupons_cli::run(&db, args).await?,
        Command::Orders(args) => orders_cli::run(&db, args).await?,
        Command::Resources(args) => resources_cli::run(&db, args).await?,
        Command::Price(args) => price_cli::run(&db, args).await?,
        Command::Serve { demo } => {
            let vault = vault()?;
            if demo {
                seed::ensure_price_book(&db, "seed").await?;
                if db.count_accounts().await? == 0 {
                    let d = seed::seed_demo(&Provisioner { db: &db, vault: &vault }).await?;
                    print_demo(&d, Some(&settings.listen));
                } else {
                    println!("The database already holds accounts; demo keys were printed when it was first seeded.");
                }
            }
            if db.clock_settings().await?.sandbox {
                let now = pc_domain::query::format_utc(db.now().await?);
                let banner = "SANDBOX DATABASE: the business clock can be moved ahead; never serve real customers from it.";
                eprintln!("\n*** {banner} Business time now {now}. ***\n");
                tracing::warn!(business_time = %now, "{banner}");
            }
            // Tells `admin restore` the database is in use for as long as the server runs.
            let _presence = pc_storage::backup::hold_sqlite_presence(&settings.db).await?;
            serve(db.clone(), vault, &settings.listen).await?;
        }
    }
    db.close().await;
    Ok(())
}

/// How a command opens the database.
#[derive(Debug, PartialEq, Eq)]
enum DbAccess {
    /// Applies pending migrations first (the server, and every command that writes).
    Migrate,
    /// Reads only: never migrates, and refuses a schema older or newer than this binary's.
    CurrentSchema,
    /// Opens the database as it is (a backup copies whatever schema it has).
    AsIs,
}

impl DbAccess {
    fn of(command: &Command) -> DbAccess {
        use admin::AdminCommand as A;
        use coupons_cli::CouponsCommand as C;
        use funds_cli::FundsCommand as F;
        use orders_cli::OrdersCommand as O;
        use resources_cli::ResourcesCommand as R;
        let read_only = match command {
            Command::Funds(a) => matches!(a.command, F::Balances { .. } | F::Records { .. }),
            Command::Coupons(a) => matches!(a.command, C::Quotas | C::List { .. }),
            Command::Orders(a) => matches!(a.command, O::List { .. } | O::Show { .. }),
            Command::Resources(a) => matches!(a.command, R::List { .. }),
            Command::Price(_) => true,
            Command::Admin { action } => match action {
                A::Backup { .. } => return DbAccess::AsIs,
                A::Audit | A::PriceBook { action: price_cli::PriceBookCommand::List } => true,
                A::Clock { advance_days } => advance_days.is_none(),
                _ => false,
            },
            _ => false,
        };
        if read_only {
            DbAccess::CurrentSchema
        } else {
            DbAccess::Migrate
        }
    }
}

/// Opens the database without migrating. A SQLite file that does not exist is not created.
async fn open_without_migrating(url: &str, require_current: bool) -> anyhow::Result<Db> {
    if let Some(path) = pc_storage::backup::sqlite_path(url) {
        if !path.exists() {
            anyhow::bail!("no database at {}: create it with `pcenter migrate` (or `pcenter serve`)", path.display());
        }
    }
    let db = Db::connect(url).await?;
    if require_current {
        let verdict = db.schema_verdict().await?;
        if verdict != pc_storage::backup::SchemaVerdict::Current {
            db.close().await;
            anyhow::bail!("{}", verdict.advice());
        }
    }
    Ok(db)
}

/// How often the server records coupon expiries (reads apply expiry by time regardless).
const EXPIRY_SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

async fn serve(db: Db, vault: KeyVault, listen: &str) -> anyhow::Result<()> {
    let sweeper_db = db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EXPIRY_SWEEP_EVERY);
        loop {
            tick.tick().await;
            match pc_api::services::coupons::sweep_expired_coupons(&sweeper_db).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(coupons = n, "expired coupons recorded"),
                Err(e) => tracing::warn!(error = ?e, "coupon expiry sweep failed; retrying next round"),
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
