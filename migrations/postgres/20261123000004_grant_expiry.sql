-- A grant can now end by expiring.
ALTER TABLE grants DROP CONSTRAINT grants_status_check;
ALTER TABLE grants ADD CONSTRAINT grants_status_check
    CHECK (status IN ('active', 'withdrawn', 'revoked', 'expired'));
-- The expiry sweeper looks for active grants whose end has passed.
CREATE INDEX grants_by_expiry ON grants (expires_at) WHERE status = 'active' AND expires_at IS NOT NULL;
