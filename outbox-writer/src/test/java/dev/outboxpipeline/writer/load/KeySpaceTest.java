package dev.outboxpipeline.writer.load;

import dev.outboxpipeline.writer.domain.OrderState;
import dev.outboxpipeline.writer.domain.OrderStatus;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class KeySpaceTest {

    @Test
    void keepsTheHighestVersionSeenAndForgetsACustomersOrdersWithIt() {
        KeySpace keys = new KeySpace();
        UUID ada = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        keys.customer(ada, 3);
        keys.customer(ada, 2); // a late answer from an older read
        keys.customer(bob, 1);
        keys.order(new OrderState(UUID.randomUUID(), ada, OrderStatus.PLACED, BigDecimal.ONE, 1, List.of()));
        keys.order(new OrderState(UUID.randomUUID(), bob, OrderStatus.PAID, BigDecimal.ONE, 1, List.of()));

        keys.removeCustomer(bob);

        assertThat(keys.customerCount()).isEqualTo(1);
        assertThat(keys.anyCustomer(new Random(1))).get().satisfies(k -> {
            assertThat(k.id()).isEqualTo(ada);
            assertThat(k.version()).isEqualTo(3);
        });
        assertThat(keys.orderCount()).isEqualTo(1);
        assertThat(keys.anyOrder(new Random(1))).get().extracting(KeySpace.Key::customerId).isEqualTo(ada);
    }
}
