//! Application services: the orchestration of one operation (principal → domain rules →
//! storage), shared by the HTTP handlers and the CLI.

pub mod funds;
