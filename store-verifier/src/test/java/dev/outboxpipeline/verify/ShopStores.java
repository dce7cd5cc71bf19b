package dev.outboxpipeline.verify;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.fixtures.TestDatabase;

import java.sql.SQLException;
import java.util.UUID;

/** A migrated source and sink with the same small shop in both, written as the projector would. */
final class ShopStores {

    final JdbcSettings source;
    final JdbcSettings sink;
    final UUID ada = UUID.randomUUID();
    final UUID bob = UUID.randomUUID();
    final UUID order1 = UUID.randomUUID();
    final UUID order2 = UUID.randomUUID();

    ShopStores() throws SQLException {
        source = TestDatabase.source("verify_source").settings();
        sink = newSink("verify_sink");
        execute(source,
                "INSERT INTO customer VALUES ('" + ada + "', 'Ada', 'ada@example.com', 3), ('" + bob + "', 'Bob', 'bob@example.com', 1)",
                "INSERT INTO purchase_order VALUES ('" + order1 + "', '" + ada + "', 'PLACED', 31.50, 2),"
                        + " ('" + order2 + "', '" + bob + "', 'PAID', 5.00, 4)",
                "INSERT INTO order_line VALUES ('" + order1 + "', 1, 'BOOK-42', 3, 10.50),"
                        + " ('" + order2 + "', 1, 'PEN', 1, 2.00), ('" + order2 + "', 2, 'INK', 1, 3.00)");
        project(sink);
    }

    JdbcSettings newSink(String name) {
        return TestDatabase.sink(name).settings();
    }

    /** Writes the read model of the source's shop into a sink, with JSON as the events carry it. */
    void project(JdbcSettings target) throws SQLException {
        String lines1 = "[{\"lineNo\":1,\"sku\":\"BOOK-42\",\"quantity\":3,\"unitPrice\":10.5}]";
        String lines2 = "[{\"sku\":\"PEN\",\"lineNo\":1,\"quantity\":1,\"unitPrice\":2},"
                + "{\"lineNo\":2,\"sku\":\"INK\",\"quantity\":1,\"unitPrice\":3.00}]";
        execute(target,
                "INSERT INTO customer VALUES ('" + ada + "', 'Ada', 'ada@example.com', 3, now()), ('" + bob + "', 'Bob', 'bob@example.com', 1, now())",
                "INSERT INTO purchase_order VALUES ('" + order1 + "', '" + ada + "', 'PLACED', 31.5, '" + lines1 + "', 2, now()),"
                        + " ('" + order2 + "', '" + bob + "', 'PAID', 5, '" + lines2 + "', 4, now())",
                "INSERT INTO order_view VALUES ('" + order1 + "', '" + ada + "', 'PLACED', 31.5, '" + lines1 + "', 2, 'Ada', 'ada@example.com', 3, now()),"
                        + " ('" + order2 + "', '" + bob + "', 'PAID', 5, '" + lines2 + "', 4, 'Bob', 'bob@example.com', 1, now())");
    }

    static void execute(JdbcSettings db, String... statements) {
        new TestDatabase(db).execute(statements);
    }
}
