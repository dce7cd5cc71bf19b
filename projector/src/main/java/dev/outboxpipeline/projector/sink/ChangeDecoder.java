package dev.outboxpipeline.projector.sink;

import dev.outboxpipeline.projector.model.Json;
import dev.outboxpipeline.projector.model.Row;
import dev.outboxpipeline.projector.topology.EventHeaders;
import dev.outboxpipeline.projector.topology.EventParser;
import dev.outboxpipeline.projector.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reads a {@code readmodel.<table>} record (a row, or a tombstone with its version in a header). */
final class ChangeDecoder {

    private final Map<String, SinkTable> tableByTopic;

    ChangeDecoder(Topics topics) {
        this.tableByTopic = Map.of(topics.customerRows(), SinkTable.CUSTOMER,
                topics.purchaseOrderRows(), SinkTable.PURCHASE_ORDER,
                topics.orderViewRows(), SinkTable.ORDER_VIEW);
    }

    /** The change, or empty when the record is not a read-model change (the reason is thrown). */
    Change decode(ConsumerRecord<String, byte[]> r) {
        SinkTable table = tableByTopic.get(r.topic());
        if (table == null) {
            throw new IllegalArgumentException("not a read-model topic: " + r.topic());
        }
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        UUID id = UUID.fromString(r.key());
        Optional<Long> ts = EventHeaders.number(r.headers(), EventHeaders.SOURCE_TS_MS);
        if (r.value() == null) {
            long version = EventHeaders.number(r.headers(), EventHeaders.VERSION).orElseThrow(() ->
                    new IllegalArgumentException("tombstone without a '" + EventHeaders.VERSION + "' header"));
            return new Change(table, tp, r.offset(), id, version, null, ts.orElse(r.timestamp()), EventParser.trace(r.headers()));
        }
        Row row = Json.read(r.value(), table.rowType());
        return new Change(table, tp, r.offset(), id, row.version(), row, ts.orElse(row.sourceTsMs()),
                EventParser.trace(r.headers()));
    }
}
