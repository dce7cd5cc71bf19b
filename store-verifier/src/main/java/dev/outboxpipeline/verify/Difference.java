package dev.outboxpipeline.verify;

/** One key where the two stores disagree. */
public record Difference(Kind kind, String table, String id, String detail, boolean behind) {

    public enum Kind {
        /** The expected store has the row, the checked one does not. */
        MISSING,
        /** The checked store has a row the expected one does not. */
        EXTRA,
        /** Both have the row, with different values. */
        DIFFERENT
    }

    public String describe() {
        return String.format("%-9s %-14s %s%s", kind.name().toLowerCase(), table, id,
                detail.isEmpty() ? "" : ": " + detail);
    }
}
