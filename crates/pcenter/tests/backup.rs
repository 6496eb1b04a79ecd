//! `admin backup` and `admin restore` on SQLite: a backup taken while a server runs and
//! transfers keep landing is consistent (the audit holds on its restored copy), a backup
//! never overwrites a file, and restore refuses a database in use or a file that is not a
//! pcenter database.

mod common;

use common::{pcenter, pcenter_command, pcenter_ok, scratch_dir};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn audit(url: &str) -> serde_json::Value {
    let report: serde_json::Value = serde_json::from_str(&pcenter_ok(url, &["admin", "audit"])).expect("audit JSON");
    assert_eq!(report["ok"], true, "audit: {report}");
    report
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

#[test]
fn backup_under_load_restores_to_a_consistent_database() {
    let dir = scratch_dir("backup");
    let live = format!("sqlite://{}", dir.join("live.db").display());
    let demo: serde_json::Value = serde_json::from_str(&pcenter_ok(&live, &["seed", "demo", "--json"])).expect("demo JSON");
    let provider = demo["solution_provider"]["domain_id"].as_str().expect("provider").to_owned();
    let customers: Vec<String> = demo["customers"]
        .as_array()
        .expect("customers")
        .iter()
        .filter(|c| c["partner"] == provider.as_str() && c["association_type"] == "resale")
        .map(|c| c["domain_id"].as_str().expect("id").to_owned())
        .collect();
    let seeded = audit(&live)["transfers"].as_i64().expect("transfers");

    let port = free_port();
    let mut server = pcenter_command(&live, &["--listen", &format!("127.0.0.1:{port}"), "serve"]).spawn().expect("start the server");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }

    // Writers: each allocates to and reclaims from a customer, as separate processes.
    let stop = Arc::new(AtomicBool::new(false));
    let moved = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = customers
        .iter()
        .cycle()
        .take(3)
        .enumerate()
        .map(|(i, customer)| {
            let (stop, moved, live, provider, customer) = (stop.clone(), moved.clone(), live.clone(), provider.clone(), customer.clone());
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let verb = if n % 2 == 0 { "allocate" } else { "reclaim" };
                    let amount = format!("{}.{:02}", 1 + i, n % 100);
                    let amount = if verb == "reclaim" { format!("{}.{:02}", 1 + i, (n - 1) % 100) } else { amount };
                    pcenter_ok(&live, &["funds", "--as", &provider, verb, "--customer", &customer, "--amount", &amount]);
                    moved.fetch_add(1, Ordering::Relaxed);
                    n += 1;
                }
            })
        })
        .collect();

    let wait_for = |count: usize| {
        let since = Instant::now();
        while moved.load(Ordering::Relaxed) < count {
            assert!(since.elapsed() < Duration::from_secs(120), "load stalled");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    wait_for(10);
    let backup = dir.join("mid-load.db");
    let backup_arg = backup.display().to_string();
    pcenter_ok(&live, &["admin", "backup", &backup_arg]);
    let taken_at = moved.load(Ordering::Relaxed);
    wait_for(taken_at + 6);

    // A backup never overwrites; restore refuses while the server holds the database.
    let again = pcenter(&live, &["admin", "backup", &backup_arg]);
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let busy = pcenter(&live, &["admin", "restore", &backup_arg]);
    assert!(!busy.status.success(), "restore ran while the server was up");
    assert!(String::from_utf8_lossy(&busy.stderr).contains("is in use"), "{}", String::from_utf8_lossy(&busy.stderr));

    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().expect("writer");
    }
    let final_transfers = audit(&live)["transfers"].as_i64().expect("transfers");

    // Restored into a new file: consistent, and a snapshot from between the seed and the end.
    let restored = format!("sqlite://{}", dir.join("restored.db").display());
    pcenter_ok(&restored, &["admin", "restore", &backup_arg]);
    let report = audit(&restored);
    let transfers = report["transfers"].as_i64().expect("transfers");
    assert!(transfers > seeded && transfers < final_transfers, "{seeded} < {transfers} < {final_transfers}");

    // With the server stopped, restore replaces the live database and keeps the old one.
    let _ = server.kill();
    let _ = server.wait();
    let out = pcenter_ok(&live, &["admin", "restore", &backup_arg]);
    assert!(out.contains("kept as"), "{out}");
    assert_eq!(audit(&live)["transfers"].as_i64(), Some(transfers));

    // Not a pcenter database: refused, and the live database is untouched.
    let junk = dir.join("junk.db");
    std::fs::write(&junk, b"not a database at all").expect("junk");
    let refused = pcenter(&live, &["admin", "restore", &junk.display().to_string()]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not a pcenter database"));
    assert_eq!(audit(&live)["transfers"].as_i64(), Some(transfers));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn postgres_points_to_pg_dump() {
    let server = std::env::var("PCENTER_TEST_PG").unwrap_or_else(|_| pc_storage::testing::DEFAULT_TEST_PG.to_owned());
    let t = pc_storage::testing::TestDb::new(pc_storage::testing::TestBackend::Postgres).await.expect("test database");
    assert!(t.url.starts_with(server.rsplit_once('/').map(|(b, _)| b).unwrap_or(&server)));
    for verb in ["backup", "restore"] {
        let out = pcenter(&t.url, &["admin", verb, "/tmp/pcenter-never-written.db"]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"), "{verb}: {}", String::from_utf8_lossy(&out.stderr));
    }
    t.cleanup().await;
}
