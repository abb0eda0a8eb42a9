-- Friendships, kept current by the platform through its own API. Each goes both ways and is
-- stored both ways, so a person's friends are one range of the key either side.
CREATE TABLE friendships (
    user_id INTEGER NOT NULL REFERENCES users (id),
    friend_id INTEGER NOT NULL REFERENCES users (id),
    since INTEGER NOT NULL,
    PRIMARY KEY (user_id, friend_id),
    CHECK (user_id <> friend_id)
) WITHOUT ROWID;

-- A person's "no" to being seen through their friends: by one partner, or (partner_id NULL)
-- by every partner.
CREATE TABLE friend_refusals (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    partner_id INTEGER REFERENCES partners (id),
    since INTEGER NOT NULL
);
CREATE UNIQUE INDEX friend_refusals_one_per_partner ON friend_refusals (user_id, partner_id)
    WHERE partner_id IS NOT NULL;
CREATE UNIQUE INDEX friend_refusals_one_for_all ON friend_refusals (user_id) WHERE partner_id IS NULL;
