package dev.outboxpipeline.projector.sink;

import dev.outboxpipeline.projector.model.Row;
import org.apache.kafka.common.TopicPartition;

import java.util.UUID;

/** One read-model change as read from its topic: an upsert of {@code row}, or a delete when it is null. */
record Change(SinkTable table, TopicPartition partition, long offset, UUID id, long version, Row row,
              long sourceTsMs) {

    boolean isDelete() {
        return row == null;
    }
}
