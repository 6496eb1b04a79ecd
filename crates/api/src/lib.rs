//! The signed Open API: routing, authentication, handlers and error mapping.

pub mod app;
pub mod auth;
pub mod edge;
pub mod error;
pub mod extract;
pub mod handlers;
pub mod openapi;
pub mod passwords;
pub mod principal;
pub mod services;
pub mod signing;
pub mod state;
pub mod vault;

pub use app::router;
pub use state::AppState;
pub use vault::KeyVault;
