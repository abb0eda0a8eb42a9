-- What partners actually did: every check decision, recorded.

-- Decisions counted per hour: allowed ones, and denials of what was never granted. The app
-- batches these in memory and writes them at least once a second.
CREATE TABLE decision_counts (
    user_id INTEGER NOT NULL REFERENCES users (id),
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    category_id INTEGER NOT NULL REFERENCES categories (id),
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'delete')),
    hour_start INTEGER NOT NULL,
    allowed INTEGER NOT NULL,
    denied INTEGER NOT NULL,
    last_allowed_at INTEGER,
    PRIMARY KEY (user_id, partner_id, category_id, access, hour_start)
);

-- Every attempt to use an access the user took back (or that ran out), one row each, written
-- before the partner gets its answer: this is the evidence, and none of it may be lost.
CREATE TABLE refused_attempts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    category_id INTEGER NOT NULL REFERENCES categories (id),
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'delete')),
    reason TEXT NOT NULL CHECK (reason IN ('withdrawn', 'revoked', 'expired')),
    ended_at INTEGER NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX refused_attempts_by_user ON refused_attempts (user_id, at);
