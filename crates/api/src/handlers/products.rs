//! Catalog operations, the operator's price-book load and partners' customer discounts.

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::principal::{FullScopePartner, OperatorCaller, PartnerCaller};
use crate::services::catalog::book_now;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use pc_domain::catalog::PriceBook;
use pc_domain::pricing::parse_discount_rate;
use pc_domain::query::{format_utc, Page};
use pc_domain::{DomainError, DomainId, ErrorCode};
use pc_storage::{DiscountGrant, PriceBookLoad};
use pc_wire::funds::{decimal_literal, json_decimal};
use pc_wire::products::*;

fn page_of<T>(items: Vec<T>, offset: Option<i64>, limit: Option<i64>) -> Result<(i64, Vec<T>), DomainError> {
    let page = Page::parse(offset, limit)?;
    let total = items.len() as i64;
    Ok((total, page.window(items).collect()))
}

#[utoipa::path(
    get, path = "/v2/products/service-types", operation_id = "list_service_types", tag = "products",
    summary = "Cloud service types of the price book in effect.",
    params(ServiceTypesQuery, crate::openapi::XLanguage),
    responses((status = 200, description = "Success.", body = ListServiceTypesResponse), crate::openapi::ApiErrors)
)]
pub async fn list_service_types(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ServiceTypesQuery>,
) -> ApiResult<ListServiceTypesResponse> {
    let lang = super::language(&headers)?;
    let book = book_now(&state.db).await?;
    let name = q.service_type_name.filter(|n| !n.is_empty());
    let items: Vec<ServiceTypes> = book
        .file
        .service_types
        .iter()
        .map(|s| (s, book.service_type_name(&s.code, lang)))
        .filter(|(s, shown)| name.as_deref().is_none_or(|n| s.name.contains(n) || shown.contains(n)))
        .map(|(s, shown)| ServiceTypes {
            service_type_name: shown,
            service_type_code: s.code.clone(),
            abbreviation: s.abbreviation.clone(),
        })
        .collect();
    let (total_count, service_types) = page_of(items, q.offset, q.limit)?;
    Ok(Json(ListServiceTypesResponse { total_count, service_types }))
}

#[utoipa::path(
    get, path = "/v2/products/resource-types", operation_id = "list_resource_types", tag = "products",
    summary = "Resource types of the price book in effect.",
    params(ResourceTypesQuery, crate::openapi::XLanguage),
    responses((status = 200, description = "Success.", body = ListResourceTypesResponse), crate::openapi::ApiErrors)
)]
pub async fn list_resource_types(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ResourceTypesQuery>,
) -> ApiResult<ListResourceTypesResponse> {
    let lang = super::language(&headers)?;
    let book = book_now(&state.db).await?;
    let items: Vec<ResourceTypes> = book
        .file
        .resource_types
        .iter()
        .map(|r| ResourceTypes {
            resource_type_code: r.code.clone(),
            resource_type_name: book.resource_type_name(&r.code, lang),
            resource_type_desc: r.description.clone(),
            service_type_code: r.service_type.clone(),
        })
        .collect();
    let (total_count, resource_types) = page_of(items, q.offset, q.limit)?;
    Ok(Json(ListResourceTypesResponse { total_count, resource_types }))
}

#[utoipa::path(
    get, path = "/v2/products/service-resources", operation_id = "list_service_resources", tag = "products",
    summary = "Resource types of one cloud service type.",
    params(ServiceResourcesQuery, crate::openapi::XLanguage),
    responses((status = 200, description = "Success.", body = ListServiceResourcesResponse), crate::openapi::ApiErrors)
)]
pub async fn list_service_resources(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ServiceResourcesQuery>,
) -> ApiResult<ListServiceResourcesResponse> {
    let lang = super::language(&headers)?;
    let book = book_now(&state.db).await?;
    let Some(service) = q.service_type_code.filter(|s| !s.is_empty()) else {
        return Err(DomainError::invalid("service_type_code is required.").into());
    };
    let items: Vec<ServiceResourceInfo> = book
        .file
        .resource_types
        .iter()
        .filter(|r| r.service_type == service)
        .map(|r| ServiceResourceInfo {
            basic_info: ResourceBasicInfo {
                resource_type_code: r.code.clone(),
                product_owner_service: r.service_type.clone(),
                name: book.resource_type_name(&r.code, lang),
                description: r.description.clone(),
            },
        })
        .collect();
    let (total_count, infos) = page_of(items, q.offset, q.limit)?;
    Ok(Json(ListServiceResourcesResponse { total_count, infos }))
}

/// `charge_mode`: `period` (yearly/monthly), `demand` (on demand) or `oneOff`.
#[utoipa::path(
    post, path = "/v2/products/resource-specs-query", operation_id = "list_resource_specs", tag = "products",
    summary = "Specs of a resource type sold in a region under a charge mode.",
    request_body = ResourceSpecsQueryReq,
    params(crate::openapi::XLanguage),
    responses((status = 200, description = "Success.", body = ListResourceSpecsResponse), crate::openapi::ApiErrors)
)]
pub async fn list_resource_specs(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ResourceSpecsQueryReq>,
) -> ApiResult<ListResourceSpecsResponse> {
    let lang = super::language(&headers)?;
    let book = book_now(&state.db).await?;
    let required = |f: &Option<String>, name: &str| match f.as_deref() {
        Some(s) if !s.is_empty() => Ok(s.to_owned()),
        _ => Err(DomainError::invalid(format!("{name} is required."))),
    };
    let service = required(&req.cloud_service_type, "cloud_service_type")?;
    let resource = required(&req.resource_type, "resource_type")?;
    let region = required(&req.region_code, "region_code")?;
    let mode = required(&req.charge_mode, "charge_mode")?;
    if !["period", "demand", "oneOff"].contains(&mode.as_str()) {
        return Err(DomainError::invalid(format!("charge_mode must be period, demand or oneOff, not {mode}.")).into());
    }
    let limit = req.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(DomainError::invalid("limit must be between 1 and 1000.").into());
    }
    let (Some(svc), Some(rt)) = (book.service_type(&service), book.resource_type(&resource)) else {
        return Ok(Json(ListResourceSpecsResponse { page_info: PageInfo { next_marker: None }, cloud_service_basics: vec![] }));
    };
    let offered = book.region(&region).is_some();
    let filters = req.filters.unwrap_or_default();
    let matching: Vec<CloudServiceBasic> = book
        .specs()
        .filter(|s| offered && s.service_type == service && s.resource_type == resource)
        .filter(|s| match mode.as_str() {
            "period" => s.monthly.is_some(),
            "demand" => !s.on_demand.is_empty(),
            _ => s.one_off.is_some(),
        })
        .filter(|s| req.marker.as_deref().is_none_or(|m| m.is_empty() || s.code.as_str() > m))
        .filter(|s| {
            filters.iter().all(|f| match (f.key.as_deref(), f.value.as_deref()) {
                (Some("vcpus"), Some(v)) => s.vcpus.map(|n| n.to_string()).as_deref() == Some(v),
                (Some("memory_gb") | Some("mem"), Some(v)) => s.memory_gb.map(|n| n.to_string()).as_deref() == Some(v),
                (Some("resource_spec"), Some(v)) => s.code == v,
                _ => true,
            })
        })
        .map(|s| CloudServiceBasic {
            cloud_service_type: svc.code.clone(),
            cloud_service_type_name: book.service_type_name(&svc.code, lang),
            resource_type: rt.code.clone(),
            resource_type_name: book.resource_type_name(&rt.code, lang),
            resource_spec: s.code.clone(),
            resource_spec_name: s.name.clone(),
            charge_mode: mode.clone(),
            region_code: region.clone(),
        })
        .collect();
    let more = matching.len() as i64 > limit;
    let page: Vec<CloudServiceBasic> = matching.into_iter().take(limit as usize).collect();
    let next_marker = if more { page.last().map(|s| s.resource_spec.clone()) } else { None };
    Ok(Json(ListResourceSpecsResponse { page_info: PageInfo { next_marker }, cloud_service_basics: page }))
}

#[utoipa::path(
    get, path = "/v2/products/usage-types", operation_id = "list_usage_types", tag = "products",
    summary = "Usage types (on-demand usage factors) of a resource type.",
    params(UsageTypesQuery, crate::openapi::XLanguage),
    responses((status = 200, description = "Success.", body = ListUsageTypesResponse), crate::openapi::ApiErrors)
)]
pub async fn list_usage_types(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<UsageTypesQuery>,
) -> ApiResult<ListUsageTypesResponse> {
    let lang = super::language(&headers)?;
    let book = book_now(&state.db).await?;
    let Some(rt) = q.resource_type_code.filter(|s| !s.is_empty()) else {
        return Err(DomainError::invalid("resource_type_code is required.").into());
    };
    let items: Vec<UsageType> = book
        .file
        .usage_types
        .iter()
        .filter(|u| u.resource_type == rt)
        .filter_map(|u| {
            let r = book.resource_type(&u.resource_type)?;
            let s = book.service_type(&r.service_type)?;
            Some(UsageType {
                code: u.code.clone(),
                name: u.name.clone(),
                resource_type_code: r.code.clone(),
                service_type_code: s.code.clone(),
                resource_type_name: book.resource_type_name(&r.code, lang),
                service_type_name: book.service_type_name(&s.code, lang),
            })
        })
        .collect();
    let (total_count, usage_types) = page_of(items, q.offset, q.limit)?;
    Ok(Json(ListUsageTypesResponse { total_count, usage_types }))
}

#[utoipa::path(
    get, path = "/v2/bases/measurements", operation_id = "list_measure_units", tag = "products",
    summary = "Measure units (1 yuan, 4 hour, 17 GB, ...).",
    responses((status = 200, description = "Success.", body = ListMeasureUnitsResponse), crate::openapi::ApiErrors)
)]
pub async fn list_measure_units(State(state): State<AppState>) -> ApiResult<ListMeasureUnitsResponse> {
    let book = book_now(&state.db).await?;
    let measure_units = book
        .file
        .measure_units
        .iter()
        .map(|m| MeasureUnitRest {
            measure_id: m.measure_id,
            measure_name: m.measure_name.clone(),
            abbreviation: m.abbreviation.clone(),
            measure_type: m.measure_type,
        })
        .collect();
    Ok(Json(ListMeasureUnitsResponse { measure_units }))
}

#[utoipa::path(
    get, path = "/v2/bases/conversions", operation_id = "list_conversions", tag = "products",
    summary = "Measure unit conversions.",
    params(ConversionsQuery),
    responses((status = 200, description = "Success.", body = ListConversionsResponse), crate::openapi::ApiErrors)
)]
pub async fn list_conversions(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ConversionsQuery>,
) -> ApiResult<ListConversionsResponse> {
    let book = book_now(&state.db).await?;
    let conversions = book
        .file
        .conversions
        .iter()
        .filter(|c| q.measure_type.is_none_or(|t| t == c.measure_type))
        .map(|c| Conversion {
            measure_id: c.measure_id,
            ref_measure_id: c.ref_measure_id,
            conversion_ratio: c.conversion_ratio,
            measure_type: c.measure_type,
        })
        .collect();
    Ok(Json(ListConversionsResponse { conversions }))
}

/// Operator: loads a price-book version; the body is the price-book document.
#[utoipa::path(
    post, path = "/v2/operator/price-books", operation_id = "operator_load_price_book", tag = "operator",
    summary = "Operator: load a price-book version (the body is the price-book document, see pricebook/). A version in effect is never rewritten.",
    request_body = PriceBookDocument,
    responses((status = 200, description = "Success.", body = PriceBookLoadResponse), crate::openapi::ApiErrors)
)]
pub async fn operator_load_price_book(
    State(state): State<AppState>,
    operator: OperatorCaller,
    body: Bytes,
) -> ApiResult<PriceBookLoadResponse> {
    let text = std::str::from_utf8(&body).map_err(|_| DomainError::invalid("The price book must be UTF-8 JSON."))?;
    let book = PriceBook::parse(text)?;
    let load = state.db.load_price_book(&book, operator.id().as_str()).await?;
    let result = match &load {
        PriceBookLoad::Loaded(_) => "loaded",
        PriceBookLoad::Unchanged(_) => "unchanged",
        PriceBookLoad::Replaced(_) => "replaced",
    };
    let v = load.version();
    Ok(Json(PriceBookLoadResponse {
        book_id: v.book_id.clone(),
        version: v.version.clone(),
        effective_from: format_utc(v.effective_from),
        result: result.to_owned(),
    }))
}

fn discount_info(g: DiscountGrant) -> CustomerDiscountInfo {
    CustomerDiscountInfo {
        discount_id: g.discount.discount_id,
        customer_id: g.customer_id.to_string(),
        discount_name: g.discount.name,
        discount_rate: json_decimal(g.discount.rate.to_string()),
        service_type_codes: g.discount.service_types,
        created_time: format_utc(g.created_at),
    }
}

/// A partner grants one of its own customers a discount rate.
#[utoipa::path(
    post, path = "/v2/partners/customer-discounts", operation_id = "grant_customer_discount", tag = "ratings",
    summary = "Partner: grant one of its customers a discount rate (product extension).",
    request_body = GrantCustomerDiscountReq,
    responses((status = 200, description = "Success.", body = CustomerDiscountInfo), crate::openapi::ApiErrors)
)]
pub async fn grant_customer_discount(
    State(state): State<AppState>,
    p: PartnerCaller,
    ApiJson(req): ApiJson<GrantCustomerDiscountReq>,
) -> ApiResult<CustomerDiscountInfo> {
    let ctx = p.ctx();
    let customer = DomainId::parse(req.customer_id.as_deref().unwrap_or_default())
        .map_err(|_| DomainError::invalid("customer_id is required and must be a customer account id."))?;
    let standing = state.db.customer_standing(&customer).await?;
    pc_domain::pricing::check_discount_customer(ctx, standing.as_ref())?;
    let rate = match req.discount_rate.as_ref() {
        None => return Err(DomainError::invalid("discount_rate is required.").into()),
        Some(r) => parse_discount_rate(decimal_literal(r))?,
    };
    let name = req.discount_name.unwrap_or_default();
    if name.trim().is_empty() || name.chars().count() > 64 {
        return Err(DomainError::invalid("discount_name must be 1 to 64 characters.").into());
    }
    let book = book_now(&state.db).await?;
    let services = req.service_type_codes.unwrap_or_default();
    if let Some(bad) = services.iter().find(|s| book.service_type(s).is_none()) {
        return Err(DomainError::invalid(format!("service_type_codes: '{bad}' is not in the price book.")).into());
    }
    let grant = state.db.grant_customer_discount(&ctx.partner_id, &customer, name.trim(), rate, &services).await?;
    Ok(Json(discount_info(grant)))
}

/// Product extension: the operator sets the lowest discount rate a partner may grant
/// (docs/DOMAIN.md#R-PRICE-12).
#[utoipa::path(
    post, path = "/v2/operator/discount-floors", operation_id = "operator_set_discount_floor", tag = "operator",
    summary = "Operator: set the lowest discount rate a partner may grant its customers, for one service type or (no service_type_code) every type without its own; until set, 0.5 (product extension).",
    request_body = DiscountFloorReq,
    responses((status = 200, description = "Success.", body = DiscountFloorResponse), crate::openapi::ApiErrors)
)]
pub async fn operator_set_discount_floor(
    State(state): State<AppState>,
    operator: OperatorCaller,
    ApiJson(req): ApiJson<DiscountFloorReq>,
) -> ApiResult<DiscountFloorResponse> {
    let partner = req.partner_id.as_deref().filter(|s| !s.is_empty()).ok_or_else(|| DomainError::invalid("partner_id is required."))?;
    let min_rate = req.min_rate.as_ref().ok_or_else(|| DomainError::invalid("min_rate is required."))?;
    let service_type = req.service_type_code.as_deref().filter(|s| !s.is_empty());
    let (partner, rate) =
        crate::services::catalog::set_discount_floor(&state.db, &operator, partner, service_type, decimal_literal(min_rate)).await?;
    Ok(Json(DiscountFloorResponse {
        partner_id: partner.to_string(),
        service_type_code: service_type.map(str::to_owned),
        min_rate: json_decimal(rate.to_string()),
    }))
}

#[utoipa::path(
    get, path = "/v2/partners/customer-discounts", operation_id = "list_customer_discounts", tag = "ratings",
    summary = "Partner: its active customer discounts (product extension).",
    params(CustomerDiscountsQuery),
    responses((status = 200, description = "Success.", body = ListCustomerDiscountsResponse), crate::openapi::ApiErrors)
)]
pub async fn list_customer_discounts(
    State(state): State<AppState>,
    p: FullScopePartner,
    ApiQuery(q): ApiQuery<CustomerDiscountsQuery>,
) -> ApiResult<ListCustomerDiscountsResponse> {
    let customer = match q.customer_id.as_deref() {
        None | Some("") => None,
        Some(s) => Some(DomainId::parse(s)?),
    };
    let discounts: Vec<CustomerDiscountInfo> =
        state.db.list_customer_discounts(p.partner_id(), customer.as_ref()).await?.into_iter().map(discount_info).collect();
    Ok(Json(ListCustomerDiscountsResponse { total_count: discounts.len() as i64, discounts }))
}

#[utoipa::path(
    post, path = "/v2/partners/customer-discounts/revoke", operation_id = "revoke_customer_discount", tag = "ratings",
    summary = "Partner: revoke a customer discount (product extension).",
    request_body = RevokeCustomerDiscountReq,
    responses((status = 200, description = "Success.", body = pc_wire::orders::Empty), crate::openapi::ApiErrors)
)]
pub async fn revoke_customer_discount(
    State(state): State<AppState>,
    p: FullScopePartner,
    ApiJson(req): ApiJson<RevokeCustomerDiscountReq>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = req.discount_id.unwrap_or_default();
    if !state.db.revoke_customer_discount(p.partner_id(), &id).await? {
        return Err(DomainError::new(ErrorCode::InvalidParameter, format!("You have no active discount '{id}'.")).into());
    }
    Ok(Json(serde_json::json!({})))
}
