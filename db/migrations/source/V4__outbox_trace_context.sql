-- The W3C trace context of the write that recorded the event, where Debezium's outbox keeps it: java.util.Properties
-- text with the keys traceparent and tracestate. Null when the write carried none. The publication covers the
-- outbox table, so the relay decodes the column with the row. A nullable column without default: no table rewrite.
ALTER TABLE outbox ADD COLUMN tracingspancontext text;
