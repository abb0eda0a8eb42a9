//! The Requests page: loading what waits for the person's answer, and the answers (approve all
//! or part for a term, refuse). Both answers are plain forms that work without JavaScript.

use crate::api::error::AppError;
use crate::api::signed_in::SignedIn;
use crate::domain::request_view::PendingRequestView;
use leptos::prelude::*;

#[server(endpoint = "requests")]
pub async fn load_requests() -> Result<SignedIn<Vec<PendingRequestView>>, AppError> {
    use crate::api::context::{app_state, failed, signed_in_user};
    let user = signed_in_user().await.map_err(failed)?;
    let pending = crate::server::use_cases::requests::pending_requests_of(&app_state().store, user.id)
        .await
        .map_err(|e| failed(e.into()))?;
    SignedIn::new(&user, pending).await.map_err(failed)
}

/// Approves the ticked accesses of one of the signed-in person's requests for `term`.
/// `access` holds the ticked checkboxes (`messages:read`); a form names them `access[]`, the
/// way repeated fields reach a server function. None ticked is an error, not a refusal.
#[server(endpoint = "approve-request")]
pub async fn approve_request(request: String, access: Option<Vec<String>>, term: String) -> Result<String, AppError> {
    use crate::api::context::{app_state, failed, signed_in_user, tell_after_redirect};
    use crate::domain::request_decision::{AccessChoice, DecisionProblem, Term};
    let user = signed_in_user().await.map_err(failed)?;
    let chosen = access
        .unwrap_or_default()
        .iter()
        .map(|raw| AccessChoice::parse(raw))
        .collect::<Result<Vec<_>, DecisionProblem>>()
        .map_err(|problem| failed(decide_error(problem.into())))?;
    let term =
        Term::parse(&term).ok_or_else(|| failed(AppError::BadInput("Choose how long the access lasts.".into())))?;
    let notice =
        crate::server::use_cases::requests::approve(&app_state().store, user.id, request.trim(), &chosen, term)
            .await
            .map_err(|e| failed(decide_error(e)))?;
    tell_after_redirect(&notice);
    Ok(notice)
}

/// Refuses one of the signed-in person's requests, whole.
#[server(endpoint = "refuse-request")]
pub async fn refuse_request(request: String) -> Result<String, AppError> {
    use crate::api::context::{app_state, failed, signed_in_user, tell_after_redirect};
    let user = signed_in_user().await.map_err(failed)?;
    let notice = crate::server::use_cases::requests::refuse(&app_state().store, user.id, request.trim())
        .await
        .map_err(|e| failed(decide_error(e)))?;
    tell_after_redirect(&notice);
    Ok(notice)
}

/// An answer that cannot be taken, in the words the person reads. Another person's request is
/// "no such request", exactly like one that does not exist.
#[cfg(feature = "ssr")]
pub(crate) fn decide_error(error: crate::server::storage::consent::request_decisions::DecideError) -> AppError {
    use crate::domain::request_decision::DecisionProblem;
    use crate::server::storage::consent::request_decisions::DecideError;
    match error {
        DecideError::Problem(DecisionProblem::NotFound) => AppError::NotFound(DecisionProblem::NotFound.to_string()),
        DecideError::Problem(problem) => AppError::BadInput(problem.to_string()),
        DecideError::Store(error) => error.into(),
    }
}
