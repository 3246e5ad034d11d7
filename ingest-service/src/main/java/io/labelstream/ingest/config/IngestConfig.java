package io.labelstream.ingest.config;

import io.labelstream.platform.config.Env;
import io.labelstream.platform.http.HttpSettings;
import io.labelstream.platform.kafka.KafkaSettings;
import java.time.Duration;

/**
 * Everything the ingest service reads from its environment, once, at start-up.
 *
 * @param maxBytes largest accepted image body (INGEST_MAX_BYTES); Kafka limits follow it
 * @param maxDimension largest accepted width or height in pixels (INGEST_MAX_DIMENSION)
 * @param produceTimeout how long a request waits for Kafka's acknowledgement before answering 503
 * @param maxInFlightBytes bytes of frames waiting for Kafka at once; beyond it requests get 503, never a queue
 * @param idempotencyKeys how many recent Idempotency-Keys are remembered to answer retries without a second write
 * @param maxBatchFrames most frames in one {@code POST /v1/frames/batch} (INGEST_MAX_BATCH_FRAMES)
 * @param maxBatchBytes largest batch request body (INGEST_MAX_BATCH_BYTES); at most the in-flight budget, so a
 *     batch can always be reserved whole
 */
public record IngestConfig(
    HttpSettings http,
    KafkaSettings kafka,
    long maxBytes,
    int maxDimension,
    Duration produceTimeout,
    long maxInFlightBytes,
    int idempotencyKeys,
    int maxBatchFrames,
    long maxBatchBytes) {

  public IngestConfig {
    if (maxBatchBytes > maxInFlightBytes) {
      throw new IllegalArgumentException("INGEST_MAX_BATCH_BYTES (" + maxBatchBytes + ") must not exceed "
          + "INGEST_MAX_IN_FLIGHT_BYTES (" + maxInFlightBytes + "): a batch is reserved whole");
    }
  }

  public static IngestConfig from(Env env) {
    KafkaSettings kafka = KafkaSettings.from(env);
    long maxBytes = kafka.frameLimits().ingestMaxBytes();
    long maxBatchBytes = env.longIn("INGEST_MAX_BATCH_BYTES", Math.max(32L * 1024 * 1024, maxBytes), 1024, 1024L * 1024 * 1024);
    return new IngestConfig(
        HttpSettings.from(env, "INGEST_PORT", 8081),
        kafka,
        maxBytes,
        env.intIn("INGEST_MAX_DIMENSION", 16_384, 1, 65_535),
        Duration.ofMillis(env.longIn("INGEST_PRODUCE_TIMEOUT_MS", 15_000, 1_000, 300_000)),
        env.longIn("INGEST_MAX_IN_FLIGHT_BYTES", Math.max(Math.max(64L * 1024 * 1024, 4 * maxBytes), 2 * maxBatchBytes),
            maxBytes, 8L * 1024 * 1024 * 1024),
        env.intIn("INGEST_IDEMPOTENCY_KEYS", 100_000, 0, 10_000_000),
        env.intIn("INGEST_MAX_BATCH_FRAMES", 256, 1, 10_000),
        maxBatchBytes);
  }
}
