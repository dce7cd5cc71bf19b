package dev.outboxpipeline.projector.model;

import java.math.BigDecimal;

public record OrderLine(int lineNo, String sku, int quantity, BigDecimal unitPrice) {
}
