package dev.outboxpipeline.lab.bench;

import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.config.KafkaSettings;
import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.PostgresServer;
import dev.outboxpipeline.infra.PostgresServers;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The throwaway servers of one benchmark: a PostgreSQL and, when asked, a Kafka broker in this process. The
 * services under test are configured as users configure them: {@link #environment} is the user's environment,
 * whose tuning variables (RELAY_*, PROJECTOR_*, KAFKA_* client properties...) pass through, with the
 * throwaway servers' addresses in place of the connection settings.
 */
final class BenchServers implements AutoCloseable {

    /** Connection settings: the throwaway servers' always win over the user's. */
    private static final List<String> CONNECTION = List.of("SOURCE_DB_", "SINK_DB_", KafkaSettings.BOOTSTRAP_VARIABLE);
    private static final List<String> TUNING = List.of("RELAY_", "PROJECTOR_", "WRITER_", "EVENT_TOPIC_", "KAFKA_");

    private final Env user;
    private final PostgresServer postgres;
    private final KafkaBroker kafka;

    private BenchServers(Env user, PostgresServer postgres, KafkaBroker kafka) {
        this.user = user;
        this.postgres = postgres;
        this.kafka = kafka;
    }

    static BenchServers postgres(String name, Env user) {
        return new BenchServers(user, PostgresServers.start(name, new PrintStream(OutputStream.nullOutputStream())), null);
    }

    static BenchServers postgresAndKafka(String name, Env user) {
        PostgresServer postgres = PostgresServers.start(name, new PrintStream(OutputStream.nullOutputStream()));
        try {
            return new BenchServers(user, postgres, KafkaBroker.start());
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    PostgresServer postgresServer() {
        return postgres;
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    KafkaSettings kafka() {
        return KafkaSettings.of(kafka.bootstrapServers());
    }

    /** A new database, migrated as the source or a sink. */
    JdbcSettings database(String name, Database kind) {
        JdbcSettings db = JdbcSettings.of(kind == Database.SOURCE ? JdbcSettings.SOURCE : JdbcSettings.SINK,
                postgres.createDatabase(name), postgres.user(), postgres.password());
        Migrations.migrate(kind, db);
        return db;
    }

    /** A new empty database (bootstrap migrates its own). */
    JdbcSettings emptySink(String name) {
        return JdbcSettings.of(JdbcSettings.SINK, postgres.createDatabase(name), postgres.user(), postgres.password());
    }

    /**
     * The services' environment: {@code defaults} (the bench's own choices), then the user's tuning variables,
     * then the throwaway servers' addresses and any free HTTP ports.
     */
    Map<String, String> environment(Map<String, String> defaults, JdbcSettings source, JdbcSettings sink) {
        return environment(user, defaults, source, sink, kafka == null ? null : kafka.bootstrapServers());
    }

    static Map<String, String> environment(Env user, Map<String, String> defaults, JdbcSettings source, JdbcSettings sink,
                                           String bootstrapServers) {
        Map<String, String> env = new LinkedHashMap<>(defaults);
        for (String prefix : TUNING) {
            user.withPrefix(prefix).forEach((k, v) -> {
                if (CONNECTION.stream().noneMatch(k::startsWith) && !k.endsWith("_HTTP_PORT")) {
                    env.put(k, v);
                }
            });
        }
        connection(env, "SOURCE_DB_", source);
        connection(env, "SINK_DB_", sink);
        if (bootstrapServers != null) {
            env.put(KafkaSettings.BOOTSTRAP_VARIABLE, bootstrapServers);
        }
        for (String service : List.of("WRITER", "RELAY", "PROJECTOR")) {
            env.put(service + "_HTTP_PORT", "0");
        }
        return env;
    }

    private static void connection(Map<String, String> env, String prefix, JdbcSettings db) {
        if (db != null) {
            env.put(prefix + "URL", db.url());
            env.put(prefix + "USER", db.user());
            if (db.password() != null) {
                env.put(prefix + "PASSWORD", db.password());
            }
        }
    }

    @Override
    public void close() {
        try {
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            postgres.close();
        }
    }
}
