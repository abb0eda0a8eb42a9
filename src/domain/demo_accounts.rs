//! The demo accounts, named by the README, the sign-in page and the seeder alike.

/// (email, password, display name)
pub const DEMO_ACCOUNTS: &[(&str, &str, &str)] = &[
    ("alice@example.com", "alice-demo-2018", "Alice Example"),
    ("bob@example.com", "bob-demo-2018", "Bob Example"),
];
