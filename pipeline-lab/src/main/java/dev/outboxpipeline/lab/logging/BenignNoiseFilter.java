package dev.outboxpipeline.lab.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

import java.util.List;

/**
 * Drops the log lines that a healthy line prints on a fresh local broker, so that the demo's own lines and real
 * problems stand out. Each rule names one logger and the text of one known-benign line; anything else, from
 * the same loggers too, passes.
 */
public final class BenignNoiseFilter extends Filter<ILoggingEvent> {

    /** A line is benign when its logger starts with {@code logger} and its message or cause holds all of {@code texts}. */
    record Rule(String logger, String why, List<String> texts) {
        static Rule of(String logger, String why, String... texts) {
            return new Rule(logger, why, List.of(texts));
        }

        boolean matches(ILoggingEvent event) {
            if (!event.getLoggerName().startsWith(logger)) {
                return false;
            }
            String text = event.getFormattedMessage() + causes(event.getThrowableProxy());
            return texts.stream().allMatch(text::contains);
        }
    }

    private static final String SENDER = "org.apache.kafka.clients.producer.internals.Sender";
    private static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";

    static final List<Rule> RULES = List.of(
            // KIP-890 (transactions v2): a fresh broker rejects a transactional producer's first batches while the
            // previous transaction completes; the producer retries them, and nothing is lost or duplicated
            Rule.of("kafka.server.ReplicaManager", "transactions v2 sequence check on a fresh broker",
                    "OutOfOrderSequenceException", "transactions v2 idempotent producer with no existing state"),
            Rule.of(SENDER, "the producer's retry of the rejection above", "retrying", "Error: OUT_OF_ORDER_SEQUENCE_NUMBER"),
            Rule.of(SENDER, "transactions v2: the previous transaction still completing", "retrying", "Error: CONCURRENT_TRANSACTIONS"),
            // topics just created: their leaders are being elected
            Rule.of(SENDER, "leader of a new topic not elected yet", "retrying", "Error: NOT_LEADER_OR_FOLLOWER"),
            Rule.of(SENDER, "metadata refresh after a new topic's election", "Received invalid metadata error",
                    "NotLeaderOrFollowerException"),
            Rule.of(NETWORK_CLIENT, "Kafka Streams' internal topics still being created", "recoverable issue",
                    "UNKNOWN_TOPIC_OR_PARTITION"),
            Rule.of(NETWORK_CLIENT, "new topic's leader not elected yet", "recoverable issue", "LEADER_NOT_AVAILABLE"),
            Rule.of(NETWORK_CLIENT, "the broker's own shutdown", "Attempting to close NetworkClient that has already been closed"),
            Rule.of("org.apache.kafka.controller.QuorumController", "a brand-new broker", "The metadata log appears to be empty"),
            Rule.of("org.apache.kafka.streams.processor.internals.StateDirectory", "the demo's state is throwaway on purpose",
                    "Using an OS temp directory in the state.dir"));

    @Override
    public FilterReply decide(ILoggingEvent event) {
        for (Rule rule : RULES) {
            if (rule.matches(event)) {
                return FilterReply.DENY;
            }
        }
        return FilterReply.NEUTRAL;
    }

    private static String causes(IThrowableProxy t) {
        StringBuilder s = new StringBuilder();
        for (; t != null; t = t.getCause()) {
            s.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return s.toString();
    }
}
