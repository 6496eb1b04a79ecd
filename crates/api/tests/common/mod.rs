//! Shared by the HTTP test suites: a server on a real listener, and requests signed the way
//! the SDK signs them.
#![allow(dead_code)]

use chrono::{Duration, Utc};
use pc_api::signing::sign_request_with;
use pc_api::{AppState, KeyVault};
use pc_domain::DomainId;
use pc_storage::{Db, StoredKey};
use std::sync::atomic::{AtomicU64, Ordering};

pub struct Key {
    pub domain_id: DomainId,
    pub ak: String,
    pub sk: String,
}

pub struct Server {
    pub base: String,
    pub host: String,
    handle: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

/// Serves the Open API over `db` on a fresh local port.
pub async fn spawn_server(db: Db, vault: KeyVault) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = pc_api::router(AppState::new(db, vault));
    let handle = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server { base: format!("http://{addr}"), host: addr.to_string(), handle }
}

pub async fn issue_key(db: &Db, vault: &KeyVault, domain_id: &DomainId, member: Option<&str>) -> Key {
    let k = vault.issue();
    db.insert_access_key(&StoredKey {
        access_key_id: k.access_key_id.clone(),
        domain_id: domain_id.clone(),
        member_id: member.map(|m| pc_domain::MemberId::from_trusted(m.to_owned())),
        secret_sealed: k.sealed,
    })
    .await
    .unwrap();
    Key { domain_id: domain_id.clone(), ak: k.access_key_id, sk: k.secret }
}

/// Numbers the requests of this process: each carries its own signed `X-Request-Nonce`.
static NEXT_NONCE: AtomicU64 = AtomicU64::new(0);

/// A request signed for `server`, dated `date_offset` from now; send it as is or alter it.
/// Every request signs its own `X-Request-Nonce`, so two requests of a test that are meant
/// to be sent twice (an idempotent retry, a second attempt) are two requests, not a replay
/// of one (docs/API-DESIGN.md); `try_clone` the builder to send the same bytes again.
pub fn signed(
    http: &reqwest::Client,
    server: &Server,
    key: &Key,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    date_offset: Duration,
) -> reqwest::RequestBuilder {
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let content_type = (!body.is_empty()).then_some("application/json");
    let nonce = format!("{}-{}", std::process::id(), NEXT_NONCE.fetch_add(1, Ordering::Relaxed));
    let extra = [("x-request-nonce", nonce.as_str())];
    let headers =
        sign_request_with(&key.ak, &key.sk, method, &server.host, path, query, content_type, &extra, body, Utc::now() + date_offset);
    let url = format!("{}{}", server.base, path_and_query);
    let mut req = match method {
        "GET" => http.get(url),
        "PUT" => http.put(url).body(body.to_vec()),
        "DELETE" => http.delete(url).body(body.to_vec()),
        _ => http.post(url).body(body.to_vec()),
    };
    for (k, v) in headers {
        req = req.header(k, v);
    }
    req
}
