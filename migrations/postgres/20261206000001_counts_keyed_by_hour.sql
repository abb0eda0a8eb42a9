-- The counts table keyed by hour first, as on SQLite: each second's upserts land in the current
-- hour's pages. `count_hours` lists the hours that have counts; a user's counts are read with
-- one index seek per listed hour.
CREATE TABLE counts_by_hour (
    hour_start BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    partner_id BIGINT NOT NULL REFERENCES partners (id),
    category_id BIGINT NOT NULL REFERENCES categories (id),
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'delete')),
    allowed BIGINT NOT NULL,
    denied BIGINT NOT NULL,
    last_allowed_at BIGINT,
    PRIMARY KEY (hour_start, user_id, partner_id, category_id, access)
);

INSERT INTO counts_by_hour
    (hour_start, user_id, partner_id, category_id, access, allowed, denied, last_allowed_at)
SELECT hour_start, user_id, partner_id, category_id, access, allowed, denied, last_allowed_at
FROM decision_counts;

DROP TABLE decision_counts;
ALTER TABLE counts_by_hour RENAME TO decision_counts;
ALTER TABLE decision_counts RENAME CONSTRAINT counts_by_hour_pkey TO decision_counts_pkey;

CREATE TABLE count_hours (
    hour_start BIGINT PRIMARY KEY
);
INSERT INTO count_hours (hour_start) SELECT DISTINCT hour_start FROM decision_counts;
