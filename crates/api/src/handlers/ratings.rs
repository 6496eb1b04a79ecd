//! Price inquiry: yearly/monthly, renewal, on-demand and change of spec.

use crate::error::ApiResult;
use crate::extract::ApiJson;
use crate::principal::{AnyCaller, Capability, CustomerCaller};
use crate::services::catalog::{book_now, discounts_for};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use pc_domain::money::{CURRENCY, MEASURE_YUAN};
use pc_domain::pricing::{self, DemandProduct, DiscountOption, PeriodProduct, SpecChoice};
use pc_domain::tenancy::Principal;
use pc_domain::{DomainError, ErrorCode};
use pc_wire::funds::{decimal_literal, json_decimal};
use pc_wire::ratings::*;
use rust_decimal::Decimal;

fn required(v: &Option<String>, field: &str, id: &str) -> Result<String, DomainError> {
    match v.as_deref() {
        Some(s) if !s.is_empty() => Ok(s.to_owned()),
        _ => Err(DomainError::invalid(format!("Product {id}: {field} is required."))),
    }
}

fn num(d: Decimal) -> pc_wire::funds::JsonDecimal {
    json_decimal(d.to_string())
}

fn period_product(p: &PeriodProductInfo) -> Result<PeriodProduct, DomainError> {
    let id = p.id.clone().unwrap_or_default();
    let int = |v: Option<i64>, field: &str| v.ok_or_else(|| DomainError::invalid(format!("Product {id}: {field} is required.")));
    Ok(PeriodProduct {
        cloud_service_type: required(&p.cloud_service_type, "cloud_service_type", &id)?,
        resource_type: required(&p.resource_type, "resource_type", &id)?,
        resource_spec: required(&p.resource_spec, "resource_spec", &id)?,
        region: required(&p.region, "region", &id)?,
        available_zone: p.available_zone.clone(),
        resource_size: p.resource_size,
        size_measure_id: p.size_measure_id,
        period_type: int(p.period_type, "period_type")?,
        period_num: int(p.period_num, "period_num")?,
        subscription_num: int(p.subscription_num, "subscription_num")?,
        id,
    })
}

fn option_wire(o: &DiscountOption, lines: Vec<PeriodProductRatingResult>) -> OptionalDiscountRatingResult {
    OptionalDiscountRatingResult {
        discount_id: o.discount_id.clone(),
        amount: num(o.amount),
        official_website_amount: num(o.official_amount),
        discount_amount: num(o.discount_amount),
        measure_id: MEASURE_YUAN,
        discount_type: o.discount_type,
        discount_name: o.discount_name.clone(),
        best_offer: i64::from(o.best),
        product_rating_results: lines,
    }
}

/// `list_rate_on_period_detail`: several yearly/monthly products priced together.
#[utoipa::path(
    post, path = "/v2/bills/ratings/period-resources/subscribe-rate", operation_id = "list_rate_on_period_detail", tag = "ratings",
    summary = "Yearly/monthly price of several products, official and with each applicable discount (best_offer marks the best).",
    request_body = RateOnPeriodReq,
    responses((status = 200, description = "Success.", body = ListRateOnPeriodDetailResponse), crate::openapi::ApiErrors)
)]
pub async fn list_rate_on_period_detail(
    State(state): State<AppState>,
    AnyCaller(p): AnyCaller,
    ApiJson(req): ApiJson<RateOnPeriodReq>,
) -> ApiResult<ListRateOnPeriodDetailResponse> {
    let products = req.product_infos.unwrap_or_default().iter().map(period_product).collect::<Result<Vec<_>, _>>()?;
    let book = book_now(&state.db).await?;
    let discounts = discounts_for(&state.db, &p).await?;
    let q = pricing::quote_periods(&book, &products, &discounts)?;
    Ok(Json(ListRateOnPeriodDetailResponse {
        official_website_rating_result: OfficialWebsiteRatingResult {
            official_website_amount: num(q.official_amount),
            measure_id: MEASURE_YUAN,
            product_rating_results: q
                .products
                .iter()
                .map(|r| PeriodProductOfficialRatingResult {
                    id: r.id.clone(),
                    product_id: r.product_id.clone(),
                    official_website_amount: num(r.official_amount),
                    measure_id: MEASURE_YUAN,
                })
                .collect(),
        },
        optional_discount_rating_results: q
            .options
            .iter()
            .map(|o| {
                let lines = o
                    .lines
                    .iter()
                    .map(|l| PeriodProductRatingResult {
                        id: l.id.clone(),
                        product_id: l.product_id.clone(),
                        amount: num(l.amount),
                        official_website_amount: num(l.official_amount),
                        discount_amount: num(l.discount_amount),
                        measure_id: MEASURE_YUAN,
                    })
                    .collect();
                option_wire(&o.total, lines)
            })
            .collect(),
        currency: CURRENCY.to_owned(),
    }))
}

/// The yearly/monthly product line a caller's renewable resource is priced as; only
/// customers own resources, so for other callers every id is unknown.
async fn renewable_resource(
    state: &AppState,
    p: &Principal,
    resource_id: &str,
    period: pc_domain::orders::Period,
) -> Result<Option<PeriodProduct>, crate::error::ApiError> {
    match CustomerCaller::from_principal(p.clone()) {
        Ok(me) => crate::services::orders::renewable_product(&state.db, me.id(), resource_id, period).await,
        Err(_) => Ok(None),
    }
}

/// `list_renew_rate_on_period`: unknown resources (CBC.99003016) and resources that cannot be
/// priced are reported one by one in `fail_resource_infos`, the others priced for the renewal
/// period (docs/DOMAIN.md#R-RES-16).
#[utoipa::path(
    post, path = "/v2/bills/ratings/period-resources/renew-rate", operation_id = "list_renew_rate_on_period", tag = "ratings",
    summary = "Renewal price of yearly/monthly resources; unknown resources are listed in fail_resource_infos (CBC.99003016).",
    request_body = ListRenewRateOnPeriodReq,
    responses((status = 200, description = "Success.", body = ListRenewRateOnPeriodResponse), crate::openapi::ApiErrors)
)]
pub async fn list_renew_rate_on_period(
    State(state): State<AppState>,
    AnyCaller(p): AnyCaller,
    ApiJson(req): ApiJson<ListRenewRateOnPeriodReq>,
) -> ApiResult<ListRenewRateOnPeriodResponse> {
    let ids = req.resource_ids.unwrap_or_default();
    if ids.is_empty() || ids.len() > 100 {
        return Err(DomainError::invalid("resource_ids must hold 1 to 100 resource ids.").into());
    }
    let (period_type, period_num) = match (req.period_type, req.period_num) {
        (Some(t), Some(n)) => (t, n),
        _ => return Err(DomainError::invalid("period_type and period_num are required.").into()),
    };
    pricing::check_period(period_type, period_num)?;
    let book = book_now(&state.db).await?;
    let discounts = discounts_for(&state.db, &p).await?;
    let (mut results, mut failures, mut quotes) = (Vec::new(), Vec::new(), Vec::new());
    for id in ids {
        let period = pc_domain::orders::Period { period_type, period_num };
        match renewable_resource(&state, &p, &id, period).await? {
            None => failures.push(FailResourceInfo {
                error_code: ErrorCode::ResourceNotFound.code().to_owned(),
                error_msg: ErrorCode::ResourceNotFound.default_message().to_owned(),
                resource_id: id,
            }),
            // A resource that cannot be priced is reported on its own; the others are priced.
            Some(product) => match pricing::quote_renewal(&book, &PeriodProduct { period_type, period_num, ..product }, &discounts) {
                Ok(q) => {
                    results.push(RenewInquiryResultInfo { resource_id: id, amount: q.amount.to_string() });
                    quotes.push(q);
                }
                Err(e) => failures.push(FailResourceInfo { error_code: e.code.code().to_owned(), error_msg: e.message, resource_id: id }),
            },
        }
    }
    let official: Decimal = quotes.iter().map(|q| q.official_amount).sum();
    Ok(Json(ListRenewRateOnPeriodResponse {
        currency: CURRENCY.to_owned(),
        renew_inquiry_results: results,
        official_website_rating_result: OfficialWebsiteRatingResultV2 { official_website_amount: official.to_string() },
        optional_discount_rating_results: Vec::new(),
        fail_resource_infos: failures,
    }))
}

fn demand_product(p: &DemandProductInfo) -> Result<DemandProduct, DomainError> {
    let id = p.id.clone().unwrap_or_default();
    let int = |v: Option<i64>, field: &str| v.ok_or_else(|| DomainError::invalid(format!("Product {id}: {field} is required.")));
    let usage_value = match p.usage_value.as_ref() {
        None => return Err(DomainError::invalid(format!("Product {id}: usage_value is required."))),
        Some(r) => pc_domain::money::parse_plain_decimal(decimal_literal(r).trim())
            .ok_or_else(|| DomainError::invalid(format!("Product {id}: usage_value must be a decimal number.")))?,
    };
    Ok(DemandProduct {
        cloud_service_type: required(&p.cloud_service_type, "cloud_service_type", &id)?,
        resource_type: required(&p.resource_type, "resource_type", &id)?,
        resource_spec: required(&p.resource_spec, "resource_spec", &id)?,
        region: required(&p.region, "region", &id)?,
        available_zone: p.available_zone.clone(),
        resource_size: p.resource_size,
        size_measure_id: p.size_measure_id,
        usage_factor: required(&p.usage_factor, "usage_factor", &id)?,
        usage_value,
        usage_measure_id: int(p.usage_measure_id, "usage_measure_id")?,
        subscription_num: int(p.subscription_num, "subscription_num")?,
        id,
    })
}

/// `list_on_demand_resource_ratings`.
#[utoipa::path(
    post, path = "/v2/bills/ratings/on-demand-resources", operation_id = "list_on_demand_resource_ratings", tag = "ratings",
    summary = "On-demand price for a usage (inquiry_precision 0: 6 decimals, 1: 10).",
    request_body = RateOnDemandReq,
    responses((status = 200, description = "Success.", body = ListOnDemandResourceRatingsResponse), crate::openapi::ApiErrors)
)]
pub async fn list_on_demand_resource_ratings(
    State(state): State<AppState>,
    AnyCaller(p): AnyCaller,
    ApiJson(req): ApiJson<RateOnDemandReq>,
) -> ApiResult<ListOnDemandResourceRatingsResponse> {
    let scale = pricing::on_demand_scale(req.inquiry_precision)?;
    let infos = req.product_infos.unwrap_or_default();
    if infos.is_empty() || infos.len() > 100 {
        return Err(DomainError::invalid("product_infos must hold 1 to 100 products.").into());
    }
    let products = infos.iter().map(demand_product).collect::<Result<Vec<_>, _>>()?;
    let book = book_now(&state.db).await?;
    let discounts = discounts_for(&state.db, &p).await?;
    let quotes = products.iter().map(|d| pricing::quote_on_demand(&book, d, scale, &discounts)).collect::<Result<Vec<_>, _>>()?;
    let sum = |f: fn(&pricing::PeriodQuote) -> Decimal| -> Decimal { quotes.iter().map(f).sum() };
    Ok(Json(ListOnDemandResourceRatingsResponse {
        amount: num(sum(|q| q.amount)),
        discount_amount: num(sum(|q| q.discount_amount)),
        official_website_amount: num(sum(|q| q.official_amount)),
        measure_id: MEASURE_YUAN,
        currency: CURRENCY.to_owned(),
        product_rating_results: quotes
            .iter()
            .map(|q| DemandProductRatingResult {
                id: q.id.clone(),
                product_id: q.product_id.clone(),
                amount: num(q.amount),
                discount_amount: num(q.discount_amount),
                official_website_amount: num(q.official_amount),
                measure_id: MEASURE_YUAN,
                discount_rating_results: q
                    .discounts
                    .iter()
                    .map(|o| DemandDiscountRatingResult {
                        discount_id: o.discount_id.clone(),
                        discount_type: o.discount_type,
                        amount: num(o.discount_amount),
                        measure_id: MEASURE_YUAN,
                        discount_name: o.discount_name.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }))
}

/// Change-of-spec inquiry (product extension): scale-up only, pro-rata for the time left.
#[utoipa::path(
    post, path = "/v2/bills/ratings/change-spec-rate", operation_id = "change_spec_rate", tag = "ratings",
    summary = "Change-of-spec price for the time left (product extension); scaling down is refused (CBC.99003170).",
    request_body = ChangeSpecRateReq,
    responses((status = 200, description = "Success.", body = ChangeSpecRateResponse), crate::openapi::ApiErrors)
)]
pub async fn change_spec_rate(
    State(state): State<AppState>,
    AnyCaller(p): AnyCaller,
    ApiJson(req): ApiJson<ChangeSpecRateReq>,
) -> ApiResult<ChangeSpecRateResponse> {
    let q = match req.resource_id.as_deref().filter(|s| !s.is_empty()) {
        // A resource of the caller: the very quote its change-of-spec order would get.
        Some(resource_id) => {
            let to = SpecChoice {
                resource_spec: required(&req.new_resource_spec, "new_resource_spec", resource_id)?,
                resource_size: req.new_resource_size,
            };
            let me = CustomerCaller::from_principal(p.clone()).map_err(|_| DomainError::of(ErrorCode::ResourceNotFound))?;
            crate::services::orders::quote_change_for_customer(&state.db, me.id(), resource_id, to).await?
        }
        // A hypothetical product with `remaining_ms` of its period left.
        None => {
            let Some(info) = req.product_info.as_ref() else {
                return Err(DomainError::invalid("product_info or resource_id is required.").into());
            };
            let from = period_product(info)?;
            let to = SpecChoice {
                resource_spec: required(&req.new_resource_spec, "new_resource_spec", &from.id)?,
                resource_size: req.new_resource_size,
            };
            let period_ms = pricing::period_length_ms(from.period_type, from.period_num)?;
            let remaining_ms = req.remaining_ms.unwrap_or(period_ms);
            if remaining_ms <= 0 || remaining_ms > period_ms {
                return Err(DomainError::invalid(format!(
                    "remaining_ms ({remaining_ms}) must be within the period ({period_ms} ms) and above 0."
                ))
                .into());
            }
            let book = book_now(&state.db).await?;
            let discounts = discounts_for(&state.db, &p).await?;
            let now = state.db.now().await?;
            let term = pricing::TermSpan { start: now, end: now + remaining_ms, period_type: from.period_type };
            pricing::quote_spec_change(&book, &from, &to, &[term], now, &discounts)?
        }
    };
    let line = |o: &DiscountOption| PeriodProductRatingResult {
        id: q.id.clone(),
        product_id: q.product_id.clone(),
        amount: num(o.amount),
        official_website_amount: num(o.official_amount),
        discount_amount: num(o.discount_amount),
        measure_id: MEASURE_YUAN,
    };
    Ok(Json(ChangeSpecRateResponse {
        currency: CURRENCY.to_owned(),
        official_website_amount: num(q.official_amount),
        amount: num(q.amount),
        discount_amount: num(q.discount_amount),
        measure_id: MEASURE_YUAN,
        optional_discount_rating_results: q.discounts.iter().map(|o| option_wire(o, vec![line(o)])).collect(),
    }))
}
