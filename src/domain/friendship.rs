//! Friendships as the platform states them: each goes both ways, nobody is their own friend,
//! and a person has at most `MOST_FRIENDS` (Facebook's own limit).

use std::collections::BTreeSet;

pub const MOST_FRIENDS: usize = 5000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FriendshipError {
    #[error("A person cannot be their own friend.")]
    Themselves,
    #[error("A person has at most {MOST_FRIENDS} friends; this list has {0}.")]
    TooMany(usize),
    #[error("A friend's handle is empty.")]
    EmptyHandle,
}

/// A person's whole list of friends, by handle, each once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FriendList(BTreeSet<String>);

impl FriendList {
    pub fn parse(person: &str, friends: &[String]) -> Result<Self, FriendshipError> {
        let mut list = BTreeSet::new();
        for friend in friends {
            let friend = friend.trim();
            if friend.is_empty() {
                return Err(FriendshipError::EmptyHandle);
            }
            if friend == person.trim() {
                return Err(FriendshipError::Themselves);
            }
            list.insert(friend.to_owned());
        }
        if list.len() > MOST_FRIENDS {
            return Err(FriendshipError::TooMany(list.len()));
        }
        Ok(FriendList(list))
    }

    pub fn handles(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Two people who may be friends: never one person twice.
pub fn check_pair(person: &str, friend: &str) -> Result<(), FriendshipError> {
    if person.trim() == friend.trim() {
        Err(FriendshipError::Themselves)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(friends: &[&str]) -> Vec<String> {
        friends.iter().map(|f| (*f).to_owned()).collect()
    }

    #[test]
    fn a_list_names_each_friend_once_and_never_the_person() {
        let parsed = FriendList::parse("alice", &list(&["bob", "carol", "bob"])).unwrap();
        assert_eq!(parsed.handles().collect::<Vec<_>>(), ["bob", "carol"]);
        assert_eq!(
            FriendList::parse("alice", &list(&["alice"])),
            Err(FriendshipError::Themselves)
        );
        assert_eq!(
            FriendList::parse("alice", &list(&[" "])),
            Err(FriendshipError::EmptyHandle)
        );
        assert!(FriendList::parse("alice", &[]).unwrap().is_empty());
        let many: Vec<String> = (0..=MOST_FRIENDS).map(|i| format!("f{i}")).collect();
        assert_eq!(
            FriendList::parse("alice", &many),
            Err(FriendshipError::TooMany(MOST_FRIENDS + 1))
        );
        assert_eq!(check_pair("bob", "bob"), Err(FriendshipError::Themselves));
    }
}
