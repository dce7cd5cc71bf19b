package dev.outboxpipeline.writer.http;

import dev.outboxpipeline.ops.Tracing;
import dev.outboxpipeline.writer.domain.NewLine;
import dev.outboxpipeline.writer.domain.OrderStatus;
import dev.outboxpipeline.writer.service.ConflictException;
import dev.outboxpipeline.writer.service.InvalidInputException;
import dev.outboxpipeline.writer.service.NotFoundException;
import dev.outboxpipeline.writer.service.ShopService;
import dev.outboxpipeline.writer.service.UnavailableException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The writer's JSON API (DESIGN.md, "The writer's HTTP API"). A rejected request gets
 * {@code {"error": "..."}} naming the field or the reason and writes nothing: 400 for bad input, 404 for
 * an unknown id, 409 for a stale version.
 */
public final class ShopRoutes {

    private static final Logger log = LoggerFactory.getLogger(ShopRoutes.class);

    private ShopRoutes() {
    }

    /**
     * {@code shops} gives the running shop, or throws {@link UnavailableException} while there is none yet; each
     * request runs in a span of {@code tracing}'s.
     */
    public static Consumer<Javalin> of(Supplier<ShopService> shops, MeterRegistry registry, Tracing tracing) {
        return app -> {
            RequestTracing.install(app, tracing);
            app.post("/customers", ctx -> {
                JsonBody body = body(ctx);
                ctx.status(201).json(shops.get().createCustomer(body.requiredText("name"), body.requiredText("email")));
            });
            app.get("/customers/{id}", ctx -> ctx.json(shops.get().findCustomer(id(ctx))
                    .orElseThrow(() -> new NotFoundException("customer " + ctx.pathParam("id") + " does not exist"))));
            app.put("/customers/{id}", ctx -> {
                UUID id = id(ctx);
                JsonBody body = body(ctx);
                ctx.json(shops.get().updateCustomer(id, body.requiredText("name"), body.requiredText("email"),
                        body.requiredLong("version")));
            });
            app.delete("/customers/{id}", ctx -> {
                shops.get().deleteCustomer(id(ctx), versionParameter(ctx));
                ctx.status(204);
            });
            app.post("/orders", ctx -> {
                JsonBody body = body(ctx);
                UUID customerId = body.requiredUuid("customerId");
                List<NewLine> lines = body.requiredObjects("lines").stream()
                        .map(l -> new NewLine(l.requiredText("sku"), l.requiredInt("quantity"), l.requiredDecimal("unitPrice")))
                        .toList();
                ctx.status(201).json(shops.get().placeOrder(customerId, lines));
            });
            app.get("/orders/{id}", ctx -> ctx.json(shops.get().findOrder(id(ctx))
                    .orElseThrow(() -> new NotFoundException("order " + ctx.pathParam("id") + " does not exist"))));
            app.put("/orders/{id}", ctx -> {
                UUID id = id(ctx);
                JsonBody body = body(ctx);
                ctx.json(shops.get().updateOrder(id, status(body.requiredText("status")), body.uuid("customerId"),
                        body.requiredLong("version")));
            });
            app.delete("/orders/{id}", ctx -> {
                shops.get().deleteOrder(id(ctx), versionParameter(ctx));
                ctx.status(204);
            });

            app.exception(BodyTooLargeException.class, (e, ctx) -> error(ctx, 413, e.getMessage()));
            app.exception(UnavailableException.class, (e, ctx) -> error(ctx, 503, e.getMessage()));
            app.exception(InvalidInputException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            app.exception(NotFoundException.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
            app.exception(ConflictException.class, (e, ctx) -> error(ctx, 409, e.getMessage()));
            app.exception(Exception.class, (e, ctx) -> {
                log.error("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal error: see the writer's log");
            });
            app.after(ctx -> {
                if (!ctx.path().equals("/metrics") && !ctx.path().equals("/health")) {
                    registry.counter("writer.requests.completed", "method", ctx.method().name(),
                            "status", Integer.toString(ctx.statusCode())).increment();
                }
            });
        };
    }

    // not ctx.body(): Javalin's limit reads only the Content-Length header and would read a chunked body whole
    private static JsonBody body(Context ctx) throws IOException {
        return JsonBody.read(ctx.req().getInputStream(), ctx.req().getContentLengthLong());
    }

    private static UUID id(Context ctx) {
        return Ids.parse("id", ctx.pathParam("id"));
    }

    private static long versionParameter(Context ctx) {
        String v = ctx.queryParam("version");
        if (v == null || v.isBlank()) {
            throw new InvalidInputException("version", "is required: add ?version=N, the version you last read");
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("version", "must be a whole number");
        }
    }

    private static OrderStatus status(String text) {
        try {
            return OrderStatus.valueOf(text.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("status", "must be one of " + Arrays.toString(OrderStatus.values()));
        }
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).json(Map.of("error", message));
    }
}
