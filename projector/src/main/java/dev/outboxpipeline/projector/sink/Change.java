package dev.outboxpipeline.projector.sink;

import dev.outboxpipeline.contract.TraceContext;
import dev.outboxpipeline.projector.model.Row;
import org.apache.kafka.common.TopicPartition;

import java.util.Optional;
import java.util.UUID;

/**
 * One read-model change as read from its topic: an upsert of {@code row}, or a delete when it is null; {@code trace}
 * is the trace context of the write behind it.
 */
record Change(SinkTable table, TopicPartition partition, long offset, UUID id, long version, Row row,
              long sourceTsMs, Optional<TraceContext> trace) {

    Change(SinkTable table, TopicPartition partition, long offset, UUID id, long version, Row row, long sourceTsMs) {
        this(table, partition, offset, id, version, row, sourceTsMs, Optional.empty());
    }

    boolean isDelete() {
        return row == null;
    }
}
