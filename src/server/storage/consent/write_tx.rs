//! The write transaction every change to the consent store goes through: when it ends,
//! committed or not, it makes the store's caches forget what it may have changed, before the
//! caller can answer anyone.

use super::friend_cache::FriendCache;
use super::grant_cache::GrantCache;
use super::key_cache::KeyCache;
use crate::server::storage::Store;
use sqlx::{Any, AnyConnection, Transaction};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use tokio::sync::Notify;

/// A write transaction that, when it ends (committed or not), makes the store's caches forget
/// what it may have changed, before the caller can answer anyone.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    // Declared after `tx`, so it is dropped after the transaction ends.
    forget: ForgetOnEnd,
}

/// What a write may change, and so what the caches must forget when it ends.
pub(in crate::server::storage) enum Changes {
    /// Anything in one person's ledger: their grants, their "no"s to being seen through friends.
    GrantsOf(i64),
    /// The friends lists of these people.
    FriendsOf(Vec<i64>),
    PartnerKeys,
}

struct ForgetOnEnd {
    changes: Changes,
    grants: Option<Arc<GrantCache>>,
    friends: Option<Arc<FriendCache>>,
    keys: Arc<KeyCache>,
    outbox_waker: Arc<Notify>,
}

impl Drop for ForgetOnEnd {
    fn drop(&mut self) {
        match &self.changes {
            Changes::GrantsOf(user_id) => {
                if let Some(grants) = &self.grants {
                    grants.forget(*user_id);
                }
                if let Some(friends) = &self.friends {
                    friends.refusals.forget(*user_id);
                }
                // A ledger event may have queued a notification; a rollback wakes it for nothing.
                self.outbox_waker.notify_one();
            }
            Changes::FriendsOf(user_ids) => {
                if let Some(friends) = &self.friends {
                    for user_id in user_ids {
                        friends.friends.forget(*user_id);
                    }
                }
            }
            Changes::PartnerKeys => self.keys.forget_all(),
        }
    }
}

impl WriteTx {
    pub(in crate::server::storage) fn new(tx: Transaction<'static, Any>, store: &Store, changes: Changes) -> Self {
        WriteTx {
            tx,
            forget: ForgetOnEnd {
                changes,
                grants: store.grant_cache().cloned(),
                friends: store.friends.clone(),
                keys: store.keys.clone(),
                outbox_waker: store.outbox_waker.clone(),
            },
        }
    }

    /// Adds people whose friends lists this write changes (a friendship write only).
    pub(in crate::server::storage) fn changes_friends_of(&mut self, user_ids: impl IntoIterator<Item = i64>) {
        if let Changes::FriendsOf(changed) = &mut self.forget.changes {
            changed.extend(user_ids);
        }
    }

    /// Commits, then the caches forget what changed.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        let WriteTx { tx, forget } = self;
        let committed = tx.commit().await;
        drop(forget);
        committed
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}
