package dev.outboxpipeline.lab.chaos;

/** An event record as a read_committed consumer read it from an event topic. */
public record ConsumedEvent(String topic, int partition, long offset, String key, String id, String type,
                            long version) {
}
