-- Failed sign-ins per account and per client address, so guessing slows down and then locks.
CREATE TABLE sign_in_throttle (
    subject TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_started_at INTEGER NOT NULL,
    locked_until INTEGER
);
