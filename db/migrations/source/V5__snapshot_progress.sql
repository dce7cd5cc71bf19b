-- Where `./pipeline snapshot` stands, one row per aggregate type. Each chunk's transaction
-- publishes its snapshot events and moves last_id together, so a killed run resumes after the
-- last chunk that committed, and never publishes a chunk twice. A run is finished when
-- finished_at is set; the next run then starts again from the first id.
CREATE TABLE snapshot_progress (
    aggregate_type text        PRIMARY KEY,
    last_id        uuid,
    published      bigint      NOT NULL DEFAULT 0,
    started_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz
);
