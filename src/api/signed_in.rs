//! What every signed-in page shows in its header, with the page's own content.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedIn<T> {
    pub name: String,
    pub email: String,
    pub content: T,
}
