package io.labelstream.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RecentFramesTest {

  private static final byte[] FIRST = {1, 2, 3};
  private static final byte[] OTHER = {9, 9, 9};

  private final RecentFrames recent = new RecentFrames(10);

  @Test
  void shouldAnswerARetryWithTheSameBytesFromTheFirstWrite() {
    CompletableFuture<String> write = new CompletableFuture<>();
    RecentFrames.Write<String> first = recent.writeOnce("f-1", FIRST, () -> write);
    RecentFrames.Write<String> retry = recent.writeOnce("f-1", FIRST.clone(), () -> CompletableFuture.completedFuture("second"));

    assertThat(first.first()).isTrue();
    assertThat(retry.first()).isFalse();
    assertThat(retry.sameBytes()).isTrue();
    write.complete("written");
    assertThat(retry.result()).isCompletedWithValue("written");
  }

  @Test
  void shouldTellAReusedKeyWithOtherBytesFromARetryAndWriteNothing() {
    recent.writeOnce("f-1", FIRST, () -> CompletableFuture.completedFuture("written"));
    boolean[] started = {false};

    RecentFrames.Write<String> reused = recent.writeOnce("f-1", OTHER, () -> {
      started[0] = true;
      return CompletableFuture.completedFuture("overwritten");
    });

    assertThat(reused.sameBytes()).isFalse();
    assertThat(started[0]).isFalse();
    assertThat(recent.reusedWithOtherBytes("f-1", OTHER)).isTrue();
    assertThat(recent.reusedWithOtherBytes("f-1", FIRST)).isFalse();
    assertThat(recent.reusedWithOtherBytes("f-2", OTHER)).isFalse();
  }

  @Test
  void shouldForgetAFailedWriteSoOtherBytesMayTakeTheKey() {
    recent.writeOnce("f-1", FIRST, () -> CompletableFuture.failedFuture(new IllegalStateException("Kafka is down")));

    RecentFrames.Write<String> next = recent.writeOnce("f-1", OTHER, () -> CompletableFuture.completedFuture("written"));

    assertThat(next.first()).isTrue();
    assertThat(next.sameBytes()).isTrue();
  }
}
