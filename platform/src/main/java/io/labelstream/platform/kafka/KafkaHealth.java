package io.labelstream.platform.kafka;

import io.labelstream.platform.http.ReadinessCheck;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether Kafka answers, for {@code /readyz}. Asks the cluster at most once per {@link #CACHE_FOR} so probes stay
 * cheap, and never blocks a probe longer than {@link #ASK_TIMEOUT}.
 */
public final class KafkaHealth implements ReadinessCheck, AutoCloseable {

  static final Duration CACHE_FOR = Duration.ofSeconds(5);
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);

  private final Admin admin;
  private volatile boolean lastAnswer;
  private volatile long lastAskedNanos = System.nanoTime() - CACHE_FOR.toNanos() - 1;

  public KafkaHealth(KafkaSettings settings) {
    Map<String, Object> config = new HashMap<>(settings.clientConfig());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ASK_TIMEOUT.toMillis());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ASK_TIMEOUT.toMillis());
    this.admin = Admin.create(config);
  }

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public synchronized boolean ready() {
    if (System.nanoTime() - lastAskedNanos < CACHE_FOR.toNanos()) {
      return lastAnswer;
    }
    try {
      lastAnswer = !admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) ASK_TIMEOUT.toMillis()))
          .nodes().get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).isEmpty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lastAnswer = false;
    } catch (Exception e) {
      lastAnswer = false;
    }
    lastAskedNanos = System.nanoTime();
    return lastAnswer;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
