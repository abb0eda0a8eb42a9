-- The outbox: every consent event a partner is told of has one notification, written in the
-- same transaction as the event, so there is never a change without its notification nor a
-- notification without its change. `jti` is the token id every try of it carries. A sender
-- holds a notification until `lease_until`; one that died mid-send leaves it to the next.
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL UNIQUE REFERENCES consent_events (id),
    partner_id BIGINT NOT NULL REFERENCES partners (id),
    jti TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    tries BIGINT NOT NULL,
    next_try_at BIGINT NOT NULL,
    lease_until BIGINT,
    last_error TEXT,
    delivered_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX notifications_due ON notifications (next_try_at) WHERE state = 'pending';
CREATE INDEX notifications_by_partner ON notifications (partner_id, state);

-- Where a partner is told (RFC 8935 push), and since when a 410 or an admin stopped that.
ALTER TABLE partners ADD COLUMN event_endpoint TEXT;
ALTER TABLE partners ADD COLUMN endpoint_disabled_at BIGINT;
