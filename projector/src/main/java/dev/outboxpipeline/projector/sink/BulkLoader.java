package dev.outboxpipeline.projector.sink;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.projector.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes read-model records into a sink in large transactions, each recording the offsets it reached
 * under an application id, exactly as the live {@link SinkWriter} does: a bootstrap can stop at any
 * point and a sink writer with the same id carries on from there, with no gap and nothing applied twice.
 */
public final class BulkLoader implements AutoCloseable {

    private final ChangeDecoder decoder;
    private final AppliedOffsets offsets;
    private final Connection connection;

    private BulkLoader(ChangeDecoder decoder, AppliedOffsets offsets, Connection connection) {
        this.decoder = decoder;
        this.offsets = offsets;
        this.connection = connection;
    }

    public static BulkLoader open(String applicationId, JdbcSettings sink, Topics topics) throws SQLException {
        Connection c = Connections.open(sink);
        c.setAutoCommit(false);
        return new BulkLoader(new ChangeDecoder(topics), new AppliedOffsets(applicationId), c);
    }

    /** Applies the records in one transaction; returns how many were new. */
    public int apply(List<ConsumerRecord<String, byte[]>> records) throws SQLException {
        List<Change> changes = new ArrayList<>(records.size());
        Map<TopicPartition, Long> last = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            last.put(new TopicPartition(r.topic(), r.partition()), r.offset());
            changes.add(decoder.decode(r));
        }
        try {
            return BatchTransaction.apply(connection, offsets, changes, last).size();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    /** The offsets applied so far for these partitions (absent: none). */
    public Map<TopicPartition, Long> applied(List<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> applied = offsets.read(connection, partitions);
        connection.commit();
        return applied;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
