-- Who may do what: people (user), support staff (support) and administrators (admin).
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'support', 'admin'));

-- The support console finds people by the start of their name (and email, already unique).
CREATE INDEX users_by_name ON users (lower(display_name));

-- Every time support staff open a person's data. The person sees each one in their history.
CREATE TABLE support_views (
    id BIGSERIAL PRIMARY KEY,
    agent_id BIGINT NOT NULL REFERENCES users (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    ticket TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX support_views_by_user ON support_views (user_id, at);
CREATE INDEX support_views_by_agent ON support_views (agent_id, user_id, at);
