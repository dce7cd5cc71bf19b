-- The version at which each read-model row was deleted: a change at or below it (e.g. a replay of
-- older events) never brings the row back. One row per deleted id; kept, like Kafka's tombstones
-- are not, because a replay may come at any time.
CREATE TABLE deleted_row (
    table_name text        NOT NULL,
    id         uuid        NOT NULL,
    version    bigint      NOT NULL,
    deleted_at timestamptz NOT NULL,
    PRIMARY KEY (table_name, id)
);
