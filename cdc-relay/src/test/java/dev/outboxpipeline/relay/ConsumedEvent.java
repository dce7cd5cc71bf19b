package dev.outboxpipeline.relay;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;

/** A record a read_committed consumer saw on an event or dead-letter topic. */
record ConsumedEvent(String topic, int partition, long offset, String key, byte[] value, String id, long version,
                     String header) {

    static ConsumedEvent of(ConsumerRecord<byte[], byte[]> r) {
        String version = header(r, "aggregate-version");
        StringBuilder all = new StringBuilder();
        for (Header h : r.headers()) {
            all.append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8)).append(';');
        }
        return new ConsumedEvent(r.topic(), r.partition(), r.offset(),
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), r.value(), header(r, "id"),
                version == null ? -1 : Long.parseLong(version), all.toString());
    }

    String headerValue(String name) {
        for (String pair : header.split(";")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
