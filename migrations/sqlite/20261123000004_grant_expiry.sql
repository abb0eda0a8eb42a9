-- no-transaction
-- A grant can now end by expiring. SQLite cannot change a CHECK constraint in place, so the
-- grants table is rebuilt the way SQLite documents it: foreign keys off (outside any
-- transaction, where the pragma takes effect), copy, swap, foreign keys on.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE grants_with_expiry (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    category_id INTEGER NOT NULL REFERENCES categories (id),
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'delete')),
    purpose TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'withdrawn', 'revoked', 'expired')),
    granted_at INTEGER NOT NULL,
    expires_at INTEGER,
    changed_at INTEGER NOT NULL,
    CONSTRAINT grants_one_per_access UNIQUE (user_id, partner_id, category_id, access)
);
INSERT INTO grants_with_expiry (id, user_id, partner_id, category_id, access, purpose, status, granted_at,
    expires_at, changed_at)
SELECT id, user_id, partner_id, category_id, access, purpose, status, granted_at, expires_at, changed_at
FROM grants;
DROP TABLE grants;
ALTER TABLE grants_with_expiry RENAME TO grants;
CREATE INDEX grants_by_partner ON grants (partner_id, user_id);
-- The expiry sweeper looks for active grants whose end has passed.
CREATE INDEX grants_by_expiry ON grants (expires_at) WHERE status = 'active' AND expires_at IS NOT NULL;
COMMIT;
PRAGMA foreign_keys = ON;
