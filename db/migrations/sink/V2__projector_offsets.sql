-- The Kafka offset the projector has applied per partition, written in the same transaction as
-- the rows: a record at or below it is skipped, so each change is applied once across crashes.
CREATE TABLE projector_offsets (
    application_id text        NOT NULL,
    topic          text        NOT NULL,
    partition      integer     NOT NULL,
    applied_offset bigint      NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (application_id, topic, partition)
);
