package dev.outboxpipeline.writer.service;

import dev.outboxpipeline.outbox.Aggregate;
import dev.outboxpipeline.outbox.AggregateEvent;
import dev.outboxpipeline.outbox.Outbox;
import dev.outboxpipeline.writer.domain.Customer;
import dev.outboxpipeline.writer.domain.CustomerState;
import dev.outboxpipeline.writer.domain.NewLine;
import dev.outboxpipeline.writer.domain.OrderState;
import dev.outboxpipeline.writer.domain.OrderStatus;
import dev.outboxpipeline.writer.domain.PurchaseOrder;
import jakarta.persistence.LockModeType;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import static dev.outboxpipeline.writer.domain.EventTypes.CUSTOMER_CREATED;
import static dev.outboxpipeline.writer.domain.EventTypes.CUSTOMER_DELETED;
import static dev.outboxpipeline.writer.domain.EventTypes.CUSTOMER_UPDATED;
import static dev.outboxpipeline.writer.domain.EventTypes.ORDER_DELETED;
import static dev.outboxpipeline.writer.domain.EventTypes.ORDER_PLACED;
import static dev.outboxpipeline.writer.domain.EventTypes.ORDER_UPDATED;

/**
 * The shop's operations. Each is one transaction that writes its business rows and its outbox events
 * together; a rejected operation ({@link InvalidInputException}, {@link NotFoundException},
 * {@link ConflictException}) writes nothing. {@code version} arguments are the version the client last
 * saw (optimistic lock).
 */
public final class ShopService {

    private final SessionFactory sessions;
    private final Outbox outbox;

    private ShopService(SessionFactory sessions, Outbox outbox) {
        this.sessions = sessions;
        this.outbox = outbox;
    }

    public static ShopService of(SessionFactory sessions, Outbox outbox) {
        return new ShopService(sessions, outbox);
    }

    public CustomerState createCustomer(String name, String email) {
        String n = Inputs.text("name", name);
        String e = Inputs.email("email", email);
        return inTransaction(s -> {
            Customer customer = Customer.create(n, e);
            CustomerState state = customer.state();
            outbox.record(s, AggregateEvent.changed(CUSTOMER_CREATED, customer, state));
            s.persist(customer);
            return state;
        });
    }

    public Optional<CustomerState> findCustomer(UUID id) {
        return inTransaction(s -> Optional.ofNullable(s.find(Customer.class, id)).map(Customer::state));
    }

    /** Renames; when name and email are already so, returns the customer unchanged and writes nothing. */
    public CustomerState updateCustomer(UUID id, String name, String email, long version) {
        String n = Inputs.text("name", name);
        String e = Inputs.email("email", email);
        return inTransaction(s -> {
            Customer customer = existing(s.find(Customer.class, id), "customer", id, version);
            if (!customer.change(n, e)) {
                return customer.state();
            }
            CustomerState after = customer.stateAfterChange();
            outbox.record(s, AggregateEvent.changed(CUSTOMER_UPDATED, customer, after));
            return after;
        });
    }

    /** Deletes the customer and its orders, each with its own deletion event. */
    public void deleteCustomer(UUID id, long version) {
        inTransaction(s -> {
            // locked, so that no order for this customer can commit between listing and deleting its orders
            Customer customer = existing(s.find(Customer.class, id, LockModeType.PESSIMISTIC_WRITE), "customer", id, version);
            List<PurchaseOrder> orders = s.createSelectionQuery(
                            "from PurchaseOrder where customerId = :customer order by id", PurchaseOrder.class)
                    .setParameter("customer", id)
                    .getResultList();
            for (PurchaseOrder order : orders) {
                outbox.record(s, AggregateEvent.deleted(ORDER_DELETED, order));
                s.remove(order);
            }
            outbox.record(s, AggregateEvent.deleted(CUSTOMER_DELETED, customer));
            s.remove(customer);
            return null;
        });
    }

    public OrderState placeOrder(UUID customerId, List<NewLine> lines) {
        if (customerId == null) {
            throw new InvalidInputException("customerId", "is required");
        }
        List<NewLine> checked = Inputs.lines(lines);
        return inTransaction(s -> {
            requireCustomer(s, customerId);
            PurchaseOrder order = PurchaseOrder.place(customerId, checked);
            OrderState state = order.state();
            outbox.record(s, AggregateEvent.changed(ORDER_PLACED, order, state));
            s.persist(order);
            return state;
        });
    }

    public Optional<OrderState> findOrder(UUID id) {
        return inTransaction(s -> Optional.ofNullable(s.find(PurchaseOrder.class, id)).map(PurchaseOrder::state));
    }

    /**
     * Sets the status and, when {@code customerId} is not null, moves the order to that customer. When
     * nothing changes, returns the order unchanged and writes nothing.
     */
    public OrderState updateOrder(UUID id, OrderStatus status, UUID customerId, long version) {
        if (status == null) {
            throw new InvalidInputException("status", "is required");
        }
        return inTransaction(s -> {
            PurchaseOrder order = existing(s.find(PurchaseOrder.class, id), "order", id, version);
            UUID target = customerId == null ? order.customerId() : customerId;
            if (!target.equals(order.customerId())) {
                requireCustomer(s, target);
            }
            if (!order.change(status, target)) {
                return order.state();
            }
            OrderState after = order.stateAfterChange();
            outbox.record(s, AggregateEvent.changed(ORDER_UPDATED, order, after));
            return after;
        });
    }

    public void deleteOrder(UUID id, long version) {
        inTransaction(s -> {
            PurchaseOrder order = existing(s.find(PurchaseOrder.class, id), "order", id, version);
            outbox.record(s, AggregateEvent.deleted(ORDER_DELETED, order));
            s.remove(order);
            return null;
        });
    }

    private static <A extends Aggregate> A existing(A aggregate, String what, UUID id, long version) {
        if (aggregate == null) {
            throw new NotFoundException(what + " " + id + " does not exist");
        }
        if (aggregate.version() != version) {
            throw ConflictException.staleVersion(what, id, version, aggregate.version());
        }
        return aggregate;
    }

    private static void requireCustomer(Session s, UUID customerId) {
        if (s.find(Customer.class, customerId) == null) {
            throw new NotFoundException("customer " + customerId + " does not exist");
        }
    }

    private <T> T inTransaction(Function<Session, T> work) {
        return Transactions.inTransaction(sessions, work);
    }
}
