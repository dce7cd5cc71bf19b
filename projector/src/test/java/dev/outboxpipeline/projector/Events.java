package dev.outboxpipeline.projector;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outboxpipeline.contract.EventHeaders;
import dev.outboxpipeline.contract.EventRecord;
import dev.outboxpipeline.projector.model.Json;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.math.BigDecimal;
import java.util.UUID;

/** Event records in docs/event-format.md, as the relay writes them. */
public final class Events {

    private Events() {
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    public static byte[] customer(String id, String name, String email, long version) {
        ObjectNode p = Json.MAPPER.createObjectNode().put("id", id).put("name", name).put("email", email)
                .put("version", version);
        return Json.write(p);
    }

    /** An order with one line per quantity given: SKU-n, unit price 10.50. */
    public static byte[] order(String id, String customerId, String status, long version, int... quantities) {
        ObjectNode p = Json.MAPPER.createObjectNode().put("id", id).put("customerId", customerId)
                .put("status", status).put("version", version);
        ArrayNode lines = p.putArray("lines");
        BigDecimal total = BigDecimal.ZERO;
        for (int i = 0; i < quantities.length; i++) {
            BigDecimal unitPrice = new BigDecimal("10.50");
            lines.addObject().put("lineNo", i + 1).put("sku", "SKU-" + (i + 1)).put("quantity", quantities[i])
                    .put("unitPrice", unitPrice);
            total = total.add(unitPrice.multiply(BigDecimal.valueOf(quantities[i])));
        }
        p.put("total", total);
        return Json.write(p);
    }

    public static Headers headers(String type, long version, long sourceTsMs) {
        RecordHeaders h = new RecordHeaders();
        h.add(EventHeaders.ID, EventRecord.utf8(UUID.randomUUID()));
        h.add(EventHeaders.TYPE, EventRecord.utf8(type));
        h.add(EventHeaders.AGGREGATE_VERSION, EventRecord.utf8(version));
        h.add(EventHeaders.SOURCE_LSN, EventRecord.utf8(version * 1000));
        h.add(EventHeaders.SOURCE_TS_MS, EventRecord.utf8(sourceTsMs));
        return h;
    }
}
