package io.labelstream.platform.http;

import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.Setting;
import io.labelstream.platform.config.SharedVariables;
import java.time.Duration;

/**
 * Where a service listens, and how long it may take to stop.
 *
 * @param host interface to bind: 0.0.0.0 in containers, 127.0.0.1 for a local run
 * @param port TCP port; 0 picks a free one (tests)
 * @param shutdownGrace how long a SIGTERM waits for in-flight requests, batches and transactions before the process
 *     exits anyway ({@code SHUTDOWN_GRACE_SECONDS}); keep it below the orchestrator's own kill deadline
 * @param metricsToken who may read {@code /metrics} ({@code METRICS_TOKEN}); its toString never shows the token
 */
public record HttpSettings(String host, int port, Duration shutdownGrace, MetricsToken metricsToken) {

  /** Settings with {@code /metrics} open to anyone, as without {@code METRICS_TOKEN}. */
  public HttpSettings(String host, int port, Duration shutdownGrace) {
    this(host, port, shutdownGrace, MetricsToken.OPEN);
  }

  /** @param port the service's own port variable */
  public static HttpSettings from(Env env, Setting<Integer> port) {
    return new HttpSettings(env.get(SharedVariables.HTTP_HOST), env.get(port),
        Duration.ofSeconds(env.get(SharedVariables.SHUTDOWN_GRACE_SECONDS)), MetricsToken.from(env));
  }
}
