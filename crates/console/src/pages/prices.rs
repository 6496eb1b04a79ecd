//! The price calculator (partners) and the price book (operator), over the price book in
//! effect and the catalog's pricing rules (`pc_domain::pricing`).

use super::{show_time, shown, view, PageResult};
use crate::session::Ctx;
use axum::extract::State;
use axum::http::StatusCode;
use minijinja::{context, Value};
use pc_api::error::ApiError;
use pc_api::principal::{OperatorCaller, PartnerCaller};
use pc_api::services::customers::visible_customer;
use pc_api::AppState;
use pc_domain::catalog::PriceBook;
use pc_domain::pricing::{quote_period, PeriodProduct, PERIOD_MONTH, PERIOD_YEAR};
use pc_domain::DomainError;

/// Amounts of a quote, always with two decimals (quotes are rounded to fen by the rules).
fn yuan(d: rust_decimal::Decimal) -> String {
    format!("{d:.2}")
}

fn specs(book: &PriceBook) -> Vec<Value> {
    book.specs()
        .map(|s| {
            context! {
                code => s.code, name => s.name, service => s.service_type, resource => s.resource_type,
                vcpus => s.vcpus, memory => s.memory_gb,
                size => s.size.map(|r| context! { min => r.min, max => r.max, measure => r.measure_id }),
                monthly => s.monthly.map(|d| d.to_string()), yearly => s.yearly.map(|d| d.to_string()),
                on_demand => s.on_demand.iter().map(|o| context! { usage => o.usage_type, price => o.unit_price.to_string(), measure => o.measure_id }).collect::<Vec<_>>(),
            }
        })
        .collect()
}

fn regions(book: &PriceBook) -> Vec<Value> {
    book.file.regions.iter().map(|r| context! { code => r.region, name => r.name }).collect()
}

/// The product line the calculator form describes.
fn product(book: &PriceBook, ctx: &Ctx) -> Result<PeriodProduct, DomainError> {
    let q = &ctx.query;
    let spec_code = q.get("spec").ok_or_else(|| DomainError::invalid("resource_spec is required."))?;
    let spec =
        book.spec(spec_code).ok_or_else(|| DomainError::invalid(format!("resource_spec '{spec_code}' is not in the price book.")))?;
    let int = |name: &str, default: i64| -> Result<i64, DomainError> {
        match q.get(name) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| DomainError::invalid(format!("{name} must be a whole number, not '{v}'."))),
        }
    };
    Ok(PeriodProduct {
        id: "1".into(),
        cloud_service_type: spec.service_type.clone(),
        resource_type: spec.resource_type.clone(),
        resource_spec: spec.code.clone(),
        region: q.get("region").unwrap_or_default().to_owned(),
        available_zone: None,
        resource_size: q.get("size").map(|_| int("size", 0)).transpose()?,
        size_measure_id: None,
        period_type: if q.get("period_type") == Some("year") { PERIOD_YEAR } else { PERIOD_MONTH },
        period_num: int("period_num", 1)?,
        subscription_num: int("quantity", 1)?,
    })
}

pub async fn calculator(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.signed_in()?;
    let fail = |e: ApiError| {
        let (status, error) = shown(ctx.lang, e);
        super::message(&ctx, status, "error.title", Some(error))
    };
    let caller: PartnerCaller = user.capability().map_err(|e| fail(e.into()))?;
    let book = state.db.price_book_at(state.db.now().await.map_err(|e| fail(e.into()))?).await.map_err(|e| fail(e.into()))?;
    let mut status = StatusCode::OK;
    let (mut quote, mut error) = (None, None);
    if ctx.query.get("spec").is_some() {
        // A customer's discounts apply only to a customer the partner may see.
        let discounts = match ctx.query.get("customer") {
            Some(c) => match visible_customer(&state.db, &caller, c).await {
                Ok(c) => state.db.customer_discounts(&c.customer_id).await.map_err(ApiError::from),
                Err(e) => Err(e),
            },
            None => Ok(Vec::new()),
        };
        let priced = discounts.and_then(|d| product(&book, &ctx).and_then(|p| quote_period(&book, &p, &d)).map_err(ApiError::from));
        match priced {
            Ok(q) => {
                quote = Some(context! {
                    product => q.product_id, official => yuan(q.official_amount),
                    discount => yuan(q.discount_amount), amount => yuan(q.amount),
                    options => q.discounts.iter().map(|o| context! { name => o.discount_name, amount => yuan(o.amount), best => o.best }).collect::<Vec<_>>(),
                })
            }
            Err(e) => {
                let (s, shown) = shown(ctx.lang, e);
                (status, error) = (s, Some(shown));
            }
        }
    }
    let q = &ctx.query;
    Ok(view(
        &ctx,
        status,
        "prices.html",
        context! {
            version => book.version(),
            specs => specs(&book).into_iter().filter(|s| s.get_attr("monthly").map(|m| !m.is_none()).unwrap_or(false)).collect::<Vec<_>>(),
            regions => regions(&book),
            customers => super::partner::customer_choices(&state, user).await,
            form => context! {
                spec => q.get("spec"), region => q.get("region"), period_type => q.get("period_type"),
                period_num => q.get("period_num"), quantity => q.get("quantity"), size => q.get("size"), customer => q.get("customer"),
            },
            quote,
            error,
        },
    ))
}

pub async fn price_book(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.signed_in()?;
    let fail = |e: ApiError| {
        let (status, error) = shown(ctx.lang, e);
        super::message(&ctx, status, "error.title", Some(error))
    };
    user.capability::<OperatorCaller>().map_err(|e| fail(e.into()))?;
    let versions = state.db.price_book_versions().await.map_err(|e| fail(e.into()))?;
    let (book, error) = match state.db.price_book_at(state.db.now().await.map_err(|e| fail(e.into()))?).await {
        Ok(b) => (Some(b), None),
        Err(e) => (None, Some(shown(ctx.lang, e.into()).1)),
    };
    Ok(view(
        &ctx,
        StatusCode::OK,
        "price_book.html",
        context! {
            versions => versions.iter().map(|v| context! {
                version => v.version, effective => show_time(v.effective_from), by => v.loaded_by, at => show_time(v.loaded_at),
            }).collect::<Vec<_>>(),
            current => book.as_ref().map(|b| b.version().to_owned()),
            specs => book.as_ref().map(|b| specs(b)).unwrap_or_default(),
            regions => book.as_ref().map(|b| regions(b)).unwrap_or_default(),
            error,
        },
    ))
}
