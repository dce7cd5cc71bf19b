package dev.outboxpipeline.writer.service;

import jakarta.persistence.OptimisticLockException;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StaleStateException;
import org.hibernate.Transaction;
import org.hibernate.exception.JDBCConnectionException;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.function.Function;

/** Runs one unit of work in one transaction: commit on success, roll back on any failure. */
final class Transactions {

    private static final String FOREIGN_KEY_VIOLATION = "23503";
    private static final String CONNECTION_CLASS = "08";

    private Transactions() {
    }

    static <T> T inTransaction(SessionFactory sessions, Function<Session, T> work) {
        // the connection is taken at begin, so a database that is gone fails there, before any work
        try (Session session = sessions.openSession()) {
            Transaction tx = session.beginTransaction();
            try {
                T result = work.apply(session);
                tx.commit();
                return result;
            } catch (RuntimeException e) {
                rollback(tx, e);
                throw e;
            }
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    private static void rollback(Transaction tx, RuntimeException cause) {
        try {
            if (tx.isActive()) {
                tx.rollback();
            }
        } catch (RuntimeException e) {
            // a lost connection fails the rollback too; the server rolls back on its own
            cause.addSuppressed(e);
        }
    }

    /** Concurrent winners surface at flush or commit; say so in the service's own terms. */
    private static RuntimeException translate(RuntimeException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof NotFoundException || c instanceof ConflictException || c instanceof InvalidInputException) {
                return (RuntimeException) c;
            }
            if (c instanceof OptimisticLockException || c instanceof StaleStateException) {
                return new ConflictException("a concurrent change committed first: read it again and retry");
            }
            if (c instanceof SQLTransientConnectionException || c instanceof JDBCConnectionException
                    || c instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith(CONNECTION_CLASS)) {
                return new UnavailableException("the source database is unreachable (" + c.getMessage()
                        + "): nothing was written; retry later");
            }
            if (c instanceof SQLException sql && FOREIGN_KEY_VIOLATION.equals(sql.getSQLState())) {
                return new ConflictException("a concurrent change removed or added a referenced row: read again and retry");
            }
        }
        return e;
    }
}
