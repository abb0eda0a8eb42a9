-- A person's "no" to a partner seeing them through their friends (and its undo) is a consent
-- event of its own: no grant, no request, marked `through_friends`, recorded with the partner
-- under the category `friends`, access `read`. SQLite cannot change a CHECK in place, so
-- consent_events is rebuilt the way SQLite documents it (copy, drop, rename) and its
-- append-only triggers are made again. Every event keeps its id, fields and hashes.

CREATE TABLE consent_events_through_friends (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id),
    -- NULL for an event of a request that touched no grant, or one about friends.
    grant_id INTEGER REFERENCES grants (id),
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    category_id INTEGER NOT NULL REFERENCES categories (id),
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'delete')),
    status TEXT NOT NULL CHECK (status IN ('requested', 'granted', 'withdrawn', 'revoked', 'expired', 'refused')),
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('user', 'support', 'system', 'partner')),
    actor_id INTEGER,
    purpose TEXT,
    reason TEXT,
    at INTEGER NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    request_id INTEGER REFERENCES consent_requests (id),
    -- 1: whether the partner may see the person through their friends; hashed when 1.
    through_friends INTEGER NOT NULL DEFAULT 0 CHECK (through_friends IN (0, 1)),
    CHECK (grant_id IS NOT NULL OR request_id IS NOT NULL OR through_friends = 1)
);
INSERT INTO consent_events_through_friends (id, user_id, grant_id, partner_id, category_id, access, status,
    actor_kind, actor_id, purpose, reason, at, prev_hash, hash, request_id)
SELECT id, user_id, grant_id, partner_id, category_id, access, status, actor_kind, actor_id, purpose, reason,
    at, prev_hash, hash, request_id
FROM consent_events;
-- Dropping a table drops its triggers first, so none of them fires here.
DROP TABLE consent_events;
ALTER TABLE consent_events_through_friends RENAME TO consent_events;
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
