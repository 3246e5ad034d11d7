package io.labelstream.review.config;

import static io.labelstream.platform.config.ReviewVariables.REVIEW_ADVERTISED_URL;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_ANSWERS_REQUIRED;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_CLUSTER_TOKEN;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_GOLD_RATE;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_INSTANCE_ID;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_LABEL_CLASSES;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_LEASE_SECONDS;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_MAX_LEASES;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_MAX_LEASE_SECONDS;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_MAX_OPEN_TASKS;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_PORT;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_STANDBY_REPLICAS;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_STATE_CHECKPOINT_INTERVAL_MS;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_STATE_DIR;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_TOKENS;

import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.SharedVariables;
import io.labelstream.platform.http.HttpSettings;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import io.labelstream.platform.store.FrameStoreSettings;
import io.labelstream.review.auth.ReviewerTokens;
import io.labelstream.review.policy.PolicySettings;
import io.labelstream.review.queue.LeaseLimits;
import io.labelstream.review.queue.QueueOrder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything the review service reads from its environment, once, at start-up.
 *
 * @param tokens the accepted bearer tokens, hashed (REVIEW_TOKENS=name:token:role,...); one admin token is generated
 *     when unset
 * @param lease how long a claimed task stays with its reviewer (REVIEW_LEASE_SECONDS)
 * @param leaseLimits tasks one reviewer may hold at once and the longest they may hold one (REVIEW_MAX_LEASES,
 *     REVIEW_MAX_LEASE_SECONDS)
 * @param model the model's files (LABELSTREAM_MODEL_DIR, or the bundled model when unset)
 * @param modelIdentity the model's name, version and classes in output order, from its card: the page's buttons,
 *     submit validation, statistics, exports, gold frames and the policy all use these classes
 * @param instanceId this instance's name, part of its transactional id (REVIEW_INSTANCE_ID)
 * @param policy how the routing policy is computed
 * @param queueOrder which waiting task a reviewer gets next (REVIEW_QUEUE_ORDER: uncertainty, fifo, round_robin)
 * @param answersRequired independent answers an AUDIT or FLAGGED task needs (REVIEW_ANSWERS_REQUIRED, default 1); with
 *     2, a disagreement waits for a third reviewer's answer or an admin's
 * @param goldRate share of claims that hand out a gold task, when gold frames are loaded (REVIEW_GOLD_RATE)
 * @param advertisedUrl where other review instances reach this one (REVIEW_ADVERTISED_URL, e.g. the pod's
 *     http://10.0.3.7:8083); by default http://HTTP_HOST:port, or this host's address when bound to 0.0.0.0
 * @param maxOpenTasks review tasks open at once (REVIEW_MAX_OPEN_TASKS); further requests wait in Kafka
 * @param frameStore where frame images are kept (FRAME_STORE); none: images are read from Kafka only, as before
 * @param stateDir where the state is kept between runs, with the checkpoint a clean stop writes (REVIEW_STATE_DIR);
 *     none: rebuilt from Kafka at every start
 * @param stateCheckpointInterval how often, with a state folder, the state is also checkpointed while running
 *     (REVIEW_STATE_CHECKPOINT_INTERVAL_MS); zero: only a clean stop writes one
 */
public record ReviewConfig(
    HttpSettings http,
    KafkaSettings kafka,
    ReviewerTokens tokens,
    Duration lease,
    LeaseLimits leaseLimits,
    ModelFolder model,
    ModelIdentity modelIdentity,
    String instanceId,
    PolicySettings policy,
    QueueOrder queueOrder,
    int answersRequired,
    double goldRate,
    Optional<String> advertisedUrl,
    int maxOpenTasks,
    FrameStoreSettings frameStore,
    Optional<Path> stateDir,
    Duration stateCheckpointInterval,
    String clusterToken,
    int standbyReplicas) {

  public static ReviewConfig from(Env env) {
    if (env.isSet(REVIEW_LABEL_CLASSES)) {
      throw new ConfigException("REVIEW_LABEL_CLASSES is retired: the classes now come from the model card "
          + "(classNames in <model>.card.json, found through LABELSTREAM_MODEL_DIR); check that the card lists them "
          + "in the same order and unset it");
    }
    Optional<Path> modelSetting = env.find(SharedVariables.LABELSTREAM_MODEL_DIR);
    ModelFolder model;
    ModelIdentity identity;
    PolicySettings policy;
    try {
      model = ModelFolder.of(modelSetting);
      identity = ModelIdentity.read(model);
      policy = PolicySettings.forModel(env, model, identity);
    } catch (IOException e) {
      throw Env.invalid(SharedVariables.LABELSTREAM_MODEL_DIR, modelSetting.map(Path::toString).orElse("(bundled)"),
          "a model whose card names its classes (" + e.getMessage() + ")");
    }
    return new ReviewConfig(
        HttpSettings.from(env, REVIEW_PORT),
        KafkaSettings.from(env),
        env.find(REVIEW_TOKENS).map(ReviewerTokens::parse).orElseGet(ReviewerTokens::generatedAdmin),
        Duration.ofSeconds(env.get(REVIEW_LEASE_SECONDS)),
        new LeaseLimits(env.get(REVIEW_MAX_LEASES), Duration.ofSeconds(env.get(REVIEW_MAX_LEASE_SECONDS))),
        model,
        identity,
        env.find(REVIEW_INSTANCE_ID).orElseGet(() -> "review-" + UUID.randomUUID().toString().substring(0, 8)),
        policy,
        QueueOrder.from(env),
        env.get(REVIEW_ANSWERS_REQUIRED),
        env.get(REVIEW_GOLD_RATE),
        env.find(REVIEW_ADVERTISED_URL).map(ReviewConfig::withoutTrailingSlash),
        env.get(REVIEW_MAX_OPEN_TASKS),
        FrameStoreSettings.from(env),
        env.find(REVIEW_STATE_DIR),
        Duration.ofMillis(env.get(REVIEW_STATE_CHECKPOINT_INTERVAL_MS)),
        env.find(REVIEW_CLUSTER_TOKEN).map(ReviewConfig::clusterToken).orElseGet(ReviewConfig::madeUpClusterToken),
        env.get(REVIEW_STANDBY_REPLICAS));
  }

  private static String clusterToken(String token) {
    if (token.strip().length() < 16) {
      throw Env.invalid(REVIEW_CLUSTER_TOKEN, "[hidden]", "a token of 16+ characters");
    }
    return token.strip();
  }

  /** Alone, an instance owns every frame and asks nobody; another instance cannot ask it either. */
  private static String madeUpClusterToken() {
    byte[] random = new byte[24];
    new java.security.SecureRandom().nextBytes(random);
    return java.util.HexFormat.of().formatHex(random);
  }

  private static String withoutTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** The label classes in the model's output order, from its card. */
  public List<String> classes() {
    return modelIdentity.classNames();
  }

  /** Whether the model is a detector ({@code "task": "detection"} in its card). */
  public boolean detection() {
    return ModelIdentity.DETECTION.equals(modelIdentity.task());
  }

  /** True when no REVIEW_TOKENS were given and an admin token was made up for this run. */
  public boolean tokensGenerated() {
    return tokens.generatedToken().isPresent();
  }

  @Override
  public String toString() {
    return "ReviewConfig[http=" + http + ", kafka=" + kafka + ", reviewers=" + tokens + ", lease=" + lease + ", leaseLimits=" + leaseLimits
        + ", model=" + modelIdentity.name() + " " + modelIdentity.version() + " (" + model.location() + ")"
        + ", classes=" + classes() + ", instanceId=" + instanceId + ", policy=" + policy + ", queueOrder=" + queueOrder
        + ", answersRequired=" + answersRequired + ", goldRate=" + goldRate
        + ", advertisedUrl=" + advertisedUrl.orElse("(derived)") + ", maxOpenTasks=" + maxOpenTasks
        + ", frameStore=" + frameStore.location().map(Object::toString).orElse("(none: images from Kafka only)")
        + ", stateDir=" + stateDir.map(Object::toString).orElse("(none: rebuilt at every start)")
        + stateDir.map(dir -> ", stateCheckpointInterval=" + stateCheckpointInterval).orElse("") + "]";
  }
}
