//! The answer to one partner question, worded the same for a single check and for a batch.

use crate::domain::decision::{Decision, DenyReason};
use crate::server::clock::rfc3339;
use serde::Serialize;
use std::borrow::Cow;
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
const DENY_REASONS: [DenyReason; 4] = [
    DenyReason::NeverGranted,
    DenyReason::Withdrawn,
    DenyReason::Revoked,
    DenyReason::Expired,
];

/// Stops compiling when a reason is added, so that `DENY_REASONS` gets it too.
const _: fn(DenyReason) = |reason| match reason {
    DenyReason::NeverGranted | DenyReason::Withdrawn | DenyReason::Revoked | DenyReason::Expired => {}
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
