//! Templates (embedded, HTML auto-escaped) and the page context every template receives.

use crate::i18n::{tr, Lang};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::{Environment, State, Value};
use std::sync::OnceLock;

/// Every template, embedded in the binary.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("pager.html", include_str!("../templates/pager.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("message.html", include_str!("../templates/message.html")),
    ("partner_overview.html", include_str!("../templates/partner_overview.html")),
    ("customers.html", include_str!("../templates/customers.html")),
    ("customer_detail.html", include_str!("../templates/customer_detail.html")),
    ("funds.html", include_str!("../templates/funds.html")),
    ("confirm.html", include_str!("../templates/confirm.html")),
    ("coupons.html", include_str!("../templates/coupons.html")),
    ("results.html", include_str!("../templates/results.html")),
    ("resellers.html", include_str!("../templates/resellers.html")),
    ("keys.html", include_str!("../templates/keys.html")),
    ("exports.html", include_str!("../templates/exports.html")),
    ("audit.html", include_str!("../templates/audit.html")),
    ("customer_home.html", include_str!("../templates/customer_home.html")),
    ("operator.html", include_str!("../templates/operator.html")),
    ("prices.html", include_str!("../templates/prices.html")),
    ("customer_orders.html", include_str!("../templates/customer_orders.html")),
    ("partner_orders.html", include_str!("../templates/partner_orders.html")),
    ("price_book.html", include_str!("../templates/price_book.html")),
];

/// `t("key")` in a template: the text in the language of the page being rendered.
fn translate(state: &State, key: &str) -> String {
    let lang = state.lookup("lang").and_then(|v| v.as_str().map(str::to_owned));
    tr(Lang::from_tag(lang.as_deref()), key)
}

/// Parses the compiled-in templates and both message catalogues. The router calls this when it
/// is built, so a broken template or catalogue stops the server at start and never panics on
/// a request.
pub fn load_compiled_resources() {
    let _ = environment();
    for lang in [Lang::ZhCn, Lang::En] {
        let _ = crate::i18n::catalogue(lang);
    }
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // Auto-escape is chosen by file name: every template ends in .html.
        for (name, source) in TEMPLATES {
            env.add_template(name, source).expect("template parses");
        }
        env.add_function("t", translate);
        env
    })
}

/// Renders `name` with `ctx`; a template failure is a 500 logged once.
pub fn page(status: StatusCode, name: &str, ctx: Value) -> Response {
    match environment().get_template(name).and_then(|t| t.render(ctx)) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(template = name, error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::catalogue;

    #[test]
    fn every_template_parses() {
        for (name, _) in TEMPLATES {
            environment().get_template(name).unwrap();
        }
    }

    /// Every `t("…")` key a template uses exists in both catalogues.
    #[test]
    fn every_template_key_is_in_the_catalogue() {
        let mut missing = Vec::new();
        for (name, source) in TEMPLATES {
            for piece in source.split("t(\"").skip(1) {
                let key = piece.split('"').next().unwrap_or_default();
                for lang in Lang::ALL {
                    if !catalogue(lang).contains_key(key) {
                        missing.push(format!("{name}: {key} ({})", lang.tag()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "missing keys: {missing:#?}");
    }

    #[test]
    fn output_is_escaped() {
        let html = environment()
            .get_template("message.html")
            .unwrap()
            .render(minijinja::context! { lang => "en", title => "<script>alert(1)</script>", signed_in => false })
            .unwrap();
        assert!(!html.contains("<script>alert(1)"));
        assert!(html.contains("&lt;script&gt;"));
    }
}
