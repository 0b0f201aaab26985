//! (being written)
use axum::Router;
use crate::AppState;
pub fn router(state: AppState) -> Router {
    Router::new().route("/healthz", axum::routing::get(|| async { "ok" })).with_state(state)
}
