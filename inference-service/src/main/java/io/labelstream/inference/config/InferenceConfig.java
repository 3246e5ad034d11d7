package io.labelstream.inference.config;

import static io.labelstream.platform.config.InferenceVariables.INFERENCE_AUDIT_RATE;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_DECODE_THREADS;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_DECODE_TIMEOUT_MS;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_EXACTLY_ONCE;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_GROUP_ID;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_INSTANCE_ID;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_MAX_BATCH;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_MAX_DELAY_MS;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_POLICY_WAIT_SECONDS;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_PORT;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_ROUTING_THRESHOLD;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_SESSION_TIMEOUT_MS;
import static io.labelstream.platform.config.SharedVariables.LABELSTREAM_MODEL_DIR;

import io.labelstream.inference.model.SessionSettings;
import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.http.HttpSettings;
import io.labelstream.platform.image.DecodeBudget;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.store.FrameStoreSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything the inference worker reads from its environment, once, at start-up.
 *
 * @param fixedThreshold a routing threshold pinned by INFERENCE_ROUTING_THRESHOLD for every class; when empty (the
 *     default) the worker follows the policy the review service publishes on policy.v1
 * @param auditRate share of model-labelled frames also sent to people as blind audits (INFERENCE_AUDIT_RATE)
 * @param policyWait how long a starting worker waits for the first policy before routing everything to people
 *     (INFERENCE_POLICY_WAIT_SECONDS)
 * @param model the model's files: the .onnx LABELSTREAM_MODEL_DIR names (or the only one in that folder) with its
 *     .card.json beside it, or the bundled model when the variable is unset
 * @param groupId consumer group shared by all workers (INFERENCE_GROUP_ID)
 * @param instanceId this worker's name, part of its transactional id (INFERENCE_INSTANCE_ID)
 * @param staticMembership true when INFERENCE_INSTANCE_ID was given: the worker then joins its group as a static
 *     member, so a restarted worker takes its partitions back at once instead of waiting out a session timeout
 * @param sessionTimeout how long the group waits for a silent worker before giving its partitions to others
 *     (INFERENCE_SESSION_TIMEOUT_MS)
 * @param maxBatch most frames per model call and per transaction (INFERENCE_MAX_BATCH)
 * @param maxDelay longest a polled frame waits for its batch to fill before the batch runs anyway
 *     (INFERENCE_MAX_DELAY_MS)
 * @param decodeThreads threads decoding images while the model runs (INFERENCE_DECODE_THREADS)
 * @param decodeBudget the limits a frame's header must meet before it is decoded, the same as ingest's
 * @param decodeTimeout longest one frame's decoding may take (INFERENCE_DECODE_TIMEOUT_MS)
 * @param exactlyOnce one Kafka transaction per batch (the default); false gives at-least-once, for comparison only
 *     (INFERENCE_EXACTLY_ONCE)
 * @param session how the ONNX Runtime session is built (device, threads, optimisation, arena)
 * @param frameStore the frame store frames by reference are read from, and frames produced with inline bytes only are
 *     put in (FRAME_STORE); none configured: every frame must carry its image inline
 */
public record InferenceConfig(
    HttpSettings http,
    KafkaSettings kafka,
    Optional<Double> fixedThreshold,
    double auditRate,
    java.time.Duration policyWait,
    ModelFolder model,
    String groupId,
    String instanceId,
    boolean staticMembership,
    java.time.Duration sessionTimeout,
    int maxBatch,
    java.time.Duration maxDelay,
    int decodeThreads,
    DecodeBudget decodeBudget,
    java.time.Duration decodeTimeout,
    boolean exactlyOnce,
    SessionSettings session,
    FrameStoreSettings frameStore) {

  public static InferenceConfig from(Env env) {
    return new InferenceConfig(
        HttpSettings.from(env, INFERENCE_PORT),
        KafkaSettings.from(env),
        env.find(INFERENCE_ROUTING_THRESHOLD),
        env.get(INFERENCE_AUDIT_RATE),
        java.time.Duration.ofSeconds(env.get(INFERENCE_POLICY_WAIT_SECONDS)),
        model(env.find(LABELSTREAM_MODEL_DIR)),
        env.get(INFERENCE_GROUP_ID),
        env.find(INFERENCE_INSTANCE_ID).orElseGet(() -> "worker-" + UUID.randomUUID().toString().substring(0, 8)),
        env.isSet(INFERENCE_INSTANCE_ID),
        java.time.Duration.ofMillis(env.get(INFERENCE_SESSION_TIMEOUT_MS)),
        env.get(INFERENCE_MAX_BATCH),
        java.time.Duration.ofMillis(env.get(INFERENCE_MAX_DELAY_MS)),
        env.find(INFERENCE_DECODE_THREADS).orElseGet(() -> Runtime.getRuntime().availableProcessors()),
        DecodeBudget.from(env),
        java.time.Duration.ofMillis(env.get(INFERENCE_DECODE_TIMEOUT_MS)),
        env.get(INFERENCE_EXACTLY_ONCE),
        SessionSettings.from(env),
        FrameStoreSettings.from(env));
  }

  /** The model the setting names: an .onnx file, or a folder holding exactly one (with its card). */
  private static ModelFolder model(Optional<Path> setting) {
    try {
      return ModelFolder.of(setting);
    } catch (IOException e) {
      throw new ConfigException(LABELSTREAM_MODEL_DIR.name() + "=" + setting.orElseThrow() + " is invalid: "
          + e.getMessage(), e);
    }
  }
}
