package dev.outboxpipeline.writer.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outboxpipeline.outbox.OutboxOptions;
import dev.outboxpipeline.writer.Shop;
import dev.outboxpipeline.writer.domain.CustomerState;
import dev.outboxpipeline.writer.domain.NewLine;
import dev.outboxpipeline.writer.domain.OrderState;
import dev.outboxpipeline.writer.domain.OrderStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShopServiceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Shop shop;

    @BeforeAll
    static void open() {
        shop = Shop.open("shop_service", OutboxOptions.keepRows());
    }

    @AfterAll
    static void close() {
        shop.close();
    }

    @Test
    void createWritesTheCustomerAtVersionOneAndItsCreatedEvent() throws Exception {
        CustomerState ada = shop.service().createCustomer("Ada Lovelace", "ada@example.com");

        assertThat(ada.version()).isEqualTo(1);
        assertThat(shop.db().rows("SELECT name, email, version FROM customer WHERE id = '" + ada.id() + "'"))
                .containsExactly(Map.of("name", "Ada Lovelace", "email", "ada@example.com", "version", 1L));
        List<Map<String, Object>> events = events(ada.id());
        assertThat(events).hasSize(1);
        assertThat(events.get(0)).containsEntry("aggregatetype", "customer").containsEntry("type", "CustomerCreated")
                .containsEntry("aggregate_version", 1L);
        assertThat(JSON.readTree(events.get(0).get("payload").toString())).isEqualTo(JSON.readTree(
                "{\"id\":\"" + ada.id() + "\",\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\",\"version\":1}"));
    }

    @Test
    void eachUpdateAddsOneToTheVersionAndItsPayloadIsTheCommittedRow() throws Exception {
        CustomerState c = shop.service().createCustomer("Grace", "grace@example.com");
        CustomerState v2 = shop.service().updateCustomer(c.id(), "Grace Hopper", "grace@example.com", 1);
        CustomerState v3 = shop.service().updateCustomer(c.id(), "Grace Hopper", "grace@navy.mil", 2);

        assertThat(List.of(v2.version(), v3.version())).containsExactly(2L, 3L);
        List<Map<String, Object>> events = events(c.id());
        assertThat(events).extracting(e -> e.get("aggregate_version")).containsExactly(1L, 2L, 3L);
        assertThat(events).extracting(e -> e.get("type"))
                .containsExactly("CustomerCreated", "CustomerUpdated", "CustomerUpdated");
        JsonNode committed = JSON.readTree(shop.db().rows("SELECT row_to_json(c)::text AS j FROM customer c WHERE id = '"
                + c.id() + "'").get(0).get("j").toString());
        assertThat(JSON.readTree(events.get(2).get("payload").toString())).isEqualTo(committed);
    }

    @Test
    void anUpdateThatChangesNothingWritesNothing() {
        CustomerState c = shop.service().createCustomer("Alan", "alan@example.com");

        CustomerState same = shop.service().updateCustomer(c.id(), "Alan", "alan@example.com", 1);

        assertThat(same).isEqualTo(c);
        assertThat(events(c.id())).hasSize(1);
    }

    @Test
    void aStaleVersionIsAConflictAndWritesNothing() {
        CustomerState c = shop.service().createCustomer("Edsger", "edsger@example.com");
        shop.service().updateCustomer(c.id(), "Edsger D.", "edsger@example.com", 1);

        assertThatThrownBy(() -> shop.service().updateCustomer(c.id(), "E. W. Dijkstra", "ewd@example.com", 1))
                .isInstanceOf(ConflictException.class).hasMessageContaining("version 2, not 1");
        assertThatThrownBy(() -> shop.service().deleteCustomer(c.id(), 1)).isInstanceOf(ConflictException.class);
        assertThat(shop.service().findCustomer(c.id())).get().extracting(CustomerState::name).isEqualTo("Edsger D.");
        assertThat(events(c.id())).hasSize(2);
    }

    @Test
    void unknownIdsAreNotFoundAndWriteNothing() {
        UUID nobody = UUID.randomUUID();
        long before = shop.db().count("outbox");

        assertThatThrownBy(() -> shop.service().updateCustomer(nobody, "X", "x@example.com", 1))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> shop.service().placeOrder(nobody, List.of(new NewLine("SKU", 1, BigDecimal.ONE))))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("customer " + nobody);
        assertThatThrownBy(() -> shop.service().deleteOrder(nobody, 1)).isInstanceOf(NotFoundException.class);
        assertThat(shop.db().count("outbox")).isEqualTo(before);
    }

    @Test
    void anOrderEventCarriesTheOrderWithItsLinesAndTotal() throws Exception {
        CustomerState c = shop.service().createCustomer("Barbara", "barbara@example.com");
        OrderState placed = shop.service().placeOrder(c.id(), List.of(
                new NewLine("BOOK-42", 3, new BigDecimal("10.50")), new NewLine("PEN-1", 1, new BigDecimal("0.99"))));
        CustomerState other = shop.service().createCustomer("Frances", "frances@example.com");
        OrderState moved = shop.service().updateOrder(placed.id(), OrderStatus.PAID, other.id(), 1);

        assertThat(placed.total()).isEqualByComparingTo("32.49");
        assertThat(moved.version()).isEqualTo(2);
        List<Map<String, Object>> events = events(placed.id());
        assertThat(events).extracting(e -> e.get("type")).containsExactly("OrderPlaced", "OrderUpdated");
        assertThat(JSON.readTree(events.get(1).get("payload").toString())).isEqualTo(JSON.readTree("""
                {"id": "%s", "customerId": "%s", "status": "PAID", "total": 32.49, "version": 2,
                 "lines": [{"lineNo": 1, "sku": "BOOK-42", "quantity": 3, "unitPrice": 10.50},
                           {"lineNo": 2, "sku": "PEN-1", "quantity": 1, "unitPrice": 0.99}]}
                """.formatted(placed.id(), other.id())));
        assertThat(shop.db().rows("SELECT customer_id, status, version FROM purchase_order WHERE id = '" + placed.id() + "'"))
                .containsExactly(Map.of("customer_id", other.id(), "status", "PAID", "version", 2L));
    }

    @Test
    void deletingACustomerDeletesItsOrdersEachWithANullPayloadEvent() {
        CustomerState c = shop.service().createCustomer("Katherine", "katherine@example.com");
        OrderState o1 = shop.service().placeOrder(c.id(), List.of(new NewLine("A", 1, BigDecimal.TEN)));
        OrderState o2 = shop.service().placeOrder(c.id(), List.of(new NewLine("B", 2, BigDecimal.ONE)));
        shop.service().updateOrder(o2.id(), OrderStatus.SHIPPED, null, 1);

        shop.service().deleteCustomer(c.id(), 1);

        assertThat(shop.service().findCustomer(c.id())).isEmpty();
        assertThat(shop.db().count("purchase_order WHERE customer_id = '" + c.id() + "'")).isZero();
        assertThat(shop.db().count("order_line WHERE order_id IN ('" + o1.id() + "', '" + o2.id() + "')")).isZero();
        assertThat(lastEvent(c.id())).containsEntry("type", "CustomerDeleted").containsEntry("aggregate_version", 2L)
                .containsEntry("payload", null);
        assertThat(lastEvent(o1.id())).containsEntry("type", "OrderDeleted").containsEntry("aggregate_version", 2L)
                .containsEntry("payload", null);
        assertThat(lastEvent(o2.id())).containsEntry("type", "OrderDeleted").containsEntry("aggregate_version", 3L)
                .containsEntry("payload", null);
    }

    @Test
    void invalidInputNamesTheFieldAndWritesNothing() {
        long before = shop.db().count("outbox");

        assertThatThrownBy(() -> shop.service().createCustomer(" ", "a@example.com")).hasMessage("name must not be blank");
        assertThatThrownBy(() -> shop.service().createCustomer("A", "nope")).hasMessageStartingWith("email is not an email");
        assertThatThrownBy(() -> shop.service().placeOrder(UUID.randomUUID(), List.of()))
                .hasMessage("lines must hold at least one line");
        assertThatThrownBy(() -> shop.service().placeOrder(UUID.randomUUID(),
                List.of(new NewLine("A", 0, BigDecimal.ONE)))).hasMessage("lines[0].quantity must be at least 1");
        assertThat(shop.db().count("outbox")).isEqualTo(before);
    }

    private static List<Map<String, Object>> events(UUID aggregate) {
        return shop.db().rows("SELECT aggregatetype, type, aggregate_version, payload FROM outbox WHERE aggregateid = '"
                + aggregate + "' ORDER BY aggregate_version");
    }

    private static Map<String, Object> lastEvent(UUID aggregate) {
        List<Map<String, Object>> events = events(aggregate);
        return events.get(events.size() - 1);
    }
}
