//! What every signed-in page shows in its header, with the page's own content.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedIn<T> {
    pub name: String,
    pub email: String,
    /// Support staff or admin: the header offers the support console.
    pub staff: bool,
    /// Admin: the header also offers the partner catalog.
    pub admin: bool,
    /// How many consent requests wait for this person's answer: the header's "2 requests".
    pub requests: u64,
    pub content: T,
}

#[cfg(feature = "ssr")]
impl<T> SignedIn<T> {
    /// The header of `user`'s pages around `content`; reads how many requests are pending.
    pub async fn new(
        user: &crate::server::storage::consent::users::UserRecord,
        content: T,
    ) -> Result<Self, crate::api::error::AppError> {
        Self::from_store(&crate::api::context::app_state().store, user, content).await
    }

    /// As `new`, for a request handled outside Leptos (no context to read the store from).
    pub async fn from_store(
        store: &crate::server::storage::Store,
        user: &crate::server::storage::consent::users::UserRecord,
        content: T,
    ) -> Result<Self, crate::api::error::AppError> {
        let requests = crate::server::use_cases::requests::count_pending(store, user.id).await?;
        Ok(SignedIn {
            name: user.display_name.clone(),
            email: user.email.clone(),
            staff: user.role.is_staff(),
            admin: user.role.is_admin(),
            requests,
            content,
        })
    }
}
