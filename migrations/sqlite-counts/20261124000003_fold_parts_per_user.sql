-- A fold's counts, one row per user and hour: that user's counts of the fold as a JSON array of
-- [partner_id, category_id, access, allowed, denied, last_allowed_at]. Under load nearly every
-- counted decision is a key of its own, so a fold of half a million keys was half a million
-- rows of decision_counts, and inserting them was most of the SQLite thread's time; a user
-- holds about five of them per fold, and a row per user is several times cheaper to insert
-- (see src/server/storage/count_parts.rs). Pages read these with json_each, beside
-- decision_counts; merging an ended hour moves them into decision_counts, one row per key.
CREATE TABLE user_count_parts (
    hour_start INTEGER NOT NULL,
    part INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    counts TEXT NOT NULL,
    PRIMARY KEY (hour_start, part, user_id)
) WITHOUT ROWID;
