package dev.outboxpipeline.writer.load;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a load run did.
 *
 * @param transactions    transactions committed
 * @param events          outbox events committed (rows written by those transactions)
 * @param conflictRetries operations retried after a 409 (stale version or a concurrent winner), counted, not hidden
 * @param vanished        operations dropped because their aggregate was deleted by another client meanwhile
 * @param errors          transactions that failed otherwise (e.g. the database restarted) and were given up
 * @param elapsed         wall-clock time of the run
 * @param operations      committed transactions per operation, e.g. {@code renameCustomer=120}
 */
public record LoadReport(long transactions, long events, long conflictRetries, long vanished, long errors,
                         Duration elapsed, Map<String, Long> operations) {

    public LoadReport {
        operations = Map.copyOf(operations);
    }

    public double transactionsPerSecond() {
        return perSecond(transactions);
    }

    public double eventsPerSecond() {
        return perSecond(events);
    }

    private double perSecond(long n) {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds == 0 ? 0 : n / seconds;
    }

    /** Lines a person reads at the end of a run. */
    public String summary() {
        return String.format(Locale.ROOT, "%d transactions, %d events in %.1f s: %.0f transactions/s, %.0f events/s%n"
                        + "retries after 409 (stale version): %d; dropped, aggregate deleted meanwhile: %d; errors: %d%n"
                        + "operations: %s",
                transactions, events, elapsed.toMillis() / 1000.0, transactionsPerSecond(), eventsPerSecond(),
                conflictRetries, vanished, errors, new TreeMap<>(operations));
    }
}
