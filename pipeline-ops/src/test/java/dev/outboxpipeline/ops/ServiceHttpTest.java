package dev.outboxpipeline.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ServiceHttpTest {

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void servesHealthAndPrometheusMetricsAndTheServiceRoutes() throws Exception {
        PrometheusMeterRegistry registry = ServiceHttp.newRegistry();
        registry.counter("test.events.relayed").increment(3);
        AtomicBoolean up = new AtomicBoolean(true);
        try (ServiceHttp http = ServiceHttp.start("test", "127.0.0.1", 0, registry,
                () -> up.get() ? Health.up(Map.of("lag", 0)) : Health.down(Map.of("reason", "broker unreachable")),
                app -> app.get("/hello", ctx -> ctx.result("hi")))) {

            HttpResponse<String> health = get(http, "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"service\":\"test\"");

            up.set(false);
            assertThat(get(http, "/health").statusCode()).isEqualTo(503);
            assertThat(get(http, "/health").body()).contains("broker unreachable");
            // a liveness probe must not kill a service that waits for a dependency
            assertThat(get(http, "/health/live").statusCode()).isEqualTo(200);

            HttpResponse<String> metrics = get(http, "/metrics");
            assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            assertThat(metrics.body()).contains("test_events_relayed_total 3.0");

            assertThat(get(http, "/hello").body()).isEqualTo("hi");
        }
    }

    @Test
    void requestsBeyondItsThreadsWaitInTheQueueSoTheirBodiesAreNotOnTheHeapAtOnce() throws Exception {
        AtomicInteger active = new AtomicInteger();
        AtomicInteger entered = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        try (ServiceHttp http = ServiceHttp.start("test", "127.0.0.1", 0, ServiceHttp.newRegistry(), () -> Health.up(Map.of()),
                app -> app.post("/slow", ctx -> {
                    active.incrementAndGet();
                    entered.incrementAndGet();
                    try {
                        release.await();
                        ctx.result(Integer.toString(ctx.body().length()));
                    } finally {
                        active.decrementAndGet();
                    }
                }))) {
            int requests = ServiceHttp.MAX_THREADS + 8;
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                responses.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/slow"))
                        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(10_000))).build(), HttpResponse.BodyHandlers.ofString()));
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> entered.get() >= ServiceHttp.MAX_THREADS / 2);
            // Javalin's default of 250 threads would let all of them in
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> active.get() < ServiceHttp.MAX_THREADS);
            release.countDown();
            for (CompletableFuture<HttpResponse<String>> r : responses) {
                assertThat(r.get(30, TimeUnit.SECONDS).body()).isEqualTo("10000");
            }
            assertThat(entered.get()).isEqualTo(requests);
        }
    }

    private HttpResponse<String> get(ServiceHttp http, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
