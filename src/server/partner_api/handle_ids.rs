//! Which user each handle names, as the partner check looks it up on every request.

use std::collections::HashMap;

/// Handles and their users' ids. Kept as `Box<str>`: a handle never grows once read, so the
/// spare capacity a `String` carries would only be memory.
#[derive(Default)]
pub struct HandleIds(HashMap<Box<str>, i64>);

impl HandleIds {
    pub fn get(&self, handle: &str) -> Option<i64> {
        self.0.get(handle).copied()
    }

    /// Remembers `handle`'s user; a handle seen again keeps the newest id.
    pub fn insert(&mut self, handle: String, user_id: i64) {
        self.0.insert(handle.into_boxed_str(), user_id);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_handle_is_found_and_any_other_is_missing() {
        let mut ids = HandleIds::default();
        assert_eq!(ids.get("alice"), None, "nothing remembered yet");
        ids.insert("alice".into(), 1);
        ids.insert("alic".into(), 2);
        assert_eq!(ids.get("alice"), Some(1));
        assert_eq!(ids.get("alic"), Some(2), "a handle that starts another is its own");
        assert_eq!(ids.get("alice2"), None);
        assert_eq!(ids.get(""), None);
        ids.insert("alice".into(), 5);
        assert_eq!(ids.get("alice"), Some(5), "the newest id for a handle counts");
        assert_eq!(ids.len(), 2);
        ids.clear();
        assert_eq!(ids.get("alice"), None);
        assert!(ids.is_empty());
    }
}
