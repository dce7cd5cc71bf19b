package dev.outboxpipeline.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/** Streams rows of a query result, normalising values so that equal data compares equal. */
final class RowReader implements Iterator<NormalisedRow> {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private final ResultSet rs;
    private final ReadModelTable table;
    private NormalisedRow next;

    RowReader(ResultSet rs, ReadModelTable table) throws SQLException {
        this.rs = rs;
        this.table = table;
        advance();
    }

    @Override
    public boolean hasNext() {
        return next != null;
    }

    @Override
    public NormalisedRow next() {
        if (next == null) {
            throw new NoSuchElementException();
        }
        NormalisedRow current = next;
        try {
            advance();
        } catch (SQLException e) {
            throw new IllegalStateException("reading " + table.tableName() + " failed: " + e.getMessage(), e);
        }
        return current;
    }

    private void advance() throws SQLException {
        if (!rs.next()) {
            next = null;
            return;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String field : table.fields()) {
            values.put(field, normalise(rs, field));
        }
        next = new NormalisedRow(rs.getString("id"), values);
    }

    private static String normalise(ResultSet rs, String column) throws SQLException {
        int type = rs.getMetaData().getColumnType(rs.findColumn(column));
        if (type == Types.NUMERIC || type == Types.DECIMAL) {
            BigDecimal n = rs.getBigDecimal(column);
            return n == null ? null : n.stripTrailingZeros().toPlainString();
        }
        String text = rs.getString(column);
        if (text != null && "jsonb".equals(rs.getMetaData().getColumnTypeName(rs.findColumn(column)))) {
            return canonicalJson(text);
        }
        return text;
    }

    static String canonicalJson(String text) {
        try {
            return JSON.writeValueAsString(canonical(JSON.readTree(text)));
        } catch (JsonProcessingException e) {
            return "(not JSON) " + text;
        }
    }

    private static JsonNode canonical(JsonNode node) {
        if (node.isObject()) {
            ObjectNode sorted = JSON.createObjectNode();
            Map<String, JsonNode> fields = new TreeMap<>();
            node.fields().forEachRemaining(e -> fields.put(e.getKey(), canonical(e.getValue())));
            fields.forEach(sorted::set);
            return sorted;
        }
        if (node.isArray()) {
            ArrayNode array = JSON.createArrayNode();
            node.forEach(element -> array.add(canonical(element)));
            return array;
        }
        if (node.isNumber()) {
            return JSON.getNodeFactory().numberNode(node.decimalValue().stripTrailingZeros());
        }
        return node;
    }
}
