-- Admins manage the partner catalog from the web: partners can be retired, and every admin
-- change is recorded with who made it and when.

-- A retired partner keeps its row, so existing grants and history still name it; it has no
-- key (its API calls fail at once) and no new grant can name it.
ALTER TABLE partners ADD COLUMN retired_at INTEGER;

-- Every change an admin made to the catalog or its keys. Keys themselves are never recorded.
CREATE TABLE admin_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    admin_id INTEGER NOT NULL REFERENCES users (id),
    action TEXT NOT NULL CHECK (action IN ('added', 'described', 'retired', 'key_created', 'key_rotated')),
    partner_slug TEXT NOT NULL,
    detail TEXT,
    at INTEGER NOT NULL
);
CREATE INDEX admin_actions_by_time ON admin_actions (at);

-- The record is append-only, like the consent ledger.
CREATE TRIGGER admin_actions_refuse_update BEFORE UPDATE ON admin_actions
BEGIN
    SELECT RAISE(ABORT, 'admin_actions is append-only');
END;
CREATE TRIGGER admin_actions_refuse_delete BEFORE DELETE ON admin_actions
BEGIN
    SELECT RAISE(ABORT, 'admin_actions is append-only');
END;

-- No new grant, and no grant given again, for a retired partner, whatever path writes it.
CREATE TRIGGER grants_refuse_retired_partner_insert BEFORE INSERT ON grants
WHEN (SELECT retired_at FROM partners WHERE id = NEW.partner_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'partner is retired');
END;
CREATE TRIGGER grants_refuse_retired_partner_renewal BEFORE UPDATE OF status ON grants
WHEN NEW.status = 'active' AND OLD.status <> 'active'
    AND (SELECT retired_at FROM partners WHERE id = NEW.partner_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'partner is retired');
END;
