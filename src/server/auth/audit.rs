//! The log events of signing in and out: one structured event per attempt.
//!
//! Everything a client sent (the typed email, the User-Agent) is a field formatted with Debug
//! (`?`), never part of the message: Debug writes a newline as `\n` and an escape code as
//! `\u{1b}`, so nobody can make their input start a line that looks like another event.

use std::net::IpAddr;

/// Who tried to sign in, as the request told it.
pub struct Attempt<'a> {
    pub email: &'a str,
    pub client: IpAddr,
    pub user_agent: &'a str,
}

/// Why a sign-in attempt did not start a session.
#[derive(Debug, Clone, Copy)]
pub enum Failure {
    /// The form lacked an email or a password.
    Incomplete,
    /// The typed text is not an email address, so no account can match it.
    MalformedEmail,
    /// No account has this email and password.
    WrongCredentials,
}

impl Failure {
    fn as_str(self) -> &'static str {
        match self {
            Failure::Incomplete => "incomplete",
            Failure::MalformedEmail => "malformed_email",
            Failure::WrongCredentials => "wrong_credentials",
        }
    }
}

impl Attempt<'_> {
    pub fn succeeded(&self, user_id: i64) {
        tracing::info!(
            event = "sign_in",
            outcome = "succeeded",
            user_id,
            email = ?self.email,
            client = %self.client,
            user_agent = ?self.user_agent,
            "sign-in succeeded"
        );
    }

    /// `account_failures`: the account's failures in the current window, this one included.
    pub fn failed(&self, failure: Failure, account_failures: Option<i64>) {
        tracing::warn!(
            event = "sign_in",
            outcome = failure.as_str(),
            account_failures,
            email = ?self.email,
            client = %self.client,
            user_agent = ?self.user_agent,
            "sign-in failed"
        );
    }

    pub fn refused_while_locked(&self) {
        tracing::warn!(
            event = "sign_in",
            outcome = "locked",
            email = ?self.email,
            client = %self.client,
            user_agent = ?self.user_agent,
            "sign-in refused: too many failures"
        );
    }
}

pub fn signed_out(user_id: Option<i64>, client: IpAddr) {
    tracing::info!(event = "sign_out", user_id, client = %client, "signed out");
}
