package io.labelstream.review.partitioned;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;

/** A submit waiting for its frame's label is woken by the write, not by its own polling. */
class LabelWritesTest {

  private final LabelWrites writes = new LabelWrites();

  @Test
  void shouldWakeTheWaitersOfTheFrameWrittenOnly() throws Exception {
    CompletableFuture<Void> f1 = writes.next("f1");
    CompletableFuture<Void> f2 = writes.next("f2");
    assertThat(writes.next("f1")).isSameAs(f1); // two waiters of one frame share a wake-up

    writes.written("f1");

    assertThat(LabelWrites.await(f1, 0)).isTrue();
    assertThat(LabelWrites.await(f2, 1)).isFalse();
    assertThat(writes.next("f1")).isNotSameAs(f1); // the next label of f1 is a new wake-up
  }

  @Test
  void shouldWakeAWaiterBlockedOnTheFrame() throws Exception {
    ExecutorService waiter = Executors.newSingleThreadExecutor();
    try {
      CompletableFuture<Void> next = writes.next("f1");
      Future<Boolean> woken = waiter.submit(() -> LabelWrites.await(next, 60_000));
      writes.written("f1");
      assertThat(woken.get()).isTrue();
    } finally {
      waiter.shutdownNow();
    }
  }

  @Test
  void shouldForgetAFrameNobodyWaitsForAnyMore() {
    CompletableFuture<Void> next = writes.next("f1");
    writes.done("f1", next);
    assertThat(writes.waiting()).isZero();

    writes.written("f9"); // a label nobody waits for leaves nothing behind either
    assertThat(writes.waiting()).isZero();
  }
}
