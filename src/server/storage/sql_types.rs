//! How the domain's words are stored: an access ("read"), a grant's status ("withdrawn"), an
//! admin's action ("retired") and a consent request's status ("pending") are TEXT columns in
//! both engines. One `sqlx::Type` each, so rows decode straight into domain types and a word
//! the domain does not know is a decode error naming the column.

use crate::domain::access::Access;
use crate::domain::activity::EndedBy;
use crate::domain::admin::AdminAction;
use crate::domain::decision::GrantStatus;
use crate::domain::request_status::RequestStatus;
use sqlx::any::{AnyTypeInfo, AnyValueRef};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Any, Database, Decode, Encode, Type};

/// Implements `Type`, `Encode` and `Decode` for a word stored as TEXT, through `$as_str` and
/// `$parse` (which returns a `Result` or an `Option`).
macro_rules! stored_as_text {
    ($word:ty, $as_str:expr, $parse:expr) => {
        impl Type<Any> for $word {
            fn type_info() -> AnyTypeInfo {
                <str as Type<Any>>::type_info()
            }
        }

        impl Encode<'_, Any> for $word {
            fn encode_by_ref(&self, buf: &mut <Any as Database>::ArgumentBuffer) -> Result<IsNull, BoxDynError> {
                let text: &'static str = $as_str(*self);
                <&str as Encode<Any>>::encode(text, buf)
            }
        }

        impl<'r> Decode<'r, Any> for $word {
            fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <&str as Decode<Any>>::decode(value)?;
                $parse(text)
            }
        }
    };
}

stored_as_text!(Access, Access::as_str, |text: &str| Ok(Access::parse(text)?));
stored_as_text!(GrantStatus, GrantStatus::as_str, |text: &str| {
    GrantStatus::parse(text).ok_or_else(|| format!("unknown grant status {text:?}").into())
});
stored_as_text!(EndedBy, EndedBy::as_str, |text: &str| {
    EndedBy::parse(text).ok_or_else(|| format!("unknown refusal reason {text:?}").into())
});
stored_as_text!(AdminAction, AdminAction::as_str, |text: &str| {
    AdminAction::parse(text).ok_or_else(|| format!("unknown admin action {text:?}").into())
});
stored_as_text!(RequestStatus, RequestStatus::as_str, |text: &str| {
    RequestStatus::parse(text).ok_or_else(|| format!("unknown request status {text:?}").into())
});
