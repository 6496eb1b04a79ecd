//! list_indirect_partners: a tier-1 distributor's tier-2 resellers.

use crate::error::ApiResult;
use crate::extract::ApiJson;
use crate::principal::FullScopeTier1;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use pc_domain::query::{format_utc, parse_fuzzy, parse_utc_bound, Page};
use pc_domain::DomainId;
use pc_storage::ResellerFilter;
use pc_wire::partners::*;

#[utoipa::path(
    post, path = "/v2/partners/indirect-partners/query", operation_id = "list_indirect_partners", tag = "partners",
    summary = "List a tier-1 distributor's tier-2 resellers.",
    request_body = QueryIndirectPartnersReq,
    responses((status = 200, description = "Success.", body = ListIndirectPartnersResponse), crate::openapi::ApiErrors)
)]
pub async fn list_indirect_partners(
    State(state): State<AppState>,
    caller: FullScopeTier1,
    ApiJson(req): ApiJson<QueryIndirectPartnersReq>,
) -> ApiResult<ListIndirectPartnersResponse> {
    let page = Page::parse(req.offset, req.limit)?;
    let filter = ResellerFilter {
        account_name: parse_fuzzy("account_name", req.account_name.as_deref())?,
        associated_from: parse_utc_bound("associated_on_begin", req.associated_on_begin.as_deref())?,
        associated_to: parse_utc_bound("associated_on_end", req.associated_on_end.as_deref())?,
        reseller_id: match req.indirect_partner_id.as_deref() {
            None | Some("") => None,
            Some(s) => Some(DomainId::parse(s)?),
        },
    };
    let (items, count) = state.db.list_resellers(caller.partner_id(), &filter, page).await?;
    Ok(Json(ListIndirectPartnersResponse {
        count,
        indirect_partners: items
            .into_iter()
            .map(|r| IndirectPartnerInfo {
                indirect_partner_id: r.reseller_id.to_string(),
                mobile_phone: r.mobile,
                email: r.email,
                account_name: r.domain_name,
                name: r.display_name,
                associated_on: format_utc(r.associated_on),
            })
            .collect(),
    }))
}
