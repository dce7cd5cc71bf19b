package dev.outboxpipeline.verify;

import java.util.List;

/** The outcome of a verification: one report per read-model table. */
public record VerifyReport(Store expected, Store actual, List<TableReport> tables, boolean waited) {

    public boolean equal() {
        return differenceCount() == 0;
    }

    public long differenceCount() {
        return tables.stream().mapToLong(TableReport::differenceCount).sum();
    }

    public long rowCount() {
        return tables.stream().mapToLong(TableReport::expectedRows).sum();
    }

    /** Differences where the checked store only lags (older version, row not yet written or deleted). */
    public long behindCount() {
        return tables.stream().flatMap(t -> t.differences().stream()).filter(Difference::behind).count();
    }
}
