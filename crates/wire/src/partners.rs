//! Tier-2 reseller operations of a tier-1 distributor.

use serde::{Deserialize, Serialize};

/// `QueryIndirectPartnersReq`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct QueryIndirectPartnersReq {
    pub account_name: Option<String>,
    pub associated_on_begin: Option<String>,
    pub associated_on_end: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    pub indirect_partner_id: Option<String>,
}

/// `IndirectPartnerInfo`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndirectPartnerInfo {
    pub indirect_partner_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub account_name: String,
    pub name: String,
    pub associated_on: String,
}

/// `ListIndirectPartnersResponse`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListIndirectPartnersResponse {
    pub count: i64,
    pub indirect_partners: Vec<IndirectPartnerInfo>,
}
