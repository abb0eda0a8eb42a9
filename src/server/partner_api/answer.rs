//! The answer to one partner question, worded the same for a single check and for a batch.

use crate::domain::decision::{Decision, DenyReason};
use crate::server::clock::rfc3339;
use axum::body::Bytes;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::borrow::Cow;
use std::sync::LazyLock;
use utoipa::ToSchema;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Allow,
    Deny,
}

#[derive(Debug, PartialEq, Serialize, ToSchema)]
pub struct CheckAnswer {
    pub decision: Verdict,
    /// Why the access is denied; only with `deny`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = deny_reason_schema, required = false)]
    pub reason: Option<DenyReason>,
    /// When the access ended (RFC 3339), if it ever existed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime, required = false)]
    pub since: Option<String>,
    /// The decision in words, for a person to read. Borrowed where the words are fixed: most
    /// answers are, and this is the hottest path.
    #[schema(value_type = String)]
    pub message: Cow<'static, str>,
}

/// Every reason a partner can be told.
const DENY_REASONS: [DenyReason; 7] = [
    DenyReason::NeverGranted,
    DenyReason::Withdrawn,
    DenyReason::Revoked,
    DenyReason::Expired,
    DenyReason::NotAFriend,
    DenyReason::FriendDidNotGrant,
    DenyReason::RefusedByPerson,
];

/// Stops compiling when a reason is added, so that `DENY_REASONS` gets it too.
const _: fn(DenyReason) = |reason| match reason {
    DenyReason::NeverGranted
    | DenyReason::Withdrawn
    | DenyReason::Revoked
    | DenyReason::Expired
    | DenyReason::NotAFriend
    | DenyReason::FriendDidNotGrant
    | DenyReason::RefusedByPerson => {}
};

/// `DenyReason` lives in the domain, which knows nothing of OpenAPI: its schema is made here,
/// from the very words serde writes.
fn deny_reason_schema() -> Schema {
    let words = DENY_REASONS.map(|reason| serde_json::to_value(reason).unwrap_or_default());
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some("Why the access is denied; only with `deny`."))
        .enum_values(Some(words))
        .into()
}

pub fn answer(decision: Decision) -> CheckAnswer {
    match decision {
        Decision::Allow => CheckAnswer {
            decision: Verdict::Allow,
            reason: None,
            since: None,
            message: Cow::Borrowed("Allowed: the user has granted this access."),
        },
        Decision::Deny { reason, since } => {
            let when = since.map(rfc3339);
            let message = match (reason, &when) {
                (DenyReason::NeverGranted, _) => Cow::Borrowed("Denied: the user never granted this access."),
                (DenyReason::Withdrawn, Some(t)) => {
                    Cow::Owned(format!("Denied: the user withdrew this access at {t}."))
                }
                (DenyReason::Revoked, Some(t)) => {
                    Cow::Owned(format!("Denied: support staff revoked this access at {t}."))
                }
                (DenyReason::Expired, Some(t)) => Cow::Owned(format!("Denied: this access expired at {t}.")),
                (DenyReason::NotAFriend, _) => Cow::Borrowed("Denied: these two people are not friends."),
                (DenyReason::FriendDidNotGrant, _) => {
                    Cow::Borrowed("Denied: the friend has not let you read what would show this.")
                }
                (DenyReason::RefusedByPerson, _) => {
                    Cow::Borrowed("Denied: the person does not let you see them through their friends.")
                }
                (_, None) => Cow::Borrowed("Denied."),
            };
            CheckAnswer {
                decision: Verdict::Deny,
                reason: Some(reason),
                since: when,
                message,
            }
        }
    }
}

/// The answers that carry no time: allowed, and never granted. Most checks get one of them, so
/// their JSON is written once, by the same serializer as any other answer, and sent as it is.
static FIXED_ANSWERS: LazyLock<[(CheckAnswer, Bytes); 2]> = LazyLock::new(|| {
    let never_granted = Decision::Deny {
        reason: DenyReason::NeverGranted,
        since: None,
    };
    [Decision::Allow, never_granted].map(|decision| {
        let fixed = answer(decision);
        let json = serde_json::to_vec(&fixed).expect("an answer always serializes");
        (fixed, Bytes::from(json))
    })
});

/// One answer as the response to `POST /api/v1/check`: `200 OK` with its JSON.
pub struct CheckResponse(pub CheckAnswer);

impl IntoResponse for CheckResponse {
    fn into_response(self) -> Response {
        let json = match FIXED_ANSWERS.iter().find(|(fixed, _)| *fixed == self.0) {
            Some((_, json)) => json.clone(),
            None => match serde_json::to_vec(&self.0) {
                Ok(json) => Bytes::from(json),
                // Only a serializer bug could get here; the answer is plain data.
                Err(_) => return super::ApiError::Internal.into_response(),
            },
        };
        ([(header::CONTENT_TYPE, "application/json")], json).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(response: Response) -> Bytes {
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        runtime
            .block_on(axum::body::to_bytes(response.into_body(), 1 << 16))
            .expect("body")
    }

    #[test]
    fn every_answer_is_sent_as_the_serializer_writes_it() {
        let decisions = [
            Decision::Allow,
            Decision::Deny {
                reason: DenyReason::NeverGranted,
                since: None,
            },
            Decision::Deny {
                reason: DenyReason::Withdrawn,
                since: Some(1_700_000_000_000),
            },
            Decision::Deny {
                reason: DenyReason::Expired,
                since: Some(1_700_000_000_000),
            },
        ];
        for decision in decisions {
            let response = CheckResponse(answer(decision)).into_response();
            assert_eq!(response.status(), axum::http::StatusCode::OK);
            assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
            let expected = serde_json::to_vec(&answer(decision)).expect("serializes");
            assert_eq!(body_of(response), expected, "{decision:?}");
        }
    }
}
