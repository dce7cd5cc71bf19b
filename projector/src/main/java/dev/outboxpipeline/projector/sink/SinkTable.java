package dev.outboxpipeline.projector.sink;

import dev.outboxpipeline.projector.model.CustomerRow;
import dev.outboxpipeline.projector.model.Json;
import dev.outboxpipeline.projector.model.Order;
import dev.outboxpipeline.projector.model.OrderFields;
import dev.outboxpipeline.projector.model.OrderView;
import dev.outboxpipeline.projector.model.Row;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * The sink tables and how a batch of changes is written to each: one set-based upsert and one
 * set-based delete per table and batch ({@code unnest} of arrays: a single round trip however big
 * the batch). An upsert never replaces a newer version nor resurrects a row deleted at a later
 * version; a delete records its version in {@code deleted_row}.
 */
enum SinkTable {

    CUSTOMER("customer", CustomerRow.class, "excluded.version > customer.version",
            "id, name, email, version", "?::uuid[], ?::text[], ?::text[], ?::bigint[]",
            "name = excluded.name, email = excluded.email") {
        @Override
        void bind(Connection c, PreparedStatement s, List<Row> rows) throws SQLException {
            s.setArray(1, c.createArrayOf("uuid", rows.stream().map(r -> UUID.fromString(r.id())).toArray()));
            s.setArray(2, c.createArrayOf("text", rows.stream().map(r -> ((CustomerRow) r).name()).toArray()));
            s.setArray(3, c.createArrayOf("text", rows.stream().map(r -> ((CustomerRow) r).email()).toArray()));
            s.setArray(4, c.createArrayOf("bigint", rows.stream().map(Row::version).toArray()));
        }
    },
    PURCHASE_ORDER("purchase_order", Order.class, "excluded.version > purchase_order.version",
            "id, customer_id, status, total, lines, version",
            "?::uuid[], ?::uuid[], ?::text[], ?::numeric[], ?::text[]::jsonb[], ?::bigint[]",
            "customer_id = excluded.customer_id, status = excluded.status, total = excluded.total,"
                    + " lines = excluded.lines") {
        @Override
        void bind(Connection c, PreparedStatement s, List<Row> rows) throws SQLException {
            bindOrderColumns(c, s, rows);
        }
    },
    // A customer's rename or delete changes an order's view at the same order version, so at an equal
    // order version the customer's version decides; a replay (a new application id, two applications
    // writing one sink) then never brings back an older customer name. Orders move between customers:
    // the customer's version is only comparable while the customer is the same.
    ORDER_VIEW("order_view", OrderView.class,
            "excluded.version > order_view.version OR (excluded.version = order_view.version"
                    + " AND (excluded.customer_id IS DISTINCT FROM order_view.customer_id"
                    + " OR coalesce(excluded.customer_version, -1) >= coalesce(order_view.customer_version, -1)))",
            "id, customer_id, status, total, lines, version, customer_name, customer_email, customer_version",
            "?::uuid[], ?::uuid[], ?::text[], ?::numeric[], ?::text[]::jsonb[], ?::bigint[], ?::text[], ?::text[], ?::bigint[]",
            "customer_id = excluded.customer_id, status = excluded.status, total = excluded.total,"
                    + " lines = excluded.lines, customer_name = excluded.customer_name,"
                    + " customer_email = excluded.customer_email, customer_version = excluded.customer_version") {
        @Override
        void bind(Connection c, PreparedStatement s, List<Row> rows) throws SQLException {
            bindOrderColumns(c, s, rows);
            s.setArray(7, c.createArrayOf("text", rows.stream().map(r -> ((OrderView) r).customerName()).toArray()));
            s.setArray(8, c.createArrayOf("text", rows.stream().map(r -> ((OrderView) r).customerEmail()).toArray()));
            s.setArray(9, c.createArrayOf("bigint", rows.stream().map(r -> ((OrderView) r).customerVersion()).toArray()));
        }
    };

    private final String table;
    private final Class<? extends Row> rowType;
    private final String upsertSql;
    private final String deleteSql;

    SinkTable(String table, Class<? extends Row> rowType, String guard, String columns, String arrays, String updates) {
        this.table = table;
        this.rowType = rowType;
        this.upsertSql = "INSERT INTO " + table + " (" + columns + ", updated_at)"
                + " SELECT u.*, now() FROM unnest(" + arrays + ") AS u("
                + columns + ")"
                + " WHERE NOT EXISTS (SELECT 1 FROM deleted_row d WHERE d.table_name = '" + table + "'"
                + " AND d.id = u.id AND d.version >= u.version)"
                + " ON CONFLICT (id) DO UPDATE SET " + updates + ", version = excluded.version,"
                + " updated_at = excluded.updated_at WHERE " + guard;
        this.deleteSql = "WITH u AS (SELECT * FROM unnest(?::uuid[], ?::bigint[]) AS u(id, version)),"
                + " gone AS (DELETE FROM " + table + " t USING u WHERE t.id = u.id AND t.version <= u.version)"
                + " INSERT INTO deleted_row (table_name, id, version, deleted_at)"
                + " SELECT '" + table + "', u.id, u.version, now() FROM u"
                + " ON CONFLICT (table_name, id) DO UPDATE SET version = greatest(deleted_row.version, excluded.version),"
                + " deleted_at = excluded.deleted_at";
    }

    String tableName() {
        return table;
    }

    Class<? extends Row> rowType() {
        return rowType;
    }

    abstract void bind(Connection c, PreparedStatement s, List<Row> rows) throws SQLException;

    /** Parameters 1 to 6: id, customer_id, status, total, lines, version. */
    private static void bindOrderColumns(Connection c, PreparedStatement s, List<Row> rows) throws SQLException {
        List<OrderFields> orders = rows.stream().map(OrderFields.class::cast).toList();
        s.setArray(1, c.createArrayOf("uuid", orders.stream().map(o -> UUID.fromString(o.id())).toArray()));
        s.setArray(2, c.createArrayOf("uuid", orders.stream().map(o -> UUID.fromString(o.customerId())).toArray()));
        s.setArray(3, c.createArrayOf("text", orders.stream().map(OrderFields::status).toArray()));
        s.setArray(4, c.createArrayOf("numeric", orders.stream().map(OrderFields::total).toArray(BigDecimal[]::new)));
        s.setArray(5, c.createArrayOf("text", orders.stream()
                .map(o -> new String(Json.write(o.lines()), StandardCharsets.UTF_8)).toArray()));
        s.setArray(6, c.createArrayOf("bigint", orders.stream().map(Row::version).toArray()));
    }

    /** Writes this table's share of a batch (at most one change per row). */
    void apply(Connection c, List<Change> changes) throws SQLException {
        List<Row> upserts = changes.stream().filter(ch -> !ch.isDelete()).map(Change::row).toList();
        List<Change> deletes = changes.stream().filter(Change::isDelete).toList();
        if (!upserts.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(upsertSql)) {
                bind(c, s, upserts);
                s.executeUpdate();
            }
        }
        if (!deletes.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(deleteSql)) {
                s.setArray(1, c.createArrayOf("uuid", deletes.stream().map(Change::id).toArray()));
                s.setArray(2, c.createArrayOf("bigint", deletes.stream().map(Change::version).toArray()));
                s.executeUpdate();
            }
        }
    }
}
