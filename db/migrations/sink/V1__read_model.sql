-- The read model the projector maintains. No foreign keys: aggregates arrive on independent
-- topics and partitions, so an order may be applied before its customer. Each row keeps the
-- source version it reflects, so an older version never overwrites a newer one.
CREATE TABLE customer (
    id         uuid        PRIMARY KEY,
    name       text        NOT NULL,
    email      text        NOT NULL,
    version    bigint      NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE purchase_order (
    id          uuid          PRIMARY KEY,
    customer_id uuid          NOT NULL,
    status      text          NOT NULL,
    total       numeric(19,2) NOT NULL,
    lines       jsonb         NOT NULL,
    version     bigint        NOT NULL,
    updated_at  timestamptz   NOT NULL
);

-- One row per order with its customer's current name and email (null until the customer is known).
CREATE TABLE order_view (
    id               uuid          PRIMARY KEY,
    customer_id      uuid          NOT NULL,
    status           text          NOT NULL,
    total            numeric(19,2) NOT NULL,
    lines            jsonb         NOT NULL,
    version          bigint        NOT NULL,
    customer_name    text,
    customer_email   text,
    customer_version bigint,
    updated_at       timestamptz   NOT NULL
);
CREATE INDEX order_view_customer_id ON order_view (customer_id);
