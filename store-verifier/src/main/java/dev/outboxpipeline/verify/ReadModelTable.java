package dev.outboxpipeline.verify;

import java.util.List;

/**
 * A table of the read model and how to read it: from a sink as stored, or from the source as the
 * business rows say it must be. Both queries yield the same columns, ordered by id, so two sides
 * compare by a streaming merge in bounded memory.
 */
enum ReadModelTable {

    CUSTOMER("customer",
            List.of("name", "email", "version"),
            "SELECT id, name, email, version FROM customer",
            "SELECT id, name, email, version FROM customer"),

    PURCHASE_ORDER("purchase_order",
            List.of("customer_id", "status", "total", "lines", "version"),
            "SELECT id, customer_id, status, total, lines, version FROM purchase_order",
            "SELECT o.id, o.customer_id, o.status, o.total, " + Sql.LINES_JSON + " AS lines, o.version"
                    + " FROM purchase_order o"),

    ORDER_VIEW("order_view",
            List.of("customer_id", "status", "total", "lines", "version", "customer_name", "customer_email"),
            "SELECT id, customer_id, status, total, lines, version, customer_name, customer_email FROM order_view",
            "SELECT o.id, o.customer_id, o.status, o.total, " + Sql.LINES_JSON + " AS lines, o.version,"
                    + " c.name AS customer_name, c.email AS customer_email"
                    + " FROM purchase_order o LEFT JOIN customer c ON c.id = o.customer_id");

    private final String tableName;
    private final List<String> fields;
    private final String sinkSelect;
    private final String sourceSelect;

    ReadModelTable(String tableName, List<String> fields, String sinkSelect, String sourceSelect) {
        this.tableName = tableName;
        this.fields = fields;
        this.sinkSelect = sinkSelect;
        this.sourceSelect = sourceSelect;
    }

    String tableName() {
        return tableName;
    }

    List<String> fields() {
        return fields;
    }

    /** All rows, ordered by id. */
    String query(StoreKind kind) {
        return select(kind) + " ORDER BY 1";
    }

    /** The rows of the given ids ({@code ?} is a uuid[]), ordered by id. */
    String queryIds(StoreKind kind) {
        String alias = kind == StoreKind.SOURCE && this != CUSTOMER ? "o." : "";
        return select(kind) + " WHERE " + alias + "id = ANY (?) ORDER BY 1";
    }

    private String select(StoreKind kind) {
        return kind == StoreKind.SOURCE ? sourceSelect : sinkSelect;
    }

    private static final class Sql {
        /** An order's lines as the events carry them (see docs/event-format.md). */
        static final String LINES_JSON = "(SELECT coalesce(jsonb_agg(jsonb_build_object('lineNo', l.line_no,"
                + " 'sku', l.sku, 'quantity', l.quantity, 'unitPrice', l.unit_price) ORDER BY l.line_no), '[]'::jsonb)"
                + " FROM order_line l WHERE l.order_id = o.id)";
    }
}
