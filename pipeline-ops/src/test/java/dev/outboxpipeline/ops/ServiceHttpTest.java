package dev.outboxpipeline.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

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

    private HttpResponse<String> get(ServiceHttp http, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
