//! Tier-2 reseller operations of a tier-1 distributor.

use crate::schema::{Limit, Offset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `QueryIndirectPartnersReq`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct QueryIndirectPartnersReq {
    pub account_name: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub associated_on_begin: Option<String>,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub associated_on_end: Option<String>,
    #[schema(value_type = Option<Offset>)]
    pub offset: Option<i64>,
    #[schema(value_type = Option<Limit>)]
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// `IndirectPartnerInfo`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IndirectPartnerInfo {
    pub indirect_partner_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub account_name: String,
    pub name: String,
    /// UTC time `yyyy-MM-ddTHH:mm:ssZ`.
    pub associated_on: String,
}

/// `ListIndirectPartnersResponse`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ListIndirectPartnersResponse {
    pub count: i64,
    pub indirect_partners: Vec<IndirectPartnerInfo>,
}
