package dev.outboxpipeline.projector;

import dev.outboxpipeline.db.Database;
import dev.outboxpipeline.db.Migrations;
import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.SharedServers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The projector as its own process, killed with SIGKILL again and again under load: afterwards the
 * sink equals the source, and a trigger saw no row ever go to an older version or come back after
 * its deletion.
 */
class ProjectorCrashIT {

    private static final Duration PATIENCE = Duration.ofSeconds(180);
    private static final int KILLS = 3;

    private final KafkaBroker kafka = SharedServers.kafka();

    @Test
    void killedRepeatedlyDuringALoadTheSinkEndsEqualAndNeverWentBackwards() throws Exception {
        TestPipeline p = TestPipeline.create("crash", SharedServers.postgres(), kafka);
        Migrations.migrate(Database.SINK, p.sink());
        installVersionAudit(p.rows());
        ShopModel shop = new ShopModel(p.topics(), 2024, 60);
        Path log = Files.createTempFile("projector-crash-", ".log");
        AtomicBoolean loading = new AtomicBoolean(true);

        try (EventProducer producer = new EventProducer(kafka.bootstrapServers())) {
            Thread load = new Thread(() -> {
                while (loading.get()) {
                    producer.send(shop.next());
                }
            }, "load");
            load.start();
            try {
                for (int kill = 0; kill < KILLS; kill++) {
                    Process projector = startProjector(p, log);
                    try {
                        int appliedBefore = appliedRows(p.rows());
                        await().atMost(PATIENCE).until(() -> appliedRows(p.rows()) > appliedBefore + 20);
                    } finally {
                        projector.destroyForcibly(); // SIGKILL: no shutdown hook, no commit
                    }
                    assertThat(projector.waitFor(30, TimeUnit.SECONDS)).isTrue();
                }
            } finally {
                loading.set(false);
                load.join();
            }

            Process last = startProjector(p, log);
            try {
                ProjectorIT.awaitSinkEquals(p, shop);
            } finally {
                last.destroy();
                if (!last.waitFor(60, TimeUnit.SECONDS)) {
                    last.destroyForcibly();
                }
            }
        }
        assertThat(shop.events()).isGreaterThan(100);
        assertThat(p.rows().query("SELECT table_name || ' ' || id || ': ' || coalesce(old_version::text, 'deleted')"
                + " || ' -> ' || new_version FROM version_regression")).as("rows that went backwards").isEmpty();
    }

    private static Process startProjector(TestPipeline p, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                ProjectorMain.class.getName());
        Map<String, String> env = new HashMap<>();
        env.put("SINK_DB_URL", p.sink().url());
        env.put("SINK_DB_USER", p.sink().user());
        env.put("SINK_DB_PASSWORD", p.sink().password());
        env.put("KAFKA_BOOTSTRAP_SERVERS", p.settings().kafka().bootstrapServers());
        // a killed member is noticed after this, instead of the default 45 s
        env.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
        env.put("PROJECTOR_APPLICATION_ID", p.name());
        env.put("PROJECTOR_TOPIC_PREFIX", p.name() + ".");
        env.put("PROJECTOR_HTTP_PORT", "0");
        env.put("PROJECTOR_STATE_DIR", p.settings().stateDir().toString());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return pb.start();
    }

    private static int appliedRows(SinkRows rows) {
        return Integer.parseInt(rows.query("SELECT (SELECT count(*) FROM customer) + (SELECT count(*) FROM purchase_order)"
                + " + (SELECT coalesce(sum(version), 0) FROM customer)").get(0));
    }

    /** Records every write that takes a row to an older version, or brings back a deleted one. */
    private static void installVersionAudit(SinkRows rows) {
        rows.execute("""
                CREATE TABLE version_regression (table_name text, id uuid, old_version bigint, new_version bigint);
                CREATE FUNCTION audit_version() RETURNS trigger AS $$
                BEGIN
                  IF TG_OP = 'UPDATE' AND NEW.version < OLD.version THEN
                    INSERT INTO version_regression VALUES (TG_TABLE_NAME, NEW.id, OLD.version, NEW.version);
                  ELSIF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM deleted_row d
                      WHERE d.table_name = TG_TABLE_NAME AND d.id = NEW.id AND d.version >= NEW.version) THEN
                    INSERT INTO version_regression VALUES (TG_TABLE_NAME, NEW.id, NULL, NEW.version);
                  END IF;
                  RETURN NEW;
                END $$ LANGUAGE plpgsql;
                -- an order's view also must not go back to an older state of the same customer
                CREATE FUNCTION audit_order_view_customer() RETURNS trigger AS $$
                BEGIN
                  IF NEW.version = OLD.version AND NEW.customer_id = OLD.customer_id
                      AND NEW.customer_version < OLD.customer_version THEN
                    INSERT INTO version_regression VALUES ('order_view customer', NEW.id, OLD.customer_version,
                        NEW.customer_version);
                  END IF;
                  RETURN NEW;
                END $$ LANGUAGE plpgsql;
                CREATE TRIGGER customer_audit BEFORE INSERT OR UPDATE ON customer
                  FOR EACH ROW EXECUTE FUNCTION audit_version();
                CREATE TRIGGER purchase_order_audit BEFORE INSERT OR UPDATE ON purchase_order
                  FOR EACH ROW EXECUTE FUNCTION audit_version();
                CREATE TRIGGER order_view_audit BEFORE INSERT OR UPDATE ON order_view
                  FOR EACH ROW EXECUTE FUNCTION audit_version();
                CREATE TRIGGER order_view_customer_audit BEFORE UPDATE ON order_view
                  FOR EACH ROW EXECUTE FUNCTION audit_order_view_customer();
                """);
    }
}
