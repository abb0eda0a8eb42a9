//! The demo accounts, named by the README, the sign-in page and the seeder alike.

use crate::domain::role::Role;

/// (email, password, display name)
pub const DEMO_ACCOUNTS: &[(&str, &str, &str)] = &[
    ("alice@example.com", "alice-demo-2018", "Alice Example"),
    ("bob@example.com", "bob-demo-2018", "Bob Example"),
];

/// More demo people, who hold no grants: partners see them only through their friends.
pub const DEMO_FRIENDS: &[(&str, &str, &str)] = &[
    ("carol@example.com", "carol-demo-2018", "Carol Example"),
    ("dan@example.com", "dan-demo-2018", "Dan Example"),
];

/// The demo's friendships, by handle: every partner a friend lets read a friends list,
/// contacts, posts or calendar sees someone through someone.
pub const DEMO_FRIENDSHIPS: &[(&str, &str)] =
    &[("alice", "bob"), ("alice", "carol"), ("alice", "dan"), ("bob", "carol")];

/// Demo staff: (email, password, display name, role). They hold no grants of their own.
pub const DEMO_STAFF: &[(&str, &str, &str, Role)] = &[
    ("support@example.com", "support-demo-2018", "Sam Support", Role::Support),
    ("admin@example.com", "admin-demo-2018", "Ada Admin", Role::Admin),
];
