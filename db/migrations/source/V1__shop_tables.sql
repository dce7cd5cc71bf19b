-- The reference shop: customers and their orders. Each aggregate root carries the version its
-- optimistic lock increments, which is also the version its outbox events carry.
CREATE TABLE customer (
    id      uuid   PRIMARY KEY,
    name    text   NOT NULL,
    email   text   NOT NULL,
    version bigint NOT NULL
);

CREATE TABLE purchase_order (
    id          uuid          PRIMARY KEY,
    customer_id uuid          NOT NULL REFERENCES customer (id),
    status      text          NOT NULL,
    total       numeric(19,2) NOT NULL,
    version     bigint        NOT NULL
);
CREATE INDEX purchase_order_customer_id ON purchase_order (customer_id);

CREATE TABLE order_line (
    order_id   uuid          NOT NULL REFERENCES purchase_order (id) ON DELETE CASCADE,
    line_no    integer       NOT NULL,
    sku        text          NOT NULL,
    quantity   integer       NOT NULL CHECK (quantity > 0),
    unit_price numeric(19,2) NOT NULL CHECK (unit_price >= 0),
    PRIMARY KEY (order_id, line_no)
);
