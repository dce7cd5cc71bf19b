package dev.outboxpipeline.lab.chaos;

import java.util.List;
import java.util.Map;

/**
 * What a chaos run did and found; {@link #passed()} when every check holds.
 *
 * @param timeline per second since the start: written, relayed, applied events and the lag in ms
 */
public record ChaosReport(long seed, long durationSeconds, int brokers, boolean localServers,
                          List<String> schedule, List<InjectedFault> faults, List<String> notApplied,
                          long written, long relayed, long applied,
                          HistoryReport history, boolean verifyEqual, String verifySummary,
                          List<String> sqlDifferences, long retainedWalBytes, List<String> leftoverProcesses,
                          List<String> unexpectedExits, List<String> problems,
                          Map<String, List<long[]>> timeline) {

    /** The slot's retained WAL counts as back near zero below this (heartbeats advance it every second). */
    public static final long RETAINED_WAL_LIMIT = 1 << 20;

    public boolean passed() {
        return history.clean() && verifyEqual && sqlDifferences.isEmpty() && retainedWalBytes >= 0
                && retainedWalBytes < RETAINED_WAL_LIMIT && leftoverProcesses.isEmpty() && problems.isEmpty()
                && unexpectedExits.isEmpty() // a service that exits under a fault it must ride out is a finding
                && faults.stream().allMatch(f -> f.recoveryMs() >= 0);
    }

    /** The lines the terminal shows. */
    public List<String> lines() {
        List<String> l = new java.util.ArrayList<>();
        l.add(String.format("chaos run, seed %d, %d s, %d broker(s)%s", seed, durationSeconds, brokers,
                localServers ? "" : ", endpoints from the environment"));
        l.add(String.format("%-7s %-19s %-12s %9s %11s  %s", "at", "fault", "target", "handover", "recovery", "detail"));
        for (InjectedFault f : faults) {
            l.add(String.format("%6ds %-19s %-12s %9s %11s  %s", f.startMs() / 1000, f.fault(), f.target(),
                    f.handoverMs() < 0 ? "" : f.handoverMs() + " ms", f.recoveryMs() < 0 ? "NOT RECOVERED"
                            : f.recoveryMs() + " ms", f.detail()));
        }
        if (!notApplied.isEmpty()) {
            l.add("not applied here: " + notApplied);
        }
        l.add(String.format("events written %d, relayed %d (records read), applied %d (sink row changes)", written,
                relayed, applied));
        l.add(String.format("lost %d, duplicated %d, unexpected %d, out of order %d, regressed %d",
                history.lostCount(), history.duplicatedCount(), history.unexpectedCount(), history.outOfOrderCount(),
                history.regressedCount()));
        addExamples(l, "lost", history.lost());
        addExamples(l, "duplicated", history.duplicated());
        addExamples(l, "unexpected", history.unexpected());
        addExamples(l, "out of order", history.outOfOrder());
        addExamples(l, "regressed", history.regressed());
        l.add("verify: " + (verifyEqual ? "EQUAL" : "DIFFERENT") + " (" + verifySummary + ")");
        l.add("plain SQL comparison: " + (sqlDifferences.isEmpty() ? "equal" : sqlDifferences.size() + " difference(s)"));
        addExamples(l, "SQL difference", sqlDifferences);
        l.add("slot's retained WAL: " + (retainedWalBytes < 0 ? "unknown" : retainedWalBytes + " bytes"));
        l.add("processes left behind: " + (leftoverProcesses.isEmpty() ? "none" : leftoverProcesses));
        unexpectedExits.forEach(e -> l.add("unexpected exit: " + e));
        problems.forEach(p -> l.add("PROBLEM: " + p));
        l.add(passed() ? "PASSED" : "FAILED");
        return l;
    }

    private static void addExamples(List<String> l, String what, List<String> examples) {
        examples.forEach(e -> l.add("  " + what + ": " + e));
    }
}
