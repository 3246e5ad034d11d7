package io.labelstream.platform.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class GracefulShutdownTest {

  @Test
  void shouldReportAServiceThatClosedWithinTheGracePeriod() {
    AtomicBoolean closed = new AtomicBoolean();

    boolean inTime = GracefulShutdown.closeWithin("test", () -> closed.set(true), Duration.ofSeconds(30));

    assertThat(inTime).isTrue();
    assertThat(closed).isTrue();
  }

  @Test
  void shouldGiveUpOnAServiceThatOutlastsTheGracePeriod() {
    CountDownLatch never = new CountDownLatch(1);

    boolean inTime = GracefulShutdown.closeWithin("test", never::await, Duration.ofMillis(200));

    assertThat(inTime).isFalse();
    never.countDown();
  }

  @Test
  void shouldCountAFailedCloseAsFinished() {
    boolean inTime = GracefulShutdown.closeWithin("test", () -> {
      throw new IllegalStateException("broker gone");
    }, Duration.ofSeconds(30));

    assertThat(inTime).isTrue();
  }
}
