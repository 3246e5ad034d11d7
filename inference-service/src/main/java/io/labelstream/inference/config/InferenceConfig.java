package io.labelstream.inference.config;

import io.labelstream.inference.model.SessionSettings;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.http.HttpSettings;
import io.labelstream.platform.kafka.KafkaSettings;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything the inference worker reads from its environment, once, at start-up.
 *
 * @param fixedThreshold a routing threshold pinned by ROUTING_THRESHOLD for every class; when empty (the default)
 *     the worker follows the policy the review service publishes on policy.v1
 * @param auditRate share of model-labelled frames also sent to people as blind audits (AUDIT_RATE)
 * @param policyWait how long a starting worker waits for the first policy before routing everything to people
 *     (INFERENCE_POLICY_WAIT_SECONDS)
 * @param modelPath an .onnx file with its .card.json beside it (MODEL_PATH); empty means the bundled model
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
 * @param exactlyOnce one Kafka transaction per batch (the default); false gives at-least-once, for comparison only
 *     (INFERENCE_EXACTLY_ONCE)
 * @param session how the ONNX Runtime session is built (device, threads, optimisation, arena)
 */
public record InferenceConfig(
    HttpSettings http,
    KafkaSettings kafka,
    Optional<Double> fixedThreshold,
    double auditRate,
    java.time.Duration policyWait,
    Optional<Path> modelPath,
    String groupId,
    String instanceId,
    boolean staticMembership,
    java.time.Duration sessionTimeout,
    int maxBatch,
    java.time.Duration maxDelay,
    int decodeThreads,
    boolean exactlyOnce,
    SessionSettings session) {

  public static InferenceConfig from(Env env) {
    return new InferenceConfig(
        HttpSettings.from(env, "INFERENCE_PORT", 8082),
        KafkaSettings.from(env),
        env.optional("ROUTING_THRESHOLD").map(v -> env.doubleIn("ROUTING_THRESHOLD", 0.9, 0.0, 1.0)),
        env.doubleIn("AUDIT_RATE", 0.02, 0.0, 1.0),
        java.time.Duration.ofSeconds(env.intIn("INFERENCE_POLICY_WAIT_SECONDS", 15, 0, 3600)),
        env.optional("MODEL_PATH").map(Path::of),
        env.string("INFERENCE_GROUP_ID", "labelstream-inference"),
        env.string("INFERENCE_INSTANCE_ID", "worker-" + UUID.randomUUID().toString().substring(0, 8)),
        env.optional("INFERENCE_INSTANCE_ID").isPresent(),
        java.time.Duration.ofMillis(env.intIn("INFERENCE_SESSION_TIMEOUT_MS", 10_000, 6_000, 300_000)),
        env.intIn("INFERENCE_MAX_BATCH", 512, 1, 4096),
        java.time.Duration.ofMillis(env.intIn("INFERENCE_MAX_DELAY_MS", 10, 0, 10_000)),
        env.intIn("INFERENCE_DECODE_THREADS", Runtime.getRuntime().availableProcessors(), 1, 256),
        env.bool("INFERENCE_EXACTLY_ONCE", true),
        SessionSettings.from(env));
  }
}
