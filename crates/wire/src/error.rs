use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The body of every error response: `{"error_code":"CBC.xxxx","error_msg":"..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    /// Catalogue code, e.g. CBC.0100.
    pub error_code: String,
    pub error_msg: String,
}
