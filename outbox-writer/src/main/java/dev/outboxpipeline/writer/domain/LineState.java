package dev.outboxpipeline.writer.domain;

import java.math.BigDecimal;

/** An order line as events and HTTP answers carry it. */
public record LineState(int lineNo, String sku, int quantity, BigDecimal unitPrice) {
}
