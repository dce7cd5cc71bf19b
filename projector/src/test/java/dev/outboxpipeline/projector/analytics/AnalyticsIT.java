package dev.outboxpipeline.projector.analytics;

import dev.outboxpipeline.infra.KafkaBroker;
import dev.outboxpipeline.infra.SharedServers;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.projector.EventProducer;
import dev.outboxpipeline.projector.Events;
import dev.outboxpipeline.projector.Projector;
import dev.outboxpipeline.projector.ProjectorSettings;
import dev.outboxpipeline.projector.SinkRows;
import dev.outboxpipeline.projector.TestPipeline;
import dev.outboxpipeline.projector.analytics.WindowRecomputation.CustomerWindow;
import dev.outboxpipeline.projector.analytics.WindowRecomputation.Placement;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AnalyticsIT {

    private static final Duration PATIENCE = Duration.ofSeconds(180);
    private static final long MINUTE = 60_000;

    private final KafkaBroker kafka = SharedServers.kafka();

    @Test
    void aKnownHistoryEndsAsExactlyTheseFinalWindowsInTheSink() throws Exception {
        TestPipeline p = TestPipeline.create("analytics_known", SharedServers.postgres(), kafka);
        long t0 = (System.currentTimeMillis() / MINUTE - 20) * MINUTE; // twenty minutes ago, on a whole minute
        String ada = Events.newId();
        String bob = Events.newId();
        List<ProducerRecord<String, byte[]>> history = new ArrayList<>();
        history.add(placed(p, ada, t0 + 5_000, 2));           // 21.00
        history.add(placed(p, ada, t0 + 50_000, 1));          // 10.50, 45 s later: a second session
        history.add(placed(p, bob, t0 + MINUTE, 3));          // 31.50, the next window's first millisecond
        history.add(customer(p, ada, t0 + 70_000));           // 20 s after ada's last: extends her second session
        PrometheusMeterRegistry registry = ServiceHttp.newRegistry();
        try (EventProducer producer = new EventProducer(kafka.bootstrapServers());
             Projector projector = Projector.start(withAnalytics(p), registry)) {
            producer.send(history);
            SinkRows rows = p.rows();

            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertThat(rows.query("SELECT customer_id || ' ' || (extract(epoch FROM window_start) * 1000)::bigint"
                        + " || ' ' || orders || ' ' || revenue || ' ' || final FROM revenue_per_customer_minute ORDER BY 1"))
                        .containsExactlyInAnyOrder(ada + " " + t0 + " 2 31.50 true", bob + " " + (t0 + MINUTE) + " 1 31.50 true");
                assertThat(rows.query("SELECT customer_id || ' ' || (extract(epoch FROM session_start) * 1000)::bigint"
                        + " || ' ' || (extract(epoch FROM session_end) * 1000)::bigint || ' ' || changes || ' ' || final"
                        + " FROM customer_session"))
                        .containsExactlyInAnyOrder(ada + " " + (t0 + 5_000) + " " + (t0 + 5_000) + " 1 true",
                                ada + " " + (t0 + 50_000) + " " + (t0 + 70_000) + " 2 true",
                                bob + " " + (t0 + MINUTE) + " " + (t0 + MINUTE) + " 1 true");
                assertThat(rows.query("SELECT (extract(epoch FROM window_start) * 1000)::bigint || ' ' || orders"
                        + " FROM orders_moving_5m WHERE final"))
                        .containsExactlyInAnyOrder(
                                (t0 - 4 * MINUTE) + " 2", (t0 - 3 * MINUTE) + " 3", (t0 - 2 * MINUTE) + " 3",
                                (t0 - MINUTE) + " 3", t0 + " 3", (t0 + MINUTE) + " 1");
                assertThat(rows.query("SELECT count(*) FROM orders_moving_5m WHERE NOT final")).containsExactly("0");
            });

            String revenue = get(projector, "/analytics/revenue?customer=" + ada + "&from=" + Instant.ofEpochMilli(t0 - MINUTE)
                    + "&to=" + Instant.ofEpochMilli(t0 + 10 * MINUTE));
            assertThat(revenue).contains("\"orders\":2").contains("\"final\":true").contains(Instant.ofEpochMilli(t0).toString());
            assertThat(get(projector, "/analytics/sessions?customer=" + ada)).contains("\"changes\":2");
            assertThat(get(projector, "/analytics/orders?from=" + (t0 - 5 * MINUTE) + "&to=" + (t0 + 5 * MINUTE)))
                    .contains("\"orders\":3");
            assertThat(get(projector, "/dashboard")).contains("<canvas");
            assertThat(get(projector, "/dashboard/data")).contains("\"ordersPerMinute\":[{");
            assertThat(registry.get("analytics.events.late").counter().count()).isZero();
        }
    }

    /** A backlog drains unevenly across partitions; windows after the repartition must still be exact. */
    @Test
    void aBacklogOfTenMinutesCaughtUpAfterDowntimeGivesExactFinalWindows() throws Exception {
        TestPipeline p = TestPipeline.create("analytics_catchup", SharedServers.postgres(), kafka);
        Random random = new Random(15);
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            customers.add(Events.newId());
        }
        long start = System.currentTimeMillis() - 10 * MINUTE;
        List<Placement> placements = new ArrayList<>();
        List<ProducerRecord<String, byte[]>> backlog = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            String c = customers.get(random.nextInt(customers.size()));
            long ts = start + i * 200L; // in commit order, as the relay writes them
            int quantity = 1 + random.nextInt(3);
            backlog.add(placed(p, c, ts, quantity));
            placements.add(new Placement(c, ts, new BigDecimal("10.50").multiply(BigDecimal.valueOf(quantity))));
        }
        PrometheusMeterRegistry registry = ServiceHttp.newRegistry();
        try (EventProducer producer = new EventProducer(kafka.bootstrapServers())) {
            for (int i = 0; i < backlog.size(); i += 500) {
                producer.send(backlog.subList(i, Math.min(backlog.size(), i + 500)));
            }
        }
        Map<String, String> expected = new TreeMap<>();
        WindowRecomputation.revenue(placements, AnalyticsSettings.DEFAULT_TUMBLING_WINDOW).forEach((CustomerWindow w, Revenue r) ->
                expected.put(w.customerId() + " " + w.windowStart(), r.orders() + " " + r.revenue()));
        TreeSet<String> expectedMoving = new TreeSet<>();
        TreeSet<String> closedByTheBacklog = new TreeSet<>(); // the others close with the wall clock, up to 5 min later
        long lastTs = placements.get(placements.size() - 1).tsMs();
        WindowRecomputation.moving(placements, AnalyticsSettings.DEFAULT_HOPPING_WINDOW, AnalyticsSettings.DEFAULT_HOPPING_ADVANCE)
                .forEach((s, n) -> {
                    expectedMoving.add(s + " " + n);
                    if (s + AnalyticsSettings.DEFAULT_HOPPING_WINDOW.toMillis() + AnalyticsSettings.DEFAULT_GRACE.toMillis() <= lastTs) {
                        closedByTheBacklog.add(s + " " + n);
                    }
                });

        try (Projector projector = Projector.start(withAnalytics(p), registry)) {
            SinkRows rows = p.rows();
            await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(rows.query("SELECT customer_id || ' ' || (extract(epoch FROM window_start) * 1000)::bigint"
                        + " || ' ' || orders || ' ' || revenue FROM revenue_per_customer_minute WHERE final"))
                        .containsExactlyInAnyOrderElementsOf(expected.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList());
                assertThat(rows.query("SELECT (extract(epoch FROM window_start) * 1000)::bigint || ' ' || orders"
                        + " FROM orders_moving_5m WHERE final")).containsAll(closedByTheBacklog).isSubsetOf(expectedMoving);
            });
            assertThat(registry.get("analytics.events.late").counter().count()).isZero();

            AnalyticsCheck check = new AnalyticsCheck(p.settings().kafka().clientConfig(), AnalyticsTopics.of(p.topics()),
                    p.sink(), AnalyticsSettings.defaults());
            AnalyticsCheck.Report equal = check.run();
            assertThat(equal.differences()).isEmpty();
            assertThat(equal.equal() + equal.open()).isEqualTo(expected.size() + expectedMoving.size());

            // a final row is never rewritten, so the running projector leaves the tampered one as it is
            rows.execute("UPDATE revenue_per_customer_minute SET revenue = revenue + 1"
                    + " WHERE (customer_id, window_start) IN (SELECT customer_id, window_start FROM revenue_per_customer_minute LIMIT 1)");
            assertThat(check.run().differences()).singleElement().satisfies(d -> assertThat(d).contains("the topic says"));
        }
    }

    private static ProjectorSettings withAnalytics(TestPipeline p) {
        return p.settings().withAnalytics(AnalyticsSettings.defaults());
    }

    private static ProducerRecord<String, byte[]> placed(TestPipeline p, String customer, long ts, int quantity) {
        String order = Events.newId();
        return new ProducerRecord<>(p.topics().orderEvents(), null, null, order,
                Events.order(order, customer, "NEW", 1, quantity), Events.headers("OrderPlaced", 1, ts));
    }

    private static ProducerRecord<String, byte[]> customer(TestPipeline p, String customer, long ts) {
        return new ProducerRecord<>(p.topics().customerEvents(), null, null, customer,
                Events.customer(customer, "Ada", "ada@example.com", 2), Events.headers("CustomerUpdated", 2, ts));
    }

    private static String get(Projector projector, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + projector.port() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }
}
