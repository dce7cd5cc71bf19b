package dev.outboxpipeline.verify;

import dev.outboxpipeline.db.Connections;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Compares the read model of a store with what another store says it must be (the source's business
 * rows, or a second sink), key by key and field by field. Each side is read in one snapshot and
 * streamed in id order, so memory stays bounded whatever the table sizes. While the pipeline runs,
 * it re-checks the differing keys until the checked store catches up or the wait runs out.
 */
public final class StoreVerifier {

    public static final int LISTED_PER_TABLE = 20;
    private static final int RECHECKED_PER_TABLE = 100_000;
    private static final int FETCH_SIZE = 5_000;
    private static final Duration RECHECK_INTERVAL = Duration.ofMillis(500);
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

    private final Store expected;
    private final Store actual;

    public StoreVerifier(Store expected, Store actual) {
        this.expected = expected;
        this.actual = actual;
    }

    public VerifyReport verify(Duration wait, Consumer<String> progress) {
        Map<ReadModelTable, TableComparison> full = fullPass();
        VerifyReport first = report(full, false);
        if (first.equal() || wait.isZero() || !full.values().stream().allMatch(TableComparison::allRemembered)) {
            return first;
        }

        Instant deadline = Instant.now().plus(wait);
        Instant nextProgress = Instant.now();
        Map<ReadModelTable, TableComparison> latest = full;
        while (Instant.now().isBefore(deadline)) {
            long differing = latest.values().stream().mapToLong(c -> c.report().differenceCount()).sum();
            if (Instant.now().isAfter(nextProgress)) {
                progress.accept("waiting for the " + actual.kind().name().toLowerCase() + " to catch up: "
                        + differing + " row(s) differ, " + Duration.between(Instant.now(), deadline).toSeconds()
                        + " s left");
                nextProgress = Instant.now().plus(PROGRESS_INTERVAL);
            }
            pause();
            latest = recheck(latest);
            if (latest.values().stream().allMatch(c -> c.report().differenceCount() == 0)) {
                break;
            }
        }
        boolean settled = latest.values().stream().allMatch(c -> c.report().differenceCount() == 0);
        if (settled) {
            // the differing keys caught up: a last full pass gives true counts, and any key that moved meanwhile
            return report(fullPass(), true);
        }
        List<TableReport> remaining = new ArrayList<>();
        for (ReadModelTable table : ReadModelTable.values()) {
            TableReport scan = full.get(table).report();
            TableReport now = latest.get(table).report();
            remaining.add(new TableReport(table.tableName(), scan.expectedRows(), scan.actualRows(), now.missing(),
                    now.extra(), now.different(), now.differences()));
        }
        return new VerifyReport(expected, actual, remaining, true);
    }

    private VerifyReport report(Map<ReadModelTable, TableComparison> comparisons, boolean waited) {
        List<TableReport> reports = new ArrayList<>();
        comparisons.values().forEach(c -> reports.add(c.report()));
        return new VerifyReport(expected, actual, reports, waited);
    }

    private Map<ReadModelTable, TableComparison> fullPass() {
        Map<ReadModelTable, TableComparison> result = new EnumMap<>(ReadModelTable.class);
        try (Connection e = snapshot(expected); Connection a = snapshot(actual)) {
            for (ReadModelTable table : ReadModelTable.values()) {
                try (Statement se = e.createStatement(); Statement sa = a.createStatement()) {
                    se.setFetchSize(FETCH_SIZE);
                    sa.setFetchSize(FETCH_SIZE);
                    try (ResultSet re = se.executeQuery(table.query(expected.kind()));
                         ResultSet ra = sa.executeQuery(table.query(actual.kind()))) {
                        result.put(table, new TableComparison(table, LISTED_PER_TABLE, RECHECKED_PER_TABLE)
                                .run(new RowReader(re, table), new RowReader(ra, table)));
                    }
                }
            }
        } catch (SQLException ex) {
            throw new IllegalStateException("reading the stores failed: " + ex.getMessage(), ex);
        }
        return result;
    }

    private Map<ReadModelTable, TableComparison> recheck(Map<ReadModelTable, TableComparison> previous) {
        Map<ReadModelTable, TableComparison> result = new EnumMap<>(ReadModelTable.class);
        try (Connection e = snapshot(expected); Connection a = snapshot(actual)) {
            for (ReadModelTable table : ReadModelTable.values()) {
                UUID[] ids = previous.get(table).differingIds().stream().map(UUID::fromString).toArray(UUID[]::new);
                try (PreparedStatement pe = e.prepareStatement(table.queryIds(expected.kind()));
                     PreparedStatement pa = a.prepareStatement(table.queryIds(actual.kind()))) {
                    Array arrayE = e.createArrayOf("uuid", ids);
                    Array arrayA = a.createArrayOf("uuid", ids);
                    pe.setArray(1, arrayE);
                    pa.setArray(1, arrayA);
                    try (ResultSet re = pe.executeQuery(); ResultSet ra = pa.executeQuery()) {
                        result.put(table, new TableComparison(table, LISTED_PER_TABLE, RECHECKED_PER_TABLE)
                                .run(new RowReader(re, table), new RowReader(ra, table)));
                    }
                }
            }
        } catch (SQLException ex) {
            throw new IllegalStateException("re-reading the stores failed: " + ex.getMessage(), ex);
        }
        return result;
    }

    /** A read-only connection in one repeatable-read snapshot, so all tables of a side agree. */
    private static Connection snapshot(Store store) throws SQLException {
        Connection c = Connections.open(store.settings());
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setReadOnly(true);
        return c;
    }

    private static void pause() {
        try {
            Thread.sleep(RECHECK_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the store to catch up", e);
        }
    }
}
