package dev.outboxpipeline.outbox.parcel;

import dev.outboxpipeline.outbox.AggregateEvent;
import dev.outboxpipeline.outbox.Outbox;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;

import java.util.UUID;

/** The delivery service's operations, written as the README's "Use the outbox in your own service" shows. */
public record Parcels(SessionFactory sessions, Outbox outbox) {

    public ParcelState register(String destination) {
        try (Session session = sessions.openSession()) {
            Transaction tx = session.beginTransaction();
            Parcel parcel = new Parcel(destination);
            session.persist(parcel);
            outbox.record(session, AggregateEvent.changed("ParcelRegistered", parcel, parcel.state()));
            tx.commit(); // the parcel row and its outbox row, together or not at all
            return parcel.state();
        }
    }

    public ParcelState ship(UUID id) {
        try (Session session = sessions.openSession()) {
            Transaction tx = session.beginTransaction();
            Parcel parcel = session.find(Parcel.class, id);
            parcel.ship();
            outbox.record(session, AggregateEvent.changed("ParcelShipped", parcel, parcel.stateAfterChange()));
            tx.commit();
            return parcel.state();
        }
    }
}
