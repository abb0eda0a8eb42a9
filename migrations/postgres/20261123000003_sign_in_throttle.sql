-- Failed sign-ins per account and per client address, so guessing slows down and then locks.
CREATE TABLE sign_in_throttle (
    subject TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_started_at BIGINT NOT NULL,
    locked_until BIGINT
);
