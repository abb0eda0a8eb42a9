//! The one error type of the server-function boundary. Its messages are written for the
//! person using the page; internal causes stay in the server log.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in first.")]
    NotSignedIn,
    #[error("{0}")]
    BadInput(String),
    #[error("{0}")]
    NotFound(String),
    #[error("This page is for support staff only.")]
    Forbidden,
    #[error("This page is for admins only.")]
    AdminsOnly,
    #[error("The consent store cannot be reached right now. Nothing was changed; please try again in a moment.")]
    Unavailable,
    #[error("Something went wrong on our side. Nothing was changed; please try again.")]
    Internal,
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotSignedIn => 401,
            AppError::BadInput(_) => 400,
            AppError::NotFound(_) => 404,
            AppError::Forbidden | AppError::AdminsOnly => 403,
            AppError::Unavailable => 503,
            AppError::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::Deserialization(message) => {
                AppError::BadInput(format!("The form could not be read: {message}"))
            }
            _ => AppError::Internal,
        }
    }
}
