package dev.outboxpipeline.projector.sink;

import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.contract.EventRecord;
import dev.outboxpipeline.projector.model.Json;
import dev.outboxpipeline.projector.model.Row;
import dev.outboxpipeline.projector.topology.EventParser;
import dev.outboxpipeline.projector.topology.HeaderValues;
import dev.outboxpipeline.projector.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code readmodel.<table>} record, written by the topology and read by the sink: key = the row's id, value =
 * the row's JSON, or a tombstone for a deletion marker; the row's source version, source commit time and the trace
 * context of the write behind it in the {@code version}, {@code source-ts-ms} and {@code traceparent}/{@code tracestate}
 * headers (a tombstone has no value to carry them).
 */
public final class ReadModelFormat {

    private final Map<String, SinkTable> tableByTopic;

    ReadModelFormat(Topics topics) {
        this.tableByTopic = Map.of(topics.customerRows(), SinkTable.CUSTOMER,
                topics.purchaseOrderRows(), SinkTable.PURCHASE_ORDER,
                topics.orderViewRows(), SinkTable.ORDER_VIEW);
    }

    /** The Streams processor that turns a table's row into its change record. */
    public static <R extends Row> FixedKeyProcessor<String, R, R> encoder() {
        return new Encoder<>();
    }

    /** The change a record carries; a record that is not a read-model change throws with the reason. */
    Change decode(ConsumerRecord<String, byte[]> r) {
        SinkTable table = tableByTopic.get(r.topic());
        if (table == null) {
            throw new IllegalArgumentException("not a read-model topic: " + r.topic());
        }
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        UUID id = UUID.fromString(r.key());
        Optional<Long> ts = HeaderValues.number(r.headers(), EventHeaders.SOURCE_TS_MS);
        if (r.value() == null) {
            long version = HeaderValues.number(r.headers(), EventHeaders.VERSION).orElseThrow(() ->
                    new IllegalArgumentException("tombstone without a '" + EventHeaders.VERSION + "' header"));
            return new Change(table, tp, r.offset(), id, version, null, ts.orElse(r.timestamp()), EventParser.trace(r.headers()));
        }
        Row row = Json.read(r.value(), table.rowType());
        return new Change(table, tp, r.offset(), id, row.version(), row, ts.orElse(row.sourceTsMs()),
                EventParser.trace(r.headers()));
    }

    /** A batch of records decoded: its changes, the records that are none, and the last offset per partition. */
    record Decoded(List<Change> changes, List<Rejected> undecodable, Map<TopicPartition, Long> lastOffsets) {
    }

    Decoded decodeAll(Iterable<ConsumerRecord<String, byte[]>> records) {
        List<Change> changes = new ArrayList<>();
        List<Rejected> undecodable = new ArrayList<>();
        Map<TopicPartition, Long> last = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            last.put(tp, r.offset());
            try {
                changes.add(decode(r));
            } catch (RuntimeException e) {
                undecodable.add(new Rejected(tp, r.offset(), "cannot decode the read-model record: " + e));
            }
        }
        return new Decoded(changes, undecodable, last);
    }

    private static final class Encoder<R extends Row> implements FixedKeyProcessor<String, R, R> {

        private FixedKeyProcessorContext<String, R> context;

        @Override
        public void init(FixedKeyProcessorContext<String, R> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, R> record) {
            R row = record.value();
            if (row == null) {
                return; // the tables keep deletion markers, so this never carries a version; nothing to say
            }
            RecordHeaders headers = new RecordHeaders();
            headers.add(EventHeaders.VERSION, EventRecord.utf8(row.version()));
            headers.add(EventHeaders.SOURCE_TS_MS, EventRecord.utf8(row.sourceTsMs()));
            // the sink links its apply span to the write behind the row; the join's records carry no event headers
            row.trace().ifPresent(t -> {
                headers.add(EventHeaders.TRACEPARENT, EventRecord.utf8(t.traceparent()));
                t.tracestate().ifPresent(ts -> headers.add(EventHeaders.TRACESTATE, EventRecord.utf8(ts)));
            });
            context.forward(record.withValue(row.deleted() ? null : row).withHeaders(headers));
        }
    }
}
