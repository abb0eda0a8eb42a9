-- Decision counts in parts: each fold adds its counts as a part of its own (numbered by the
-- newest log generation it folds), so a fold appends to the end of the table instead of
-- rewriting the current hour. Keyed by hour first, as before, an hour's counts were one sorted
-- run: a fold of half a million counts spread over all of it, and so rewrote nearly every page
-- of the hour, more the later in the hour it ran. An hour that has ended and holds more than
-- one part is merged into one (see src/server/storage/count_parts.rs), so a page reads one part per hour
-- with counts, whatever the load was.
CREATE TABLE decision_counts_in_parts (
    hour_start INTEGER NOT NULL,
    part INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    partner_id INTEGER NOT NULL,
    category_id INTEGER NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'delete')),
    allowed INTEGER NOT NULL,
    denied INTEGER NOT NULL,
    last_allowed_at INTEGER,
    PRIMARY KEY (hour_start, part, user_id, partner_id, category_id, access)
) WITHOUT ROWID;

INSERT INTO decision_counts_in_parts
    (hour_start, part, user_id, partner_id, category_id, access, allowed, denied, last_allowed_at)
SELECT hour_start, 0, user_id, partner_id, category_id, access, allowed, denied, last_allowed_at
FROM decision_counts
ORDER BY hour_start, user_id, partner_id, category_id, access;

DROP TABLE decision_counts;

ALTER TABLE decision_counts_in_parts RENAME TO decision_counts;

-- Which parts each hour has: what a page seeks, one part at a time, for a user's counts.
CREATE TABLE count_parts (
    hour_start INTEGER NOT NULL,
    part INTEGER NOT NULL,
    PRIMARY KEY (hour_start, part)
) WITHOUT ROWID;

INSERT INTO count_parts (hour_start, part) SELECT DISTINCT hour_start, 0 FROM decision_counts;
