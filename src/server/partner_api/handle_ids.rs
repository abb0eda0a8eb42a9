//! Which user each handle names, as the partner check looks it up on every request.
//!
//! With 100,000 users this table is cold memory, and every cache line a lookup reads waits on
//! it. A standard hash table reads two: its control bytes, then the slot they point to. Here a
//! handle of up to 23 bytes (all that this app makes) sits in the slot itself, beside its user's
//! id, and slots are probed in order from where the hash points: a lookup almost always reads
//! that one 32-byte slot and nothing else. Longer handles go to a standard table.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

/// A handle of 1 to 23 bytes, inline. `len == 0` marks an empty slot (no handle is empty).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct ShortHandle {
    len: u8,
    bytes: [u8; 23],
}

impl ShortHandle {
    const EMPTY: ShortHandle = ShortHandle { len: 0, bytes: [0; 23] };

    fn new(handle: &str) -> Option<Self> {
        let len = u8::try_from(handle.len()).ok().filter(|len| (1..=23).contains(len))?;
        let mut bytes = [0; 23];
        bytes[..handle.len()].copy_from_slice(handle.as_bytes());
        Some(ShortHandle { len, bytes })
    }
}

/// Aligned to its size, so a slot never straddles two cache lines.
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    handle: ShortHandle,
    user_id: i64,
}

const EMPTY_SLOT: Slot = Slot {
    handle: ShortHandle::EMPTY,
    user_id: 0,
};

/// Slots in a table of this size or more before it first grows.
const FIRST_SLOTS: usize = 64;

#[derive(Default)]
pub struct HandleIds {
    /// A power of two in length (or empty), at most half full, so runs of taken slots stay short.
    slots: Vec<Slot>,
    short: usize,
    long: HashMap<String, i64>,
    /// Keyed at random per process, so nobody can choose handles that all land on one slot.
    hasher: RandomState,
}

impl HandleIds {
    /// Where `handle` is, or the empty slot where it would go.
    fn position(&self, handle: &ShortHandle) -> usize {
        let mask = self.slots.len() - 1;
        let mut at = self.hasher.hash_one(handle) as usize & mask;
        loop {
            let slot = &self.slots[at];
            if slot.handle.len == 0 || slot.handle == *handle {
                return at;
            }
            at = (at + 1) & mask;
        }
    }

    pub fn get(&self, handle: &str) -> Option<i64> {
        match ShortHandle::new(handle) {
            Some(short) if !self.slots.is_empty() => {
                let slot = &self.slots[self.position(&short)];
                (slot.handle.len != 0).then_some(slot.user_id)
            }
            Some(_) => None,
            None => self.long.get(handle).copied(),
        }
    }

    pub fn insert(&mut self, handle: String, user_id: i64) {
        let Some(short) = ShortHandle::new(&handle) else {
            self.long.insert(handle, user_id);
            return;
        };
        if (self.short + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let at = self.position(&short);
        if self.slots[at].handle.len == 0 {
            self.short += 1;
        }
        self.slots[at] = Slot { handle: short, user_id };
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(FIRST_SLOTS);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY_SLOT; size]);
        for slot in old.into_iter().filter(|slot| slot.handle.len != 0) {
            let at = self.position(&slot.handle);
            self.slots[at] = slot;
        }
    }

    pub fn len(&self) -> usize {
        self.short + self.long.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn clear(&mut self) {
        self.slots = Vec::new();
        self.short = 0;
        self.long.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_short_and_long_each_name_their_own_user() {
        let mut ids = HandleIds::default();
        let longest_inline = "a".repeat(23);
        let long = "a".repeat(24);
        ids.insert("alice".into(), 1);
        ids.insert("alic".into(), 2);
        ids.insert(longest_inline.clone(), 3);
        ids.insert(long.clone(), 4);
        assert_eq!(ids.get("alice"), Some(1));
        assert_eq!(ids.get("alic"), Some(2), "a handle that starts another is its own");
        assert_eq!(ids.get(&longest_inline), Some(3));
        assert_eq!(ids.get(&long), Some(4));
        assert_eq!(ids.get("alice2"), None);
        assert_eq!(ids.get(""), None);
        assert_eq!(ids.len(), 4);
        ids.insert("alice".into(), 5);
        assert_eq!(ids.get("alice"), Some(5), "the newest id for a handle counts");
        assert_eq!(ids.len(), 4);
        ids.clear();
        assert_eq!(ids.get("alice"), None);
        assert!(ids.is_empty());
    }

    #[test]
    fn every_handle_is_found_after_the_table_grows_many_times() {
        let mut ids = HandleIds::default();
        for n in 0..20_000 {
            ids.insert(format!("user-{n}"), n);
        }
        assert_eq!(ids.len(), 20_000);
        assert!(ids.slots.len() >= 40_000, "at most half full");
        for n in 0..20_000 {
            assert_eq!(ids.get(&format!("user-{n}")), Some(n));
        }
        assert_eq!(ids.get("user-20000"), None);
    }

    #[test]
    fn an_empty_handle_is_kept_apart_from_the_slots() {
        let mut ids = HandleIds::default();
        assert_eq!(ids.get(""), None, "an empty table");
        ids.insert(String::new(), 9);
        ids.insert("bob".into(), 1);
        assert_eq!(ids.get("bob"), Some(1));
        assert_eq!(ids.get(""), Some(9), "kept in the standard table, like a long handle");
    }
}
