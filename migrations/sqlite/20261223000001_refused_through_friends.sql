-- An attempt to see a person through a friend after the person said no is evidence like an
-- attempt after an access ended: reason 'refused', `ended_at` when the person said no, and the
-- friend it came through. SQLite cannot change a CHECK in place, so the table is rebuilt.
CREATE TABLE refused_attempts_new (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    category_id INTEGER NOT NULL REFERENCES categories (id),
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'delete')),
    reason TEXT NOT NULL CHECK (reason IN ('withdrawn', 'revoked', 'expired', 'refused')),
    ended_at INTEGER NOT NULL,
    at INTEGER NOT NULL,
    via_user_id INTEGER REFERENCES users (id)
);
INSERT INTO refused_attempts_new (id, user_id, partner_id, category_id, access, reason, ended_at, at)
SELECT id, user_id, partner_id, category_id, access, reason, ended_at, at FROM refused_attempts;
DROP TABLE refused_attempts;
ALTER TABLE refused_attempts_new RENAME TO refused_attempts;
CREATE INDEX refused_attempts_by_user ON refused_attempts (user_id, at);
