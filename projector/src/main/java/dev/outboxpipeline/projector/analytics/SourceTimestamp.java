package dev.outboxpipeline.projector.analytics;

import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.projector.topology.HeaderValues;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time is the source commit time ({@code source-ts-ms}), never the broker's append time: a
 * backlog relayed late still lands in the windows of when it happened. A record without the header
 * (not written by the relay) falls back to its own timestamp.
 */
public final class SourceTimestamp implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        return HeaderValues.number(record.headers(), EventHeaders.SOURCE_TS_MS).orElse(record.timestamp());
    }
}
