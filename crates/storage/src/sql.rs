//! A small builder for statements whose WHERE clause depends on the filters given.
//! Placeholders are `$1, $2, ...`, which both SQLite and PostgreSQL accept.

use sqlx::any::{Any, AnyArguments};
use sqlx::query::Query;

#[derive(Debug, Clone)]
pub(crate) enum Value {
    Text(String),
    Int(i64),
}

#[derive(Debug, Default)]
pub(crate) struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Sql { text: text.to_owned(), values: Vec::new() }
    }

    /// Sets the statement text; registered parameters are kept, so a count query and the
    /// page query after it share one set of filter parameters.
    pub fn replace_text(&mut self, text: String) {
        self.text = text;
    }

    /// Registers a value and returns its placeholder.
    pub fn param(&mut self, v: Value) -> String {
        self.values.push(v);
        format!("${}", self.values.len())
    }

    pub fn text_param(&mut self, s: &str) -> String {
        self.param(Value::Text(s.to_owned()))
    }

    pub fn int_param(&mut self, i: i64) -> String {
        self.param(Value::Int(i))
    }

    pub fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        let mut q = sqlx::query(&self.text);
        for v in &self.values {
            q = match v {
                Value::Text(s) => q.bind(s.as_str()),
                Value::Int(i) => q.bind(*i),
            };
        }
        q
    }
}
