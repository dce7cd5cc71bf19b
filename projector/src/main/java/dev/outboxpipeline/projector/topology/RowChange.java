package dev.outboxpipeline.projector.topology;

import dev.outboxpipeline.projector.model.Row;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Turns a table's row into the read-model change record: the row, or a tombstone for a deletion
 * marker, with the row's source version, source commit time and the trace context of the write behind it
 * in headers (a tombstone has no value to carry them).
 */
final class RowChange<R extends Row> implements FixedKeyProcessor<String, R, R> {

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
        headers.add(EventHeaders.VERSION, EventHeaders.utf8(row.version()));
        headers.add(EventHeaders.SOURCE_TS_MS, EventHeaders.utf8(row.sourceTsMs()));
        // the sink links its apply span to the write behind the row; the join's records carry no event headers
        row.trace().ifPresent(t -> {
            headers.add(dev.outboxpipeline.contract.EventHeaders.TRACEPARENT, EventHeaders.utf8(t.traceparent()));
            t.tracestate().ifPresent(s -> headers.add(dev.outboxpipeline.contract.EventHeaders.TRACESTATE, EventHeaders.utf8(s)));
        });
        context.forward(record.withValue(row.deleted() ? null : row).withHeaders(headers));
    }
}
