-- Decision counts keyed by hour first. A fold adds the counts of the last few seconds, all in
-- the current hour (or the one before): keyed by hour first, it writes only that hour's pages.
-- Keyed by user first, as before, a fold of half a million counts touched nearly every user and
-- so nearly every page of the table, however long the history it held: a fold's cost grew with
-- the file (393 MB of counts cost the load benchmark a sixth of its recorded checks). Pages read
-- a user's counts with one seek per hour (see storage/activity.rs).
CREATE TABLE decision_counts_by_hour (
    hour_start INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    partner_id INTEGER NOT NULL,
    category_id INTEGER NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'delete')),
    allowed INTEGER NOT NULL,
    denied INTEGER NOT NULL,
    last_allowed_at INTEGER,
    PRIMARY KEY (hour_start, user_id, partner_id, category_id, access)
) WITHOUT ROWID;

INSERT INTO decision_counts_by_hour
    (hour_start, user_id, partner_id, category_id, access, allowed, denied, last_allowed_at)
SELECT hour_start, user_id, partner_id, category_id, access, allowed, denied, last_allowed_at
FROM decision_counts
ORDER BY hour_start, user_id, partner_id, category_id, access;

DROP TABLE decision_counts;

ALTER TABLE decision_counts_by_hour RENAME TO decision_counts;
