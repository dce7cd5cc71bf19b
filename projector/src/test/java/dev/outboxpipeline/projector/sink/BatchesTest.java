package dev.outboxpipeline.projector.sink;

import dev.outboxpipeline.projector.model.CustomerRow;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class BatchesTest {

    private static final TopicPartition TP = new TopicPartition("readmodel.customer", 0);
    private final UUID id = UUID.randomUUID();
    private long offset;

    // The usual JDBC sink applies a batch's deletes and upserts as two groups, so an update followed
    // by a delete of the same key could end with the row present.
    @Test
    void anUpdateFollowedByADeleteOfTheSameRowEndsAsTheDelete() {
        List<Change> folded = List.copyOf(Batches.latestPerRow(List.of(upsert(2), delete(3))));

        assertThat(folded).singleElement().satisfies(c -> {
            assertThat(c.isDelete()).isTrue();
            assertThat(c.version()).isEqualTo(3);
        });
    }

    @Test
    void anOlderChangeLaterInTheBatchDoesNotWin() {
        List<Change> folded = List.copyOf(Batches.latestPerRow(List.of(upsert(5), upsert(4))));

        assertThat(folded).singleElement().satisfies(c -> assertThat(c.version()).isEqualTo(5));
    }

    @Test
    void equalVersionsKeepTheLaterChange() {
        Change first = upsert(2);
        Change second = upsert(2);

        assertThat(Batches.latestPerRow(List.of(first, second))).containsExactly(second);
    }

    private Change upsert(long version) {
        return new Change(SinkTable.CUSTOMER, TP, offset++, id, version,
                CustomerRow.of(id.toString(), "n" + version, "e", version, 0), 0);
    }

    private Change delete(long version) {
        return new Change(SinkTable.CUSTOMER, TP, offset++, id, version, null, 0);
    }
}
