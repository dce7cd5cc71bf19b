package dev.outboxpipeline.projector.sink;

import org.apache.kafka.common.TopicPartition;

/** A read-model record the sink will not take (the database rejected it, or it could not be decoded), and why. */
record Rejected(TopicPartition partition, long offset, String reason) {
}
