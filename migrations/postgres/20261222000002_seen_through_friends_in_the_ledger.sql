-- A person's "no" to a partner seeing them through their friends (and its undo) is a consent
-- event of its own: no grant, no request, marked `through_friends`, recorded with the partner
-- under the category `friends`, access `read`.
ALTER TABLE consent_events ADD COLUMN through_friends BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE consent_events DROP CONSTRAINT consent_events_grant_or_request;
ALTER TABLE consent_events ADD CONSTRAINT consent_events_grant_or_request_or_friends
    CHECK (grant_id IS NOT NULL OR request_id IS NOT NULL OR through_friends);
