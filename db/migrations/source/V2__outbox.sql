-- The outbox. Column names follow Debezium's outbox defaults, so Kafka Connect's EventRouter can
-- relay the same table. aggregateid may be null only so that a faulty writer's row reaches the
-- relay's dead-letter topic instead of failing the writer's transaction silently elsewhere.
CREATE TABLE outbox (
    id                uuid        PRIMARY KEY,
    aggregatetype     text        NOT NULL,
    aggregateid       text,
    type              text        NOT NULL,
    payload           jsonb,
    aggregate_version bigint      NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now()
);
-- the purge of old rows (when remove-after-insert is off) scans by age
CREATE INDEX outbox_created_at ON outbox (created_at);
