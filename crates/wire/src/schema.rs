//! Named schemas of values that cross the wire as exact JSON numbers (`JsonDecimal`) or as
//! page bounds, shared by many fields: `#[schema(value_type = Yuan)]` on a field refers to
//! them. They exist for the OpenAPI document only; no value of them is ever built.

use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

fn number(description: &str) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Number).description(Some(description))
}

fn integer(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .description(Some(description))
}

/// An amount a response states: exact decimal yuan, written with two decimals.
pub struct Yuan;

impl PartialSchema for Yuan {
    fn schema() -> RefOr<Schema> {
        number("Exact decimal amount in yuan, written with two decimals.").into()
    }
}

impl ToSchema for Yuan {}

/// An amount a request moves: exact decimal yuan, greater than 0, at most 2 decimal places,
/// at most 10^12 (`Money::parse_movement`).
pub struct YuanMovement;

impl PartialSchema for YuanMovement {
    fn schema() -> RefOr<Schema> {
        number("Exact decimal amount in yuan: greater than 0, at most 2 decimal places, at most 10^12.")
            .exclusive_minimum(Some(0))
            .maximum(Some(1_000_000_000_000u64))
            .into()
    }
}

impl ToSchema for YuanMovement {}

/// A price of the price inquiry: exact decimal yuan, with the precision of its charge mode.
pub struct Price;

impl PartialSchema for Price {
    fn schema() -> RefOr<Schema> {
        number("Exact decimal amount in yuan (2 places for yearly/monthly, 6 or 10 on demand).").into()
    }
}

impl ToSchema for Price {}

/// `offset` of a page (`Page::parse`).
pub struct Offset;

impl PartialSchema for Offset {
    fn schema() -> RefOr<Schema> {
        integer("Items to skip; default 0.").minimum(Some(0)).into()
    }
}

impl ToSchema for Offset {}

/// `limit` of a page (`Page::parse`).
pub struct Limit;

impl PartialSchema for Limit {
    fn schema() -> RefOr<Schema> {
        integer("Page size, 1 to 100; default 10.").minimum(Some(1)).maximum(Some(100)).into()
    }
}

impl ToSchema for Limit {}
