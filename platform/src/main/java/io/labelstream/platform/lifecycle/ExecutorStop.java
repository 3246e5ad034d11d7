package io.labelstream.platform.lifecycle;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Stopping a service's own threads when it closes. */
public final class ExecutorStop {

  /** How long a closing service waits for its threads: long enough for a task in flight, short for a shutdown. */
  public static final Duration STOP_WAIT = Duration.ofSeconds(5);

  private ExecutorStop() {}

  /** Lets the tasks already submitted finish, waiting at most {@link #STOP_WAIT}. */
  public static void afterTasks(ExecutorService threads) {
    threads.shutdown();
    await(threads);
  }

  /** Interrupts what runs and drops what waits (a schedule's next runs), waiting at most {@link #STOP_WAIT}. */
  public static void now(ExecutorService threads) {
    threads.shutdownNow();
    await(threads);
  }

  private static void await(ExecutorService threads) {
    try {
      threads.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
