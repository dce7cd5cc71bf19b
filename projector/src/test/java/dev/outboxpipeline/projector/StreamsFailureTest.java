package dev.outboxpipeline.projector;

import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

class StreamsFailureTest {

    // Regression: every stream-thread failure got a new thread, so a deterministic one looped forever.
    @Test
    void theSameFailureAgainAndAgainStopsStreamsWithTheReasonWhileOthersGetANewThread() {
        StreamsFailure handler = new StreamsFailure("projector");
        StreamsException poison = new StreamsException("task failed", new IllegalStateException("cannot produce record 7"));

        assertThat(handler.handle(new StreamsException(new TimeoutException("broker away")))).isEqualTo(REPLACE_THREAD);
        assertThat(handler.handle(poison)).isEqualTo(REPLACE_THREAD);
        assertThat(handler.handle(poison)).isEqualTo(REPLACE_THREAD);
        assertThat(handler.reason()).isEmpty();
        assertThat(handler.handle(poison)).isEqualTo(SHUTDOWN_CLIENT);
        assertThat(handler.reason()).hasValueSatisfying(r -> assertThat(r)
                .contains("cannot produce record 7").contains("restart the projector"));
    }
}
