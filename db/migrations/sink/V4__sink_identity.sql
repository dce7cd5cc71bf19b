-- This store's identity, drawn once at its creation. A bootstrap --follow derives its default
-- application id (and so its consumer group) from it: two stores never share a group by accident,
-- whatever their database names or however their host is spelled.
CREATE TABLE sink_identity (
    single     boolean     PRIMARY KEY DEFAULT true CHECK (single),
    store_id   uuid        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO sink_identity (store_id) VALUES (gen_random_uuid());
