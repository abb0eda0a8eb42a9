-- The consent store: catalog, users, sessions, current grants and the append-only ledger.
-- Times are Unix milliseconds (BIGINT), the same in both engines.

CREATE TABLE partners (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    api_key_hash TEXT UNIQUE
);

CREATE TABLE categories (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    position BIGINT NOT NULL
);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    handle TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    -- Names the session in pages and forms; the token (and its hash) never leaves the server.
    public_id TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE grants (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    partner_id BIGINT NOT NULL REFERENCES partners (id),
    category_id BIGINT NOT NULL REFERENCES categories (id),
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'delete')),
    purpose TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'withdrawn', 'revoked')),
    granted_at BIGINT NOT NULL,
    expires_at BIGINT,
    changed_at BIGINT NOT NULL,
    CONSTRAINT grants_one_per_access UNIQUE (user_id, partner_id, category_id, access)
);
CREATE INDEX grants_by_partner ON grants (partner_id, user_id);

CREATE TABLE consent_events (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    grant_id BIGINT NOT NULL REFERENCES grants (id),
    partner_id BIGINT NOT NULL REFERENCES partners (id),
    category_id BIGINT NOT NULL REFERENCES categories (id),
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'delete')),
    status TEXT NOT NULL CHECK (status IN ('granted', 'withdrawn', 'revoked', 'expired', 'refused')),
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('user', 'support', 'system')),
    actor_id BIGINT,
    purpose TEXT,
    reason TEXT,
    at BIGINT NOT NULL,
    -- Tamper evidence: each event carries the hash of the user's previous event and its own hash
    -- over a canonical encoding of its fields, making one hash chain per user.
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);
CREATE INDEX consent_events_by_user ON consent_events (user_id, id);

-- The ledger is append-only: a mistake is corrected by a new event, never by editing one.
CREATE FUNCTION consent_events_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'consent_events is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER consent_events_refuse_update BEFORE UPDATE OR DELETE ON consent_events
    FOR EACH ROW EXECUTE FUNCTION consent_events_refuse_change();
