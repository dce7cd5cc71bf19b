-- Analytics on write: windows of event time (the source commit time), kept by the projector's
-- analytics. A row holds a window's running value until it closes, then its final value
-- (final = true), which nothing overwrites. Times are the windows' bounds; end is exclusive for
-- the tumbling and hopping windows, and a session's last change for a session.
CREATE TABLE revenue_per_customer_minute (
    customer_id  uuid          NOT NULL,
    window_start timestamptz   NOT NULL,
    window_end   timestamptz   NOT NULL,
    orders       bigint        NOT NULL,
    revenue      numeric(19,2) NOT NULL,
    final        boolean       NOT NULL,
    updated_at   timestamptz   NOT NULL,
    PRIMARY KEY (customer_id, window_start)
);
CREATE INDEX revenue_per_customer_minute_window ON revenue_per_customer_minute (window_start);

CREATE TABLE orders_moving_5m (
    window_start timestamptz NOT NULL PRIMARY KEY,
    window_end   timestamptz NOT NULL,
    orders       bigint      NOT NULL,
    final        boolean     NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- A session that grows or merges with another becomes a new session: the superseded one's row is
-- deleted, so the key holds the end too.
CREATE TABLE customer_session (
    customer_id   uuid        NOT NULL,
    session_start timestamptz NOT NULL,
    session_end   timestamptz NOT NULL,
    changes       bigint      NOT NULL,
    final         boolean     NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (customer_id, session_start, session_end)
);
