package dev.outboxpipeline.verify;

import java.util.List;

/** How one table compares: row counts on each side and the differences found (the first ones kept). */
public record TableReport(String table, long expectedRows, long actualRows, long missing, long extra,
                          long different, List<Difference> differences) {

    public long differenceCount() {
        return missing + extra + different;
    }
}
