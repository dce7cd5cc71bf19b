package dev.outboxpipeline.lab.chaos;

import java.util.List;

/**
 * What the history check found. Every list must be empty; each holds at most {@link #SHOWN} examples,
 * the counts are exact.
 */
public record HistoryReport(long committed, long consumed, long applied,
                            long lostCount, List<String> lost,
                            long duplicatedCount, List<String> duplicated,
                            long unexpectedCount, List<String> unexpected,
                            long outOfOrderCount, List<String> outOfOrder,
                            long regressedCount, List<String> regressed) {

    public static final int SHOWN = 10;

    public boolean clean() {
        return lostCount == 0 && duplicatedCount == 0 && unexpectedCount == 0 && outOfOrderCount == 0
                && regressedCount == 0;
    }

    @Override
    public String toString() {
        return String.format("committed %d, consumed %d, applied %d; lost %d %s, duplicated %d %s, unexpected %d %s,"
                        + " out of order %d %s, regressed %d %s", committed, consumed, applied, lostCount, lost,
                duplicatedCount, duplicated, unexpectedCount, unexpected, outOfOrderCount, outOfOrder, regressedCount,
                regressed);
    }
}
