package dev.outboxpipeline.projector.model;

import java.math.BigDecimal;

public record LineItem(int lineNo, String sku, int quantity, BigDecimal unitPrice) {
}
