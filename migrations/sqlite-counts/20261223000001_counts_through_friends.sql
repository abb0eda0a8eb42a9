-- A partner that sees a person through a friend is counted apart from its use of the person's
-- own grants: `via_user_id` is the friend (0 for a question about the person's own grant), last
-- in the key so a user's counts are still found with one seek per hour.
CREATE TABLE counts_with_via (
    hour_start INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    partner_id INTEGER NOT NULL,
    category_id INTEGER NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'delete')),
    via_user_id INTEGER NOT NULL DEFAULT 0,
    allowed INTEGER NOT NULL,
    denied INTEGER NOT NULL,
    last_allowed_at INTEGER,
    PRIMARY KEY (hour_start, user_id, partner_id, category_id, access, via_user_id)
) WITHOUT ROWID;

INSERT INTO counts_with_via
    (hour_start, user_id, partner_id, category_id, access, via_user_id, allowed, denied, last_allowed_at)
SELECT hour_start, user_id, partner_id, category_id, access, 0, allowed, denied, last_allowed_at
FROM decision_counts ORDER BY hour_start, user_id, partner_id, category_id, access;

DROP TABLE decision_counts;
ALTER TABLE counts_with_via RENAME TO decision_counts;
