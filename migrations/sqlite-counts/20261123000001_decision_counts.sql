-- Decisions counted per hour: allowed ones, and denials of what was never granted. On SQLite
-- they live in a database file of their own (beside the consent store, `.counts.db`), so that
-- writing a second's worth of counts never holds the consent store's single write lock, which
-- a refused attempt waits for before its partner hears "deny".
--
-- Upserted tens of thousands of times a second under load: without a rowid the primary key is
-- the table (one B-tree per upsert, not two). No foreign keys: another file cannot be referenced,
-- and counts are written only by the app, for ids it has just read, of users, partners and
-- categories that are never deleted.
CREATE TABLE decision_counts (
    user_id INTEGER NOT NULL,
    partner_id INTEGER NOT NULL,
    category_id INTEGER NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'delete')),
    hour_start INTEGER NOT NULL,
    allowed INTEGER NOT NULL,
    denied INTEGER NOT NULL,
    last_allowed_at INTEGER,
    PRIMARY KEY (user_id, partner_id, category_id, access, hour_start)
) WITHOUT ROWID;
