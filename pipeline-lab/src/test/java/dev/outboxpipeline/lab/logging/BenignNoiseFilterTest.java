package dev.outboxpipeline.lab.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The lines a clean demo printed (30 WARN and ERROR, stack traces included) go; real problems from the same loggers stay. */
class BenignNoiseFilterTest {

    private final LoggerContext context = new LoggerContext();
    private final BenignNoiseFilter filter = new BenignNoiseFilter();

    @Test
    void dropsTheBrokersTransactionsV2RejectionOnAFreshBrokerAndTheProducersRetries() {
        assertThat(decide("kafka.server.ReplicaManager", Level.ERROR,
                "[ReplicaManager broker=1] Error processing append operation on partition x:readmodel.customer-1",
                new OutOfOrderSequenceException("Invalid sequence number for producer 1 at offset 53 in partition"
                        + " readmodel.customer-1: 12 (incoming seq. number). Expected sequence 0 for transactions v2"
                        + " idempotent producer with no existing state."))).isEqualTo(FilterReply.DENY);
        assertThat(decide(SENDER, Level.WARN, "[Producer clientId=p, transactionalId=t] Got error produce response with"
                + " correlation id 58 on topic-partition readmodel.customer-1, retrying (2147483646 attempts left)."
                + " Error: OUT_OF_ORDER_SEQUENCE_NUMBER", null)).isEqualTo(FilterReply.DENY);
        assertThat(decide(SENDER, Level.WARN, "Got error produce response with correlation id 26 on topic-partition"
                + " outbox.event.order-0, retrying (2147483646 attempts left). Error: CONCURRENT_TRANSACTIONS", null))
                .isEqualTo(FilterReply.DENY);
        assertThat(decide("org.apache.kafka.clients.NetworkClient", Level.WARN, "[Consumer clientId=c, groupId=projector]"
                + " The metadata response from the cluster reported a recoverable issue with correlation id 2 :"
                + " {projector-order-customer-join-subscription-response-topic=UNKNOWN_TOPIC_OR_PARTITION}", null))
                .isEqualTo(FilterReply.DENY);
    }

    @Test
    void keepsRealProblemsFromTheSameLoggers() {
        assertThat(decide("kafka.server.ReplicaManager", Level.ERROR, "Error processing append operation on partition x",
                new OutOfOrderSequenceException("Out of order sequence number for producer 7 at offset 40: 12 (incoming"
                        + " seq. number), 10 (current end sequence number)"))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(SENDER, Level.WARN, "Got error produce response with correlation id 3 on topic-partition"
                + " outbox.event.order-0, retrying (2 attempts left). Error: TOPIC_AUTHORIZATION_FAILED", null))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide("org.apache.kafka.clients.NetworkClient", Level.WARN,
                "Connection to node 1 (/127.0.0.1:9092) could not be established. Node may not be available.", null))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide("dev.outboxpipeline.relay.Relay", Level.ERROR,
                "relay stopped: Error: CONCURRENT_TRANSACTIONS retrying", null)).isEqualTo(FilterReply.NEUTRAL);
    }

    private static final String SENDER = "org.apache.kafka.clients.producer.internals.Sender";

    private FilterReply decide(String logger, Level level, String message, Throwable t) {
        return filter.decide(new LoggingEvent(getClass().getName(), context.getLogger(logger), level, message, t, null));
    }
}
