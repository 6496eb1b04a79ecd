use serde::{Deserialize, Serialize};

/// The body of every error response: `{"error_code":"CBC.xxxx","error_msg":"..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error_code: String,
    pub error_msg: String,
}
