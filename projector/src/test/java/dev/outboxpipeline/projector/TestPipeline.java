package dev.outboxpipeline.projector;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.fixtures.TestDatabase;
import dev.outboxpipeline.infra.CompactedTopics;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.projector.topology.Topics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One test's own slice of the shared servers: a topic prefix with the event topics created as the
 * relay creates them, a sink database, and projector settings pointing at both.
 */
public record TestPipeline(String name, Topics topics, JdbcSettings sink, ProjectorSettings settings) {

    private static final AtomicInteger COUNT = new AtomicInteger();
    public static final int PARTITIONS = 3;

    public static TestPipeline create(String purpose, PostgresServer postgres, KafkaBroker kafka) {
        return create(purpose, postgres, kafka, true);
    }

    /** A slice whose event topics do not exist yet: the projector (or the relay) starting first creates them. */
    public static TestPipeline withoutEventTopics(String purpose, PostgresServer postgres, KafkaBroker kafka) {
        return create(purpose, postgres, kafka, false);
    }

    private static TestPipeline create(String purpose, PostgresServer postgres, KafkaBroker kafka, boolean eventTopics) {
        String name = purpose + "_" + COUNT.incrementAndGet() + "_" + ProcessHandle.current().pid();
        Topics topics = Topics.withPrefix(name + ".");
        if (eventTopics) {
            CompactedTopics.create(CompactedTopics.adminConfig(kafka.bootstrapServers()), topics.events(), PARTITIONS);
        }
        // the projector migrates in the background once started; tests read the tables at once
        JdbcSettings sink = TestDatabase.migratedAs(Database.SINK, postgres, name).settings();
        ProjectorSettings settings;
        try {
            settings = ProjectorSettings.of(sink, KafkaSettings.of(kafka.bootstrapServers()))
                    .withApplicationId(name).withTopics(topics).withTopicPartitions(PARTITIONS)
                    .withStateDir(Files.createTempDirectory("projector-state-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestPipeline(name, topics, sink, settings);
    }

    public SinkRows rows() {
        return new SinkRows(sink);
    }

    /** Settings for another instance of the same application (its own state directory). */
    public ProjectorSettings anotherInstance() {
        try {
            return settings.withStateDir(Files.createTempDirectory("projector-state-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> readModelTopics() {
        return topics.readModel();
    }
}
