-- Admins manage the partner catalog from the web: partners can be retired, and every admin
-- change is recorded with who made it and when.

-- A retired partner keeps its row, so existing grants and history still name it; it has no
-- key (its API calls fail at once) and no new grant can name it.
ALTER TABLE partners ADD COLUMN retired_at BIGINT;

-- Every change an admin made to the catalog or its keys. Keys themselves are never recorded.
CREATE TABLE admin_actions (
    id BIGSERIAL PRIMARY KEY,
    admin_id BIGINT NOT NULL REFERENCES users (id),
    action TEXT NOT NULL CHECK (action IN ('added', 'described', 'retired', 'key_created', 'key_rotated')),
    partner_slug TEXT NOT NULL,
    detail TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX admin_actions_by_time ON admin_actions (at);

-- The record is append-only, like the consent ledger.
CREATE FUNCTION admin_actions_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'admin_actions is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER admin_actions_refuse_update BEFORE UPDATE OR DELETE ON admin_actions
    FOR EACH ROW EXECUTE FUNCTION admin_actions_refuse_change();

-- No new grant, and no grant given again, for a retired partner, whatever path writes it.
CREATE FUNCTION grants_refuse_retired_partner() RETURNS trigger AS $$
BEGIN
    IF (TG_OP = 'INSERT' OR (NEW.status = 'active' AND OLD.status <> 'active'))
        AND (SELECT retired_at FROM partners WHERE id = NEW.partner_id) IS NOT NULL THEN
        RAISE EXCEPTION 'partner is retired';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER grants_refuse_retired_partner BEFORE INSERT OR UPDATE OF status ON grants
    FOR EACH ROW EXECUTE FUNCTION grants_refuse_retired_partner();
