//! The web console through real HTTP on a real database (SQLite and PostgreSQL): sign-in,
//! lockout, CSRF refusal, masking and the reveal audit, allocating funds, exports and the
//! language switch.

use pc_api::passwords::hash_password_blocking;
use pc_api::{AppState, KeyVault};
use pc_domain::funds::TransferKind;
use pc_domain::money::Money;
use pc_domain::tenancy::{AccountKind, AssociationType, PartnerKind};
use pc_domain::{DomainId, DomainName};
use pc_storage::testing::{TestBackend, TestDb};
use pc_storage::{Db, NewAccount, TransferCommand};
use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::StatusCode;
use std::collections::BTreeMap;

pc_storage::on_both_backends!(
    sign_in_session_and_sign_out,
    five_failures_lock_the_login,
    parallel_wrong_passwords_cannot_overtake_the_lockout,
    overlong_logins_are_refused_and_never_stored,
    nul_anywhere_is_refused_with_a_page,
    a_customer_manager_sees_only_its_customers_on_every_page,
    posts_without_the_csrf_token_are_refused,
    fields_are_masked_and_each_reveal_is_audited,
    allocate_moves_money_once_per_confirmation,
    confirmation_shows_nothing_of_a_foreign_account,
    language_switch_and_translated_errors,
    exports_are_tasks_with_anonymized_fields,
    price_calculator_and_price_book,
    orders_on_behalf_paid_with_a_coupon,
    a_yearly_resource_auto_renews_yearly,
);

const PASSWORD: &str = "Console#Pass1";

struct World {
    base: String,
    db: Db,
    http: reqwest::Client,
    operator: DomainId,
    partner: DomainId,
    partner_login: String,
    resale_customer: DomainId,
    _server: tokio::task::JoinHandle<()>,
}

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", &DomainId::generate().as_str()[..10])
}

async fn account(db: &Db, kind: AccountKind, display: &str, email: Option<&str>, mobile: Option<&str>) -> DomainId {
    db.create_account(&NewAccount {
        domain_name: DomainName::parse(&unique("acct")).unwrap(),
        kind,
        parent_id: None,
        display_name: display.into(),
        email: email.map(str::to_owned),
        mobile: mobile.map(str::to_owned),
    })
    .await
    .unwrap()
    .domain_id
}

async fn login_for(db: &Db, id: &DomainId) -> String {
    let login = unique("login");
    db.create_login(&login, id, None, &hash_password_blocking(PASSWORD).unwrap()).await.unwrap();
    login
}

async fn run<F, Fut>(backend: TestBackend, test: F)
where
    F: FnOnce(World) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let t = TestDb::new(backend).await.expect("test database");
    let db = t.db.clone();
    let state = AppState::new(db.clone(), KeyVault::from_key([7; 32]));
    let app = pc_api::router(state.clone()).merge(pc_console::router(state));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let operator = account(&db, AccountKind::Operator, "Ops", None, None).await;
    let partner = account(&db, AccountKind::Partner(PartnerKind::SolutionProvider), "Partner Co", Some("p@example.com"), None).await;
    let resale_customer = account(&db, AccountKind::Customer, "Alpha Retail Ltd.", Some("alpha@example.com"), Some("13812345678")).await;
    db.associate_customer(&resale_customer, &partner, AssociationType::Resale).await.unwrap();
    db.transfer(&TransferCommand {
        kind: TransferKind::TopUp,
        actor: operator.clone(),
        counterparty: partner.clone(),
        from_owner: None,
        to_owner: partner.clone(),
        amount: Money::from_fen(100_000),
        idempotency: None,
        by: None,
    })
    .await
    .unwrap();
    let partner_login = login_for(&db, &partner).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    test(World { base, db, http, operator, partner, partner_login, resale_customer, _server: server }).await;
    t.cleanup().await;
}

/// A browser in miniature: a cookie jar and the last page's CSRF token.
#[derive(Default)]
struct Browser {
    cookies: BTreeMap<String, String>,
}

impl Browser {
    fn header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn keep(&mut self, resp: &reqwest::Response) {
        for v in resp.headers().get_all(SET_COOKIE) {
            let text = v.to_str().unwrap();
            let (pair, _) = text.split_once(';').unwrap_or((text, ""));
            let (k, val) = pair.split_once('=').unwrap();
            if val.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), val.to_owned());
            }
        }
    }

    async fn get(&mut self, w: &World, path: &str) -> (StatusCode, String) {
        let resp = w.http.get(format!("{}{path}", w.base)).header(COOKIE, self.header()).send().await.unwrap();
        self.keep(&resp);
        (resp.status(), resp.text().await.unwrap())
    }

    async fn post(&mut self, w: &World, path: &str, form: &[(&str, &str)]) -> (StatusCode, String, Option<String>) {
        let resp = w.http.post(format!("{}{path}", w.base)).header(COOKIE, self.header()).form(form).send().await.unwrap();
        self.keep(&resp);
        let location = resp.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
        (resp.status(), resp.text().await.unwrap(), location)
    }

    async fn sign_in(&mut self, w: &World, login: &str, password: &str) -> (StatusCode, String, Option<String>) {
        let (_, page) = self.get(w, "/console/login").await;
        let csrf = csrf_of(&page);
        self.post(w, "/console/login", &[("csrf", &csrf), ("login", login), ("password", password)]).await
    }

    /// The CSRF token of the session, read from any signed-in page.
    async fn csrf(&mut self, w: &World) -> String {
        let (_, page) = self.get(w, "/console/keys").await;
        csrf_of(&page)
    }
}

fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("page has a CSRF field") + 19;
    page[at..].split('"').next().unwrap().to_owned()
}

async fn balance(db: &Db, id: &DomainId) -> i64 {
    db.cash_balance(id).await.unwrap().amount.fen()
}

async fn sign_in_session_and_sign_out(w: World) {
    let mut b = Browser::default();
    let (status, _, location) = b.sign_in(&w, &w.partner_login, PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/console"));
    let token = b.cookies.get("pc_session").expect("session cookie").clone();

    // The cookie is HttpOnly and SameSite=Strict; the database holds only a hash of it.
    let resp = {
        let mut again = Browser::default();
        let (_, page) = again.get(&w, "/console/login").await;
        let csrf = csrf_of(&page);
        w.http
            .post(format!("{}/console/login", w.base))
            .header(COOKIE, again.header())
            .form(&[("csrf", csrf.as_str()), ("login", w.partner_login.as_str()), ("password", PASSWORD)])
            .send()
            .await
            .unwrap()
    };
    let set: Vec<_> = resp.headers().get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    let session = set.iter().find(|c| c.starts_with("pc_session=")).unwrap();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Strict"), "{session}");
    assert!(w.db.find_session(&token, 0).await.unwrap().is_none(), "the raw token is not a key of the table");

    let (status, page) = b.get(&w, "/console/partner").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("1000.00"), "overview shows the balance");
    let (status, _) = b.get(&w, "/console").await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // A partner cannot open operator or customer pages.
    let (status, page) = b.get(&w, "/console/operator").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("CBC.0151"));

    // Where keys are disabled, the page says how long other nodes may still accept one.
    let (_, keys) = b.get(&w, "/console/keys").await;
    assert!(keys.contains("id=\"disable-delay\"") && keys.contains("30"), "{keys}");

    let csrf = b.csrf(&w).await;
    let (status, _, location) = b.post(&w, "/console/logout", &[("csrf", &csrf)]).await;
    assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, Some("/console/login")));
    b.cookies.insert("pc_session".into(), token);
    let (status, _) = b.get(&w, "/console/partner").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "a signed-out token no longer opens pages");

    // A wrong password is refused with the credential code and opens nothing.
    let mut c = Browser::default();
    let (status, page, _) = c.sign_in(&w, &w.partner_login, "wrong-password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("CBC.0154"));
    assert!(!c.cookies.contains_key("pc_session"));
}

/// Recent attempts of a login as the sign-in gate sees them (nothing is recorded: the probe
/// refuses).
async fn recorded_attempts(db: &Db, login: &str) -> usize {
    let now = pc_domain::query::now_millis();
    let mut seen = 0;
    let probe = |a: &[pc_domain::console::SignInAttempt], _| {
        seen = a.len();
        Err(pc_domain::console::SignInRefusal::LoginLocked)
    };
    db.open_sign_in_attempt(login, "probe", now, now - pc_domain::console::LOCKOUT_WINDOW_MS, probe).await.unwrap().unwrap_err();
    seen
}

async fn parallel_wrong_passwords_cannot_overtake_the_lockout(w: World) {
    let w = std::sync::Arc::new(w);
    let tries: Vec<_> = (0..12)
        .map(|_| {
            let w = w.clone();
            tokio::spawn(async move { Browser::default().sign_in(&w, &w.partner_login, "nope").await.0 })
        })
        .collect();
    let mut wrong = 0;
    for t in tries {
        if t.await.unwrap() == StatusCode::UNAUTHORIZED {
            wrong += 1;
        }
    }
    assert_eq!(wrong, 5, "only five passwords are ever checked; the rest are refused as locked");
    assert_eq!(recorded_attempts(&w.db, &w.partner_login).await, 5);
    let (status, _, _) = Browser::default().sign_in(&w, &w.partner_login, PASSWORD).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn overlong_logins_are_refused_and_never_stored(w: World) {
    let huge = "x".repeat(200_000);
    let (status, page, _) = Browser::default().sign_in(&w, &huge, "whatever").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("CBC.0154"));
    let just_over = "y".repeat(pc_domain::console::MAX_LOGIN_CHARS + 1);
    let (status, _, _) = Browser::default().sign_in(&w, &just_over, "whatever").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(recorded_attempts(&w.db, &just_over).await, 0);
    assert_eq!(recorded_attempts(&w.db, &huge).await, 0);
}

/// NUL in a form field, a path or a query is a 400 page on both databases, before any
/// handler or database sees it (PostgreSQL cannot hold NUL in text).
async fn nul_anywhere_is_refused_with_a_page(w: World) {
    let (status, page, _) = Browser::default().sign_in(&w, "a\0b", "whatever").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(page.contains("NUL"), "{page}");
    let mut b = Browser::default();
    b.sign_in(&w, &w.partner_login, PASSWORD).await;
    for path in ["/console/partner/customers/x%00y", "/console/lang/en?next=/console/%00", "/console/partner/customers?q=%00"] {
        let (status, _) = b.get(&w, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
    }
}

/// A member who only manages customers walks every console page that lists customer-owned
/// data: the partner's other customer, its money movements and its coupons never show.
async fn a_customer_manager_sees_only_its_customers_on_every_page(w: World) {
    // The partner's other customer has a fund record and a coupon.
    let mut owner = Browser::default();
    owner.sign_in(&w, &w.partner_login, PASSWORD).await;
    let csrf = owner.csrf(&w).await;
    let other = w.resale_customer.to_string();
    let move_form = [("csrf", csrf.as_str()), ("target", "customer"), ("target_id", &other), ("direction", "allocate"), ("amount", "3.00")];
    let (_, confirm, _) = owner.post(&w, "/console/partner/funds/confirm", &move_form).await;
    let at = confirm.find("name=\"idempotency_key\" value=\"").expect("a confirmation") + 30;
    let key = confirm[at..].split('"').next().unwrap().to_owned();
    let mut form = move_form.to_vec();
    form.push(("idempotency_key", &key));
    owner.post(&w, "/console/partner/funds/move", &form).await;
    let now = pc_domain::query::now_millis();
    let quota =
        w.db.create_quota(&pc_storage::NewQuota {
            owner: w.partner.clone(),
            granted_by: w.operator.clone(),
            quota_type: 0,
            value: Money::from_fen(100_000),
            effective_at: now - 1000,
            expire_at: now + 86_400_000,
            limits: Default::default(),
        })
        .await
        .unwrap();
    owner
        .post(
            &w,
            "/console/partner/coupons/issue",
            &[("csrf", &csrf), ("quota_id", &quota), ("customer_ids", &other), ("face_value", "9.00")],
        )
        .await;

    let (_, funds) = owner.get(&w, "/console/partner/funds").await;
    assert!(funds.contains("Alpha Retail"), "the owner sees the other customer's fund record: {funds}");
    let (_, coupons) = owner.get(&w, "/console/partner/coupons").await;
    assert!(coupons.contains(&other), "the owner sees the other customer's coupon: {coupons}");

    // The member manages one customer of its own.
    let mine = account(&w.db, AccountKind::Customer, "Managed Co", None, None).await;
    w.db.associate_customer(&mine, &w.partner, AssociationType::Resale).await.unwrap();
    let member =
        w.db.create_member(
            &w.partner,
            &pc_storage::NewMember {
                login_name: unique("cm"),
                display_name: "CM".into(),
                email: None,
                roles: [pc_domain::tenancy::Role::CustomerManager].into(),
            },
        )
        .await
        .unwrap();
    w.db.assign_customer_manager(&w.partner, &mine, &member).await.unwrap();
    let login = unique("cmlogin");
    w.db.create_login(&login, &w.partner, Some(&member), &hash_password_blocking(PASSWORD).unwrap()).await.unwrap();
    let mut cm = Browser::default();
    let (status, _, _) = cm.sign_in(&w, &login, PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    for page in [
        "/console/partner",
        "/console/partner/customers",
        "/console/partner/funds",
        "/console/partner/coupons",
        "/console/partner/orders",
        "/console/partner/audit",
        "/console/exports",
    ] {
        let (status, body) = cm.get(&w, page).await;
        assert!(status == StatusCode::OK || status == StatusCode::FORBIDDEN, "{page}: {status}");
        assert!(!body.contains(&other) && !body.contains("Alpha Retail"), "{page} shows another customer: {body}");
    }
    let (_, customers) = cm.get(&w, "/console/partner/customers").await;
    assert!(customers.contains("Managed Co") || customers.contains(mine.as_str()), "{customers}");
    let (status, _) = cm.get(&w, &format!("/console/partner/customers/{other}")).await;
    assert_ne!(status, StatusCode::OK, "an unmanaged customer's page does not open");
}

async fn five_failures_lock_the_login(w: World) {
    let mut b = Browser::default();
    for _ in 0..5 {
        let (status, _, _) = b.sign_in(&w, &w.partner_login, "nope").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, page, _) = b.sign_in(&w, &w.partner_login, PASSWORD).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "locked even with the right password");
    assert!(page.contains("CBC.0151"));
    assert!(!b.cookies.contains_key("pc_session"));
    // Other logins are not affected.
    let other = login_for(&w.db, &w.resale_customer).await;
    let (status, _, _) = Browser::default().sign_in(&w, &other, PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

async fn posts_without_the_csrf_token_are_refused(w: World) {
    let mut b = Browser::default();
    b.sign_in(&w, &w.partner_login, PASSWORD).await;
    let customer = w.resale_customer.to_string();
    let form = |csrf: Option<&'static str>| {
        let mut f = vec![("target", "customer"), ("direction", "allocate"), ("amount", "10.00")];
        if let Some(c) = csrf {
            f.push(("csrf", c));
        }
        f
    };
    let before = balance(&w.db, &w.resale_customer).await;
    for csrf in [None, Some("0000"), Some("")] {
        let mut f = form(csrf);
        f.push(("target_id", &customer));
        let (status, page, _) = b.post(&w, "/console/partner/funds/move", &f).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(page.contains("CSRF"));
    }
    assert_eq!(balance(&w.db, &w.resale_customer).await, before, "nothing moved");

    // Every form of the console is behind the same gate.
    let reveal = format!("/console/partner/customers/{customer}/reveal");
    for path in [
        "/console/logout",
        "/console/partner/customers",
        reveal.as_str(),
        "/console/partner/funds/confirm",
        "/console/partner/coupons/issue",
        "/console/partner/coupons/recall",
        "/console/partner/resellers/quotas/issue",
        "/console/partner/resellers/quotas/reclaim",
        "/console/operator/top-up",
        "/console/operator/quotas",
        "/console/keys",
        "/console/keys/disable",
        "/console/exports",
    ] {
        let (status, _, _) = b.post(&w, path, &[("field", "mobile"), ("kind", "customers")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(w.db.list_exports(&w.partner, pc_domain::query::Page::first(10)).await.unwrap().1, 0);
    assert!(w.db.list_access_keys(&w.partner, None).await.unwrap().is_empty());

    // The sign-in form needs its pre-session token too.
    let resp = w
        .http
        .post(format!("{}/console/login", w.base))
        .form(&[("login", w.partner_login.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

async fn fields_are_masked_and_each_reveal_is_audited(w: World) {
    let mut b = Browser::default();
    b.sign_in(&w, &w.partner_login, PASSWORD).await;
    let (status, page) = b.get(&w, "/console/partner/customers").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("138****5678") && page.contains("a***@example.com") && page.contains("A***"));
    assert!(!page.contains("13812345678") && !page.contains("alpha@example.com") && !page.contains("Alpha Retail"));

    let csrf = b.csrf(&w).await;
    let path = format!("/console/partner/customers/{}/reveal", w.resale_customer);
    let (status, page, _) = b.post(&w, &path, &[("csrf", &csrf), ("field", "mobile")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("13812345678"), "the revealed field is shown");
    assert!(!page.contains("alpha@example.com"), "only that field");
    let (reveals, total) = w.db.list_reveals(&w.partner, pc_domain::query::Page::first(10)).await.unwrap();
    assert_eq!(total, 1);
    assert_eq!((reveals[0].field.as_str(), reveals[0].actor_login.as_str()), ("mobile", w.partner_login.as_str()));
    let (_, audit) = b.get(&w, "/console/partner/audit").await;
    assert!(audit.contains(&w.partner_login));

    // Another partner can neither see nor reveal this customer, and leaves no audit row.
    let other = account(&w.db, AccountKind::Partner(PartnerKind::SolutionProvider), "Other", None, None).await;
    let other_login = login_for(&w.db, &other).await;
    let mut o = Browser::default();
    o.sign_in(&w, &other_login, PASSWORD).await;
    let csrf = o.csrf(&w).await;
    let (status, page, _) = o.post(&w, &path, &[("csrf", &csrf), ("field", "email")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("CBC.99000035") && !page.contains("alpha@example.com"));
    assert_eq!(w.db.list_reveals(&other, pc_domain::query::Page::first(10)).await.unwrap().1, 0);
    let (_, page) = o.get(&w, "/console/partner/customers").await;
    assert!(!page.contains("138****5678"));
}

async fn confirmation_shows_nothing_of_a_foreign_account(w: World) {
    // Another partner's customer: its id typed into the form must reveal nothing of it.
    let other = account(&w.db, AccountKind::Partner(PartnerKind::SolutionProvider), "Other Partner", None, None).await;
    let foreign = account(&w.db, AccountKind::Customer, "Foreign Customer", None, None).await;
    w.db.associate_customer(&foreign, &other, AssociationType::Resale).await.unwrap();
    let foreign_name = w.db.find_account(&foreign).await.unwrap().unwrap().domain_name;
    let mut b = Browser::default();
    b.sign_in(&w, &w.partner_login, PASSWORD).await;
    let csrf = b.csrf(&w).await;
    for (target, id) in [("customer", foreign.to_string()), ("reseller", other.to_string()), ("customer", w.operator.to_string())] {
        let ask = [("csrf", csrf.as_str()), ("target", target), ("target_id", &id), ("direction", "allocate"), ("amount", "1.00")];
        let (status, page, _) = b.post(&w, "/console/partner/funds/confirm", &ask).await;
        assert!(matches!(status, StatusCode::BAD_REQUEST | StatusCode::FORBIDDEN), "{target} {id}: {status}");
        assert!(!page.contains("idempotency_key"), "no confirmation offered");
        assert!(!page.contains(foreign_name.as_str()), "the foreign login name is not shown");
    }
}

async fn allocate_moves_money_once_per_confirmation(w: World) {
    let mut b = Browser::default();
    b.sign_in(&w, &w.partner_login, PASSWORD).await;
    let csrf = b.csrf(&w).await;
    let customer = w.resale_customer.to_string();
    let ask = [("csrf", csrf.as_str()), ("target", "customer"), ("target_id", &customer), ("direction", "allocate"), ("amount", "12.30")];
    let (status, page, _) = b.post(&w, "/console/partner/funds/confirm", &ask).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("12.30"));
    assert_eq!(balance(&w.db, &w.resale_customer).await, 0, "nothing moves before confirmation");
    let key = {
        let at = page.find("name=\"idempotency_key\" value=\"").unwrap() + 30;
        page[at..].split('"').next().unwrap().to_owned()
    };
    let mut confirm = ask.to_vec();
    confirm.push(("idempotency_key", &key));
    for _ in 0..2 {
        let (status, _, location) = b.post(&w, "/console/partner/funds/move", &confirm).await;
        assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, Some("/console/partner/funds?done=allocate")));
    }
    assert_eq!(balance(&w.db, &w.resale_customer).await, 1230, "a double submit moves the money once");
    assert_eq!(balance(&w.db, &w.partner).await, 100_000 - 1230);
    let (_, page) = b.get(&w, "/console/partner/funds").await;
    assert!(page.contains("987.70") && page.contains("12.30"));

    // Over the balance: the service's error, in the page, nothing moved.
    let too_much =
        [("csrf", csrf.as_str()), ("target", "customer"), ("target_id", &customer), ("direction", "reclaim"), ("amount", "99.00")];
    let (status, page, _) = b.post(&w, "/console/partner/funds/move", &too_much).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("CBC.99005003"), "{page}");
    // Bad amounts are refused at the edge.
    let bad = [("csrf", csrf.as_str()), ("target", "customer"), ("target_id", &customer), ("direction", "allocate"), ("amount", "1.234")];
    let (status, page, _) = b.post(&w, "/console/partner/funds/confirm", &bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("CBC.0100"));
    assert_eq!(balance(&w.db, &w.resale_customer).await, 1230);
    assert!(w.db.ledger_audit().await.unwrap().holds());
    // The records say who moved the money.
    let login = w.db.find_account(&w.partner).await.unwrap().unwrap().domain_name;
    let (_, records) = b.get(&w, "/console/partner/funds").await;
    assert!(records.contains(&format!("<td class=\"by\">{login}</td>")), "{records}");
}

async fn language_switch_and_translated_errors(w: World) {
    let mut b = Browser::default();
    let (_, page) = b.get(&w, "/console/login").await;
    assert!(page.contains("lang=\"zh-CN\"") && page.contains("登录"), "Chinese by default");
    let (status, _) = b.get(&w, "/console/lang/en?next=/console/login").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(b.cookies.get("pc_lang").map(String::as_str), Some("en"));
    let (_, page) = b.get(&w, "/console/login").await;
    assert!(page.contains("lang=\"en\"") && page.contains("Sign in") && !page.contains("登录"));

    // The same error in both languages, with the same code.
    b.sign_in(&w, &w.partner_login, PASSWORD).await;
    let csrf = b.csrf(&w).await;
    let customer = w.resale_customer.to_string();
    let form = [("csrf", csrf.as_str()), ("target", "customer"), ("target_id", &customer), ("direction", "reclaim"), ("amount", "5.00")];
    let (_, en, _) = b.post(&w, "/console/partner/funds/move", &form).await;
    assert!(en.contains("CBC.99005003") && en.contains("insufficient"), "{en}");
    b.get(&w, "/console/lang/zh-CN?next=/console").await;
    let (_, zh, _) = b.post(&w, "/console/partner/funds/move", &form).await;
    assert!(zh.contains("CBC.99005003") && zh.contains("余额不足"), "{zh}");
    // Pages are never framed, run no script and are not cached.
    let resp = w.http.get(format!("{}/console/login", w.base)).send().await.unwrap();
    let csp = resp.headers().get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'none'"), "{csp}");
    assert_eq!(resp.headers().get("cache-control").unwrap(), "no-store");
    // An open redirect is not possible through the switch.
    let resp = w.http.get(format!("{}/console/lang/en?next=//evil.example/", w.base)).send().await.unwrap();
    assert_eq!(resp.headers().get("location").unwrap(), "/console");
    // Control characters in the way back cannot split the response or break it.
    for next in ["/console/%0d%0aX:1", "/console/%0aX", "/console%09x", "/console/\\evil"] {
        let resp = w.http.get(format!("{}/console/lang/en?next={next}", w.base)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{next}");
        assert_eq!(resp.headers().get("location").unwrap(), "/console", "{next}");
        assert!(resp.headers().get("x").is_none());
    }
}

async fn exports_are_tasks_with_anonymized_fields(w: World) {
    let mut b = Browser::default();
    b.sign_in(&w, &w.partner_login, PASSWORD).await;
    let csrf = b.csrf(&w).await;
    let (status, _, location) = b.post(&w, "/console/exports", &[("csrf", &csrf), ("kind", "customers")]).await;
    assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, Some("/console/exports?created=1")));
    let mut id = None;
    for _ in 0..50 {
        let (tasks, _) = w.db.list_exports(&w.partner, pc_domain::query::Page::first(10)).await.unwrap();
        if tasks[0].status == "done" {
            id = Some(tasks[0].export_id.clone());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let id = id.expect("the export finishes");
    let (_, page) = b.get(&w, "/console/exports").await;
    assert!(page.contains(&format!("/console/exports/{id}")));
    let (status, csv) = b.get(&w, &format!("/console/exports/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.starts_with("customer_id,"));
    assert!(csv.contains("A**") && csv.contains("****5678") && csv.contains("***@example.com"), "{csv}");
    assert!(!csv.contains("Alpha") && !csv.contains("13812345678") && !csv.contains("alpha@"), "{csv}");

    // Another partner cannot download it.
    let other = account(&w.db, AccountKind::Partner(PartnerKind::SolutionProvider), "Other", None, None).await;
    let other_login = login_for(&w.db, &other).await;
    let mut o = Browser::default();
    o.sign_in(&w, &other_login, PASSWORD).await;
    let (status, body) = o.get(&w, &format!("/console/exports/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("customer_id,"));
}

async fn price_calculator_and_price_book(w: World) {
    let book = pc_domain::catalog::PriceBook::parse(include_str!("../../../pricebook/pricebook-2026.11.json")).unwrap();
    w.db.load_price_book(&book, "test").await.unwrap();
    let mut b = Browser::default();
    b.sign_in(&w, &w.partner_login, PASSWORD).await;
    let (status, page) =
        b.get(&w, "/console/partner/prices?spec=s6.large.2.linux&region=cn-north-4&period_type=month&period_num=3&quantity=2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"quote-official\">¥798.00"), "133.00 a month, 3 months, 2 servers");
    let (status, page) = b.get(&w, "/console/partner/prices?spec=s6.large.2.linux&region=nowhere-1&period_num=1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("CBC.0100") && !page.contains("quote-official"));
    let (status, _) = b.get(&w, "/console/operator/price-book").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the price book page is the operator's");

    let ops = login_for(&w.db, &w.operator).await;
    let mut o = Browser::default();
    o.sign_in(&w, &ops, PASSWORD).await;
    let (status, page) = o.get(&w, "/console/operator/price-book").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("2026.11") && page.contains("s6.large.2.linux") && page.contains("133.00"));
}

async fn orders_on_behalf_paid_with_a_coupon(w: World) {
    let book = pc_domain::catalog::PriceBook::parse(include_str!("../../../pricebook/pricebook-2026.11.json")).unwrap();
    w.db.load_price_book(&book, "test").await.unwrap();
    let customer_login = login_for(&w.db, &w.resale_customer).await;
    let mut c = Browser::default();
    c.sign_in(&w, &customer_login, PASSWORD).await;
    let mut p = Browser::default();
    p.sign_in(&w, &w.partner_login, PASSWORD).await;
    let customer = w.resale_customer.to_string();
    let order = [("customer_id", customer.as_str()), ("spec", "s6.small.1.linux"), ("region", "cn-north-4"), ("months", "1")];

    // Without the customer's authorization the partner cannot order for it.
    let csrf = p.csrf(&w).await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend(order);
    let (status, page, _) = p.post(&w, "/console/partner/orders", &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("CBC.99003110"), "{page}");
    let ccsrf = c.csrf(&w).await;
    let (status, _, _) = c.post(&w, "/console/customer/authorize-orders", &[("csrf", &ccsrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, location) = p.post(&w, "/console/partner/orders", &form).await;
    assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, Some("/console/partner/orders?done=ordered")));
    let filter = pc_storage::OrderFilter { customer: Some(w.resale_customer.clone()), ..Default::default() };
    let (orders, _) =
        w.db.list_orders(&pc_domain::tenancy::TenantScope::scheduler(), &filter, pc_domain::query::Page::first(10)).await.unwrap();
    let order_id = orders[0].order_id.clone();
    assert_eq!(orders[0].status, pc_domain::orders::OrderStatus::PendingPayment);

    // Only the customer cancels or pays: the partner's session is refused.
    let (status, page, _) = p.post(&w, &format!("/console/customer/orders/{order_id}/cancel"), &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("CBC.0151"));

    // A coupon from the partner pays it.
    let now = pc_domain::query::now_millis();
    let quota =
        w.db.create_quota(&pc_storage::NewQuota {
            owner: w.partner.clone(),
            granted_by: w.operator.clone(),
            quota_type: 0,
            value: Money::from_fen(100_000),
            effective_at: now - 1000,
            expire_at: now + 86_400_000,
            limits: Default::default(),
        })
        .await
        .unwrap();
    let (status, page, _) = p
        .post(
            &w,
            "/console/partner/coupons/issue",
            &[("csrf", &csrf), ("quota_id", &quota), ("customer_ids", &customer), ("face_value", "100.00")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let coupon = {
        let at = page.find("<td class=\"detail\">").unwrap() + 19;
        page[at..].split('<').next().unwrap().trim().to_owned()
    };
    let pay = format!("/console/customer/orders/{order_id}/pay");
    let (status, page, _) = c.post(&w, &pay, &[("csrf", &ccsrf), ("mode", "coupon"), ("coupon_ids", "no-such-coupon")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("CBC.99003112"), "{page}");
    let cash_before = balance(&w.db, &w.resale_customer).await;
    let (status, _, location) = c.post(&w, &pay, &[("csrf", &ccsrf), ("mode", "coupon"), ("coupon_ids", &coupon)]).await;
    assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, Some("/console/customer/orders?done=paid")));
    assert_eq!(balance(&w.db, &w.resale_customer).await, cash_before, "the coupon covered it");
    assert_eq!(
        w.db.find_coupon(&pc_domain::tenancy::TenantScope::scheduler(), &pc_domain::CouponId::parse(&coupon).unwrap())
            .await
            .unwrap()
            .unwrap()
            .balance,
        Money::from_fen(10_000 - 3220)
    );
    let (_, page) = c.get(&w, "/console/customer/orders").await;
    assert!(page.contains(order_id.as_str()) && page.contains("32.20"));

    // A paid order cannot be cancelled.
    let (status, page, _) = c.post(&w, &format!("/console/customer/orders/{order_id}/cancel"), &[("csrf", &ccsrf)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("CBC.99003109"), "{page}");
}

/// Auto-renewal turned on in the console renews for the resource's own period, as through the
/// Open API: a yearly resource renews yearly.
async fn a_yearly_resource_auto_renews_yearly(w: World) {
    use pc_domain::orders::{add_months, source_type, OrderType, Period};
    let customer_login = login_for(&w.db, &w.resale_customer).await;
    let mut c = Browser::default();
    c.sign_in(&w, &customer_login, PASSWORD).await;
    let now = w.db.now().await.unwrap();
    let year = Period { period_type: Period::YEAR, period_num: 1 };
    let line = pc_storage::NewOrderLine {
        resource_id: None,
        cloud_service_type: "hws.service.type.ec2".into(),
        resource_type: "hws.resource.type.vm".into(),
        resource_spec: "s6.small.1.linux".into(),
        region: "cn-north-4".into(),
        product_id: "ecs-s6-small".into(),
        size: None,
        priced_until: None,
        period: Some(year),
        subscription_num: 1,
        official: Money::ZERO,
        amount: Money::ZERO,
    };
    let new = pc_storage::NewOrder {
        customer: w.resale_customer.clone(),
        partner: Some(w.partner.clone()),
        placed_by: "customer".into(),
        source_type: source_type::CUSTOMER,
        order_type: OrderType::NewPurchase,
        service_type_code: "hws.service.type.ec2".into(),
        lines: vec![line],
        discount_id: None,
        idempotency: None,
        by: None,
    };
    let order_id = w.db.create_order(&new, now).await.unwrap().order_id;
    let csrf = c.csrf(&w).await;
    let (status, _, _) = c.post(&w, &format!("/console/customer/orders/{order_id}/pay"), &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let resource_id = w.db.order_lines(&order_id).await.unwrap()[0].resource_id.clone().unwrap();

    let (status, _, _) =
        c.post(&w, &format!("/console/customer/resources/{resource_id}/auto-renew"), &[("csrf", &csrf), ("on", "1")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let due = w.db.due_auto_renewals(add_months(now, 12) - 86_400_000).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].period.period_type, Period::YEAR, "a yearly resource renews yearly");
}
