package dev.outboxpipeline.projector.sink;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.projector.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Writes read-model records into a sink in large transactions, each recording the offsets it reached
 * under an application id, exactly as the live {@link SinkWriter} does: a bootstrap can stop at any
 * point and a sink writer with the same id carries on from there, with no gap and nothing applied twice.
 * A record the sink rejects goes to {@code projector.dlq}, as the sink writer does it.
 */
public final class BulkLoader implements AutoCloseable {

    private final ReadModelFormat decoder;
    private final AppliedOffsets offsets;
    private final Connection connection;
    private final SinkDeadLetters deadLetters;
    private long rejected;

    private BulkLoader(ReadModelFormat decoder, AppliedOffsets offsets, Connection connection, SinkDeadLetters deadLetters) {
        this.decoder = decoder;
        this.offsets = offsets;
        this.connection = connection;
        this.deadLetters = deadLetters;
    }

    public static BulkLoader open(String applicationId, JdbcSettings sink, Topics topics,
                                  Map<String, Object> kafkaClientConfig) throws SQLException {
        Connection c = Connections.open(sink);
        c.setAutoCommit(false);
        return new BulkLoader(new ReadModelFormat(topics), new AppliedOffsets(applicationId), c,
                new SinkDeadLetters(topics.deadLetters(), kafkaClientConfig, applicationId + "-bootstrap-dead-letters"));
    }

    /** Applies the records in one transaction; returns how many were new. */
    public int apply(List<ConsumerRecord<String, byte[]>> records) throws SQLException {
        ReadModelFormat.Decoded decoded = decoder.decodeAll(records);
        List<Change> changes = decoded.changes();
        List<Rejected> undecodable = decoded.undecodable();
        Map<TopicPartition, Long> last = decoded.lastOffsets();
        deadLetters.batch(records);
        BatchTransaction.Result result = BatchTransaction.apply(connection, offsets, changes, undecodable, last, deadLetters);
        rejected += result.rejected().size();
        return result.applied().size();
    }

    /** How many records went to the dead-letter topic so far. */
    public long rejected() {
        return rejected;
    }

    /** The offsets applied so far for these partitions (absent: none). */
    public Map<TopicPartition, Long> applied(List<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> applied = offsets.read(connection, partitions);
        connection.commit();
        return applied;
    }

    @Override
    public void close() throws SQLException {
        deadLetters.close();
        connection.close();
    }
}
