package dev.outboxpipeline.projector.topology;

import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.contract.EventRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A read-model record that can never be produced (too large for its topic, or not serializable) would
 * fail its task on every retry. It goes to the dead-letter topic instead (KIP-1034), with the event that
 * caused it, and processing resumes; any other production failure fails as by default.
 *
 * <p>It sends the dead letter itself, with a producer of its own, and waits for the ack: dead-letter
 * records handed back to Streams (KIP-1034) are sent from its producer's I/O thread, which cannot fetch
 * the metadata of a topic it has not written yet, and so time out. The dead letter is outside the
 * Streams transaction: a crash before its commit reprocesses the record and sends it again.
 */
public final class DeadLetterProduction implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProduction.class);
    /** A dead letter carries the source event only below this size, so that it can itself be produced. */
    static final int MAX_CARRIED_BYTES = 256 * 1024;

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private String deadLetters;
    private Map<String, Object> producerConfig;
    private KafkaProducer<byte[], byte[]> producer;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        deadLetters = topic == null ? null : topic.toString();
        producerConfig = new StreamsConfig(configs).getProducerConfigs(configs.get(StreamsConfig.APPLICATION_ID_CONFIG)
                + "-dead-letters");
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
        headers.add(EventHeaders.DLQ_REASON, EventRecord.utf8(reason));
        headers.add(EventHeaders.DLQ_TOPIC, EventRecord.utf8(context.topic()));
        headers.add(EventHeaders.DLQ_PARTITION, EventRecord.utf8(context.partition()));
        headers.add(EventHeaders.DLQ_OFFSET, EventRecord.utf8(context.offset()));
        byte[] value = context.sourceRawValue();
        if (value != null && value.length > MAX_CARRIED_BYTES) {
            value = null;
        }
        try {
            producer().send(new ProducerRecord<>(deadLetters, null, null, context.sourceRawKey(), value, headers))
                    .get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return Response.fail();
        } catch (ExecutionException | TimeoutException | RuntimeException failed) {
            LOG.error("could not dead-letter the change of {}-{}@{} ({}): {}", context.topic(), context.partition(),
                    context.offset(), reason, failed.toString());
            return Response.fail();
        }
        LOG.warn("dead-lettered the change of {}-{}@{} to {}: {}", context.topic(), context.partition(),
                context.offset(), deadLetters, reason);
        return Response.resume();
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) { // only once a record needs it: most runs never do
            producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }
}
