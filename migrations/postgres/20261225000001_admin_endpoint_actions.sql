-- Admins also set, test and turn off partners' event endpoints; the record names those too.
ALTER TABLE admin_actions DROP CONSTRAINT admin_actions_action_check;
ALTER TABLE admin_actions ADD CONSTRAINT admin_actions_action_check CHECK (action IN ('added', 'described',
    'retired', 'key_created', 'key_rotated', 'endpoint_set', 'endpoint_off', 'endpoint_tested'));
