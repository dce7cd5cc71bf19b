package dev.outboxpipeline.projector.sink;

import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code projector_offsets}: the last Kafka offset applied per partition, written with the rows. */
public final class AppliedOffsets {

    private static final String PARTITIONS = "unnest(?::text[], ?::int[]) AS u(topic, partition)";

    private final String applicationId;

    public AppliedOffsets(String applicationId) {
        this.applicationId = applicationId;
    }

    /** The applied offsets, without locking; a partition never applied is absent. */
    public Map<TopicPartition, Long> read(Connection c, Collection<TopicPartition> partitions) throws SQLException {
        return select(c, partitions, "");
    }

    /**
     * Locks the partitions' rows until the transaction ends and returns their applied offsets, so two
     * instances handing a partition over during a rebalance apply each offset once, in order.
     */
    public Map<TopicPartition, Long> lock(Connection c, Collection<TopicPartition> partitions) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO projector_offsets"
                + " (application_id, topic, partition, applied_offset, updated_at)"
                + " SELECT ?, u.topic, u.partition, -1, now() FROM " + PARTITIONS + " ON CONFLICT DO NOTHING")) {
            s.setString(1, applicationId);
            bindPartitions(c, s, 2, sorted(partitions));
            s.executeUpdate();
        }
        return select(c, partitions, " ORDER BY o.topic, o.partition FOR UPDATE OF o");
    }

    public void store(Connection c, Map<TopicPartition, Long> applied) throws SQLException {
        List<TopicPartition> partitions = sorted(applied.keySet());
        try (PreparedStatement s = c.prepareStatement("UPDATE projector_offsets o"
                + " SET applied_offset = u.applied_offset, updated_at = now()"
                + " FROM unnest(?::text[], ?::int[], ?::bigint[]) AS u(topic, partition, applied_offset)"
                + " WHERE o.application_id = ? AND o.topic = u.topic AND o.partition = u.partition")) {
            bindPartitions(c, s, 1, partitions);
            s.setArray(3, c.createArrayOf("bigint", partitions.stream().map(applied::get).toArray()));
            s.setString(4, applicationId);
            s.executeUpdate();
        }
    }

    private Map<TopicPartition, Long> select(Connection c, Collection<TopicPartition> partitions, String suffix)
            throws SQLException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT o.topic, o.partition, o.applied_offset"
                + " FROM projector_offsets o JOIN " + PARTITIONS
                + " ON o.topic = u.topic AND o.partition = u.partition WHERE o.application_id = ?" + suffix)) {
            bindPartitions(c, s, 1, sorted(partitions));
            s.setString(3, applicationId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    offsets.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
                }
            }
        }
        return offsets;
    }

    private static void bindPartitions(Connection c, PreparedStatement s, int first, List<TopicPartition> partitions)
            throws SQLException {
        s.setArray(first, c.createArrayOf("text", partitions.stream().map(TopicPartition::topic).toArray()));
        s.setArray(first + 1, c.createArrayOf("integer", partitions.stream().map(TopicPartition::partition).toArray()));
    }

    private static List<TopicPartition> sorted(Collection<TopicPartition> partitions) {
        return partitions.stream()
                .sorted(Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition))
                .toList();
    }
}
