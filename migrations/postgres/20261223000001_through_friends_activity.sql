-- A partner that sees a person through a friend is counted apart from its use of the person's
-- own grants: `via_user_id` is the friend (0 for a question about the person's own grant), last
-- in the key so a user's counts are still found with one seek per hour.
ALTER TABLE decision_counts ADD COLUMN via_user_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE decision_counts DROP CONSTRAINT decision_counts_pkey;
ALTER TABLE decision_counts ADD CONSTRAINT decision_counts_pkey
    PRIMARY KEY (hour_start, user_id, partner_id, category_id, access, via_user_id);

-- An attempt to see a person through a friend after the person said no is evidence like an
-- attempt after an access ended: reason 'refused', `ended_at` when the person said no, and the
-- friend it came through.
ALTER TABLE refused_attempts DROP CONSTRAINT refused_attempts_reason_check;
ALTER TABLE refused_attempts ADD CONSTRAINT refused_attempts_reason_check
    CHECK (reason IN ('withdrawn', 'revoked', 'expired', 'refused'));
ALTER TABLE refused_attempts ADD COLUMN via_user_id BIGINT REFERENCES users (id);
