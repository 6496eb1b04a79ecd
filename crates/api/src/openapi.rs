//! The OpenAPI 3.0 description of every route, served unsigned at `GET /openapi.json`.
//!
//! Schemas follow the wire types of `pc-wire` field for field (names exactly as serialized);
//! `tests/openapi.rs` checks that every route of `app.rs` is described and nothing else.
//! Request fields are all optional on the wire; the ones listed as `required` are those the
//! server refuses (400 CBC.0100) when absent.

mod products;

use axum::Json;
use serde_json::{json, Map, Value};

mod orders;

const UTC_TIME: &str = "UTC time `yyyy-MM-ddTHH:mm:ssZ`, e.g. `2019-05-06T08:05:01Z`.";
const CST_DATE: &str = "Date `YYYY-MM-DD` in UTC+8, inclusive.";
const AMOUNT_IN: &str = "Exact decimal amount in yuan: greater than 0, at most 2 decimal places, at most 10^12.";
const AMOUNT_OUT: &str = "Exact decimal amount in yuan, written with two decimals.";

/// `GET /openapi.json`.
pub async fn document() -> Json<Value> {
    Json(build())
}

/// The whole document.
pub fn build() -> Value {
    let mut paths = Map::new();
    for op in operations().into_iter().chain(products::operations()) {
        let entry = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        entry[op.method] = op.render();
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Partner Center Open API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Huawei Cloud partner Open API (the operations of huaweicloudsdkbss 3.1.219) and the \
                product's operator extensions. Every /v2 and /v3 operation is signed with SDK-HMAC-SHA256; \
                every response, success or error, carries X-Request-Id.",
        },
        "tags": [
            {"name": "probes", "description": "Unsigned liveness, readiness and this document."},
            {"name": "diagnostics", "description": "Signed checks of a client's request signing."},
            {"name": "customers", "description": "Sub-customers of a partner."},
            {"name": "partners", "description": "Tier-2 resellers of a tier-1 distributor."},
            {"name": "funds", "description": "Cash accounts, movements and records."},
            {"name": "coupons", "description": "Coupon quotas, coupons and their records."},
            {"name": "orders", "description": "Orders, payment and refunds."},
            {"name": "resources", "description": "Yearly/monthly resources: renewal, unsubscription, auto-renewal."},
            {"name": "products", "description": "The catalog of the price book in effect."},
            {"name": "ratings", "description": "Price inquiry and partner-granted customer discounts."},
            {"name": "operator", "description": "Product extensions for the platform operator."},
        ],
        "paths": Value::Object(paths),
        "components": components(),
    })
}

// ---------------------------------------------------------------------------------------
// schema building blocks

fn string() -> Value {
    json!({"type": "string"})
}

fn integer() -> Value {
    json!({"type": "integer", "format": "int64"})
}

fn boolean() -> Value {
    json!({"type": "boolean"})
}

fn array(items: Value) -> Value {
    json!({"type": "array", "items": items})
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn described(mut schema: Value, description: &str) -> Value {
    schema["description"] = Value::from(description);
    schema
}

fn utc() -> Value {
    described(string(), UTC_TIME)
}

fn amount_in() -> Value {
    json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1_000_000_000_000u64, "description": AMOUNT_IN})
}

fn amount_out() -> Value {
    json!({"type": "number", "description": AMOUNT_OUT})
}

fn offset() -> Value {
    json!({"type": "integer", "format": "int64", "minimum": 0, "description": "Items to skip; default 0."})
}

fn limit() -> Value {
    json!({"type": "integer", "format": "int64", "minimum": 1, "maximum": 100, "description": "Page size, 1 to 100; default 10."})
}

/// An object of the given properties (in wire order); `required` names the ones always present.
fn object(required: &[&str], props: Vec<(&str, Value)>) -> Value {
    let mut properties = Map::new();
    for (name, schema) in props {
        properties.insert(name.to_owned(), schema);
    }
    let mut schema = json!({"type": "object", "properties": properties});
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

/// A request body object: every field is optional on the wire (`null` reads as absent),
/// unknown fields are ignored. `required` names the fields the operation refuses to miss.
fn request(required: &[&str], props: Vec<(&str, Value)>) -> Value {
    let props = props
        .into_iter()
        .map(|(name, mut schema)| {
            if !required.contains(&name) && schema.get("$ref").is_none() {
                schema["nullable"] = Value::Bool(true);
            }
            (name, schema)
        })
        .collect();
    object(required, props)
}

// ---------------------------------------------------------------------------------------
// operations

#[derive(Clone, Copy, PartialEq)]
enum Access {
    /// Unsigned probe.
    Public,
    /// Signed with SDK-HMAC-SHA256.
    Signed,
    /// Signed, and accepts `X-Idempotency-Key`.
    SignedIdempotent,
}

enum Input {
    None,
    /// A JSON body: the name of a component schema.
    Body(&'static str),
    /// Query parameters: name, schema, required.
    Query(Vec<(&'static str, Value, bool)>),
}

struct Operation {
    method: &'static str,
    path: &'static str,
    id: &'static str,
    summary: &'static str,
    tag: &'static str,
    access: Access,
    input: Input,
    /// The name of the component schema of the 200 body.
    output: &'static str,
}

impl Operation {
    fn render(&self) -> Value {
        let mut op = json!({
            "operationId": self.id,
            "summary": self.summary,
            "tags": [self.tag],
        });
        let mut parameters = Vec::new();
        for name in self.path.split('/').filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}'))) {
            parameters.push(json!({"name": name, "in": "path", "required": true, "schema": string()}));
        }
        if self.access == Access::SignedIdempotent {
            parameters.push(json!({"$ref": "#/components/parameters/IdempotencyKey"}));
        }
        match &self.input {
            Input::None => {}
            Input::Body(name) => {
                op["requestBody"] = json!({
                    "required": true,
                    "content": {"application/json": {"schema": schema_ref(name)}},
                });
            }
            Input::Query(params) => {
                for (name, schema, required) in params {
                    let mut p = json!({"name": name, "in": "query", "required": required, "schema": schema});
                    if schema["type"] == "array" {
                        p["style"] = json!("form");
                        p["explode"] = json!(true);
                    }
                    parameters.push(p);
                }
            }
        }
        if !parameters.is_empty() {
            op["parameters"] = Value::Array(parameters);
        }
        let ok = json!({
            "description": "Success.",
            "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
            "content": {"application/json": {"schema": schema_ref(self.output)}},
        });
        op["responses"] = match self.access {
            Access::Public if self.id == "get_readiness" => json!({
                "200": ok,
                "503": {
                    "description": "The database does not answer.",
                    "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
                    "content": {"application/json": {"schema": schema_ref("ProbeStatus")}},
                },
            }),
            Access::Public => json!({"200": ok}),
            Access::Signed | Access::SignedIdempotent => json!({
                "200": ok,
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "500": {"$ref": "#/components/responses/InternalError"},
            }),
        };
        op["security"] = match self.access {
            Access::Public => json!([]),
            _ => json!([{"sdkHmacSha256": []}]),
        };
        op
    }
}

fn q(name: &'static str, schema: Value) -> (&'static str, Value, bool) {
    (name, schema, false)
}

fn q_required(name: &'static str, schema: Value) -> (&'static str, Value, bool) {
    (name, schema, true)
}

fn operations() -> Vec<Operation> {
    let mut all = first_operations();
    all.extend(orders::operations());
    all
}

fn first_operations() -> Vec<Operation> {
    use Access::*;
    vec![
        // ---- probes
        Operation {
            method: "get",
            path: "/health",
            id: "get_health",
            summary: "Liveness: the process answers.",
            tag: "probes",
            access: Public,
            input: Input::None,
            output: "ProbeStatus",
        },
        Operation {
            method: "get",
            path: "/ready",
            id: "get_readiness",
            summary: "Readiness: the process and its database answer.",
            tag: "probes",
            access: Public,
            input: Input::None,
            output: "ProbeStatus",
        },
        Operation {
            method: "get",
            path: "/openapi.json",
            id: "get_openapi_document",
            summary: "This OpenAPI 3.0 document.",
            tag: "probes",
            access: Public,
            input: Input::None,
            output: "OpenApiDocument",
        },
        Operation {
            method: "post",
            path: "/v2/echo",
            id: "echo_signed_request",
            summary: "Signed round trip that touches no storage: answers the caller's account and the body it sent (product extension).",
            tag: "diagnostics",
            access: Signed,
            input: Input::Body("EchoRequest"),
            output: "EchoResponse",
        },
        // ---- customers
        Operation {
            method: "post",
            path: "/v2/partners/sub-customers",
            id: "create_sub_customer",
            summary: "Create a customer associated with the caller (or, for a tier-1, with one of its resellers).",
            tag: "customers",
            access: Signed,
            input: Input::Body("CreateCustomerV2Req"),
            output: "CreateSubCustomerResponse",
        },
        Operation {
            method: "post",
            path: "/v2/partners/sub-customers/query",
            id: "list_sub_customers",
            summary: "List the caller's customers (or, for a tier-1, a reseller's).",
            tag: "customers",
            access: Signed,
            input: Input::Body("QuerySubCustomerListReq"),
            output: "ListSubCustomersResponse",
        },
        Operation {
            method: "post",
            path: "/v2/partners/sub-customers/users/check-identity",
            id: "check_user_identity",
            summary: "Check whether an e-mail, mobile number or login name is still available.",
            tag: "customers",
            access: Signed,
            input: Input::Body("CheckSubcustomerUserReq"),
            output: "CheckUserIdentityResponse",
        },
        // ---- partners
        Operation {
            method: "post",
            path: "/v2/partners/indirect-partners/query",
            id: "list_indirect_partners",
            summary: "List a tier-1 distributor's tier-2 resellers.",
            tag: "partners",
            access: Signed,
            input: Input::Body("QueryIndirectPartnersReq"),
            output: "ListIndirectPartnersResponse",
        },
        // ---- funds
        Operation {
            method: "post",
            path: "/v2/accounts/partner-accounts/adjust-amount",
            id: "update_customer_account_amount",
            summary: "Move money from the partner's cash account to a resale customer's.",
            tag: "funds",
            access: SignedIdempotent,
            input: Input::Body("AdjustAccountReq"),
            output: "TransferIdResponse",
        },
        Operation {
            method: "post",
            path: "/v2/accounts/partner-accounts/reclaim",
            id: "reclaim_to_partner_account",
            summary: "Move money back from a resale customer's cash account to the partner's.",
            tag: "funds",
            access: SignedIdempotent,
            input: Input::Body("ReclaimToPartnerAccountBalancesReq"),
            output: "TransIdResponse",
        },
        Operation {
            method: "post",
            path: "/v2/accounts/partner-accounts/indirect-partner-adjust",
            id: "update_indirect_partner_account",
            summary: "Move money from a tier-1 distributor to one of its tier-2 resellers.",
            tag: "funds",
            access: SignedIdempotent,
            input: Input::Body("AdjustToIndirectPartnerReq"),
            output: "TransferIdResponse",
        },
        Operation {
            method: "post",
            path: "/v2/accounts/partner-accounts/indirect-partner-reclaim",
            id: "reclaim_indirect_partner_account",
            summary: "Move money back from a tier-2 reseller to its tier-1 distributor.",
            tag: "funds",
            access: SignedIdempotent,
            input: Input::Body("ReclaimIndirectPartnerAccountReq"),
            output: "TransIdResponse",
        },
        Operation {
            method: "get",
            path: "/v2/accounts/partner-accounts/balances",
            id: "list_partner_balances",
            summary: "The partner's cash balance (or, for a tier-1, a reseller's).",
            tag: "funds",
            access: Signed,
            input: Input::Query(vec![q("indirect_partner_id", string())]),
            output: "ListPartnerBalancesResponse",
        },
        Operation {
            method: "get",
            path: "/v2/accounts/partner-accounts/account-change-records",
            id: "list_partner_account_change_records",
            summary: "Changes of the partner's cash account.",
            tag: "funds",
            access: Signed,
            input: Input::Query(vec![
                q("balance_type", described(string(), "BALANCE_TYPE_DEBIT or BALANCE_TYPE_CREDIT; empty: all.")),
                q("trade_type", string()),
                q("trade_time_begin", described(string(), CST_DATE)),
                q("trade_time_end", described(string(), CST_DATE)),
                q("offset", offset()),
                q("limit", limit()),
                q("indirect_partner_id", string()),
            ]),
            output: "ListPartnerAccountChangeRecordsResponse",
        },
        Operation {
            method: "get",
            path: "/v3/accounts/partner-accounts/adjust-records",
            id: "list_partner_adjust_records",
            summary: "The partner's allocations to and reclaims from customers and resellers.",
            tag: "funds",
            access: Signed,
            input: Input::Query(vec![
                q("customer_id", string()),
                q("operation_type", string()),
                q("operation_time_begin", utc()),
                q("operation_time_end", utc()),
                q("trans_id", string()),
                q("offset", offset()),
                q("limit", limit()),
                q("indirect_partner_id", string()),
            ]),
            output: "ListPartnerAdjustRecordsResponse",
        },
        Operation {
            method: "get",
            path: "/v2/accounts/customer-accounts/balances",
            id: "show_customer_account_balances",
            summary: "The calling customer's balances.",
            tag: "funds",
            access: Signed,
            input: Input::None,
            output: "ShowCustomerAccountBalancesResponse",
        },
        Operation {
            method: "get",
            path: "/v2/accounts/customer-accounts/account-change-records",
            id: "list_customer_account_change_records",
            summary: "Changes of the calling customer's accounts.",
            tag: "funds",
            access: Signed,
            input: Input::Query(vec![
                q_required("balance_type", described(string(), "BALANCE_TYPE_DEBIT or BALANCE_TYPE_CREDIT.")),
                q("revenue_expense_type", described(string(), "REVENUE or EXPENSE; empty: both.")),
                q("trade_type", string()),
                q("trade_time_begin", described(string(), CST_DATE)),
                q("trade_time_end", described(string(), CST_DATE)),
                q("trade_id", string()),
                q("payment_channel_id", string()),
                q("payment_channel_no", string()),
                q("offset", offset()),
                q("limit", limit()),
            ]),
            output: "ListCustomerAccountChangeRecordsResponse",
        },
        // ---- coupons
        Operation {
            method: "post",
            path: "/v2/partners/coupon-quotas/query",
            id: "list_quota_coupons",
            summary: "The partner's coupon quotas (or, for a tier-1, a reseller's).",
            tag: "coupons",
            access: Signed,
            input: Input::Body("QueryCouponQuotasReqExt"),
            output: "ListQuotaCouponsResponse",
        },
        Operation {
            method: "post",
            path: "/v2/partners/coupon-quotas/indirect-partner-adjust",
            id: "update_coupon_quotas",
            summary: "Issue sub-quotas of a tier-1's quota to its tier-2 resellers (per-item results).",
            tag: "coupons",
            access: Signed,
            input: Input::Body("AdjustCouponQuotasReq"),
            output: "UpdateCouponQuotasResponse",
        },
        Operation {
            method: "post",
            path: "/v2/partners/coupon-quotas/indirect-partner-reclaim",
            id: "reclaim_coupon_quotas",
            summary: "Take back sub-quotas issued to tier-2 resellers (per-item results).",
            tag: "coupons",
            access: Signed,
            input: Input::Body("ReclaimCouponQuotasReq"),
            output: "ReclaimCouponQuotasResponse",
        },
        Operation {
            method: "get",
            path: "/v2/partners/issued-coupon-quotas",
            id: "list_issued_coupon_quotas",
            summary: "Sub-quotas a tier-1 distributor issued to its resellers.",
            tag: "coupons",
            access: Signed,
            input: Input::Query(vec![
                q("quota_id", string()),
                q("indirect_partner_id", string()),
                q("parent_quota_id", string()),
                q("offset", offset()),
                q("limit", limit()),
                q("coupon_id", string()),
                q("customer_id", string()),
                q("order_id", string()),
            ]),
            output: "ListQuotaCouponsResponse",
        },
        Operation {
            method: "get",
            path: "/v2/partners/coupon-quotas/records",
            id: "list_coupon_quotas_records",
            summary: "Sub-quota issue and reclaim records of a tier-1 distributor.",
            tag: "coupons",
            access: Signed,
            input: Input::Query(vec![
                q("indirect_partner_id", string()),
                q("quota_id", string()),
                q("operation_time_begin", utc()),
                q("operation_time_end", utc()),
                q("parent_quota_id", string()),
                q("operation_type", described(string(), "10 issue, 11 reclaim; empty: both.")),
                q("offset", offset()),
                q("limit", limit()),
                q("balance_type", string()),
                q("revenue_expense_type", string()),
            ]),
            output: "ListCouponQuotasRecordsResponse",
        },
        Operation {
            method: "post",
            path: "/v2/promotions/benefits/partner-coupons",
            id: "create_partner_coupons",
            summary: "Issue coupons from a quota to customers (per-item results).",
            tag: "coupons",
            access: Signed,
            input: Input::Body("CreatePartnerCouponsReq"),
            output: "CreatePartnerCouponsResponse",
        },
        Operation {
            method: "get",
            path: "/v2/promotions/benefits/partner-coupons",
            id: "list_issued_partner_coupons",
            summary: "Coupons the partner issued (or, for a tier-1, a reseller issued).",
            tag: "coupons",
            access: Signed,
            input: Input::Query(vec![
                q("coupon_id", string()),
                q("customer_id", string()),
                q("order_id", string()),
                q("coupon_type", integer()),
                q("status", integer()),
                q("create_time_begin", utc()),
                q("create_time_end", utc()),
                q("effective_time_begin", utc()),
                q("effective_time_end", utc()),
                q("expire_time_begin", utc()),
                q("expire_time_end", utc()),
                q("offset", offset()),
                q("limit", limit()),
                q("indirect_partner_id", string()),
            ]),
            output: "ListIssuedPartnerCouponsResponse",
        },
        Operation {
            method: "post",
            path: "/v2/promotions/benefits/partner-coupons/reclaim",
            id: "reclaim_partner_coupons",
            summary: "Take back a usable coupon's remaining balance to its quota.",
            tag: "coupons",
            access: Signed,
            input: Input::Body("ReclaimPartnerCouponsReq"),
            output: "EmptyResponse",
        },
        Operation {
            method: "get",
            path: "/v2/promotions/benefits/partner-coupons/records/query",
            id: "list_partner_coupons_record",
            summary: "Issue, reclaim and expiry records of the partner's coupons.",
            tag: "coupons",
            access: Signed,
            input: Input::Query(vec![
                q("operation_types", described(array(string()), "Record types 1 to 9; repeat the parameter for several.")),
                q("quota_id", string()),
                q("quota_type", integer()),
                q("coupon_ids", described(array(string()), "Repeat the parameter for several.")),
                q("customer_id", string()),
                q("operation_time_begin", utc()),
                q("operation_time_end", utc()),
                q("result", string()),
                q("offset", offset()),
                q("limit", limit()),
                q("indirect_partner_id", string()),
            ]),
            output: "ListPartnerCouponsRecordResponse",
        },
        Operation {
            method: "get",
            path: "/v2/promotions/benefits/account-change-records",
            id: "list_customer_coupon_change_records",
            summary: "Coupon balance changes of the calling customer.",
            tag: "coupons",
            access: Signed,
            input: Input::Query(vec![
                q("balance_type", string()),
                q("revenue_expense_type", described(string(), "REVENUE or EXPENSE; empty: both.")),
                q("trade_type", string()),
                q("trade_id", string()),
                q("trade_time_begin", described(string(), "Date `YYYY-MM-DD` (UTC+8) or UTC time `yyyy-MM-ddTHH:mm:ssZ`.")),
                q("trade_time_end", described(string(), "Date `YYYY-MM-DD` (UTC+8, inclusive) or UTC time `yyyy-MM-ddTHH:mm:ssZ`.")),
                q("coupon_id", string()),
                q("offset", offset()),
                q("limit", limit()),
            ]),
            output: "ListCustomerCouponChangeRecordsResponse",
        },
        Operation {
            method: "get",
            path: "/v2/promotions/benefits/coupons",
            id: "list_sub_customer_coupons",
            summary: "Coupons of the calling customer.",
            tag: "coupons",
            access: Signed,
            input: Input::Query(vec![
                q("coupon_id", string()),
                q("order_id", string()),
                q("promotion_plan_id", string()),
                q("coupon_type", integer()),
                q("status", integer()),
                q("active_start_time", utc()),
                q("active_end_time", utc()),
                q("offset", offset()),
                q("limit", limit()),
                q("source_id", string()),
                q("indirect_partner_id", string()),
            ]),
            output: "ListSubCustomerCouponsResponse",
        },
        // ---- operator extensions
        Operation {
            method: "post",
            path: "/v2/operator/partner-accounts/top-up",
            id: "operator_top_up_partner_account",
            summary: "Operator: credit a partner's cash account (product extension).",
            tag: "operator",
            access: SignedIdempotent,
            input: Input::Body("TopUpReq"),
            output: "TransIdResponse",
        },
        Operation {
            method: "post",
            path: "/v2/operator/coupon-quotas",
            id: "operator_grant_coupon_quota",
            summary: "Operator: grant a coupon quota to a partner (product extension).",
            tag: "operator",
            access: Signed,
            input: Input::Body("GrantQuotaReq"),
            output: "GrantQuotaResponse",
        },
        Operation {
            method: "post",
            path: "/v2/operator/coupon-quotas/status",
            id: "operator_set_coupon_quota_status",
            summary: "Operator: set a coupon quota's status to 0 normal, 3 invalid or 5 frozen (product extension).",
            tag: "operator",
            access: Signed,
            input: Input::Body("SetQuotaStatusReq"),
            output: "EmptyResponse",
        },
    ]
}

// ---------------------------------------------------------------------------------------
// components

fn components() -> Value {
    let error_response = |description: &str| {
        json!({
            "description": description,
            "headers": {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}},
            "content": {"application/json": {"schema": schema_ref("Error")}},
        })
    };
    json!({
        "securitySchemes": {
            "sdkHmacSha256": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "SDK-HMAC-SHA256, computed exactly as huaweicloudsdkcore/signer/signer.py does: \
                    `Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names joined by ;>, Signature=<hex>`. \
                    The signature is the hex HMAC-SHA256 (secret key) of `SDK-HMAC-SHA256\\n<X-Sdk-Date>\\n<hex \
                    sha256(canonical request)>`; the canonical request is the method, canonical URI (ending in `/`), \
                    canonical query (sorted), the signed headers, their names and the hex SHA-256 of the body. \
                    The signed headers must include `host` and `x-sdk-date`; `X-Sdk-Date` (`20190506T080501Z`) must be \
                    within 15 minutes of the server clock; `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` is refused for a \
                    non-empty body. `X-Domain-Id`, when sent (GlobalCredentials sends it), must be the key's account. \
                    Failures answer 401 CBC.0154.",
            },
        },
        "headers": {
            "XRequestId": {
                "description": "The request id: the client's X-Request-Id when it sent one, else a new UUID. On every response.",
                "schema": string(),
            },
        },
        "parameters": {
            "IdempotencyKey": {
                "name": "X-Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "Scoped to the calling account: the same key with the same request answers the first \
                    result without moving money again; with a different request it is refused (400 CBC.99007009). \
                    Only successes are remembered.",
                "schema": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9_.:-]{1,64}$"},
            },
        },
        "responses": {
            "BadRequest": error_response("A parameter is missing, malformed or out of range (CBC.0100), or a business rule refused the request (its catalogue code)."),
            "Unauthorized": error_response("Not signed, or the signature, key, date or X-Domain-Id is not accepted (CBC.0154)."),
            "Forbidden": error_response("The caller's kind or role may not call the operation (CBC.0151)."),
            "InternalError": error_response("Unexpected failure (CBC.0999), logged with the request id."),
        },
        "schemas": schemas(),
    })
}

fn schemas() -> Value {
    let error_detail =
        object(&["error_code", "error_msg", "id"], vec![("error_code", string()), ("error_msg", string()), ("id", string())]);
    let account_balance = object(
        &["account_id", "account_type", "amount", "currency", "designated_amount", "measure_id"],
        vec![
            ("account_id", string()),
            ("account_type", described(integer(), "1: cash balance.")),
            ("amount", amount_out()),
            ("currency", string()),
            ("designated_amount", amount_out()),
            ("measure_id", described(integer(), "1: yuan.")),
        ],
    );
    let coupon_use_limit = object(&["limit_key", "value1"], vec![("limit_key", string()), ("value1", string())]);
    let entries: Vec<(&str, Value)> = vec![
        (
            "Error",
            object(
                &["error_code", "error_msg"],
                vec![("error_code", described(string(), "Catalogue code, e.g. CBC.0100.")), ("error_msg", string())],
            ),
        ),
        ("ErrorDetail", error_detail),
        ("ProbeStatus", object(&["status"], vec![("status", described(string(), "ok, ready or unavailable."))])),
        ("OpenApiDocument", json!({"type": "object", "description": "An OpenAPI 3.0 document."})),
        ("EmptyResponse", json!({"type": "object", "properties": {}, "description": "An empty object."})),
        ("EchoRequest", json!({"description": "Any JSON value."})),
        (
            "EchoResponse",
            object(
                &["caller", "echo"],
                vec![
                    ("caller", described(string(), "The account of the access key that signed the request.")),
                    ("echo", json!({"description": "The request body, as sent."})),
                ],
            ),
        ),
        // customers
        (
            "CreateCustomerV2Req",
            request(
                &["xaccount_id", "xaccount_type"],
                vec![
                    ("domain_name", described(string(), "5 to 32 characters; random when absent or empty.")),
                    ("mobile_phone", string()),
                    ("verification_code", string()),
                    ("xaccount_id", described(string(), "At most 128 characters.")),
                    ("xaccount_type", described(string(), "At most 64 characters.")),
                    ("password", string()),
                    ("is_close_market_ms", string()),
                    ("cooperation_type", described(string(), "\"1\" consultative; anything else resale.")),
                    ("indirect_partner_id", string()),
                    ("include_association_result", boolean()),
                ],
            ),
        ),
        ("CreateSubCustomerResponse", object(&["domain_id", "domain_name"], vec![("domain_id", string()), ("domain_name", string())])),
        (
            "CheckSubcustomerUserReq",
            request(
                &["search_type", "search_value"],
                vec![("search_type", described(string(), "email, mobile or name.")), ("search_value", string())],
            ),
        ),
        (
            "CheckUserIdentityResponse",
            object(
                &["check_result"],
                vec![("check_result", described(string(), "available or used_by_user.")), ("mobile_remain_available_num", integer())],
            ),
        ),
        (
            "QuerySubCustomerListReq",
            request(
                &[],
                vec![
                    ("account_name", string()),
                    ("customer", string()),
                    ("offset", offset()),
                    ("limit", limit()),
                    ("label", string()),
                    ("association_type", described(string(), "1 consultative, 2 resale.")),
                    ("associated_on_begin", utc()),
                    ("associated_on_end", utc()),
                    ("customer_id", string()),
                    ("indirect_partner_id", string()),
                ],
            ),
        ),
        ("AccountManager", object(&["account_name"], vec![("account_name", string())])),
        (
            "CustomerInformation",
            object(
                &[
                    "customer",
                    "account_name",
                    "customer_id",
                    "associated_on",
                    "association_type",
                    "verified_status",
                    "customer_type",
                    "is_frozen",
                    "account_managers",
                ],
                vec![
                    ("customer", string()),
                    ("account_name", string()),
                    ("customer_id", string()),
                    ("associated_on", utc()),
                    ("association_type", described(string(), "1 consultative, 2 resale.")),
                    ("label", string()),
                    ("telephone", string()),
                    ("verified_status", described(string(), "-1 not verified, 0 under review, 1 rejected, 2 verified.")),
                    ("country_code", string()),
                    ("customer_type", integer()),
                    ("is_frozen", integer()),
                    ("account_managers", array(schema_ref("AccountManager"))),
                    ("xaccount_id", string()),
                    ("xaccount_type", string()),
                    ("email", string()),
                ],
            ),
        ),
        (
            "ListSubCustomersResponse",
            object(&["customer_infos", "count"], vec![("customer_infos", array(schema_ref("CustomerInformation"))), ("count", integer())]),
        ),
        // partners
        (
            "QueryIndirectPartnersReq",
            request(
                &[],
                vec![
                    ("account_name", string()),
                    ("associated_on_begin", utc()),
                    ("associated_on_end", utc()),
                    ("offset", offset()),
                    ("limit", limit()),
                    ("indirect_partner_id", string()),
                ],
            ),
        ),
        (
            "IndirectPartnerInfo",
            object(
                &["indirect_partner_id", "account_name", "name", "associated_on"],
                vec![
                    ("indirect_partner_id", string()),
                    ("mobile_phone", string()),
                    ("email", string()),
                    ("account_name", string()),
                    ("name", string()),
                    ("associated_on", utc()),
                ],
            ),
        ),
        (
            "ListIndirectPartnersResponse",
            object(
                &["count", "indirect_partners"],
                vec![("count", integer()), ("indirect_partners", array(schema_ref("IndirectPartnerInfo")))],
            ),
        ),
        // funds
        (
            "AdjustAccountReq",
            request(
                &["customer_id", "amount"],
                vec![("customer_id", string()), ("amount", amount_in()), ("indirect_partner_id", string())],
            ),
        ),
        (
            "ReclaimToPartnerAccountBalancesReq",
            request(
                &["customer_id", "amount"],
                vec![("customer_id", string()), ("amount", amount_in()), ("indirect_partner_id", string())],
            ),
        ),
        (
            "AdjustToIndirectPartnerReq",
            request(&["indirect_partner_id", "amount"], vec![("indirect_partner_id", string()), ("amount", amount_in())]),
        ),
        (
            "ReclaimIndirectPartnerAccountReq",
            request(&["indirect_partner_id", "amount"], vec![("indirect_partner_id", string()), ("amount", amount_in())]),
        ),
        ("TopUpReq", request(&["partner_id", "amount"], vec![("partner_id", string()), ("amount", amount_in())])),
        ("TransferIdResponse", object(&["transfer_id"], vec![("transfer_id", string())])),
        ("TransIdResponse", object(&["trans_id"], vec![("trans_id", string())])),
        ("AccountBalance", account_balance),
        ("ListPartnerBalancesResponse", object(&["account_balances"], vec![("account_balances", array(schema_ref("AccountBalance")))])),
        (
            "ShowCustomerAccountBalancesResponse",
            object(
                &["account_balances", "debt_amount", "measure_id", "currency"],
                vec![
                    ("account_balances", array(schema_ref("AccountBalance"))),
                    ("debt_amount", amount_out()),
                    ("measure_id", integer()),
                    ("currency", string()),
                ],
            ),
        ),
        (
            "AdjustRecordV3",
            object(
                &[
                    "customer_id",
                    "customer_name",
                    "operation_type",
                    "amount",
                    "currency",
                    "apply_scene",
                    "operation_time",
                    "measure_id",
                    "trans_id",
                ],
                vec![
                    ("customer_id", string()),
                    ("customer_name", string()),
                    ("operation_type", string()),
                    ("amount", described(string(), "Decimal text with two decimals.")),
                    ("currency", string()),
                    ("apply_scene", string()),
                    ("operation_time", utc()),
                    ("measure_id", integer()),
                    ("trans_id", string()),
                ],
            ),
        ),
        (
            "ListPartnerAdjustRecordsResponse",
            object(&["records", "total_count"], vec![("records", array(schema_ref("AdjustRecordV3"))), ("total_count", integer())]),
        ),
        (
            "AccountChangeRecord",
            object(
                &["account_change_id", "trade_detail_type", "trade_time", "trade_id", "change_amount", "balance_after_change", "type"],
                vec![
                    ("account_change_id", string()),
                    ("trade_detail_type", string()),
                    ("trade_time", utc()),
                    ("trade_id", string()),
                    ("change_amount", described(string(), "Decimal text with two decimals.")),
                    ("balance_after_change", described(string(), "Decimal text with two decimals.")),
                    ("type", described(string(), "1 income, 2 expense.")),
                    ("customer_id", string()),
                    ("account_name", string()),
                ],
            ),
        ),
        (
            "ListPartnerAccountChangeRecordsResponse",
            object(
                &["total_count", "currency", "records"],
                vec![("total_count", integer()), ("currency", string()), ("records", array(schema_ref("AccountChangeRecord")))],
            ),
        ),
        (
            "CustomerAccountChangeRecord",
            object(
                &[
                    "account_change_id",
                    "trade_detail_type",
                    "trade_time",
                    "trade_id",
                    "change_amount",
                    "balance_after_change",
                    "revenue_expense_type",
                ],
                vec![
                    ("account_change_id", string()),
                    ("trade_detail_type", string()),
                    ("trade_time", utc()),
                    ("trade_id", string()),
                    ("change_amount", described(string(), "Decimal text with two decimals.")),
                    ("balance_after_change", described(string(), "Decimal text with two decimals.")),
                    ("revenue_expense_type", described(string(), "REVENUE or EXPENSE.")),
                    ("account_name", string()),
                ],
            ),
        ),
        (
            "ListCustomerAccountChangeRecordsResponse",
            object(
                &["total_count", "currency", "records"],
                vec![("total_count", integer()), ("currency", string()), ("records", array(schema_ref("CustomerAccountChangeRecord")))],
            ),
        ),
        // coupons
        (
            "QueryCouponQuotasReqExt",
            request(
                &[],
                vec![
                    ("quota_ids", array(string())),
                    ("quota_status_list", array(integer())),
                    ("quota_type", described(integer(), "0 voucher (default), 1 cash coupon.")),
                    ("create_time_begin", utc()),
                    ("create_time_end", utc()),
                    ("effective_time_begin", utc()),
                    ("effective_time_end", utc()),
                    ("expire_time_begin", utc()),
                    ("expire_time_end", utc()),
                    ("offset", offset()),
                    ("limit", limit()),
                    ("indirect_partner_id", string()),
                ],
            ),
        ),
        ("LimitValue", object(&["value"], vec![("value", string())])),
        (
            "QuotaLimitInfo",
            object(&["limit_key", "limit_values"], vec![("limit_key", string()), ("limit_values", array(schema_ref("LimitValue")))]),
        ),
        (
            "CouponQuota",
            object(
                &[
                    "quota_id",
                    "quota_type",
                    "create_time",
                    "last_update_time",
                    "quota_value",
                    "quota_status",
                    "balance",
                    "measure_id",
                    "currency",
                    "effective_time",
                    "expire_time",
                    "limit_infos",
                ],
                vec![
                    ("quota_id", string()),
                    ("quota_type", described(integer(), "0 voucher, 1 cash coupon.")),
                    ("create_time", utc()),
                    ("last_update_time", utc()),
                    ("quota_value", amount_out()),
                    ("quota_status", described(integer(), "0 normal, 3 invalid, 4 being adjusted, 5 frozen, 6 reclaimed.")),
                    ("balance", amount_out()),
                    ("measure_id", integer()),
                    ("currency", string()),
                    ("effective_time", utc()),
                    ("expire_time", utc()),
                    ("limit_infos", array(schema_ref("QuotaLimitInfo"))),
                    ("indirect_partner_id", described(string(), "Issued quotas only.")),
                    ("indirect_partner_account_name", described(string(), "Issued quotas only.")),
                    ("indirect_partner_name", described(string(), "Issued quotas only.")),
                    ("parent_quota_id", described(string(), "Issued quotas only.")),
                ],
            ),
        ),
        (
            "ListQuotaCouponsResponse",
            object(&["total_count", "quotas"], vec![("total_count", integer()), ("quotas", array(schema_ref("CouponQuota")))]),
        ),
        (
            "AdjustCouponQuotasReq",
            request(
                &["quota_id", "indirect_partner_ids", "quota_amount"],
                vec![
                    ("quota_id", string()),
                    ("indirect_partner_ids", described(array(string()), "1 to 100 tier-2 resellers.")),
                    ("quota_amount", amount_in()),
                ],
            ),
        ),
        ("QuotaSimpleInfo", object(&["id", "quota_id"], vec![("id", string()), ("quota_id", string())])),
        (
            "UpdateCouponQuotasResponse",
            object(
                &["error_details", "simple_quota_infos"],
                vec![("error_details", array(schema_ref("ErrorDetail"))), ("simple_quota_infos", array(schema_ref("QuotaSimpleInfo")))],
            ),
        ),
        (
            "ReclaimCouponQuotasReq",
            request(&["quota_ids"], vec![("quota_ids", described(array(string()), "1 to 100 sub-quotas.")), ("remark", string())]),
        ),
        ("QuotaReclaim", object(&["quota_id", "quota_balance"], vec![("quota_id", string()), ("quota_balance", amount_out())])),
        (
            "ReclaimCouponQuotasResponse",
            object(
                &["error_details", "simple_quota_infos"],
                vec![("error_details", array(schema_ref("ErrorDetail"))), ("simple_quota_infos", array(schema_ref("QuotaReclaim")))],
            ),
        ),
        (
            "QuotaRecord",
            object(
                &[
                    "id",
                    "operator",
                    "operation_type",
                    "quota_id",
                    "parent_quota_id",
                    "amount",
                    "operation_time",
                    "result",
                    "indirect_partner_account_name",
                    "indirect_partner_id",
                    "indirect_partner_name",
                ],
                vec![
                    ("id", string()),
                    ("operator", string()),
                    ("operation_type", described(string(), "10 issue, 11 reclaim.")),
                    ("quota_id", string()),
                    ("parent_quota_id", string()),
                    ("amount", amount_out()),
                    ("operation_time", utc()),
                    ("result", string()),
                    ("indirect_partner_account_name", string()),
                    ("indirect_partner_id", string()),
                    ("indirect_partner_name", string()),
                    ("remark", string()),
                ],
            ),
        ),
        (
            "ListCouponQuotasRecordsResponse",
            object(&["total_count", "records"], vec![("total_count", integer()), ("records", array(schema_ref("QuotaRecord")))]),
        ),
        (
            "CreatePartnerCouponsReq",
            request(
                &["quota_id", "customer_ids", "face_value"],
                vec![
                    ("quota_id", string()),
                    ("customer_ids", described(array(string()), "1 to 100 customers.")),
                    ("face_value", amount_in()),
                    ("valid_time", utc()),
                    ("expire_time", utc()),
                    ("cloud_service_types", array(string())),
                    ("product_ids", array(string())),
                    ("memo", string()),
                    ("indirect_partner_id", string()),
                ],
            ),
        ),
        ("CouponSimpleInfo", object(&["id", "coupon_id"], vec![("id", string()), ("coupon_id", string())])),
        (
            "CreatePartnerCouponsResponse",
            object(
                &["error_details", "coupon_infos"],
                vec![("error_details", array(schema_ref("ErrorDetail"))), ("coupon_infos", array(schema_ref("CouponSimpleInfo")))],
            ),
        ),
        ("CouponUseLimit", coupon_use_limit),
        (
            "PartnerCoupon",
            object(
                &[
                    "coupon_id",
                    "status",
                    "customer_id",
                    "coupon_type",
                    "measure_id",
                    "face_value",
                    "effective_time",
                    "expire_time",
                    "media_type",
                    "fetch_method",
                    "use_limits",
                    "create_time",
                    "balance",
                    "is_frozen",
                ],
                vec![
                    ("coupon_id", string()),
                    ("status", described(integer(), "2 usable, 3 used, 4 expired, 5 reclaimed.")),
                    ("customer_id", string()),
                    ("coupon_type", described(integer(), "1 voucher, 4 cash coupon.")),
                    ("measure_id", integer()),
                    ("face_value", amount_out()),
                    ("effective_time", utc()),
                    ("expire_time", utc()),
                    ("media_type", integer()),
                    ("fetch_method", integer()),
                    ("use_limits", array(schema_ref("CouponUseLimit"))),
                    ("create_time", utc()),
                    ("balance", amount_out()),
                    ("is_frozen", string()),
                ],
            ),
        ),
        (
            "ListIssuedPartnerCouponsResponse",
            object(
                &["total_count", "user_coupons"],
                vec![("total_count", integer()), ("user_coupons", array(schema_ref("PartnerCoupon")))],
            ),
        ),
        ("ReclaimPartnerCouponsReq", request(&["coupon_id"], vec![("coupon_id", string()), ("indirect_partner_id", string())])),
        (
            "CouponRecord",
            object(
                &[
                    "id",
                    "operation_type",
                    "quota_id",
                    "quota_type",
                    "coupon_id",
                    "customer_id",
                    "operation_amount",
                    "operation_time",
                    "result",
                ],
                vec![
                    ("id", string()),
                    ("operation_type", string()),
                    ("quota_id", string()),
                    ("quota_type", integer()),
                    ("coupon_id", string()),
                    ("customer_id", string()),
                    ("operation_amount", amount_out()),
                    ("operation_time", utc()),
                    ("result", string()),
                    ("remark", string()),
                ],
            ),
        ),
        (
            "ListPartnerCouponsRecordResponse",
            object(&["total_count", "records"], vec![("total_count", integer()), ("records", array(schema_ref("CouponRecord")))]),
        ),
        (
            "CustomerCouponChangeRecord",
            object(
                &[
                    "coupon_id",
                    "trade_detail_type",
                    "trade_time",
                    "trade_id",
                    "change_amount",
                    "balance_after_change",
                    "revenue_expense_type",
                    "account_name",
                ],
                vec![
                    ("coupon_id", string()),
                    ("trade_detail_type", string()),
                    ("trade_time", utc()),
                    ("trade_id", string()),
                    ("change_amount", described(string(), "Decimal text with two decimals.")),
                    ("balance_after_change", described(string(), "Decimal text with two decimals.")),
                    ("revenue_expense_type", described(string(), "REVENUE or EXPENSE.")),
                    ("account_name", string()),
                ],
            ),
        ),
        (
            "ListCustomerCouponChangeRecordsResponse",
            object(
                &["total_count", "currency", "records"],
                vec![("total_count", integer()), ("currency", string()), ("records", array(schema_ref("CustomerCouponChangeRecord")))],
            ),
        ),
        (
            "UserCoupon",
            object(
                &[
                    "coupon_id",
                    "status",
                    "customer_id",
                    "coupon_type",
                    "measure_id",
                    "face_value",
                    "valid_time",
                    "expire_time",
                    "media_type",
                    "fetch_method",
                    "use_limits",
                    "create_time",
                    "coupon_version",
                    "balance",
                    "is_frozen",
                    "currency",
                    "source_id",
                ],
                vec![
                    ("coupon_id", string()),
                    ("status", described(integer(), "2 usable, 3 used, 4 expired, 5 reclaimed.")),
                    ("customer_id", string()),
                    ("coupon_type", described(integer(), "1 voucher, 4 cash coupon.")),
                    ("measure_id", integer()),
                    ("face_value", amount_out()),
                    ("valid_time", utc()),
                    ("expire_time", utc()),
                    ("media_type", integer()),
                    ("fetch_method", integer()),
                    ("use_limits", array(schema_ref("CouponUseLimit"))),
                    ("create_time", utc()),
                    ("coupon_version", integer()),
                    ("balance", amount_out()),
                    ("is_frozen", string()),
                    ("currency", string()),
                    ("source_id", string()),
                ],
            ),
        ),
        (
            "ListSubCustomerCouponsResponse",
            object(&["count", "user_coupons"], vec![("count", integer()), ("user_coupons", array(schema_ref("UserCoupon")))]),
        ),
        // operator extensions
        (
            "GrantQuotaReq",
            request(
                &["partner_id", "quota_value", "expire_time"],
                vec![
                    ("partner_id", string()),
                    ("quota_type", described(integer(), "0 voucher (default), 1 cash coupon.")),
                    ("quota_value", amount_in()),
                    ("effective_time", described(string(), "UTC time `yyyy-MM-ddTHH:mm:ssZ`; default now.")),
                    ("expire_time", utc()),
                    ("cloud_service_types", array(string())),
                    ("product_ids", array(string())),
                ],
            ),
        ),
        ("GrantQuotaResponse", object(&["quota_id"], vec![("quota_id", string())])),
        (
            "SetQuotaStatusReq",
            request(
                &["quota_id", "quota_status"],
                vec![("quota_id", string()), ("quota_status", described(integer(), "0 normal, 3 invalid or 5 frozen."))],
            ),
        ),
    ];
    Value::Object(entries.into_iter().chain(products::schemas()).chain(orders::schemas()).map(|(k, v)| (k.to_owned(), v)).collect())
}
