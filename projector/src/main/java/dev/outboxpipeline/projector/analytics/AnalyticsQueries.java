package dev.outboxpipeline.projector.analytics;

import io.javalin.Javalin;
import io.javalin.http.Context;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code GET /analytics/revenue}, {@code /analytics/orders} and {@code /analytics/sessions} from the
 * window stores. A key held by another instance is asked of it once, as the read-model queries do;
 * {@code final} says whether every input partition has passed the window's close.
 */
public final class AnalyticsQueries {

    static final String FORWARDED = "X-Projector-Forwarded";
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEFAULT_SPAN = Duration.ofHours(1);

    private final Supplier<Analytics> analytics;
    private final Supplier<HostInfo> self;
    private final AnalyticsSettings settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(FORWARD_TIMEOUT).build();

    /** {@code analytics} is null while they start, and always when they are off. */
    public AnalyticsQueries(Supplier<Analytics> analytics, Supplier<HostInfo> self, AnalyticsSettings settings) {
        this.analytics = analytics;
        this.self = self;
        this.settings = settings;
    }

    public void routes(Javalin app) {
        app.get("/analytics/revenue", ctx -> {
            String customer = customer(ctx);
            if (customer != null) {
                serve(ctx, AnalyticsTopology.REVENUE_STORE, customer, AnalyticsTopology.CUSTOMER_WATERMARKS,
                        (s, closed) -> revenue(s, customer, closed, ctx));
            }
        });
        app.get("/analytics/orders", ctx -> serve(ctx, AnalyticsTopology.MOVING_STORE, AnalyticsTopology.SHOP_KEY,
                AnalyticsTopology.SHOP_WATERMARKS, (s, closed) -> moving(s, closed, ctx)));
        app.get("/analytics/sessions", ctx -> {
            String customer = customer(ctx);
            if (customer != null) {
                serve(ctx, AnalyticsTopology.SESSION_STORE, customer, AnalyticsTopology.CUSTOMER_WATERMARKS,
                        (s, closed) -> sessions(s, customer, closed));
            }
        });
    }

    private interface Answer {
        Object from(KafkaStreams streams, long closedUpTo);
    }

    private Object revenue(KafkaStreams s, String customer, long closed, Context ctx) {
        Instant[] range = range(ctx);
        long size = settings.tumblingWindow().toMillis();
        List<Map<String, Object>> windows = new ArrayList<>();
        try (WindowStoreIterator<Revenue> it = s.store(params(AnalyticsTopology.REVENUE_STORE,
                QueryableStoreTypes.<String, Revenue>windowStore())).fetch(customer, range[0], range[1])) {
            it.forEachRemaining(kv -> windows.add(window(kv.key, kv.key + size, closed,
                    Map.of("orders", kv.value.orders(), "revenue", kv.value.revenue()))));
        }
        return Map.of("customerId", customer, "windows", windows);
    }

    private Object moving(KafkaStreams s, long closed, Context ctx) {
        Instant[] range = range(ctx);
        long size = settings.hoppingWindow().toMillis();
        List<Map<String, Object>> windows = new ArrayList<>();
        try (WindowStoreIterator<Long> it = s.store(params(AnalyticsTopology.MOVING_STORE,
                QueryableStoreTypes.<String, Long>windowStore())).fetch(AnalyticsTopology.SHOP_KEY, range[0], range[1])) {
            it.forEachRemaining(kv -> windows.add(window(kv.key, kv.key + size, closed, Map.of("orders", kv.value))));
        }
        return Map.of("windows", windows);
    }

    private Object sessions(KafkaStreams s, String customer, long closed) {
        long gap = settings.sessionGap().toMillis();
        List<Map<String, Object>> sessions = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, Long> it = s.store(params(AnalyticsTopology.SESSION_STORE,
                QueryableStoreTypes.<String, Long>sessionStore())).fetch(customer)) {
            it.forEachRemaining(kv -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("sessionStart", Instant.ofEpochMilli(kv.key.window().start()).toString());
                row.put("sessionEnd", Instant.ofEpochMilli(kv.key.window().end()).toString());
                row.put("changes", kv.value);
                row.put("final", kv.key.window().end() + gap + settings.grace().toMillis() <= closed);
                sessions.add(row);
            });
        }
        return Map.of("customerId", customer, "sessions", sessions);
    }

    private Map<String, Object> window(long start, long end, long closed, Map<String, Object> values) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("windowStart", Instant.ofEpochMilli(start).toString());
        row.put("windowEnd", Instant.ofEpochMilli(end).toString());
        row.putAll(values);
        row.put("final", end + settings.grace().toMillis() <= closed);
        return row;
    }

    private void serve(Context ctx, String store, String key, String watermarkStore, Answer answer) throws InterruptedException {
        Analytics running = analytics.get();
        if (running == null) {
            if (settings.enabled()) {
                unavailable(ctx, "the analytics are starting");
            } else {
                ctx.status(404).json(Map.of("error", "the analytics are off: start the projector with PROJECTOR_ANALYTICS=true"));
            }
            return;
        }
        KafkaStreams s = running.streams();
        KeyQueryMetadata where = s.queryMetadataForKey(store, key, Serdes.String().serializer());
        if (where == null || where == KeyQueryMetadata.NOT_AVAILABLE) {
            unavailable(ctx, "the analytics are not ready yet");
            return;
        }
        if (!where.activeHost().equals(self.get())) {
            if (ctx.header(FORWARDED) != null) {
                unavailable(ctx, "the windows' partition is moving between instances");
            } else {
                forward(ctx, where.activeHost());
            }
            return;
        }
        try {
            ReadOnlyKeyValueStore<Integer, Long> watermarks = s.store(params(watermarkStore, QueryableStoreTypes.keyValueStore()));
            long closed = Long.MAX_VALUE;
            for (int p = 0; p < running.inputPartitions(); p++) {
                Long w = watermarks.get(p);
                closed = Math.min(closed, w == null ? Long.MIN_VALUE : w);
            }
            long closedUpTo = closed;
            ctx.json(answer.from(s, closedUpTo));
        } catch (InvalidStateStoreException e) {
            unavailable(ctx, "the window store is being restored or moved");
        } catch (IllegalArgumentException e) {
            ctx.status(400).json(Map.of("error", e.getMessage()));
        }
    }

    private static <T> StoreQueryParameters<T> params(String store, QueryableStoreType<T> type) {
        return StoreQueryParameters.fromNameAndType(store, type);
    }

    private static String customer(Context ctx) {
        String c = ctx.queryParam("customer");
        try {
            if (c != null && UUID.fromString(c).toString().equalsIgnoreCase(c)) {
                return c.toLowerCase();
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        ctx.status(400).json(Map.of("error", "customer must be a customer id (a UUID), e.g. ?customer=5f0c…"));
        return null;
    }

    /** {@code from} and {@code to} as ISO-8601 instants or epoch milliseconds; the last hour by default. */
    private static Instant[] range(Context ctx) {
        Instant to = instant(ctx, "to", Instant.now());
        Instant from = instant(ctx, "from", to.minus(DEFAULT_SPAN));
        return new Instant[] {from, to};
    }

    private static Instant instant(Context ctx, String name, Instant otherwise) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return otherwise;
        }
        try {
            return v.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(v)) : Instant.parse(v);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + v + " is not a time: use ISO-8601 (2026-01-01T10:00:00Z) or epoch milliseconds");
        }
    }

    private void forward(Context ctx, HostInfo owner) throws InterruptedException {
        String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + owner.host() + ":" + owner.port() + ctx.path() + query))
                .header(FORWARDED, self.get().host() + ":" + self.get().port()).timeout(FORWARD_TIMEOUT).GET().build();
        try {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            ctx.status(answer.statusCode()).contentType("application/json").result(answer.body());
        } catch (IOException e) {
            unavailable(ctx, "the instance holding it (" + owner.host() + ":" + owner.port() + ") does not answer");
        }
    }

    private static void unavailable(Context ctx, String reason) {
        ctx.status(503).header("Retry-After", "1").json(Map.of("error", reason + ": retry"));
    }
}
