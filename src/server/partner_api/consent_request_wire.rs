//! The JSON of the consent-request routes, as partners send and read it, and its OpenAPI
//! schemas. The domain's `AuthorizationDetail` knows nothing of OpenAPI, so its schema is
//! described here by a twin with the same serde shape.

use crate::domain::consent_request::AuthorizationDetail;
use crate::domain::request_status::RequestStatus;
use crate::server::clock::rfc3339;
use crate::server::storage::consent::requests::StoredRequest;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// A partner asks one person for accesses, in the shape of RFC 9396 `authorization_details`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ConsentRequestBody {
    /// The person's handle.
    #[schema(example = "alice")]
    pub user: String,
    /// What you ask for: 1 to 6 categories, each with 1 to 3 actions.
    #[schema(value_type = Vec<AuthorizationDetailSchema>, min_items = 1, max_items = 6)]
    pub authorization_details: Vec<AuthorizationDetail>,
    /// Why, in words the person reads: 1 to 200 characters on one line.
    #[schema(example = "to send songs from inside Spotify")]
    pub purpose: String,
    /// How long the access should last, 1 to 3650 days. Leave it out to ask until the person
    /// takes it back. The person may choose a shorter term, never a longer one.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 3650, example = 90)]
    pub duration_days: Option<i64>,
}

/// One RFC 9396 authorization detail: the accesses asked (or granted) on one data category.
#[derive(ToSchema)]
#[schema(as = AuthorizationDetail)]
// Only describes the JSON; the domain's `AuthorizationDetail` reads and writes it.
#[allow(dead_code)]
pub struct AuthorizationDetailSchema {
    /// A data category: messages, friends, contacts, profile, posts, calendar.
    #[serde(rename = "type")]
    #[schema(example = "messages")]
    pub category: String,
    /// Each of read, write and delete at most once.
    pub actions: Vec<ActionWord>,
}

/// An action on a category, as `Access` writes it.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum ActionWord {
    Read,
    Write,
    Delete,
}

/// A request was taken and waits for the person's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentRequestCreated {
    /// Read the outcome at `/api/v1/consent-requests/{id}`.
    #[schema(example = "cr_3f2a9c0d4b8e4f6a9d1c2b3a4e5f6071")]
    pub id: String,
    #[schema(schema_with = status_schema)]
    pub status: RequestStatus,
    /// Where the person decides, relative to this API's origin: send them there.
    #[schema(example = "/requests#cr_3f2a9c0d4b8e4f6a9d1c2b3a4e5f6071")]
    pub decide_url: String,
}

/// Where one of your requests stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentRequestState {
    pub id: String,
    #[schema(schema_with = status_schema)]
    pub status: RequestStatus,
    /// The person's handle.
    pub user: String,
    pub purpose: String,
    /// The term asked for, in days; null: until the person takes it back.
    pub duration_days: Option<i64>,
    /// Everything the request asked for.
    #[schema(value_type = Vec<AuthorizationDetailSchema>)]
    pub requested_authorization_details: Vec<AuthorizationDetail>,
    /// When you asked (RFC 3339).
    #[schema(format = DateTime)]
    pub requested_at: String,
    /// When the request expires if nobody answers it (RFC 3339).
    #[schema(format = DateTime)]
    pub expires_at: String,
    /// When it was approved, refused or expired; absent while pending.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime, required = false)]
    pub decided_at: Option<String>,
    /// Only when approved: exactly what was granted, which may be less than was asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<AuthorizationDetailSchema>>, required = false)]
    pub authorization_details: Option<Vec<AuthorizationDetail>>,
    /// Only when approved: when the granted accesses end (RFC 3339), or null: until the person
    /// takes them back.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime, required = false)]
    pub granted_until: Option<Option<String>>,
}

/// Every status a request can have, as the words serde writes.
const STATUSES: [RequestStatus; 4] = [
    RequestStatus::Pending,
    RequestStatus::Approved,
    RequestStatus::Refused,
    RequestStatus::Expired,
];

/// Stops compiling when a status is added, so that `STATUSES` gets it too.
const _: fn(RequestStatus) = |status| match status {
    RequestStatus::Pending | RequestStatus::Approved | RequestStatus::Refused | RequestStatus::Expired => {}
};

fn status_schema() -> Schema {
    let words = STATUSES.map(|status| serde_json::to_value(status).unwrap_or_default());
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(
            "pending: waiting for the person; approved: see authorization_details; refused; \
             expired: nobody answered within 14 days.",
        ))
        .enum_values(Some(words))
        .into()
}

/// Accesses by category, in the order given, as RFC 9396 details.
fn details<'a>(items: impl Iterator<Item = (&'a str, &'static str)>) -> Vec<AuthorizationDetail> {
    let mut details: Vec<AuthorizationDetail> = Vec::new();
    for (category, action) in items {
        match details.iter_mut().find(|d| d.category == category) {
            Some(detail) => detail.actions.push(action.to_owned()),
            None => details.push(AuthorizationDetail {
                category: category.to_owned(),
                actions: vec![action.to_owned()],
            }),
        }
    }
    details
}

impl From<StoredRequest> for ConsentRequestState {
    fn from(request: StoredRequest) -> Self {
        let asked = request.items.iter();
        let granted = request.items.iter().filter(|item| item.is_granted());
        let approved = request.status == RequestStatus::Approved;
        let decided_at = match request.status {
            RequestStatus::Pending => None,
            // Expired before anything recorded it: it ended when its time ran out.
            RequestStatus::Expired => Some(request.decided_at.unwrap_or(request.expires_at)),
            _ => request.decided_at,
        };
        ConsentRequestState {
            requested_authorization_details: details(asked.map(|i| (i.category_slug.as_str(), i.access.as_str()))),
            authorization_details: approved
                .then(|| details(granted.map(|i| (i.category_slug.as_str(), i.access.as_str())))),
            granted_until: approved.then(|| request.granted_until.map(rfc3339)),
            decided_at: decided_at.map(rfc3339),
            requested_at: rfc3339(request.created_at),
            expires_at: rfc3339(request.expires_at),
            id: request.public_id,
            status: request.status,
            user: request.user_handle,
            purpose: request.purpose,
            duration_days: request.duration_days,
        }
    }
}
