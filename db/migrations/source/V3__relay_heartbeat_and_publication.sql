-- The relay writes here on an interval, so that its replication slot advances while the outbox
-- is idle and PostgreSQL need not keep WAL for it. One row per replication slot.
CREATE TABLE relay_heartbeat (
    slot_name text        PRIMARY KEY,
    beat_at   timestamptz NOT NULL
);

-- The relay decodes only these two tables. Deletes are not published: the writer's
-- remove-after-insert deletes would only cost decoding work and publish nothing.
CREATE PUBLICATION outbox_publication FOR TABLE outbox, relay_heartbeat
    WITH (publish = 'insert, update');
