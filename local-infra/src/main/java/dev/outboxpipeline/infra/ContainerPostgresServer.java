package dev.outboxpipeline.infra;

import org.testcontainers.postgresql.PostgreSQLContainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** PostgreSQL in a Docker container, when a Docker engine answers. */
final class ContainerPostgresServer implements PostgresServer {

    static final String IMAGE = "postgres:17-alpine";

    private final PostgreSQLContainer container;

    private ContainerPostgresServer(PostgreSQLContainer container) {
        this.container = container;
    }

    static ContainerPostgresServer start(String name, Map<String, String> overrides) {
        List<String> command = new ArrayList<>(List.of("postgres"));
        for (Map.Entry<String, String> setting : PostgresSettings.with(overrides).entrySet()) {
            if (!setting.getKey().equals("listen_addresses")) { // the container must listen on its own network
                command.add("-c");
                command.add(setting.getKey() + "=" + setting.getValue());
            }
        }
        PostgreSQLContainer container = new PostgreSQLContainer(IMAGE)
                .withDatabaseName("postgres")
                .withUsername("postgres")
                .withPassword("postgres")
                .withCommand(command.toArray(String[]::new));
        container.start();
        return new ContainerPostgresServer(container);
    }

    @Override
    public String engine() {
        return "Testcontainers (" + IMAGE + ")";
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
    }

    @Override
    public String user() {
        return container.getUsername();
    }

    @Override
    public String password() {
        return container.getPassword();
    }

    @Override
    public void restart() {
        // a Docker restart keeps the container's data and its port mapping
        container.getDockerClient().restartContainerCmd(container.getContainerId()).exec();
        Jdbc.awaitConnectable(jdbcUrl(), user(), password());
    }

    @Override
    public void close() {
        container.stop();
    }
}
