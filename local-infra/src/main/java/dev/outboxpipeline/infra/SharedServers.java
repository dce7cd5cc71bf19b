package dev.outboxpipeline.infra;

/**
 * One PostgreSQL server and one Kafka broker per JVM, started on first use and stopped at exit, so that
 * integration tests share them instead of paying for a start each. Tests isolate themselves with their
 * own databases ({@link PostgresServer#createDatabase}) and topic names.
 */
public final class SharedServers {

    private static PostgresServer postgres;
    private static KafkaBroker kafka;

    private SharedServers() {
    }

    public static synchronized PostgresServer postgres() {
        if (postgres == null) {
            PostgresServer server = PostgresServers.start("shared");
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "stop-shared-postgres"));
            postgres = server;
        }
        return postgres;
    }

    public static synchronized KafkaBroker kafka() {
        if (kafka == null) {
            KafkaBroker broker = KafkaBroker.start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "stop-shared-kafka"));
            kafka = broker;
        }
        return kafka;
    }
}
