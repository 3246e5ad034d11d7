package io.labelstream.platform.http;

import io.labelstream.platform.config.Env;
import java.time.Duration;

/**
 * Where a service listens, and how long it may take to stop.
 *
 * @param host interface to bind: 0.0.0.0 in containers, 127.0.0.1 for a local run
 * @param port TCP port; 0 picks a free one (tests)
 * @param shutdownGrace how long a SIGTERM waits for in-flight requests, batches and transactions before the process
 *     exits anyway ({@code SHUTDOWN_GRACE_SECONDS}); keep it below the orchestrator's own kill deadline
 */
public record HttpSettings(String host, int port, Duration shutdownGrace) {

  public static final int DEFAULT_SHUTDOWN_GRACE_SECONDS = 30;

  public static HttpSettings from(Env env, String portVariable, int defaultPort) {
    return new HttpSettings(env.string("HTTP_HOST", "0.0.0.0"), env.port(portVariable, defaultPort),
        Duration.ofSeconds(env.intIn("SHUTDOWN_GRACE_SECONDS", DEFAULT_SHUTDOWN_GRACE_SECONDS, 1, 3600)));
  }
}
