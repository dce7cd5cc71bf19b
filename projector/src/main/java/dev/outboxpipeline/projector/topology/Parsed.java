package dev.outboxpipeline.projector.topology;

/** An event after validation: the row, or the reason it is poison (then {@code raw} is forwarded to the DLQ). */
record Parsed<T>(T row, String poison, byte[] raw) {

    static <T> Parsed<T> ok(T row) {
        return new Parsed<>(row, null, null);
    }

    static <T> Parsed<T> poison(String reason, byte[] raw) {
        return new Parsed<>(null, reason, raw);
    }

    boolean isPoison() {
        return poison != null;
    }
}
