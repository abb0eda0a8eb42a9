-- One counts table, written by one writer once a second (src/server/recording): the parts, the
-- per-user JSON rows and the log bookkeeping of earlier versions are added up into it, each key
-- and hour once. Keyed by hour first, so each second's upserts land in the current hour's pages.
CREATE TABLE counts_by_hour (
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

INSERT INTO counts_by_hour
    (hour_start, user_id, partner_id, category_id, access, allowed, denied, last_allowed_at)
SELECT hour_start, user_id, partner_id, category_id, access, SUM(allowed), SUM(denied), MAX(last_allowed_at)
FROM (
    SELECT hour_start, user_id, partner_id, category_id, access, allowed, denied, last_allowed_at
    FROM decision_counts
    UNION ALL
    SELECT u.hour_start, u.user_id, e.value ->> 0, e.value ->> 1, e.value ->> 2, e.value ->> 3,
        e.value ->> 4, e.value ->> 5
    FROM user_count_parts AS u CROSS JOIN json_each(u.counts) AS e
)
GROUP BY hour_start, user_id, partner_id, category_id, access
ORDER BY hour_start, user_id, partner_id, category_id, access;

DROP TABLE decision_counts;
DROP TABLE user_count_parts;
DROP TABLE count_parts;
DROP TABLE count_log_folded;
ALTER TABLE counts_by_hour RENAME TO decision_counts;

-- The hours that have counts: a user's counts are read with one seek per listed hour.
CREATE TABLE count_hours (
    hour_start INTEGER PRIMARY KEY
);
INSERT INTO count_hours (hour_start) SELECT DISTINCT hour_start FROM decision_counts;
