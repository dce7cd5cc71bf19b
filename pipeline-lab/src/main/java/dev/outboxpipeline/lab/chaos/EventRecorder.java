package dev.outboxpipeline.lab.chaos;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A read_committed consumer that reads every event topic from the beginning for the whole run, with no group: what
 * it reads is the record the check compares against the outbox. Reading as the run goes means compaction cannot hide
 * a duplicate.
 */
final class EventRecorder implements AutoCloseable {

    static final List<String> TOPICS = List.of("outbox.event.customer", "outbox.event.order");

    private final String bootstrap;
    private final long startMillis;
    private final List<ConsumedEvent> events = new ArrayList<>();
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final Map<Long, Long> perSecond = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile String failure;

    EventRecorder(String bootstrap, long startMillis) {
        this.bootstrap = bootstrap;
        this.startMillis = startMillis;
        this.thread = new Thread(this::run, "chaos-event-recorder");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            Set<TopicPartition> assigned = new HashSet<>();
            long nextLookup = 0;
            while (!stopping) {
                try {
                    if (System.currentTimeMillis() >= nextLookup) {
                        // the relay creates the topics with the first events; partitions may be added later
                        Set<TopicPartition> all = new HashSet<>(assigned);
                        for (Map.Entry<String, List<PartitionInfo>> t : consumer.listTopics(Duration.ofSeconds(10)).entrySet()) {
                            if (TOPICS.contains(t.getKey())) {
                                t.getValue().forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
                            }
                        }
                        if (!all.equals(assigned)) {
                            Set<TopicPartition> added = new HashSet<>(all);
                            added.removeAll(assigned);
                            consumer.assign(all);
                            consumer.seekToBeginning(added);
                            assigned = all;
                        }
                        nextLookup = System.currentTimeMillis() + 5_000;
                    }
                    if (assigned.isEmpty()) {
                        Pause.of(Duration.ofMillis(500));
                        continue;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        ConsumedEvent e = new ConsumedEvent(r.topic(), r.partition(), r.offset(),
                                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), header(r, "id"),
                                header(r, "type"), parseVersion(header(r, "aggregate-version")));
                        synchronized (events) {
                            events.add(e);
                        }
                        ids.add(String.valueOf(e.id()));
                        perSecond.merge((System.currentTimeMillis() - startMillis) / 1000, 1L, Long::sum);
                    }
                } catch (RuntimeException e) {
                    // a broker restarting or gone (metadata timed out): the consumer reconnects by itself
                    Pause.of(Duration.ofSeconds(1));
                }
            }
        } catch (RuntimeException e) {
            if (!stopping) {
                failure = e.toString();
            }
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static long parseVersion(String v) {
        try {
            return v == null ? -1 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    List<ConsumedEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    boolean hasRead(String id) {
        return ids.contains(id);
    }

    int readCount() {
        synchronized (events) {
            return events.size();
        }
    }

    Map<Long, Long> perSecond() {
        return Map.copyOf(perSecond);
    }

    /** Why the consumer stopped early, if it did (the check then cannot be trusted). */
    String failure() {
        return failure;
    }

    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
