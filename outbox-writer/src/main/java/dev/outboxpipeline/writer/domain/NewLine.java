package dev.outboxpipeline.writer.domain;

import java.math.BigDecimal;

/** A line of an order about to be placed (validated by the service). */
public record NewLine(String sku, int quantity, BigDecimal unitPrice) {
}
