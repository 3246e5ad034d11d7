package io.labelstream.inference.routing;

import io.labelstream.inference.model.ModelCard;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.CameraPolicy;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.UsualInputs;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a worker on the latest routing policy: reads the compacted {@code policy.v1} from the beginning and follows
 * it, applying only policies made for this worker's model name and version. Until one arrives every class is
 * closed, so no frame is labelled by the model without a guarantee behind it. A classifier's policy has one threshold
 * per class; a detection model's has one, for the frame score ({@link ModelCard#policySize()}); a policy of another
 * length is ignored with a warning, and so is a camera's policy of another length (that camera keeps the common
 * thresholds), and a camera's usual inputs with other than one bound per input statistic (that camera is not gated).
 */
public final class PolicyFollower implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyFollower.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final ModelCard card;
  private final AtomicReference<RoutingPolicy> current;
  private final CountDownLatch first = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  /** The cameras whose usual inputs have been logged: once each, as a policy is republished with every change. */
  private final Set<RoutingPolicy.Camera> announced = new HashSet<>();
  private volatile boolean running = true;

  public PolicyFollower(KafkaSettings kafka, String instanceId, ModelCard card) {
    this.consumer = new KafkaConsumer<>(new KafkaClients(kafka, "inference", instanceId).consumer("policy"), new StringDeserializer(), new ByteArrayDeserializer());
    this.card = card;
    this.current = new AtomicReference<>(RoutingPolicy.closed(card.policySize()));
  }

  public RoutingPolicy current() {
    return current.get();
  }

  /** True once a policy for this model has been applied. */
  public boolean hasPolicy() {
    return first.getCount() == 0;
  }

  /** Waits up to {@code timeout} for the first policy; the worker routes with closed thresholds if none comes. */
  public boolean awaitFirst(Duration timeout) throws InterruptedException {
    return first.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void run() {
    try {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.POLICY.name(), Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          apply(record);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        LOG.error("policy follower woken unexpectedly", e);
      }
    } catch (RuntimeException e) {
      LOG.error("policy follower stopped; the worker keeps its last policy ({})", current.get(), e);
    } finally {
      consumer.close();
      stopped.countDown();
    }
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    Policy policy;
    try {
      policy = Topics.POLICY.valueSerde().deserializer().deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      LOG.warn("ignoring unreadable policy record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
      return;
    }
    if (policy == null || !policy.getModelName().equals(card.name()) || !policy.getModelVersion().equals(card.version())) {
      return;
    }
    Optional<RoutingPolicy> routing = routing(policy, card);
    if (routing.isEmpty()) {
      return;
    }
    RoutingPolicy next = routing.get();
    RoutingPolicy previous = current.getAndSet(next);
    if (!next.toString().equals(previous.toString())) {
      LOG.info("routing policy now {} (regime {}: model-label accuracy >= {} at {} confidence, {} audits)", next,
          policy.getRegime(), String.format(java.util.Locale.ROOT, "%.4f", policy.getOverall().getLowerBound()),
          policy.getConfidence(), policy.getOverall().getAudits());
    }
    next.usual().forEach((camera, usual) -> {
      if (announced.add(camera)) {
        LOG.info("camera {} has usual inputs {}: its frames outside them go to people whatever their score", camera,
            usual);
      }
    });
    first.countDown();
  }

  /**
   * The routing a policy for this worker's model asks for, or empty when its common thresholds do not fit the model.
   * A camera whose thresholds do not fit is left out, so its frames keep the common thresholds: a policy the worker
   * cannot apply to one camera must not stop it applying the rest.
   */
  static Optional<RoutingPolicy> routing(Policy policy, ModelCard card) {
    if (!fits(policy.getThresholds(), card, "a policy")) {
      return Optional.empty();
    }
    Map<RoutingPolicy.Camera, RoutingPolicy.Scope> cameras = new HashMap<>();
    for (CameraPolicy camera : policy.getCameras()) {
      RoutingPolicy.Camera key = new RoutingPolicy.Camera(camera.getDeviceId(), camera.getCameraId());
      String whose = "the policy of camera " + key + " (its frames keep the common thresholds)";
      if (fits(camera.getThresholds(), card, whose)) {
        cameras.put(key, RoutingPolicy.Scope.of(camera.getThresholds(), camera.getAuditRate()));
      }
    }
    return Optional.of(RoutingPolicy.published(policy.getThresholds(), policy.getAuditRate(), cameras,
        usual(policy)));
  }

  /**
   * The cameras' usual inputs. Low and high bounds of different lengths are left out with a warning, so that camera
   * is not gated: the worker cannot tell which statistic a bound is of, and must not stop applying the rest of the
   * policy. Lists of another length than this worker's statistics are read in order ({@link RoutingPolicy.Usual#of}).
   */
  private static Map<RoutingPolicy.Camera, RoutingPolicy.Usual> usual(Policy policy) {
    Map<RoutingPolicy.Camera, RoutingPolicy.Usual> usual = new HashMap<>();
    for (UsualInputs inputs : policy.getUsualInputs()) {
      RoutingPolicy.Camera key = new RoutingPolicy.Camera(inputs.getDeviceId(), inputs.getCameraId());
      if (inputs.getLow().size() == inputs.getHigh().size()) {
        usual.put(key, RoutingPolicy.Usual.of(inputs.getLow(), inputs.getHigh()));
      } else {
        LOG.warn("ignoring the usual inputs of camera {} with {} low and {} high bounds: its frames are not gated",
            key, inputs.getLow().size(), inputs.getHigh().size());
      }
    }
    return usual;
  }

  private static boolean fits(List<Double> thresholds, ModelCard card, String whose) {
    if (thresholds.size() == card.policySize()) {
      return true;
    }
    if (card.detects()) {
      LOG.warn("ignoring {} with {} thresholds for the detection model {} {}, which routes on one frame score "
          + "(thresholds[0])", whose, thresholds.size(), card.name(), card.version());
    } else {
      LOG.warn("ignoring {} with {} thresholds for a model of {} classes", whose, thresholds.size(),
          card.classNames().size());
    }
    return false;
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      stopped.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
