//! The demo accounts, named by the README, the sign-in page and the seeder alike.

use crate::domain::role::Role;

/// (email, password, display name)
pub const DEMO_ACCOUNTS: &[(&str, &str, &str)] = &[
    ("alice@example.com", "alice-demo-2018", "Alice Example"),
    ("bob@example.com", "bob-demo-2018", "Bob Example"),
];

/// Demo staff: (email, password, display name, role). They hold no grants of their own.
pub const DEMO_STAFF: &[(&str, &str, &str, Role)] = &[
    ("support@example.com", "support-demo-2018", "Sam Support", Role::Support),
    ("admin@example.com", "admin-demo-2018", "Ada Admin", Role::Admin),
];
