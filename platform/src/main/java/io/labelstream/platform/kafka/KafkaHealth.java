package io.labelstream.platform.kafka;

import io.labelstream.platform.http.ReadinessCheck;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;

/**
 * Whether Kafka answers and every LabelStream topic exists, for {@code /readyz}. Asks the cluster at most once per
 * {@link #CACHE_FOR} so probes stay cheap, and never blocks a probe longer than about twice {@link #ASK_TIMEOUT}.
 */
public final class KafkaHealth implements AutoCloseable {

  static final Duration CACHE_FOR = Duration.ofSeconds(5);
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);

  private final Admin admin;
  private final List<String> topics = Topics.all().stream().map(Topic::name).toList();
  private boolean reachable;
  private boolean topicsPresent;
  private long lastAskedNanos = System.nanoTime() - CACHE_FOR.toNanos() - 1;

  public KafkaHealth(KafkaClients clients) {
    this.admin = Admin.create(clients.admin("health", ASK_TIMEOUT));
  }

  /** {@code kafka}: the cluster answers; {@code topics}: every topic of {@link Topics} exists. */
  public List<ReadinessCheck> checks() {
    return List.of(ReadinessCheck.of("kafka", () -> ask()[0]), ReadinessCheck.of("topics", () -> ask()[1]));
  }

  /** The Kafka checks followed by a service's own. */
  public List<ReadinessCheck> checksWith(ReadinessCheck... serviceChecks) {
    List<ReadinessCheck> all = new ArrayList<>(checks());
    all.addAll(List.of(serviceChecks));
    return all;
  }

  private synchronized boolean[] ask() {
    if (System.nanoTime() - lastAskedNanos >= CACHE_FOR.toNanos()) {
      reachable = clusterAnswers();
      topicsPresent = reachable && topicsExist();
      lastAskedNanos = System.nanoTime();
    }
    return new boolean[] {reachable, topicsPresent};
  }

  private boolean clusterAnswers() {
    try {
      return !admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) ASK_TIMEOUT.toMillis()))
          .nodes().get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).isEmpty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  private boolean topicsExist() {
    try {
      Set<String> names = admin.listTopics(new ListTopicsOptions().timeoutMs((int) ASK_TIMEOUT.toMillis()))
          .names().get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return names.containsAll(topics);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
