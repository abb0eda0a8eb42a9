-- A grant its partner does not use expires. When each grant was last used is folded into
-- grants.last_used_at from the decision counts by the expiry sweeper; use_watch says since
-- when use is watched (an older grant is not held unused for the years before) and from which
-- hour the next fold reads.
ALTER TABLE grants ADD COLUMN last_used_at BIGINT;

CREATE TABLE use_watch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    started_at BIGINT NOT NULL,
    folded_from BIGINT NOT NULL
);
INSERT INTO use_watch (id, started_at, folded_from)
VALUES (1, (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT, 0);

-- The sweeper's candidates: active grants given long ago.
CREATE INDEX grants_active_by_change ON grants (changed_at) WHERE status = 'active';
