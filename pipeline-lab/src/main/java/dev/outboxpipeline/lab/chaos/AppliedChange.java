package dev.outboxpipeline.lab.chaos;

/** A row change in the sink, as the audit trigger recorded it, in the order the sink committed them. */
public record AppliedChange(long seq, String table, String id, long version, boolean delete) {
}
