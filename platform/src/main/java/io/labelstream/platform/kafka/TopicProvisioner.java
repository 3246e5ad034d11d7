package io.labelstream.platform.kafka;

import io.labelstream.platform.config.ConfigException;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the LabelStream topics that do not exist yet. Every service calls it at start-up, so any one of them
 * can be started first; topics that exist are left as they are.
 *
 * <p>It is also the first thing a service asks Kafka, so it is where a wrong address or wrong security settings
 * show: it gives up within {@link #TIMEOUT} and says which settings to check, instead of letting the service hang.
 */
public final class TopicProvisioner {

  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private TopicProvisioner() {}

  public static void ensureTopics(KafkaSettings settings) {
    Admin admin = Admin.create(new KafkaClients(settings, "topics", null).admin("provisioner", TIMEOUT));
    try {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (Topic<?, ?> topic : Topics.all()) {
        if (!existing.contains(topic.name())) {
          int partitions = topic.partitions() > 0 ? topic.partitions() : settings.topicPartitions();
          missing.add(new NewTopic(topic.name(), partitions, settings.replicationFactor())
              .configs(topicConfig(topic, settings.frameLimits())));
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      admin.createTopics(missing).values().forEach((name, future) -> {
        try {
          future.get(TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
          LOG.info("created topic {}", name);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw failure(settings, "cannot create topic " + name, e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (TimeoutException e) {
          throw failure(settings, "cannot create topic " + name, e);
        }
      });
    } catch (ExecutionException e) {
      throw failure(settings, "cannot list topics", e.getCause());
    } catch (TimeoutException e) {
      throw failure(settings, "cannot list topics", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing topics", e);
    } finally {
      admin.close(Duration.ofSeconds(5));
    }
  }

  /**
   * What went wrong, in terms of the settings an operator can change. A rejected login is a configuration error
   * (the launcher prints it without a stack trace); a broker that does not answer may just be down.
   */
  static RuntimeException failure(KafkaSettings settings, String what, Throwable cause) {
    String where = " on Kafka at " + settings.bootstrapServers().orElse("?") + ": ";
    String protocol = "KAFKA_SECURITY_PROTOCOL (now "
        + settings.security().getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT") + ")";
    if (cause instanceof SaslAuthenticationException) {
      return new ConfigException(what + where + "Kafka rejected the credentials (SASL authentication failed: "
          + cause.getMessage() + "): check KAFKA_SASL_JAAS_CONFIG and KAFKA_SASL_MECHANISM", cause);
    }
    if (cause instanceof AuthenticationException) {
      return new ConfigException(what + where + "Kafka refused this client's security handshake ("
          + cause.getClass().getSimpleName() + ": " + cause.getMessage() + "): check that " + protocol
          + ", KAFKA_SASL_MECHANISM and the KAFKA_SSL_* settings match the broker's listener", cause);
    }
    if (cause instanceof AuthorizationException) {
      return new ConfigException(what + where + "Kafka denied it to this client (" + cause.getMessage()
          + "): grant the user of KAFKA_SASL_JAAS_CONFIG access to the LabelStream topics", cause);
    }
    if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
      return new IllegalStateException(what + where + "no answer within " + TIMEOUT.toSeconds() + " s. Check that "
          + "KAFKA_BOOTSTRAP_SERVERS is right and Kafka is running, and that " + protocol + " is the protocol of "
          + "that listener: a broker cuts off a client that speaks the wrong one without saying why", cause);
    }
    return new IllegalStateException(what + where + cause, cause);
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
