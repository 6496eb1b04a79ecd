//! Access keys of the signed-in account: create (the secret is shown once), list, disable.

use super::{show_time, shown, view, PageResult, Shown};
use crate::session::Ctx;
use axum::extract::State;
use axum::http::StatusCode;
use minijinja::context;
use pc_api::services::keys;
use pc_api::AppState;

async fn keys_view(state: &AppState, ctx: &Ctx, status: StatusCode, error: Option<Shown>, new_key: Option<(String, String)>) -> PageResult {
    let user = ctx.signed_in()?;
    let rows = keys::list_own_keys(state, &user.principal).await.map_err(|e| {
        let (status, error) = shown(ctx.lang, e);
        super::message(ctx, status, "error.title", Some(error))
    })?;
    Ok(view(
        ctx,
        status,
        "keys.html",
        context! {
            keys => rows.iter().map(|k| context! { id => k.access_key_id, status => k.status, created => show_time(k.created_at) }).collect::<Vec<_>>(),
            new_key => new_key.map(|(ak, sk)| context! { ak, sk }),
            error,
        },
    ))
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    keys_view(&state, &ctx, StatusCode::OK, None, None).await
}

pub async fn create(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.signed_in()?;
    match keys::issue_own_key(&state, &user.principal).await {
        Ok(k) => keys_view(&state, &ctx, StatusCode::OK, None, Some((k.access_key_id, k.secret))).await,
        Err(e) => {
            let (status, error) = shown(ctx.lang, e);
            keys_view(&state, &ctx, status, Some(error), None).await
        }
    }
}

pub async fn disable(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.signed_in()?;
    let id = ctx.form.get("access_key_id").unwrap_or_default();
    let (status, error) = match keys::disable_own_key(&state, &user.principal, id).await {
        Ok(()) => (StatusCode::OK, None),
        Err(e) => {
            let (s, shown) = shown(ctx.lang, e);
            (s, Some(shown))
        }
    };
    keys_view(&state, &ctx, status, error, None).await
}
