//! Exports (docs/DOMAIN.md#S-EXP): a request creates a task, a background job writes the CSV with
//! customer name, mobile and e-mail anonymized, and the export-records page offers the file.

use super::{page_of, pager, show_time, shown, view, PageResult};
use crate::session::{Ctx, SignedIn};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use pc_api::error::ApiError;
use pc_api::principal::PartnerCaller;
use pc_api::services::customers::list_sub_customers;
use pc_api::AppState;
use pc_domain::console::SensitiveField;
use pc_domain::funds::TransferKind;
use pc_domain::query::{format_utc, Page};
use pc_storage::{AdjustRecordFilter, CustomerFilter, Db, ExportKind};

/// One CSV field: quoted when needed, and a leading formula character neutralised so a
/// spreadsheet never evaluates exported text.
fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn line(fields: &[&str]) -> String {
    fields.iter().map(|f| field(f)).collect::<Vec<_>>().join(",") + "\r\n"
}

/// Every page of a listing, 100 rows at a time.
async fn customers_csv(db: &Db, caller: &PartnerCaller) -> Result<(String, i64), ApiError> {
    let mut out = line(&["customer_id", "account_name", "customer", "mobile", "email", "association_type", "associated_on"]);
    let mut page = Page::first(100);
    let mut rows = 0;
    loop {
        let (items, total) = list_sub_customers(db, caller, &CustomerFilter::default(), page, None).await?;
        for c in &items {
            let anon = |f: SensitiveField, v: Option<&str>| v.map(|v| f.anonymize(v)).unwrap_or_default();
            out += &line(&[
                c.customer_id.as_str(),
                &c.domain_name,
                &anon(SensitiveField::Name, Some(&c.display_name)),
                &anon(SensitiveField::Mobile, c.mobile.as_deref()),
                &anon(SensitiveField::Email, c.email.as_deref()),
                &c.association_type.code().to_string(),
                &format_utc(c.associated_on),
            ]);
            rows += 1;
        }
        page = page.next();
        if items.is_empty() || page.offset() >= total {
            return Ok((out, rows));
        }
    }
}

async fn fund_records_csv(db: &Db, caller: &PartnerCaller) -> Result<(String, i64), ApiError> {
    let scope = caller.own_scope();
    let mut out = line(&["transfer_id", "type", "counterparty", "amount", "time"]);
    let mut page = Page::first(100);
    let mut rows = 0;
    loop {
        let (items, total) = db.adjust_records(&scope, &AdjustRecordFilter::default(), page).await?;
        for r in &items {
            let kind = if r.kind == TransferKind::Allocate { "allocate" } else { "reclaim" };
            // Counterparties are customers or tier-2 companies: their names are anonymized too.
            out += &line(&[
                &r.transfer_id,
                kind,
                &SensitiveField::Name.anonymize(&r.counterparty_name),
                &r.amount.to_string(),
                &format_utc(r.created_at),
            ]);
            rows += 1;
        }
        page = page.next();
        if items.is_empty() || page.offset() >= total {
            return Ok((out, rows));
        }
    }
}

/// Creates the task and runs it in the background; the page shows it pending until done.
pub async fn start_export(db: &Db, user: &SignedIn, kind: ExportKind) -> Result<String, ApiError> {
    let caller: PartnerCaller = user.capability()?;
    let id = db.create_export(caller.partner_id(), &user.login, kind).await?;
    let (db, task) = (db.clone(), id.clone());
    tokio::spawn(async move {
        let built = match kind {
            ExportKind::Customers => customers_csv(&db, &caller).await,
            ExportKind::FundRecords => fund_records_csv(&db, &caller).await,
        };
        let finished = match &built {
            Ok((text, rows)) => db.finish_export(&task, Some((text, *rows))).await,
            Err(e) => {
                tracing::warn!(export = %task, error = ?e, "export failed");
                db.finish_export(&task, None).await
            }
        };
        if let Err(e) = finished {
            tracing::error!(export = %task, error = %e, "export could not be recorded");
        }
    });
    Ok(id)
}

pub async fn create(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.signed_in()?;
    let kind = match ctx.form.get("kind") {
        Some("fund_records") => ExportKind::FundRecords,
        _ => ExportKind::Customers,
    };
    match start_export(&state.db, user, kind).await {
        Ok(_) => Ok(Redirect::to("/console/exports?created=1").into_response()),
        Err(e) => {
            let (status, error) = shown(ctx.lang, e);
            Err(super::message(&ctx, status, "error.title", Some(error)))
        }
    }
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.signed_in()?;
    let fail = |e: ApiError| {
        let (status, error) = shown(ctx.lang, e);
        super::message(&ctx, status, "error.title", Some(error))
    };
    let p: PartnerCaller = user.capability().map_err(|e| fail(e.into()))?;
    let page = page_of(ctx.query.get("page"));
    let (tasks, total) = state.db.list_exports(p.partner_id(), page).await.map_err(|e| fail(e.into()))?;
    Ok(view(
        &ctx,
        StatusCode::OK,
        "exports.html",
        context! {
            tasks => tasks.iter().map(|t| context! {
                id => t.export_id, kind => t.kind.as_db(), status => t.status, by => t.requested_by, rows => t.row_count,
                created => show_time(t.created_at), finished => t.finished_at.map(show_time),
            }).collect::<Vec<_>>(),
            pager => pager(page, total),
            created => ctx.query.get("created").is_some(),
        },
    ))
}

pub async fn download(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<Response, Response> {
    let user = ctx.signed_in()?;
    let not_found = || super::message(&ctx, StatusCode::NOT_FOUND, "error.not_found", None);
    let p: PartnerCaller = user.capability().map_err(|_| not_found())?;
    match state.db.export_content(p.partner_id(), &id).await {
        Ok(Some((kind, text))) => {
            let name = format!("attachment; filename=\"{}-{}.csv\"", kind.as_db(), &id[..8.min(id.len())]);
            Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, name)], text).into_response())
        }
        _ => Err(not_found()),
    }
}
