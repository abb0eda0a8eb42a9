-- Partners ask people for consent: the requests, the accesses each asks for, and a ledger that
-- records a request and its answer. SQLite cannot relax a NOT NULL or change a CHECK in place,
-- so consent_events is rebuilt the way SQLite documents it (copy, drop, rename) and its
-- append-only triggers are made again. Every event keeps its id, fields and hashes, so every
-- chain verifies as before.

CREATE TABLE consent_requests (
    id INTEGER PRIMARY KEY,
    -- How the partner and the person's Requests page name it: cr_ and 32 random hex digits.
    public_id TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    purpose TEXT NOT NULL,
    -- The term asked for; NULL: until the person takes it back.
    duration_days INTEGER CHECK (duration_days > 0),
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused', 'expired')),
    created_at INTEGER NOT NULL,
    -- Unanswered by then (created_at + 14 days), it has expired.
    expires_at INTEGER NOT NULL,
    decided_at INTEGER,
    decided_by_kind TEXT CHECK (decided_by_kind IN ('user', 'support', 'system')),
    decided_by_id INTEGER REFERENCES users (id),
    -- Why support refused it for the person.
    reason TEXT,
    -- When what was approved ends; NULL: until the person takes it back, or nothing approved.
    granted_until INTEGER,
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
-- One pending request per partner and person at a time.
CREATE UNIQUE INDEX consent_requests_one_pending ON consent_requests (partner_id, user_id) WHERE status = 'pending';
-- The person's Requests page and its count.
CREATE INDEX consent_requests_by_user ON consent_requests (user_id, status);
-- The refusal cool-down: this partner's recent answers from this person.
CREATE INDEX consent_requests_by_partner ON consent_requests (partner_id, user_id, decided_at);

CREATE TABLE consent_request_items (
    request_id INTEGER NOT NULL REFERENCES consent_requests (id),
    category_id INTEGER NOT NULL REFERENCES categories (id),
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'delete')),
    -- 1 once the person approved this access.
    granted INTEGER NOT NULL DEFAULT 0 CHECK (granted IN (0, 1)),
    PRIMARY KEY (request_id, category_id, access)
);

CREATE TABLE consent_events_with_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id),
    -- NULL for an event of a request that touched no grant (requested, refused).
    grant_id INTEGER REFERENCES grants (id),
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    category_id INTEGER NOT NULL REFERENCES categories (id),
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'delete')),
    status TEXT NOT NULL CHECK (status IN ('requested', 'granted', 'withdrawn', 'revoked', 'expired', 'refused')),
    -- A partner acts only by asking.
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('user', 'support', 'system', 'partner')),
    actor_id INTEGER,
    purpose TEXT,
    reason TEXT,
    at INTEGER NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    -- The request this event records or answers; hashed with the event when present.
    request_id INTEGER REFERENCES consent_requests (id),
    CHECK (grant_id IS NOT NULL OR request_id IS NOT NULL)
);
INSERT INTO consent_events_with_requests (id, user_id, grant_id, partner_id, category_id, access, status,
    actor_kind, actor_id, purpose, reason, at, prev_hash, hash)
SELECT id, user_id, grant_id, partner_id, category_id, access, status, actor_kind, actor_id, purpose, reason,
    at, prev_hash, hash
FROM consent_events;
-- Dropping a table drops its triggers first, so none of them fires here.
DROP TABLE consent_events;
ALTER TABLE consent_events_with_requests RENAME TO consent_events;
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
