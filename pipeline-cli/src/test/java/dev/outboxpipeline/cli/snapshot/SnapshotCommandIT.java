package dev.outboxpipeline.cli.snapshot;

import dev.outboxpipeline.cli.PipelineCommand;
import dev.outboxpipeline.config.Env;
import dev.outboxpipeline.verify.Store;
import dev.outboxpipeline.verify.StoreVerifier;
import dev.outboxpipeline.verify.VerifyReport;
import dev.outboxpipeline.writer.domain.CustomerState;
import dev.outboxpipeline.writer.service.ConflictException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code ./pipeline snapshot} against the real line: PostgreSQL, Kafka, the relay and the projector. */
class SnapshotCommandIT {

    private static final String CUSTOMERS = "outbox.event.customer";
    private static final String ORDERS = "outbox.event.order";
    private static RunningLine line;

    @BeforeAll
    static void start() {
        line = RunningLine.start();
    }

    @AfterAll
    static void stop() {
        line.close();
    }

    @Test
    void rowsWrittenBeforeThePipelineExistedReachTheSinkAfterASnapshot() {
        List<UUID> customers = insertBehindThePipeline(40, 60);

        Run run = run(line.env("SNAPSHOT_CHUNK_SIZE", "7"), "snapshot");

        assertThat(run.exit).as(run.out + run.err).isZero();
        assertThat(run.out).contains("CustomerSnapshot events published").contains("OrderSnapshot events published");
        VerifyReport report = verify(Duration.ofMinutes(3));
        assertThat(report.equal()).as("%s", report).isTrue();
        assertThat(sinkIds("customer")).containsAll(customers.stream().map(UUID::toString).toList());
    }

    @Test
    void aSecondSnapshotChangesNothingInTheSink() {
        insertBehindThePipeline(20, 30);
        snapshotRelayedAndApplied();
        Map<String, List<String>> before = sinkContent();

        snapshotRelayedAndApplied();

        assertThat(sinkContent()).isEqualTo(before);
        assertThat(verify(Duration.ZERO).equal()).isTrue();
    }

    @Test
    void concurrentUpdatesDuringASnapshotNeverLoseToItInTheTopic() throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ids.add(line.shop().createCustomer("c" + i, "c" + i + "@example.com").id());
        }
        AtomicBoolean snapshotting = new AtomicBoolean(true);
        AtomicLong updates = new AtomicLong();
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            writers.add(CompletableFuture.runAsync(() -> {
                while (snapshotting.get()) {
                    UUID id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
                    try {
                        CustomerState c = line.shop().findCustomer(id).orElseThrow();
                        line.shop().updateCustomer(id, "n" + updates.get(), c.email(), c.version());
                        updates.incrementAndGet();
                    } catch (ConflictException raced) {
                        // another writer won; pick again
                    }
                }
            }));
        }
        try {
            for (int round = 0; round < 3; round++) {
                Run run = run(line.env("SNAPSHOT_CHUNK_SIZE", "3"), "snapshot", "--type", "customer");
                assertThat(run.exit).as(run.out + run.err).isZero();
            }
        } finally {
            snapshotting.set(false);
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();
        }
        assertThat(updates.get()).as("updates committed during the snapshots").isGreaterThan(30);

        Map<String, Long> sourceVersions = sourceVersions("customer");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, ConsumerRecord<String, byte[]>> last = lastPerKey(line.records(CUSTOMERS, Map.of()));
            for (UUID id : ids) {
                ConsumerRecord<String, byte[]> r = last.get(id.toString());
                assertThat(r).as("last record of %s", id).isNotNull();
                assertThat(header(r, "aggregate-version")).as("the topic's last version of %s", id)
                        .isEqualTo(String.valueOf(sourceVersions.get(id.toString())));
            }
        });
        VerifyReport report = verify(Duration.ofMinutes(3));
        assertThat(report.equal()).as("%s", report).isTrue();
    }

    @Test
    void aSnapshotKilledInTheMiddleResumesWithoutPublishingAnythingTwice() throws Exception {
        insertBehindThePipeline(200, 300);
        Map<TopicPartition, Long> customersFrom = line.endOffsets(CUSTOMERS);
        Map<TopicPartition, Long> ordersFrom = line.endOffsets(ORDERS);
        Process child = snapshotInChildJvm(); // customers, then orders
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                    .until(() -> published("order") >= 40);
        } finally {
            child.destroyForcibly(); // SIGKILL, part-way through the orders
            child.waitFor();
        }
        assertThat(published("order")).as("orders published before the kill").isLessThan(sourceVersions("purchase_order").size());

        Run resumed = run(line.env("SNAPSHOT_CHUNK_SIZE", "10"), "snapshot");

        assertThat(resumed.exit).as(resumed.out + resumed.err).isZero();
        assertThat(resumed.out).contains("customer: finished by the interrupted run; continuing with order")
                .contains("order: resumed an interrupted run after id");
        Map<String, Long> customers = sourceVersions("customer");
        Map<String, Long> orders = sourceVersions("purchase_order");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(snapshotsPerKey(CUSTOMERS, customersFrom, "CustomerSnapshot"))
                    .as("CustomerSnapshot events per customer over the killed and the resumed run")
                    .containsOnlyKeys(customers.keySet()).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
            assertThat(snapshotsPerKey(ORDERS, ordersFrom, "OrderSnapshot"))
                    .as("OrderSnapshot events per order over the killed and the resumed run")
                    .containsOnlyKeys(orders.keySet()).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        });
    }

    private static Map<String, Long> snapshotsPerKey(String topic, Map<TopicPartition, Long> from, String type) {
        return line.records(topic, from).stream().filter(r -> type.equals(header(r, "type")))
                .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
    }

    @Test
    void reconcileTombstonesAnAggregateDeletedBehindThePipelinesBack() {
        CustomerState gone = line.shop().createCustomer("Gone", "gone@example.com");
        await().atMost(Duration.ofMinutes(2)).until(() -> sinkIds("customer").contains(gone.id().toString()));
        line.sql("DELETE FROM customer WHERE id = '" + gone.id() + "'"); // no outbox event: a delete lost in a gap

        Run run = run(line.env(), "snapshot", "--type", "customer", "--reconcile");

        assertThat(run.exit).as(run.out + run.err).isZero();
        assertThat(run.out).contains("CustomerDeleted events published for " + gone.id());
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            ConsumerRecord<String, byte[]> last = lastPerKey(line.records(CUSTOMERS, Map.of())).get(gone.id().toString());
            assertThat(last.value()).as("a tombstone").isNull();
            assertThat(header(last, "type")).isEqualTo("CustomerDeleted");
            assertThat(header(last, "aggregate-version")).isEqualTo(String.valueOf(gone.version() + 1));
        });
        await().atMost(Duration.ofMinutes(2)).until(() -> !sinkIds("customer").contains(gone.id().toString()));
        assertThat(verify(Duration.ofMinutes(2)).equal()).isTrue();
    }

    /** Runs a snapshot of everything and waits until the relay has published it all and the sink has taken it in. */
    private static void snapshotRelayedAndApplied() {
        Map<TopicPartition, Long> customersFrom = line.endOffsets(CUSTOMERS);
        Map<TopicPartition, Long> ordersFrom = line.endOffsets(ORDERS);
        Run run = run(line.env(), "snapshot");
        assertThat(run.exit).as(run.out + run.err).isZero();
        long customers = sourceVersions("customer").size();
        long orders = sourceVersions("purchase_order").size();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(line.records(CUSTOMERS, customersFrom).stream().filter(r -> "CustomerSnapshot".equals(header(r, "type"))))
                    .hasSize((int) customers);
            assertThat(line.records(ORDERS, ordersFrom).stream().filter(r -> "OrderSnapshot".equals(header(r, "type"))))
                    .hasSize((int) orders);
        });
        line.awaitQuiet();
    }

    /** Customers (and orders with two lines each) written with plain SQL: no outbox events, as before the pipeline. */
    private static List<UUID> insertBehindThePipeline(int customers, int orders) {
        List<UUID> ids = new ArrayList<>();
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < customers; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            sql.append("INSERT INTO customer VALUES ('").append(id).append("', 'old ").append(i).append("', 'old")
                    .append(i).append("@example.com', ").append(1 + i % 4).append(");\n");
        }
        for (int i = 0; i < orders; i++) {
            UUID order = UUID.randomUUID();
            sql.append("INSERT INTO purchase_order VALUES ('").append(order).append("', '").append(ids.get(i % customers))
                    .append("', 'PAID', 7.50, ").append(2 + i % 3).append(");\n");
            sql.append("INSERT INTO order_line VALUES ('").append(order).append("', 2, 'sku-b', 1, 2.50), ('")
                    .append(order).append("', 1, 'sku-a', 2, 2.50);\n");
        }
        line.sql(sql.toString());
        return ids;
    }

    private static Process snapshotInChildJvm(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PipelineCommand.class.getName(), "snapshot"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(line.env());
        pb.environment().put("SNAPSHOT_CHUNK_SIZE", "10");
        pb.environment().put("SNAPSHOT_CHUNK_PAUSE", "100ms");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    private static long published(String type) throws Exception {
        try (Connection c = dev.outboxpipeline.db.Connections.open(line.source());
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT published FROM snapshot_progress WHERE aggregate_type = '" + type + "' AND finished_at IS NULL")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static Map<String, Long> sourceVersions(String table) {
        Map<String, Long> versions = new HashMap<>();
        try (Connection c = dev.outboxpipeline.db.Connections.open(line.source());
             ResultSet rs = c.createStatement().executeQuery("SELECT id, version FROM " + table)) {
            while (rs.next()) {
                versions.put(rs.getString(1), rs.getLong(2));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return versions;
    }

    private static List<String> sinkIds(String table) {
        return sinkRows("SELECT id FROM " + table + " ORDER BY id");
    }

    /**
     * Every sink row, {@code updated_at} included, except {@code order_view.updated_at}: that table applies equal
     * versions (a customer's rename changes an order's view at the same order version), so a snapshot rewrites
     * its rows with the same content and a new {@code updated_at}.
     */
    private static Map<String, List<String>> sinkContent() {
        return Map.of(
                "customer", sinkRows("SELECT id, name, email, version, updated_at FROM customer ORDER BY id"),
                "purchase_order", sinkRows("SELECT id, customer_id, status, total, lines, version, updated_at"
                        + " FROM purchase_order ORDER BY id"),
                "order_view", sinkRows("SELECT id, customer_id, status, total, lines, version, customer_name,"
                        + " customer_email, customer_version FROM order_view ORDER BY id"),
                "deleted_row", sinkRows("SELECT table_name, id, version, deleted_at FROM deleted_row ORDER BY 1, 2"));
    }

    private static List<String> sinkRows(String query) {
        List<String> rows = new ArrayList<>();
        try (Connection c = dev.outboxpipeline.db.Connections.open(line.sink());
             ResultSet rs = c.createStatement().executeQuery(query)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i == 1 ? "" : "|").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private static Map<String, ConsumerRecord<String, byte[]>> lastPerKey(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, ConsumerRecord<String, byte[]>> last = new HashMap<>();
        records.forEach(r -> last.put(r.key(), r)); // one key's records are in one partition, in order
        return last;
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static VerifyReport verify(Duration wait) {
        return new StoreVerifier(Store.source(line.source()), Store.sink(line.sink())).verify(wait, l -> { });
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = PipelineCommand.commandLine(Env.of(env));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }
}
