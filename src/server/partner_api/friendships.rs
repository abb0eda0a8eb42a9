//! The platform's friendships API: the platform (with its own key, never a partner's) keeps
//! friendships current. Set a person's whole list, add one friendship, end one, or read a list.
//! Each friendship goes both ways. Bad input changes nothing.

use super::endpoints::{FRIENDS_OF_PATH, FRIENDS_PATH, FRIENDSHIP_PATH, FRIENDSHIPS_PATH};
use super::error::ApiError;
use super::error_docs::PlatformErrors;
use super::platform_key::{PlatformKeyed, PlatformRequest};
use crate::domain::friendship::{FriendList, FriendshipError, check_pair};
use crate::server::clock::{now_ms, rfc3339};
use crate::server::state::AppState;
use crate::server::storage::consent::friends::Friend;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A person's whole list of friends, replacing the one before.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FriendsBody {
    #[schema(example = "alice")]
    pub person: String,
    /// Handles, at most 5000; the person's friends from now on, and only they.
    #[schema(example = json!(["bob", "carol"]))]
    pub friends: Vec<String>,
}

/// Two people who are friends from now on.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FriendshipBody {
    #[schema(example = "alice")]
    pub person: String,
    #[schema(example = "bob")]
    pub friend: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FriendEntry {
    pub handle: String,
    pub name: String,
    /// When they became friends (RFC 3339).
    #[schema(format = DateTime)]
    pub since: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FriendsAnswer {
    pub person: String,
    pub friends: Vec<FriendEntry>,
}

fn invalid(error: FriendshipError) -> ApiError {
    ApiError::InvalidFriendship(error.to_string())
}

/// The ids of these handles, in order, or the first unknown one as the error.
async fn user_ids(state: &AppState, handles: &[&str]) -> Result<Vec<i64>, ApiError> {
    let found = state.store.user_ids_by_handles(handles).await?;
    handles
        .iter()
        .map(|handle| {
            found
                .get(*handle)
                .copied()
                .ok_or_else(|| ApiError::UnknownUser(handle.chars().take(60).collect()))
        })
        .collect()
}

async fn friends_answer(state: &AppState, person: &str, person_id: i64) -> Result<Json<FriendsAnswer>, ApiError> {
    let friends = state.store.friends_of(person_id).await?;
    Ok(Json(FriendsAnswer {
        person: person.to_owned(),
        friends: friends
            .into_iter()
            .map(|Friend { handle, name, since }| FriendEntry {
                handle,
                name,
                since: rfc3339(since),
            })
            .collect(),
    }))
}

/// Set a person's friends: exactly these, from now on.
#[utoipa::path(put, path = FRIENDS_PATH, tag = "platform", request_body = FriendsBody,
    responses((status = 200, description = "The person's friends now", body = FriendsAnswer), PlatformErrors),
    security(("platform_key" = [])))]
pub async fn set_friends(
    State(state): State<AppState>,
    PlatformRequest(body): PlatformRequest<FriendsBody>,
) -> Result<Json<FriendsAnswer>, ApiError> {
    let list = FriendList::parse(&body.person, &body.friends).map_err(invalid)?;
    let person = body.person.trim();
    let mut handles = vec![person];
    handles.extend(list.handles());
    let ids = user_ids(&state, &handles).await?;
    state.store.set_friends(ids[0], &ids[1..], now_ms()).await?;
    friends_answer(&state, person, ids[0]).await
}

/// A person's friends.
#[utoipa::path(get, path = FRIENDS_OF_PATH, tag = "platform",
    params(("person" = String, Path, description = "The person's handle")),
    responses((status = 200, description = "The person's friends", body = FriendsAnswer), PlatformErrors),
    security(("platform_key" = [])))]
pub async fn friends_of(
    State(state): State<AppState>,
    _platform: PlatformKeyed,
    Path(person): Path<String>,
) -> Result<Json<FriendsAnswer>, ApiError> {
    let ids = user_ids(&state, &[person.as_str()]).await?;
    friends_answer(&state, &person, ids[0]).await
}

/// Add a friendship: 201 when new, 200 when they were friends already.
#[utoipa::path(post, path = FRIENDSHIPS_PATH, tag = "platform", request_body = FriendshipBody,
    responses((status = 201, description = "They are friends from now on"),
        (status = 200, description = "They were friends already; nothing changed"), PlatformErrors),
    security(("platform_key" = [])))]
pub async fn add_friendship(
    State(state): State<AppState>,
    PlatformRequest(body): PlatformRequest<FriendshipBody>,
) -> Result<StatusCode, ApiError> {
    check_pair(&body.person, &body.friend).map_err(invalid)?;
    let ids = user_ids(&state, &[body.person.trim(), body.friend.trim()]).await?;
    let added = state.store.add_friendship(ids[0], ids[1], now_ms()).await?;
    Ok(if added { StatusCode::CREATED } else { StatusCode::OK })
}

/// End a friendship, both ways: a partner no longer sees either through the other.
#[utoipa::path(delete, path = FRIENDSHIP_PATH, tag = "platform",
    params(("person" = String, Path, description = "One friend's handle"),
        ("friend" = String, Path, description = "The other's")),
    responses((status = 204, description = "The friendship ended"), PlatformErrors),
    security(("platform_key" = [])))]
pub async fn end_friendship(
    State(state): State<AppState>,
    _platform: PlatformKeyed,
    Path((person, friend)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    check_pair(&person, &friend).map_err(invalid)?;
    let ids = user_ids(&state, &[person.as_str(), friend.as_str()]).await?;
    if state.store.end_friendship(ids[0], ids[1]).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::UnknownFriendship)
    }
}
