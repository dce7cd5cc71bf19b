package dev.outboxpipeline.projector.analytics;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.db.Connections;
import dev.outboxpipeline.projector.analytics.WindowRecomputation.CustomerWindow;
import dev.outboxpipeline.projector.analytics.WindowRecomputation.Placement;
import dev.outboxpipeline.projector.topology.HeaderValues;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Holds the sink's final tumbling and hopping windows against a recomputation from the
 * {@code OrderPlaced} records still on the order topic (event time {@code source-ts-ms}), less the
 * events recorded on {@code analytics.late}. Compaction removes a placement once its order changes
 * again, so a window whose sink count exceeds what the topic still holds cannot be checked and is
 * counted apart; fewer orders, another revenue, or a closed window absent from the sink is a
 * difference.
 */
public final class AnalyticsCheck {

    private static final Duration POLL = Duration.ofMillis(500);

    public record Report(int equal, int notCheckable, int open, List<String> differences) {
        public boolean ok() {
            return differences.isEmpty();
        }
    }

    private final Map<String, Object> kafka;
    private final AnalyticsTopics topics;
    private final JdbcSettings sink;
    private final AnalyticsSettings settings;

    public AnalyticsCheck(Map<String, Object> kafkaClientConfig, AnalyticsTopics topics, JdbcSettings sink,
                          AnalyticsSettings settings) {
        this.kafka = kafkaClientConfig;
        this.topics = topics;
        this.sink = sink;
        this.settings = settings;
    }

    public Report run() throws SQLException {
        Set<String> late = new HashSet<>();
        readToEnd(topics.late(), (r, ts) -> HeaderValues.text(r.headers(), EventHeaders.ID).ifPresent(late::add));
        List<Placement> placements = new ArrayList<>();
        readToEnd(topics.orderEvents(), (r, ts) -> {
            if (HeaderValues.text(r.headers(), EventHeaders.ID).map(late::contains).orElse(false)) {
                return;
            }
            WindowRecomputation.placement(r.value(), r.headers(), ts).ifPresent(placements::add);
        });
        Map<String, Revenue> expected = new HashMap<>();
        WindowRecomputation.revenue(placements, settings.tumblingWindow())
                .forEach((CustomerWindow w, Revenue r) -> expected.put("revenue " + w.customerId() + " " + Instant.ofEpochMilli(w.windowStart()), r));
        WindowRecomputation.moving(placements, settings.hoppingWindow(), settings.hoppingAdvance())
                .forEach((start, n) -> expected.put("moving " + Instant.ofEpochMilli(start), new Revenue(n, null)));

        Map<String, Revenue> finals = new HashMap<>();
        Set<String> open = new HashSet<>();
        try (Connection c = Connections.open(sink); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT customer_id, window_start, orders, revenue, final FROM revenue_per_customer_minute")) {
                while (rs.next()) {
                    String key = "revenue " + rs.getString(1) + " " + rs.getTimestamp(2).toInstant();
                    if (rs.getBoolean(5)) {
                        finals.put(key, new Revenue(rs.getLong(3), rs.getBigDecimal(4)));
                    } else {
                        open.add(key);
                    }
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT window_start, orders, final FROM orders_moving_5m")) {
                while (rs.next()) {
                    String key = "moving " + rs.getTimestamp(1).toInstant();
                    if (rs.getBoolean(3)) {
                        finals.put(key, new Revenue(rs.getLong(2), null));
                    } else {
                        open.add(key);
                    }
                }
            }
        }
        int equal = 0;
        int notCheckable = 0;
        int stillOpen = 0;
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, Revenue> e : expected.entrySet()) {
            Revenue in = finals.get(e.getKey());
            Revenue want = e.getValue();
            if (in == null) {
                if (open.contains(e.getKey())) {
                    stillOpen++;
                } else {
                    differences.add(e.getKey() + ": " + want.orders() + " orders placed, no final window in the sink");
                }
            } else if (in.orders() > want.orders()) {
                notCheckable++;
            } else if (in.orders() < want.orders() || !sameRevenue(in.revenue(), want.revenue())) {
                differences.add(e.getKey() + ": sink has " + describe(in) + ", the topic says " + describe(want));
            } else {
                equal++;
            }
        }
        for (String key : finals.keySet()) {
            if (!expected.containsKey(key)) {
                notCheckable++; // every placement of it compacted away
            }
        }
        differences.sort(null);
        return new Report(equal, notCheckable, stillOpen, differences);
    }

    private static boolean sameRevenue(BigDecimal a, BigDecimal b) {
        return a == null || b == null || a.compareTo(b) == 0;
    }

    private static String describe(Revenue r) {
        return r.orders() + " orders" + (r.revenue() == null ? ""
                : ", revenue " + r.revenue().setScale(Math.max(2, r.revenue().scale())).toPlainString()); // as money: 21.00
    }

    /** Reads a topic from its beginning up to its end offsets at start, {@code read_committed}. */
    private void readToEnd(String topic, BiConsumer<ConsumerRecord<String, byte[]>, Long> each) {
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                return;
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            SourceTimestamp extractor = new SourceTimestamp();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        @SuppressWarnings("unchecked")
                        ConsumerRecord<Object, Object> any = (ConsumerRecord<Object, Object>) (ConsumerRecord<?, ?>) r;
                        each.accept(r, extractor.extract(any, r.timestamp()));
                    }
                }
            }
        }
    }
}
