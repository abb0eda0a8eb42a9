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
    pub content: T,
}

#[cfg(feature = "ssr")]
impl<T> SignedIn<T> {
    pub fn new(user: &crate::server::storage::consent::users::UserRecord, content: T) -> Self {
        SignedIn {
            name: user.display_name.clone(),
            email: user.email.clone(),
            staff: user.role.is_staff(),
            admin: user.role.is_admin(),
            content,
        }
    }
}
