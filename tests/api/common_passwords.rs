//! A new account cannot get a password from the common-password list.

use crate::helpers::TestApp;
use crate::on_both_engines;
use std::process::Command;

async fn add_demo_user_refuses_a_common_password_and_creates_nothing(app: TestApp) {
    let output = Command::new(env!("CARGO_BIN_EXE_who-can-see"))
        .args([
            "add-demo-user",
            "--email",
            "weak@example.com",
            "--password",
            "Password123",
        ])
        .args(["--name", "Weak Password"])
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "error")
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("That password is one of the most common ones, which attackers try first. Choose another."),
        "{stderr}"
    );
    assert!(
        !stderr.to_lowercase().contains("password123"),
        "the password is not repeated: {stderr}"
    );
    assert!(output.stdout.is_empty(), "no handle printed");
    assert!(app.store.user_by_email("weak@example.com").await.unwrap().is_none());
}
on_both_engines!(add_demo_user_refuses_a_common_password_and_creates_nothing);
