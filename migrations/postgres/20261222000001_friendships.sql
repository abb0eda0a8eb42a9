-- Friendships, kept current by the platform through its own API. Each goes both ways and is
-- stored both ways, so a person's friends are one range of the key either side.
CREATE TABLE friendships (
    user_id BIGINT NOT NULL REFERENCES users (id),
    friend_id BIGINT NOT NULL REFERENCES users (id),
    since BIGINT NOT NULL,
    PRIMARY KEY (user_id, friend_id),
    CHECK (user_id <> friend_id)
);

-- A person's "no" to being seen through their friends: by one partner, or (partner_id NULL)
-- by every partner.
CREATE TABLE friend_refusals (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    partner_id BIGINT REFERENCES partners (id),
    since BIGINT NOT NULL
);
CREATE UNIQUE INDEX friend_refusals_one_per_partner ON friend_refusals (user_id, partner_id)
    WHERE partner_id IS NOT NULL;
CREATE UNIQUE INDEX friend_refusals_one_for_all ON friend_refusals (user_id) WHERE partner_id IS NULL;
