//! A small builder for statements whose WHERE clause depends on the filters given.
//! Placeholders are `$1, $2, ...`, which both SQLite and PostgreSQL accept.

use crate::error::Result;
use pc_domain::query::Page;
use sqlx::any::{Any, AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{AnyPool, Row};

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

    /// Runs `SELECT COUNT(*) {from_where}` and then one page of `SELECT {columns}
    /// {from_where} ORDER BY {order_by}`, sharing the filter parameters registered so far.
    /// Returns the page's rows and the total number of matches.
    pub async fn fetch_page(
        mut self,
        pool: &AnyPool,
        columns: &str,
        from_where: &str,
        order_by: &str,
        page: Page,
    ) -> Result<(Vec<AnyRow>, i64)> {
        self.replace_text(format!("SELECT COUNT(*) AS n{from_where}"));
        let total: i64 = self.query().fetch_one(pool).await?.try_get("n")?;
        let (limit, offset) = (self.int_param(page.limit()), self.int_param(page.offset()));
        self.replace_text(format!("SELECT {columns}{from_where} ORDER BY {order_by} LIMIT {limit} OFFSET {offset}"));
        let rows = self.query().fetch_all(pool).await?;
        Ok((rows, total))
    }
}
