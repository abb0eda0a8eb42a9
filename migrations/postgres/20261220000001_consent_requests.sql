-- Partners ask people for consent: the requests, the accesses each asks for, and a ledger that
-- records a request and its answer. Existing events are not touched, so every chain verifies
-- as before.

CREATE TABLE consent_requests (
    id BIGSERIAL PRIMARY KEY,
    -- How the partner and the person's Requests page name it: cr_ and 32 random hex digits.
    public_id TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    partner_id BIGINT NOT NULL REFERENCES partners (id),
    purpose TEXT NOT NULL,
    -- The term asked for; NULL: until the person takes it back.
    duration_days BIGINT CHECK (duration_days > 0),
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused', 'expired')),
    created_at BIGINT NOT NULL,
    -- Unanswered by then (created_at + 14 days), it has expired.
    expires_at BIGINT NOT NULL,
    decided_at BIGINT,
    decided_by_kind TEXT CHECK (decided_by_kind IN ('user', 'support', 'system')),
    decided_by_id BIGINT REFERENCES users (id),
    -- Why support refused it for the person.
    reason TEXT,
    -- When what was approved ends; NULL: until the person takes it back, or nothing approved.
    granted_until BIGINT,
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
-- One pending request per partner and person at a time.
CREATE UNIQUE INDEX consent_requests_one_pending ON consent_requests (partner_id, user_id) WHERE status = 'pending';
-- The person's Requests page and its count.
CREATE INDEX consent_requests_by_user ON consent_requests (user_id, status);
-- The refusal cool-down: this partner's recent answers from this person.
CREATE INDEX consent_requests_by_partner ON consent_requests (partner_id, user_id, decided_at);

CREATE TABLE consent_request_items (
    request_id BIGINT NOT NULL REFERENCES consent_requests (id),
    category_id BIGINT NOT NULL REFERENCES categories (id),
    access TEXT NOT NULL CHECK (access IN ('read', 'write', 'delete')),
    -- 1 once the person approved this access.
    granted BIGINT NOT NULL DEFAULT 0 CHECK (granted IN (0, 1)),
    PRIMARY KEY (request_id, category_id, access)
);

-- NULL for an event of a request that touched no grant (requested, refused).
ALTER TABLE consent_events ALTER COLUMN grant_id DROP NOT NULL;
-- The request this event records or answers; hashed with the event when present.
ALTER TABLE consent_events ADD COLUMN request_id BIGINT REFERENCES consent_requests (id);
ALTER TABLE consent_events ADD CONSTRAINT consent_events_grant_or_request
    CHECK (grant_id IS NOT NULL OR request_id IS NOT NULL);
ALTER TABLE consent_events DROP CONSTRAINT consent_events_status_check;
ALTER TABLE consent_events ADD CONSTRAINT consent_events_status_check
    CHECK (status IN ('requested', 'granted', 'withdrawn', 'revoked', 'expired', 'refused'));
-- A partner acts only by asking.
ALTER TABLE consent_events DROP CONSTRAINT consent_events_actor_kind_check;
ALTER TABLE consent_events ADD CONSTRAINT consent_events_actor_kind_check
    CHECK (actor_kind IN ('user', 'support', 'system', 'partner'));
