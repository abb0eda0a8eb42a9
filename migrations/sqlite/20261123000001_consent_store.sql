-- The consent store: catalog, users, sessions, current grants and the append-only ledger.
-- Times are Unix milliseconds (INTEGER), the same in both engines.

CREATE TABLE partners (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    api_key_hash TEXT UNIQUE
);

CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    handle TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    -- Names the session in pages and forms; the token (and its hash) never leaves the server.
    public_id TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE grants (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    category_id INTEGER NOT NULL REFERENCES categories (id),
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'delete')),
    purpose TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'withdrawn', 'revoked')),
    granted_at INTEGER NOT NULL,
    expires_at INTEGER,
    changed_at INTEGER NOT NULL,
    CONSTRAINT grants_one_per_access UNIQUE (user_id, partner_id, category_id, access)
);
CREATE INDEX grants_by_partner ON grants (partner_id, user_id);

CREATE TABLE consent_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id),
    grant_id INTEGER NOT NULL REFERENCES grants (id),
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    category_id INTEGER NOT NULL REFERENCES categories (id),
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'delete')),
    status TEXT NOT NULL CHECK (status IN ('granted', 'withdrawn', 'revoked', 'expired', 'refused')),
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('user', 'support', 'system')),
    actor_id INTEGER,
    purpose TEXT,
    reason TEXT,
    at INTEGER NOT NULL,
    -- Tamper evidence: each event carries the hash of the user's previous event and its own hash
    -- over a canonical encoding of its fields, making one hash chain per user.
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);
CREATE INDEX consent_events_by_user ON consent_events (user_id, id);

-- The ledger is append-only: a mistake is corrected by a new event, never by editing one.
CREATE TRIGGER consent_events_refuse_update BEFORE UPDATE ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only');
END;
CREATE TRIGGER consent_events_refuse_delete BEFORE DELETE ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only');
END;
