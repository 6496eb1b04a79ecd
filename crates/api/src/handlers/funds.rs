//! Funds operations of the Open API.

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::principal::{CustomerCaller, OperatorCaller, PartnerCaller};
use crate::services::funds::{self as svc, Direction};
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use pc_domain::funds::{parse_balance_type, parse_idempotency_key, parse_revenue_expense, parse_trade_type, AdjustFilter, TransferKind};
use pc_domain::money::{Money, CURRENCY, MEASURE_YUAN};
use pc_domain::query::{format_utc, parse_cst_date_range, parse_utc_bound, Page};
use pc_domain::{DomainError, DomainId};
use pc_storage::{AdjustRecordFilter, Balance, EntryFilter};
use pc_wire::funds::*;

pub const IDEMPOTENCY_HEADER: &str = "x-idempotency-key";

pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    match headers.get(IDEMPOTENCY_HEADER) {
        None => Ok(None),
        Some(v) => {
            let s = v.to_str().map_err(|_| DomainError::invalid("X-Idempotency-Key is not valid text."))?;
            Ok(Some(parse_idempotency_key(s)?))
        }
    }
}

fn amount(raw: Option<&JsonDecimal>) -> Result<Money, DomainError> {
    super::money_field("amount", raw)
}

async fn customer_funds(
    state: &AppState,
    caller: &PartnerCaller,
    headers: &HeaderMap,
    req: &CustomerFundsReq,
    direction: Direction,
    op: &str,
) -> Result<String, ApiError> {
    let amount = amount(req.amount.as_ref())?;
    let fen = amount.fen().to_string();
    let fields = [req.customer_id.as_deref().unwrap_or(""), fen.as_str(), req.indirect_partner_id.as_deref().unwrap_or("")];
    let claim = svc::claim(caller.principal(), idempotency_key(headers)?, op, &fields);
    let outcome = svc::move_customer_funds(
        &state.db,
        &state.ledger,
        caller,
        direction,
        req.customer_id.as_deref(),
        amount,
        req.indirect_partner_id.as_deref(),
        claim,
    )
    .await?;
    Ok(outcome.transfer_id().to_owned())
}

async fn reseller_funds(
    state: &AppState,
    caller: &PartnerCaller,
    headers: &HeaderMap,
    req: &ResellerFundsReq,
    direction: Direction,
    op: &str,
) -> Result<String, ApiError> {
    let amount = amount(req.amount.as_ref())?;
    let fen = amount.fen().to_string();
    let claim =
        svc::claim(caller.principal(), idempotency_key(headers)?, op, &[req.indirect_partner_id.as_deref().unwrap_or(""), fen.as_str()]);
    let outcome =
        svc::move_reseller_funds(&state.db, &state.ledger, caller, direction, req.indirect_partner_id.as_deref(), amount, claim).await?;
    Ok(outcome.transfer_id().to_owned())
}

#[utoipa::path(
    post, path = "/v2/accounts/partner-accounts/adjust-amount", operation_id = "update_customer_account_amount", tag = "funds",
    summary = "Move money from the partner's cash account to a resale customer's.",
    request_body = CustomerFundsReq,
    params(crate::openapi::IdempotencyKey),
    responses((status = 200, description = "Success.", body = TransferIdResponse), crate::openapi::ApiErrors)
)]
pub async fn update_customer_account_amount(
    State(state): State<AppState>,
    p: PartnerCaller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<CustomerFundsReq>,
) -> ApiResult<TransferIdResponse> {
    let transfer_id = customer_funds(&state, &p, &headers, &req, Direction::Allocate, "allocate-customer").await?;
    Ok(Json(TransferIdResponse { transfer_id }))
}

#[utoipa::path(
    post, path = "/v2/accounts/partner-accounts/reclaim", operation_id = "reclaim_to_partner_account", tag = "funds",
    summary = "Move money back from a resale customer's cash account to the partner's.",
    request_body = CustomerFundsReq,
    params(crate::openapi::IdempotencyKey),
    responses((status = 200, description = "Success.", body = TransIdResponse), crate::openapi::ApiErrors)
)]
pub async fn reclaim_to_partner_account(
    State(state): State<AppState>,
    p: PartnerCaller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<CustomerFundsReq>,
) -> ApiResult<TransIdResponse> {
    let trans_id = customer_funds(&state, &p, &headers, &req, Direction::Reclaim, "reclaim-customer").await?;
    Ok(Json(TransIdResponse { trans_id }))
}

#[utoipa::path(
    post, path = "/v2/accounts/partner-accounts/indirect-partner-adjust", operation_id = "update_indirect_partner_account", tag = "funds",
    summary = "Move money from a tier-1 distributor to one of its tier-2 resellers.",
    request_body = ResellerFundsReq,
    params(crate::openapi::IdempotencyKey),
    responses((status = 200, description = "Success.", body = TransferIdResponse), crate::openapi::ApiErrors)
)]
pub async fn update_indirect_partner_account(
    State(state): State<AppState>,
    p: PartnerCaller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ResellerFundsReq>,
) -> ApiResult<TransferIdResponse> {
    let transfer_id = reseller_funds(&state, &p, &headers, &req, Direction::Allocate, "allocate-reseller").await?;
    Ok(Json(TransferIdResponse { transfer_id }))
}

#[utoipa::path(
    post, path = "/v2/accounts/partner-accounts/indirect-partner-reclaim", operation_id = "reclaim_indirect_partner_account", tag = "funds",
    summary = "Move money back from a tier-2 reseller to its tier-1 distributor.",
    request_body = ResellerFundsReq,
    params(crate::openapi::IdempotencyKey),
    responses((status = 200, description = "Success.", body = TransIdResponse), crate::openapi::ApiErrors)
)]
pub async fn reclaim_indirect_partner_account(
    State(state): State<AppState>,
    p: PartnerCaller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ResellerFundsReq>,
) -> ApiResult<TransIdResponse> {
    let trans_id = reseller_funds(&state, &p, &headers, &req, Direction::Reclaim, "reclaim-reseller").await?;
    Ok(Json(TransIdResponse { trans_id }))
}

#[utoipa::path(
    post, path = "/v2/operator/partner-accounts/top-up", operation_id = "operator_top_up_partner_account", tag = "operator",
    summary = "Operator: credit a partner's cash account (product extension).",
    request_body = TopUpReq,
    params(crate::openapi::IdempotencyKey),
    responses((status = 200, description = "Success.", body = TransIdResponse), crate::openapi::ApiErrors)
)]
pub async fn operator_top_up(
    State(state): State<AppState>,
    p: OperatorCaller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<TopUpReq>,
) -> ApiResult<TransIdResponse> {
    let amount = amount(req.amount.as_ref())?;
    let fen = amount.fen().to_string();
    let claim = svc::claim(p.principal(), idempotency_key(&headers)?, "top-up", &[req.partner_id.as_deref().unwrap_or(""), fen.as_str()]);
    let outcome = svc::top_up(&state.db, &state.ledger, &p, req.partner_id.as_deref(), amount, claim).await?;
    Ok(Json(TransIdResponse { trans_id: outcome.transfer_id().to_owned() }))
}

fn account_balance(b: Balance) -> AccountBalance {
    AccountBalance {
        account_id: b.account_id,
        account_type: pc_storage::funds_cash_type(),
        amount: json_decimal(b.amount.to_string()),
        currency: CURRENCY.to_owned(),
        designated_amount: json_decimal(Money::ZERO.to_string()),
        measure_id: MEASURE_YUAN,
    }
}

#[utoipa::path(
    get, path = "/v2/accounts/partner-accounts/balances", operation_id = "list_partner_balances", tag = "funds",
    summary = "The partner's cash balance (or, for a tier-1, a reseller's).",
    params(ListPartnerBalancesQuery),
    responses((status = 200, description = "Success.", body = ListPartnerBalancesResponse), crate::openapi::ApiErrors)
)]
pub async fn list_partner_balances(
    State(state): State<AppState>,
    p: PartnerCaller,
    ApiQuery(q): ApiQuery<ListPartnerBalancesQuery>,
) -> ApiResult<ListPartnerBalancesResponse> {
    let balance = svc::partner_balance(&state.db, &p, q.indirect_partner_id.as_deref()).await?;
    Ok(Json(ListPartnerBalancesResponse { account_balances: vec![account_balance(balance)] }))
}

#[utoipa::path(
    get, path = "/v2/accounts/customer-accounts/balances", operation_id = "show_customer_account_balances", tag = "funds",
    summary = "The calling customer's balances.",
    responses((status = 200, description = "Success.", body = ShowCustomerAccountBalancesResponse), crate::openapi::ApiErrors)
)]
pub async fn show_customer_account_balances(
    State(state): State<AppState>,
    me: CustomerCaller,
) -> ApiResult<ShowCustomerAccountBalancesResponse> {
    let balance = state.db.cash_balance(me.id()).await?;
    Ok(Json(ShowCustomerAccountBalancesResponse {
        account_balances: vec![account_balance(balance)],
        debt_amount: json_decimal(Money::ZERO.to_string()),
        measure_id: MEASURE_YUAN,
        currency: CURRENCY.to_owned(),
    }))
}

#[utoipa::path(
    get, path = "/v3/accounts/partner-accounts/adjust-records", operation_id = "list_partner_adjust_records", tag = "funds",
    summary = "The partner's allocations to and reclaims from customers and resellers.",
    params(ListPartnerAdjustRecordsQuery),
    responses((status = 200, description = "Success.", body = ListPartnerAdjustRecordsResponse), crate::openapi::ApiErrors)
)]
pub async fn list_partner_adjust_records(
    State(state): State<AppState>,
    p: PartnerCaller,
    ApiQuery(q): ApiQuery<ListPartnerAdjustRecordsQuery>,
) -> ApiResult<ListPartnerAdjustRecordsResponse> {
    let scope = svc::records_scope(&state.db, &p, q.indirect_partner_id.as_deref()).await?;
    let page = Page::parse(q.offset, q.limit)?;
    let (kind, matches_nothing) = match q.operation_type.as_deref() {
        None | Some("") => (None, false),
        Some(s) => match AdjustFilter::parse(s)? {
            AdjustFilter::Kind(k) => (Some(k), false),
            AdjustFilter::Unbind => (None, true),
        },
    };
    let filter = AdjustRecordFilter {
        counterparty: match q.customer_id.as_deref() {
            None | Some("") => None,
            Some(s) => Some(DomainId::parse(s)?),
        },
        kind,
        matches_nothing,
        // Empty time bounds do not filter here, as the SDK documents for this operation.
        from: parse_utc_bound("operation_time_begin", q.operation_time_begin.as_deref().filter(|s| !s.is_empty()))?,
        to: parse_utc_bound("operation_time_end", q.operation_time_end.as_deref().filter(|s| !s.is_empty()))?,
        transfer_id: q.trans_id.filter(|s| !s.is_empty()),
    };
    let (records, total_count) = state.db.adjust_records(&scope, &filter, page).await?;
    Ok(Json(ListPartnerAdjustRecordsResponse {
        total_count,
        records: records
            .into_iter()
            .map(|r| AdjustRecordV3 {
                customer_id: r.counterparty.to_string(),
                customer_name: r.counterparty_name,
                operation_type: r.kind.operation_type().to_owned(),
                amount: r.amount.to_string(),
                currency: CURRENCY.to_owned(),
                apply_scene: "ALL".to_owned(),
                operation_time: format_utc(r.created_at),
                measure_id: MEASURE_YUAN,
                trans_id: r.transfer_id.into(),
                on_behalf_of_id: r.on_behalf_of.to_string(),
                acted_by: super::acted_by(r.by.as_ref()),
            })
            .collect(),
    }))
}

fn trade_filter(trade_type: Option<&str>) -> Result<(Option<TransferKind>, bool), DomainError> {
    match trade_type {
        None | Some("") => Ok((None, false)),
        Some(s) => Ok(match parse_trade_type(s)? {
            Some(k) => (Some(k), false),
            None => (None, true),
        }),
    }
}

#[utoipa::path(
    get, path = "/v2/accounts/partner-accounts/account-change-records", operation_id = "list_partner_account_change_records", tag = "funds",
    summary = "Changes of the partner's cash account.",
    params(ListPartnerAccountChangeRecordsQuery),
    responses((status = 200, description = "Success.", body = ListPartnerAccountChangeRecordsResponse), crate::openapi::ApiErrors)
)]
pub async fn list_partner_account_change_records(
    State(state): State<AppState>,
    p: PartnerCaller,
    ApiQuery(q): ApiQuery<ListPartnerAccountChangeRecordsQuery>,
) -> ApiResult<ListPartnerAccountChangeRecordsResponse> {
    let scope = svc::records_scope(&state.db, &p, q.indirect_partner_id.as_deref()).await?;
    let has_account = parse_balance_type(q.balance_type.as_deref(), false)?;
    let page = Page::parse(q.offset, q.limit)?;
    let (kind, no_such_kind) = trade_filter(q.trade_type.as_deref())?;
    let matches_nothing = no_such_kind || !has_account;
    let (from, to_exclusive) = parse_cst_date_range(q.trade_time_begin.as_deref(), q.trade_time_end.as_deref(), state.db.now().await?)?;
    let filter = EntryFilter { kind, matches_nothing, income: None, from: Some(from), to_exclusive: Some(to_exclusive), transfer_id: None };
    let (entries, total_count) = state.db.account_entries(&scope, &filter, page).await?;
    Ok(Json(ListPartnerAccountChangeRecordsResponse {
        total_count,
        currency: CURRENCY.to_owned(),
        records: entries
            .into_iter()
            .map(|e| AccountChangeRecord {
                account_change_id: e.entry_id,
                trade_detail_type: e.kind.trade_detail_type().to_owned(),
                trade_time: format_utc(e.created_at),
                trade_id: e.transfer_id.into(),
                change_amount: Money::from_fen(e.delta_fen.abs()).to_string(),
                balance_after_change: e.balance_after.to_string(),
                kind: if e.delta_fen > 0 { "1" } else { "2" }.to_owned(),
                customer_id: e.counterparty.as_ref().map(|(id, _)| id.to_string()),
                account_name: e.counterparty.map(|(_, name)| name),
            })
            .collect(),
    }))
}

#[utoipa::path(
    get, path = "/v2/accounts/customer-accounts/account-change-records", operation_id = "list_customer_account_change_records", tag = "funds",
    summary = "Changes of the calling customer's accounts.",
    params(ListCustomerAccountChangeRecordsQuery),
    responses((status = 200, description = "Success.", body = ListCustomerAccountChangeRecordsResponse), crate::openapi::ApiErrors)
)]
pub async fn list_customer_account_change_records(
    State(state): State<AppState>,
    me: CustomerCaller,
    ApiQuery(q): ApiQuery<ListCustomerAccountChangeRecordsQuery>,
) -> ApiResult<ListCustomerAccountChangeRecordsResponse> {
    let has_account = parse_balance_type(q.balance_type.as_deref(), true)?;
    let page = Page::parse(q.offset, q.limit)?;
    let (kind, no_such_kind) = trade_filter(q.trade_type.as_deref())?;
    let mut matches_nothing = no_such_kind || !has_account;
    let income = parse_revenue_expense(q.revenue_expense_type.as_deref())?;
    // Movements of this product have no payment channel: a channel filter matches nothing.
    if q.payment_channel_id.as_deref().is_some_and(|s| !s.is_empty()) || q.payment_channel_no.as_deref().is_some_and(|s| !s.is_empty()) {
        matches_nothing = true;
    }
    let (from, to_exclusive) = parse_cst_date_range(q.trade_time_begin.as_deref(), q.trade_time_end.as_deref(), state.db.now().await?)?;
    let filter = EntryFilter {
        kind,
        matches_nothing,
        income,
        from: Some(from),
        to_exclusive: Some(to_exclusive),
        transfer_id: q.trade_id.filter(|s| !s.is_empty()),
    };
    let (entries, total_count) = state.db.account_entries(me.scope(), &filter, page).await?;
    Ok(Json(ListCustomerAccountChangeRecordsResponse {
        total_count,
        currency: CURRENCY.to_owned(),
        records: entries
            .into_iter()
            .map(|e| CustomerAccountChangeRecord {
                account_change_id: e.entry_id,
                trade_detail_type: e.kind.trade_detail_type().to_owned(),
                trade_time: format_utc(e.created_at),
                trade_id: e.transfer_id.into(),
                change_amount: Money::from_fen(e.delta_fen.abs()).to_string(),
                balance_after_change: e.balance_after.to_string(),
                revenue_expense_type: if e.delta_fen > 0 { "REVENUE" } else { "EXPENSE" }.to_owned(),
                account_name: e.counterparty.map(|(_, name)| name),
            })
            .collect(),
    }))
}
