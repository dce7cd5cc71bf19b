package dev.outboxpipeline.projector.model;

import java.math.BigDecimal;
import java.util.List;

/** The columns an order row and an order's view share. */
public interface OrderFields extends Row {

    String customerId();

    String status();

    BigDecimal total();

    List<LineItem> lines();
}
