package dev.outboxpipeline.outbox;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AggregateEventTest {

    private record Thing(String aggregateType, String aggregateId, long version) implements Aggregate {
    }

    private record ThingState(long version) implements AggregateState {
    }

    @Test
    void aChangeCarriesTheVersionOfTheStateAfterIt() {
        AggregateEvent e = AggregateEvent.changed("ThingUpdated", new Thing("thing", "t1", 4), new ThingState(5));

        assertThat(e.version()).isEqualTo(5);
        assertThat(e.aggregateType()).isEqualTo("thing");
        assertThat(e.aggregateId()).isEqualTo("t1");
        assertThat(e.isDeletion()).isFalse();
    }

    @Test
    void aDeletionHasNoStateAndTheNextVersion() {
        AggregateEvent e = AggregateEvent.deleted("ThingDeleted", new Thing("thing", "t1", 4));

        assertThat(e.isDeletion()).isTrue();
        assertThat(e.state()).isNull();
        assertThat(e.version()).isEqualTo(5);
        assertThat(e.root()).as("nothing to check at commit: the row is gone").isNull();
    }

    @Test
    void anEventWithoutVersionTypeOrStateCannotBeBuilt() {
        Thing thing = new Thing("thing", "t1", 0);

        assertThatThrownBy(() -> AggregateEvent.changed("ThingCreated", thing, new ThingState(0)))
                .hasMessageContaining("starts at 1");
        assertThatThrownBy(() -> AggregateEvent.changed(" ", thing, new ThingState(1))).hasMessageContaining("type");
        assertThatThrownBy(() -> AggregateEvent.changed("ThingCreated", thing, null)).hasMessageContaining("after");
        assertThatThrownBy(() -> AggregateEvent.deleted("ThingDeleted", new Thing("", "t1", 1)))
                .hasMessageContaining("aggregateType");
    }
}
