-- Admins also set, test and turn off partners' event endpoints; the record names those too.
-- SQLite cannot change a CHECK, so the append-only table is rebuilt with its rows and triggers.
CREATE TABLE admin_actions_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    admin_id INTEGER NOT NULL REFERENCES users (id),
    action TEXT NOT NULL CHECK (action IN ('added', 'described', 'retired', 'key_created', 'key_rotated',
        'endpoint_set', 'endpoint_off', 'endpoint_tested')),
    partner_slug TEXT NOT NULL,
    detail TEXT,
    at INTEGER NOT NULL
);
INSERT INTO admin_actions_new (id, admin_id, action, partner_slug, detail, at)
    SELECT id, admin_id, action, partner_slug, detail, at FROM admin_actions;
DROP TRIGGER admin_actions_refuse_update;
DROP TRIGGER admin_actions_refuse_delete;
DROP TABLE admin_actions;
ALTER TABLE admin_actions_new RENAME TO admin_actions;
CREATE INDEX admin_actions_by_time ON admin_actions (at);
CREATE TRIGGER admin_actions_refuse_update BEFORE UPDATE ON admin_actions
BEGIN
    SELECT RAISE(ABORT, 'admin_actions is append-only');
END;
CREATE TRIGGER admin_actions_refuse_delete BEFORE DELETE ON admin_actions
BEGIN
    SELECT RAISE(ABORT, 'admin_actions is append-only');
END;
