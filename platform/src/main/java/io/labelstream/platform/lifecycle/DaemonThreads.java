package io.labelstream.platform.lifecycle;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Threads for a service's own pools: named for thread dumps, and daemons so they never hold the JVM open. */
public final class DaemonThreads {

  private DaemonThreads() {}

  /** Threads named {@code prefix-1}, {@code prefix-2}, … */
  public static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
