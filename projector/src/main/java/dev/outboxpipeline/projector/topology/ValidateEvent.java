package dev.outboxpipeline.projector.topology;

import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.contract.EventRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Parses each event; a poison one leaves with the reason and its origin in headers, ready for the
 * dead-letter topic. A processor rather than a deserializer, because the parser needs the headers.
 */
final class ValidateEvent<T> implements FixedKeyProcessor<String, byte[], Parsed<T>> {

    private final EventParser.Of<T> parser;
    private FixedKeyProcessorContext<String, Parsed<T>> context;

    ValidateEvent(EventParser.Of<T> parser) {
        this.parser = parser;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Parsed<T>> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        try {
            T row = parser.parse(record.key(), record.value(), record.headers(), record.timestamp());
            context.forward(record.withValue(Parsed.ok(row)));
        } catch (PoisonEventException e) {
            RecordHeaders headers = new RecordHeaders(record.headers().toArray());
            headers.add(EventHeaders.DLQ_REASON, EventRecord.utf8(e.getMessage()));
            context.recordMetadata().ifPresent((RecordMetadata m) -> {
                headers.add(EventHeaders.DLQ_TOPIC, EventRecord.utf8(m.topic()));
                headers.add(EventHeaders.DLQ_PARTITION, EventRecord.utf8(m.partition()));
                headers.add(EventHeaders.DLQ_OFFSET, EventRecord.utf8(m.offset()));
            });
            context.forward(record.withValue(Parsed.<T>poison(e.getMessage(), record.value())).withHeaders(headers));
        }
    }
}
