//! A person's own sessions: see where they are signed in, and end the others.

use crate::api::error::AppError;
use crate::api::signed_in::SignedIn;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    /// The session's public id (never its token).
    pub id: String,
    pub started: String,
    pub last_seen: String,
    pub browser: String,
    /// This is the session of the browser looking at the page.
    pub current: bool,
}

#[server(endpoint = "sessions")]
pub async fn load_sessions() -> Result<SignedIn<Vec<SessionView>>, AppError> {
    use crate::api::context::{app_state, failed, signed_in_session};
    use crate::server::clock::human_date_time;
    let session = signed_in_session().await.map_err(failed)?;
    let state = app_state();
    let sessions = state
        .store
        .sessions_of_user(
            session.user.id,
            &session.token_hash,
            crate::server::auth::session::liveness(&state),
        )
        .await
        .map_err(|e| failed(e.into()))?;
    let views = sessions
        .into_iter()
        .map(|(record, current)| SessionView {
            id: record.public_id,
            started: human_date_time(record.created_at),
            last_seen: human_date_time(record.last_seen_at),
            browser: if record.user_agent.is_empty() {
                "Unknown browser".into()
            } else {
                record.user_agent
            },
            current,
        })
        .collect();
    SignedIn::new(&session.user, views).await.map_err(failed)
}

/// Ends one of the signed-in person's own sessions.
#[server(endpoint = "end-session")]
pub async fn end_session(session: Option<String>) -> Result<(), AppError> {
    use crate::api::context::{app_state, failed, signed_in_session, tell_after_redirect};
    let current = signed_in_session().await.map_err(failed)?;
    let public_id = session
        .as_deref()
        .map(str::trim)
        .filter(|id| id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()))
        .ok_or_else(|| failed(AppError::BadInput("Say which session to end.".into())))?;
    app_state()
        .store
        .end_session(current.user.id, public_id)
        .await
        .map_err(|e| failed(e.into()))?;
    tell_after_redirect("Ended that session: that browser is signed out.");
    Ok(())
}

/// Ends every session of the signed-in person except the one asking.
#[server(endpoint = "end-other-sessions")]
pub async fn end_other_sessions() -> Result<u64, AppError> {
    use crate::api::context::{app_state, failed, signed_in_session, tell_after_redirect};
    let current = signed_in_session().await.map_err(failed)?;
    let ended = app_state()
        .store
        .end_other_sessions(current.user.id, &current.token_hash)
        .await
        .map_err(|e| failed(e.into()))?;
    tell_after_redirect(&match ended {
        0 => "There were no other sessions to end.".to_owned(),
        1 => "Ended your one other session: only this browser is signed in now.".to_owned(),
        n => format!("Ended your {n} other sessions: only this browser is signed in now."),
    });
    Ok(ended)
}
