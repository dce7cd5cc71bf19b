package dev.outboxpipeline.projector.topology;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * A read-model record that can never be produced (too large for its topic, or not serializable) would
 * fail its task on every retry. It goes to the dead-letter topic instead (KIP-1034), with the event that
 * caused it, and processing resumes; any other production failure fails as by default.
 */
public final class DeadLetterProduction implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProduction.class);
    /** A dead letter carries the source event only below this size, so that it can itself be produced. */
    static final int MAX_CARRIED_BYTES = 256 * 1024;

    private String deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        deadLetters = topic == null ? null : topic.toString();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception e) {
        if (e instanceof RecordTooLargeException) {
            return deadLetter(context, record.topic(), e);
        }
        return Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception e,
                                             SerializationExceptionOrigin origin) {
        return deadLetter(context, record.topic(), e);
    }

    private Response deadLetter(ErrorHandlerContext context, String target, Exception e) {
        if (deadLetters == null) {
            return Response.fail();
        }
        String reason = "cannot produce to " + target + ": " + e;
        RecordHeaders headers = new RecordHeaders(context.headers().toArray());
        headers.add(EventHeaders.DLQ_REASON, EventHeaders.utf8(reason));
        headers.add(EventHeaders.DLQ_TOPIC, EventHeaders.utf8(context.topic()));
        headers.add(EventHeaders.DLQ_PARTITION, EventHeaders.utf8(context.partition()));
        headers.add(EventHeaders.DLQ_OFFSET, EventHeaders.utf8(context.offset()));
        byte[] value = context.sourceRawValue();
        if (value != null && value.length > MAX_CARRIED_BYTES) {
            value = null;
        }
        LOG.warn("dead-lettered the change of {}-{}@{} to {}: {}", context.topic(), context.partition(),
                context.offset(), deadLetters, reason);
        return Response.resume(List.of(new ProducerRecord<>(deadLetters, null, null, context.sourceRawKey(), value, headers)));
    }
}
