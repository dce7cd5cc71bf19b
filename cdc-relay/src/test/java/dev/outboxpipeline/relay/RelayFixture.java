package dev.outboxpipeline.relay;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.contract.TopicNames;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.PostgresServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One test's world on shared (or private) servers: its own migrated source database, slot, offsets topic
 * and aggregate type (so its event topic is its own), and a read_committed reader of what the relay wrote.
 */
final class RelayFixture {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    final PostgresServer postgres;
    final KafkaBroker kafka;
    final String name;
    final String url;
    final String aggregateType;

    RelayFixture(PostgresServer postgres, KafkaBroker kafka, String testName) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.name = testName + "_" + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet();
        this.url = postgres.createDatabase(name);
        this.aggregateType = "t" + name;
        Migrations.migrate(Database.SOURCE, jdbc());
    }

    JdbcSettings jdbc() {
        return JdbcSettings.of(JdbcSettings.SOURCE, url, postgres.user(), postgres.password());
    }

    String eventTopic() {
        return TopicNames.eventTopic(aggregateType);
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("SOURCE_DB_URL", url);
        env.put("SOURCE_DB_USER", postgres.user());
        env.put("SOURCE_DB_PASSWORD", postgres.password());
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("RELAY_SLOT_NAME", "s" + name);
        env.put("RELAY_OFFSETS_TOPIC", "relay.offsets." + name);
        env.put("RELAY_HTTP_PORT", "0");
        return env;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, postgres.user(), postgres.password());
    }

    OutboxEvent event(String aggregateId, long version) {
        return OutboxEvent.of(aggregateType, aggregateId, version);
    }

    /** Reads the topics (read_committed) from the start until {@code done} holds for what was read, or the timeout. */
    List<ConsumedEvent> read(Pattern topics, Predicate<List<ConsumedEvent>> done, Duration timeout) {
        List<ConsumedEvent> read = new ArrayList<>();
        readRecords(topics, r -> read.add(ConsumedEvent.of(r)), () -> done.test(read), timeout);
        return read;
    }

    /** The records themselves, headers and all, until {@code atLeast} were read or the timeout. */
    List<ConsumerRecord<byte[], byte[]>> readRecords(Pattern topics, int atLeast, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        readRecords(topics, read::add, () -> read.size() >= atLeast, timeout);
        return read;
    }

    private void readRecords(Pattern topics, Consumer<ConsumerRecord<byte[], byte[]>> onRecord,
                             java.util.function.BooleanSupplier done, Duration timeout) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + name + "-" + SEQUENCE.incrementAndGet());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(topics);
            while (!done.getAsBoolean() && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    onRecord.accept(r);
                }
            }
        }
    }

    List<ConsumedEvent> readEvents(int atLeast, Duration timeout) {
        return read(Pattern.compile(Pattern.quote(eventTopic())), l -> l.size() >= atLeast, timeout);
    }

    /** Reads for a while longer after the expected count, so that duplicates would show. */
    List<ConsumedEvent> readEventsSettled(int expected, Duration timeout) {
        List<ConsumedEvent> first = readEvents(expected, timeout);
        Instant settle = Instant.now().plusSeconds(3);
        return read(Pattern.compile(Pattern.quote(eventTopic())),
                l -> l.size() > expected || (l.size() >= first.size() && Instant.now().isAfter(settle)), timeout);
    }
}
