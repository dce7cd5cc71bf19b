package dev.outboxpipeline.projector.query;

import dev.outboxpipeline.projector.model.Row;
import dev.outboxpipeline.projector.topology.ReadModelTopology;
import io.javalin.Javalin;
import io.javalin.http.Context;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code GET /customers/{id}} and {@code GET /orders/{id}} straight from the state stores. A key
 * whose partition another instance holds is asked of that instance (its {@code application.server}),
 * once: a forwarded request is never forwarded again. When that instance does not answer (killed, and
 * the group has not noticed yet) and this one keeps a standby of the partition, the standby answers,
 * marked stale by the {@value #STALE} header. An id that is not a UUID is a 400.
 */
public final class ReadModelQueries {

    static final String FORWARDED = "X-Projector-Forwarded";
    public static final String STALE = "X-Projector-Stale";
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(5);

    private final Supplier<KafkaStreams> streams;
    private final Supplier<HostInfo> self;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(FORWARD_TIMEOUT).build();

    /** {@code self} is this instance's {@code application.server}, known once the HTTP port is bound. */
    public ReadModelQueries(Supplier<KafkaStreams> streams, Supplier<HostInfo> self) {
        this.streams = streams;
        this.self = self;
    }

    public void routes(Javalin app) {
        app.get("/customers/{id}", ctx -> serve(ctx, ReadModelTopology.CUSTOMER_STORE, "customers", "customer"));
        app.get("/orders/{id}", ctx -> serve(ctx, ReadModelTopology.ORDER_VIEW_STORE, "orders", "order"));
    }

    private void serve(Context ctx, String store, String path, String what) throws InterruptedException {
        String id = ctx.pathParam("id");
        try {
            id = UUID.fromString(id).toString();
        } catch (IllegalArgumentException e) {
            ctx.status(400).json(Map.of("error", "id: not a UUID"));
            return;
        }
        KafkaStreams s = streams.get();
        KeyQueryMetadata where = s == null ? null : s.queryMetadataForKey(store, id, Serdes.String().serializer());
        if (where == null || where == KeyQueryMetadata.NOT_AVAILABLE) {
            unavailable(ctx, "the read model is not ready yet");
            return;
        }
        if (!where.activeHost().equals(self.get())) {
            boolean standbyHere = where.standbyHosts().contains(self.get());
            if (ctx.header(FORWARDED) != null) {
                if (standbyHere) {
                    answer(ctx, s, store, what, id, true, where.partition());
                } else {
                    unavailable(ctx, "the " + what + "'s partition is moving between instances");
                }
            } else if (!forward(ctx, where.activeHost(), path + "/" + id, standbyHere)) {
                if (standbyHere) {
                    answer(ctx, s, store, what, id, true, where.partition());
                } else {
                    unavailable(ctx, "the instance holding it (" + where.activeHost().host() + ":"
                            + where.activeHost().port() + ") does not answer");
                }
            }
            return;
        }
        answer(ctx, s, store, what, id, false, where.partition());
    }

    /** From the key's partition only: a store of it that is not here fails, rather than answer a wrong 404. */
    private static void answer(Context ctx, KafkaStreams s, String store, String what, String id, boolean stale,
                               int partition) {
        try {
            StoreQueryParameters<ReadOnlyKeyValueStore<String, Row>> query = StoreQueryParameters.fromNameAndType(store,
                    QueryableStoreTypes.<String, Row>keyValueStore()).withPartition(partition);
            ReadOnlyKeyValueStore<String, Row> rows = s.store(stale ? query.enableStaleStores() : query);
            Row row = rows.get(id);
            if (stale && row == null) {
                // a standby may lag, or be restored from scratch after an unclean stop: it cannot say "no such row"
                unavailable(ctx, "the standby here has no " + what + " " + id + " (yet) while the active instance does not answer");
                return;
            }
            if (stale) {
                ctx.header(STALE, "answered by a standby replica while the active instance does not answer;"
                        + " it may lag behind");
            }
            if (row == null || row.deleted()) {
                ctx.status(404).json(Map.of("error", "no " + what + " " + id));
            } else {
                ctx.json(row);
            }
        } catch (InvalidStateStoreException e) {
            // not a stale answer from a store being restored: restored from scratch, it would say 404 wrongly
            unavailable(ctx, "the " + what + "'s store is being restored or moved");
        }
    }

    /**
     * Asks the instance holding the key and relays its answer; false when it does not answer, or (with a standby here
     * to answer instead) when it answers 503: a killed instance restarted on its port answers so until it runs again.
     */
    private boolean forward(Context ctx, HostInfo owner, String path, boolean standbyHere) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + owner.host() + ":" + owner.port() + "/" + path))
                .header(FORWARDED, self.get().host() + ":" + self.get().port()).timeout(FORWARD_TIMEOUT).GET().build();
        try {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 503 && standbyHere) {
                return false;
            }
            answer.headers().firstValue(STALE).ifPresent(v -> ctx.header(STALE, v));
            ctx.status(answer.statusCode()).contentType("application/json").result(answer.body());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void unavailable(Context ctx, String reason) {
        ctx.status(503).header("Retry-After", "1").json(Map.of("error", reason + ": retry"));
    }
}
