//! Loading the Activity page.

use crate::api::error::AppError;
use crate::api::signed_in::SignedIn;
use crate::domain::activity::ActivityView;
use leptos::prelude::*;

/// `days` is "7" (the default) or "30".
#[server(endpoint = "activity")]
pub async fn load_activity(days: Option<String>) -> Result<SignedIn<ActivityView>, AppError> {
    use crate::api::context::{app_state, failed, signed_in_user};
    use crate::domain::activity::Window;
    let user = signed_in_user().await.map_err(failed)?;
    let window = Window::parse(days.as_deref()).map_err(|message| failed(AppError::BadInput(message)))?;
    let view =
        crate::server::use_cases::activity::build(&app_state().store, user.id, window, crate::server::clock::now_ms())
            .await
            .map_err(|e| failed(e.into()))?;
    SignedIn::new(&user, view).await.map_err(failed)
}
