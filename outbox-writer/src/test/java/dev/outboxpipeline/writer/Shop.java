package dev.outboxpipeline.writer;

import dev.outboxpipeline.fixtures.TestDatabase;
import dev.outboxpipeline.ops.ServiceHttp;
import dev.outboxpipeline.outbox.Outbox;
import dev.outboxpipeline.outbox.OutboxListener;
import dev.outboxpipeline.outbox.OutboxOptions;
import dev.outboxpipeline.writer.domain.ShopDatabase;
import dev.outboxpipeline.writer.service.ShopService;

/** A shop service on its own migrated database, for one test class. */
public record Shop(TestDatabase db, ShopDatabase database, Outbox outbox, ShopService service) implements AutoCloseable {

    public static Shop open(String name, OutboxOptions options) {
        return open(TestDatabase.source(name), options, OutboxListener.NONE);
    }

    public static Shop open(TestDatabase db, OutboxOptions options, OutboxListener listener) {
        ShopDatabase database = ShopDatabase.open(db.settings(), 8);
        Outbox outbox = Outbox.of(ServiceHttp.objectMapper(), options, listener);
        return new Shop(db, database, outbox, ShopService.of(database.sessionFactory(), outbox));
    }

    @Override
    public void close() {
        database.close();
    }
}
