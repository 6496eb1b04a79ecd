//! `pcenter bench transfers`: throughput and latency of the money API, with two references
//! measured in the same run on the same machine and database — a signed echo (same server,
//! authentication and JSON, no storage) and the raw transfer (the same guarded debit, credit
//! and journal insert, one transaction per transfer, issued directly to the database).

use clap::Args;
use pc_api::signing::sign_request_with;
use pc_api::{AppState, KeyVault};
use pc_domain::customer::{NewCustomer, NewCustomerInput};
use pc_domain::funds::TransferKind;
use pc_domain::money::Money;
use pc_domain::tenancy::{AccountKind, PartnerKind};
use pc_domain::{DomainId, DomainName};
use pc_storage::{Db, NewAccount, StoredKey, TransferCommand};
use rand::Rng;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct BenchArgs {
    /// Concurrent clients.
    #[arg(long, default_value_t = 16)]
    pub clients: usize,
    /// Seconds per measured phase.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Mostly one partner (one hot account) instead of many.
    #[arg(long)]
    pub hot: bool,
    /// Server nodes started in this process, each with its own connection pool.
    #[arg(long, default_value_t = 1)]
    pub nodes: usize,
    /// Customers to spread the load over.
    #[arg(long, default_value_t = 200)]
    pub customers: usize,
    /// Open loop: send the HTTP transfers at this many requests per second, however long
    /// each takes (latency counted from the scheduled send, so a stall shows in p99), instead
    /// of `--clients` closed loops. For p99 at a fraction of the peak.
    #[arg(long)]
    pub rate: Option<f64>,
}

struct Actor {
    partner: DomainId,
    ak: String,
    sk: String,
    customers: Vec<DomainId>,
}

struct Node {
    host: String,
    _server: tokio::task::JoinHandle<()>,
}

const PARTNERS_SPREAD: usize = 20;

pub async fn run(db: &Db, url: &str, backend: &str, vault: &KeyVault, args: BenchArgs) -> anyhow::Result<()> {
    if db.count_accounts().await? > 0 {
        anyhow::bail!("bench needs an empty database (it seeds its own partners and customers)");
    }
    let actors = Arc::new(seed(db, vault, &args).await?);
    eprintln!("bench: seeded {} partners, {} customers", actors.len(), args.customers);

    let mut nodes = Vec::new();
    let mut pools = Vec::new();
    for _ in 0..args.nodes.max(1) {
        let pool = Db::connect(url).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let host = listener.local_addr()?.to_string();
        let app = pc_api::router(AppState::new(pool.clone(), vault.clone()));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        nodes.push(Node { host, _server: server });
        pools.push(pool);
    }
    let nodes = Arc::new(nodes);
    let http = reqwest::Client::builder().pool_max_idle_per_host(args.clients).build()?;
    let duration = Duration::from_secs(args.seconds);

    eprintln!("bench: echo phase ({}s, {} clients)", args.seconds, args.clients);
    let echo = drive(&args, duration, {
        let (http, nodes, actors) = (http.clone(), nodes.clone(), actors.clone());
        move |i, rng| {
            let (http, nodes, actors) = (http.clone(), nodes.clone(), actors.clone());
            let n: u32 = rng.gen();
            async move {
                let a = &actors[i % actors.len()];
                let body = json!({"probe": n}).to_string();
                send(&http, &nodes[i % nodes.len()], a, "/v2/echo", &body).await.map(|s| s == 200).unwrap_or(false)
            }
        }
    })
    .await;

    let before = db.count_transfers().await?;
    eprintln!(
        "bench: transfer phase over HTTP ({}s, {} clients, {})",
        args.seconds,
        args.clients,
        if args.hot { "hot partner" } else { "spread" }
    );
    let transfer_op = {
        let (http, nodes, actors) = (http.clone(), nodes.clone(), actors.clone());
        move |i: usize, rng: &mut rand::rngs::StdRng| {
            let (http, nodes, actors) = (http.clone(), nodes.clone(), actors.clone());
            let pick: f64 = rng.gen();
            let allocate = rng.gen_bool(0.6);
            let c: usize = rng.gen();
            let fen: i64 = rng.gen_range(1..=1_000);
            async move {
                let a = pick_actor(&actors, pick, i);
                let customer = &a.customers[c % a.customers.len()];
                let path = if allocate { "/v2/accounts/partner-accounts/adjust-amount" } else { "/v2/accounts/partner-accounts/reclaim" };
                let body = format!(r#"{{"customer_id": "{customer}", "amount": {}}}"#, Money::from_fen(fen));
                send(&http, &nodes[i % nodes.len()], a, path, &body).await.map(|s| s == 200).unwrap_or(false)
            }
        }
    };
    let transfers = match args.rate {
        Some(rate) => drive_at_rate(rate, duration, transfer_op).await,
        None => drive(&args, duration, transfer_op).await,
    };
    let journaled = db.count_transfers().await? - before;

    eprintln!("bench: raw transfer phase ({}s, {} clients, straight to the database)", args.seconds, args.clients);
    let raw_db = pools[0].clone();
    let raw = drive(&args, duration, {
        let (raw_db, actors) = (raw_db.clone(), actors.clone());
        move |i, rng| {
            let (db, actors) = (raw_db.clone(), actors.clone());
            let pick: f64 = rng.gen();
            let allocate = rng.gen_bool(0.6);
            let c: usize = rng.gen();
            let fen: i64 = rng.gen_range(1..=1_000);
            async move {
                let a = pick_actor(&actors, pick, i);
                let customer = a.customers[c % a.customers.len()].clone();
                let (from, to, kind) = if allocate {
                    (a.partner.clone(), customer.clone(), TransferKind::Allocate)
                } else {
                    (customer.clone(), a.partner.clone(), TransferKind::Reclaim)
                };
                let cmd = TransferCommand {
                    kind,
                    actor: a.partner.clone(),
                    counterparty: customer,
                    from_owner: Some(from),
                    to_owner: to,
                    amount: Money::from_fen(fen),
                    idempotency: None,
                    by: None,
                };
                db.transfer(&cmd).await.is_ok()
            }
        }
    })
    .await;

    // Verification: exactly the acknowledged movements are journaled, and money is conserved.
    let total = db.count_transfers().await?;
    let audit = db.ledger_audit().await?;
    let journal_ok = journaled == transfers.ok as i64 && total - before == (transfers.ok + raw.ok) as i64;
    eprintln!(
        "bench: verified {} HTTP transfers journaled exactly once ({}), raw {}; ledger conserved: {}",
        transfers.ok,
        if journal_ok { "ok" } else { "MISMATCH" },
        raw.ok,
        if audit.holds() { "ok" } else { "BROKEN" }
    );
    let secs = args.seconds as f64;
    println!(
        "{}",
        json!({
            "backend": backend,
            "clients": args.clients,
            "seconds": args.seconds,
            "nodes": args.nodes,
            "hot": args.hot,
            "rate": args.rate,
            "transfers": transfers.ok,
            "refused": transfers.refused,
            "tps": round1(transfers.ok as f64 / secs),
            "p50_ms": round2(transfers.percentile(50.0)),
            "p99_ms": round2(transfers.percentile(99.0)),
            "echo_rps": round1(echo.ok as f64 / secs),
            "raw_sql_tps": round1(raw.ok as f64 / secs),
            "rss_mb_peak": peak_rss_mb(),
        })
    );
    for p in pools {
        p.close().await;
    }
    if !journal_ok || !audit.holds() {
        anyhow::bail!("verification failed: journal {journaled} vs acknowledged {}, audit {audit:?}", transfers.ok);
    }
    Ok(())
}

fn pick_actor(actors: &[Actor], pick: f64, i: usize) -> &Actor {
    // With --hot there is one partner; spread mode picks any.
    &actors[((pick * 1e6) as usize + i) % actors.len()]
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Peak resident set size of this process (server nodes and clients together), in MB.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| round1(kb / 1024.0))
        .unwrap_or(0.0)
}

async fn send(http: &reqwest::Client, node: &Node, a: &Actor, path: &str, body: &str) -> anyhow::Result<u16> {
    // A signed nonce per request: two requests with the same body in one second are two
    // requests, not a replay of one.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nonce = format!("{}-{}", std::process::id(), NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    let extra = [("x-request-nonce", nonce.as_str())];
    let headers = sign_request_with(
        &a.ak,
        &a.sk,
        "POST",
        &node.host,
        path,
        None,
        Some("application/json"),
        &extra,
        body.as_bytes(),
        chrono::Utc::now(),
    );
    let mut req = http.post(format!("http://{}{}", node.host, path)).body(body.to_owned());
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let resp = req.send().await?;
    let status = resp.status().as_u16();
    let _ = resp.bytes().await?;
    Ok(status)
}

#[derive(Default)]
struct Phase {
    ok: usize,
    refused: usize,
    latencies_ms: Vec<f64>,
}

impl Phase {
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies_ms.is_empty() {
            return 0.0;
        }
        let mut v = self.latencies_ms.clone();
        v.sort_by(|a, b| a.total_cmp(b));
        v[((p / 100.0) * (v.len() - 1) as f64).round() as usize]
    }
}

/// Runs `clients` loops of `op` for `duration`; counts successes and records latencies.
async fn drive<F, Fut>(args: &BenchArgs, duration: Duration, op: F) -> Phase
where
    F: Fn(usize, &mut rand::rngs::StdRng) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    use rand::SeedableRng;
    let deadline = Instant::now() + duration;
    let mut handles = Vec::new();
    for client in 0..args.clients {
        let op = op.clone();
        handles.push(tokio::spawn(async move {
            let mut rng = rand::rngs::StdRng::seed_from_u64(client as u64);
            let mut phase = Phase::default();
            while Instant::now() < deadline {
                let started = Instant::now();
                let ok = op(client, &mut rng).await;
                phase.latencies_ms.push(started.elapsed().as_secs_f64() * 1000.0);
                if ok {
                    phase.ok += 1;
                } else {
                    phase.refused += 1;
                }
            }
            phase
        }));
    }
    let mut total = Phase::default();
    for h in handles {
        if let Ok(p) = h.await {
            total.ok += p.ok;
            total.refused += p.refused;
            total.latencies_ms.extend(p.latencies_ms);
        }
    }
    total
}

/// Starts `op` every `1/rate` seconds for `duration`, whether or not earlier ones finished;
/// each latency runs from the scheduled start.
async fn drive_at_rate<F, Fut>(rate: f64, duration: Duration, op: F) -> Phase
where
    F: Fn(usize, &mut rand::rngs::StdRng) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = bool> + Send + 'static,
{
    use rand::SeedableRng;
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / rate.max(0.001)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let deadline = Instant::now() + duration;
    let mut running = tokio::task::JoinSet::new();
    let mut sent = 0usize;
    loop {
        let scheduled = ticks.tick().await.into_std();
        if scheduled >= deadline {
            break;
        }
        let request = op(sent, &mut rng);
        sent += 1;
        running.spawn(async move { (request.await, scheduled.elapsed().as_secs_f64() * 1000.0) });
    }
    let mut total = Phase::default();
    while let Some(done) = running.join_next().await {
        if let Ok((ok, latency_ms)) = done {
            total.latencies_ms.push(latency_ms);
            if ok {
                total.ok += 1;
            } else {
                total.refused += 1;
            }
        }
    }
    total
}

async fn seed(db: &Db, vault: &KeyVault, args: &BenchArgs) -> anyhow::Result<Vec<Actor>> {
    let name = |s: String| DomainName::parse(&s).map_err(|e| anyhow::anyhow!("{}", e.message));
    let operator = db
        .create_account(&NewAccount {
            domain_name: name("bench-operator".into())?,
            kind: AccountKind::Operator,
            parent_id: None,
            display_name: String::new(),
            email: None,
            mobile: None,
        })
        .await?;
    let partners = if args.hot { 1 } else { PARTNERS_SPREAD };
    let mut actors = Vec::new();
    for p in 0..partners {
        let partner = db
            .create_account(&NewAccount {
                domain_name: name(format!("bench-partner-{p}"))?,
                kind: AccountKind::Partner(PartnerKind::SolutionProvider),
                parent_id: None,
                display_name: String::new(),
                email: None,
                mobile: None,
            })
            .await?;
        db.transfer(&TransferCommand {
            kind: TransferKind::TopUp,
            actor: operator.domain_id.clone(),
            counterparty: partner.domain_id.clone(),
            from_owner: None,
            to_owner: partner.domain_id.clone(),
            amount: Money::from_fen(1_000_000_000),
            idempotency: None,
            by: None,
        })
        .await?;
        let key = vault.issue();
        db.insert_access_key(&StoredKey {
            access_key_id: key.access_key_id.clone(),
            domain_id: partner.domain_id.clone(),
            member_id: None,
            secret_sealed: key.sealed,
        })
        .await?;
        actors.push(Actor { partner: partner.domain_id, ak: key.access_key_id, sk: key.secret, customers: Vec::new() });
    }
    for c in 0..args.customers.max(1) {
        let owner = c % actors.len();
        let (n, x) = (format!("bench-customer-{c}"), format!("bench-{c}"));
        let new = NewCustomer::parse(NewCustomerInput {
            domain_name: Some(&n),
            xaccount_type: Some("bench"),
            xaccount_id: Some(&x),
            ..Default::default()
        })
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
        let id = db.create_customer(&actors[owner].partner, &new, None).await?;
        actors[owner].customers.push(id);
    }
    Ok(actors)
}
