package io.labelstream.platform.lifecycle;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a service cleanly on SIGTERM (or Ctrl-C) and never takes longer than its grace period: the service's
 * {@code close()} stops taking requests, finishes what is in flight and leaves its consumer groups; if that outlasts
 * the grace period, the process exits anyway, saying so, rather than wait for the orchestrator's SIGKILL.
 */
public final class GracefulShutdown {

  private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

  private GracefulShutdown() {}

  /** Closes {@code service} when the JVM is asked to stop. */
  public static void onSignal(String name, AutoCloseable service, Duration grace) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("{}: stop requested; finishing in-flight work (grace {} s)", name, grace.toSeconds());
      if (closeWithin(name, service, grace)) {
        LOG.info("{}: stopped cleanly", name);
      } else {
        LOG.error("{}: did not stop within the {} s grace period (SHUTDOWN_GRACE_SECONDS); exiting now, and what "
            + "was not committed goes to the next owner of its partitions", name, grace.toSeconds());
        Runtime.getRuntime().halt(1);
      }
    }, name + "-shutdown"));
  }

  /** Runs {@code close()} on its own thread; true when it returned (normally or not) within {@code grace}. */
  public static boolean closeWithin(String name, AutoCloseable service, Duration grace) {
    Thread closer = new Thread(() -> {
      try {
        service.close();
      } catch (Exception e) {
        LOG.warn("{}: closing failed: {}", name, e.toString());
      }
    }, name + "-close");
    closer.start();
    try {
      closer.join(grace.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !closer.isAlive();
  }
}
