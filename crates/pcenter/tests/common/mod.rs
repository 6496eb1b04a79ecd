//! Running the `pcenter` binary from the crate's integration tests.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// A fresh folder under the system temp folder; tests remove it when they pass.
pub fn scratch_dir(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pcenter-{label}-{}", uuid_like()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    format!("{}-{nanos}", std::process::id())
}

/// `pcenter --db URL ARGS...`, with a server key in the database's folder, logs quiet.
pub fn pcenter_command(db_url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pcenter"));
    let key = pc_storage::backup::sqlite_path(db_url)
        .and_then(|p| p.parent().map(|d| d.join("server.key")))
        .unwrap_or_else(|| std::env::temp_dir().join("pcenter-test-server.key"));
    cmd.arg("--db").arg(db_url).args(args).env("PCENTER_KEY_FILE", key).env("PCENTER_LOG", "warn").env_remove("PCENTER_CONFIG");
    cmd
}

pub fn pcenter(db_url: &str, args: &[&str]) -> Output {
    pcenter_command(db_url, args).output().expect("run pcenter")
}

/// Runs the command, fails the test with its output unless it succeeds, returns stdout.
pub fn pcenter_ok(db_url: &str, args: &[&str]) -> String {
    let out = pcenter(db_url, args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "pcenter {args:?} failed:\n{stdout}{}", String::from_utf8_lossy(&out.stderr));
    stdout
}
