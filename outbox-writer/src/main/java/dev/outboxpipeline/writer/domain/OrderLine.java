package dev.outboxpipeline.writer.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

import java.math.BigDecimal;

/** One line of an order; lines are part of the order aggregate and never change after it is placed. */
@Embeddable
public class OrderLine {

    @Column(name = "line_no", nullable = false)
    private int lineNo;

    @Column(nullable = false)
    private String sku;

    @Column(nullable = false)
    private int quantity;

    @Column(name = "unit_price", nullable = false, precision = 19, scale = 2)
    private BigDecimal unitPrice;

    protected OrderLine() {
        // for Hibernate
    }

    OrderLine(int lineNo, String sku, int quantity, BigDecimal unitPrice) {
        this.lineNo = lineNo;
        this.sku = sku;
        this.quantity = quantity;
        this.unitPrice = unitPrice;
    }

    BigDecimal amount() {
        return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }

    LineState state() {
        return new LineState(lineNo, sku, quantity, unitPrice);
    }
}
