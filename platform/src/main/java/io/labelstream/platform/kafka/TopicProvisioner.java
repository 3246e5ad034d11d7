package io.labelstream.platform.kafka;

import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the LabelStream topics that do not exist yet. Every service calls it at start-up, so any one of them
 * can be started first; topics that exist are left as they are.
 */
public final class TopicProvisioner {

  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

  private TopicProvisioner() {}

  public static void ensureTopics(KafkaSettings settings) {
    try (Admin admin = Admin.create(settings.clientConfig())) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (Topic<?, ?> topic : Topics.all()) {
        if (!existing.contains(topic.name())) {
          missing.add(new NewTopic(topic.name(), settings.topicPartitions(), settings.replicationFactor())
              .configs(topicConfig(topic, settings.frameLimits())));
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      admin.createTopics(missing).values().forEach((name, future) -> {
        try {
          future.get(30, TimeUnit.SECONDS);
          LOG.info("created topic {}", name);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (TimeoutException e) {
          throw new IllegalStateException("timed out creating topic " + name, e);
        }
      });
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot list topics on " + settings.bootstrapServers().orElse("?") + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing topics", e);
    }
  }

  /**
   * The broker configuration a topic is created with. Public so that deploy/'s KafkaTopic resources can be checked
   * against what the services would create themselves.
   */
  public static Map<String, String> topicConfig(Topic<?, ?> topic, FrameLimits limits) {
    Map<String, String> config = new HashMap<>();
    if (topic.compacted()) {
      config.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }
    if (topic.carriesImages()) {
      config.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(limits.maxRecordBytes()));
    }
    return config;
  }
}
