package dev.outboxpipeline.writer;

import dev.outboxpipeline.ops.Health;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.writer.domain.ShopDatabase;
import dev.outboxpipeline.writer.http.ShopRoutes;
import dev.outboxpipeline.writer.outbox.Outbox;
import dev.outboxpipeline.writer.outbox.OutboxRow;
import dev.outboxpipeline.writer.service.ShopService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/** The running writer service: the shop on the source database, served over HTTP with /health and /metrics. */
public final class Writer implements AutoCloseable {

    private static final int HEALTH_CHECK_SECONDS = 2;

    private final ShopDatabase database;
    private final ServiceHttp http;

    private Writer(ShopDatabase database, ServiceHttp http) {
        this.database = database;
        this.http = http;
    }

    public static Writer start(WriterSettings settings) {
        PrometheusMeterRegistry registry = ServiceHttp.newRegistry();
        ShopDatabase database = ShopDatabase.open(settings.source(), settings.poolSize());
        try {
            Outbox outbox = Outbox.of(ServiceHttp.objectMapper(), settings.outboxOptions(), rows -> {
                for (OutboxRow row : rows) {
                    registry.counter("writer.events.committed", "aggregate", row.aggregateType(), "type", row.type())
                            .increment();
                }
            });
            ShopService shop = ShopService.of(database.sessionFactory(), outbox);
            ServiceHttp http = ServiceHttp.start("writer", settings.httpHost(), settings.httpPort(), registry,
                    () -> health(database, settings), ShopRoutes.of(shop, registry));
            return new Writer(database, http);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    private static Health health(ShopDatabase database, WriterSettings settings) {
        Map<String, Object> details = Map.of("database", settings.source().safeUrl(),
                "outboxRemoveAfterInsert", settings.removeAfterInsert());
        try (Connection c = database.dataSource().getConnection()) {
            return c.isValid(HEALTH_CHECK_SECONDS) ? Health.up(details) : Health.down(details);
        } catch (SQLException e) {
            return Health.down(Map.of("database", settings.source().safeUrl(), "error", "database unreachable"));
        }
    }

    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        try {
            http.close();
        } finally {
            database.close();
        }
    }
}
