package dev.outboxpipeline.ops;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunningServiceTest {

    @Test
    void aServiceThatRefusesToRunOnIsClosedAndItsReasonThrown() {
        FakeService service = new FakeService();
        service.failure.completeExceptionally(new IllegalArgumentException("the database is not migrated"));

        assertThatThrownBy(() -> RunningService.runUntilStopped(service))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the database is not migrated");
        assertThat(service.closes.get()).isEqualTo(1);
    }

    @Test
    void aServiceThatEndedByItselfIsClosedAndTheRunReturns() throws Exception {
        FakeService service = new FakeService();
        service.failure.complete(null);

        RunningService.runUntilStopped(service);

        assertThat(service.closes.get()).isEqualTo(1);
    }

    private static final class FakeService implements RunningService {
        final CompletableFuture<Void> failure = new CompletableFuture<>();
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public int port() {
            return 0;
        }

        @Override
        public Health health() {
            return Health.up(Map.of());
        }

        @Override
        public CompletableFuture<Void> failure() {
            return failure;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }
}
