package io.labelstream.ingest.config;

import static io.labelstream.platform.config.IngestVariables.INGEST_FRAME_ID_SECRET;
import static io.labelstream.platform.config.IngestVariables.INGEST_IDEMPOTENCY_KEYS;
import static io.labelstream.platform.config.IngestVariables.INGEST_MAX_BATCH_BYTES;
import static io.labelstream.platform.config.IngestVariables.INGEST_MAX_BATCH_FRAMES;
import static io.labelstream.platform.config.IngestVariables.INGEST_MAX_IN_FLIGHT_BYTES;
import static io.labelstream.platform.config.IngestVariables.INGEST_PORT;
import static io.labelstream.platform.config.IngestVariables.INGEST_PRODUCE_TIMEOUT_MS;
import static io.labelstream.platform.config.IngestVariables.INGEST_SENDER_BURST;
import static io.labelstream.platform.config.IngestVariables.INGEST_SENDER_DAILY_FRAMES;
import static io.labelstream.platform.config.IngestVariables.INGEST_SENDER_FRAMES_PER_SECOND;
import static io.labelstream.platform.config.IngestVariables.INGEST_TOKENS;

import io.labelstream.ingest.auth.Sender;
import io.labelstream.ingest.auth.SenderTokens;
import io.labelstream.platform.auth.BearerTokens;
import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.Setting;
import io.labelstream.platform.http.HttpSettings;
import io.labelstream.platform.image.DecodeBudget;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.store.FrameStoreSettings;
import io.labelstream.schemas.FrameIds;
import java.time.Duration;
import java.util.List;

/**
 * Everything the ingest service reads from its environment, once, at start-up.
 *
 * @param maxBytes largest accepted image body (INGEST_MAX_BYTES); Kafka limits follow it unless a frame store holds
 *     the images ({@link io.labelstream.platform.kafka.FrameLimits})
 * @param decodeBudget what a frame may decode to (INGEST_MAX_DIMENSION per side, IMAGE_MAX_PIXELS,
 *     IMAGE_MAX_DECODED_BYTES): the inference worker checks the same before decoding
 * @param produceTimeout how long a request waits for Kafka's acknowledgement before answering 503
 * @param maxInFlightBytes bytes of frames waiting for Kafka at once; beyond it requests get 503, never a queue
 * @param idempotencyKeys how many recent Idempotency-Keys are remembered to answer retries without a second write
 * @param maxBatchFrames most frames in one {@code POST /v1/frames/batch} (INGEST_MAX_BATCH_FRAMES)
 * @param maxBatchBytes largest batch request body (INGEST_MAX_BATCH_BYTES); at most the in-flight budget, so a
 *     batch can always be reserved whole
 * @param senders who may upload, by bearer token (INGEST_TOKENS), kept hashed
 * @param frameIds how an Idempotency-Key becomes a frameId, under the server secret (INGEST_FRAME_ID_SECRET)
 * @param senderFramesPerSecond each sender's average upload rate (INGEST_SENDER_FRAMES_PER_SECOND)
 * @param senderBurst frames a sender may upload at once above its rate (INGEST_SENDER_BURST)
 * @param senderDailyFrames frames a sender may upload per UTC day, 0 for no quota (INGEST_SENDER_DAILY_FRAMES)
 * @param frameStore where accepted images are put before their record goes to Kafka (FRAME_STORE; none: inline only)
 */
public record IngestConfig(
    HttpSettings http,
    KafkaSettings kafka,
    long maxBytes,
    DecodeBudget decodeBudget,
    Duration produceTimeout,
    long maxInFlightBytes,
    int idempotencyKeys,
    int maxBatchFrames,
    long maxBatchBytes,
    BearerTokens<Sender> senders,
    FrameIds frameIds,
    double senderFramesPerSecond,
    int senderBurst,
    long senderDailyFrames,
    FrameStoreSettings frameStore) {

  public IngestConfig {
    if (senderBurst < maxBatchFrames) {
      throw new ConfigException("INGEST_SENDER_BURST=" + senderBurst + " is invalid: expected at least "
          + "INGEST_MAX_BATCH_FRAMES (" + maxBatchFrames + "), so a full batch can be taken at once");
    }
    if (maxBatchBytes > maxInFlightBytes) {
      throw new ConfigException("INGEST_MAX_BATCH_BYTES=" + maxBatchBytes + " is invalid: expected at most "
          + "INGEST_MAX_IN_FLIGHT_BYTES (" + maxInFlightBytes + "), as a batch is reserved whole");
    }
  }

  public static IngestConfig from(Env env) {
    KafkaSettings kafka = KafkaSettings.from(env);
    long maxBytes = kafka.frameLimits().ingestMaxBytes();
    long maxBatchBytes = env.find(INGEST_MAX_BATCH_BYTES).orElse(Math.max(32L * 1024 * 1024, maxBytes));
    long maxInFlightBytes = env.find(INGEST_MAX_IN_FLIGHT_BYTES)
        .orElse(Math.max(Math.max(64L * 1024 * 1024, 4 * maxBytes), 2 * maxBatchBytes));
    if (maxInFlightBytes < maxBytes) {
      throw Env.invalid(INGEST_MAX_IN_FLIGHT_BYTES, Long.toString(maxInFlightBytes),
          "at least INGEST_MAX_BYTES (" + maxBytes + "), so one frame always fits");
    }
    return new IngestConfig(
        HttpSettings.from(env, INGEST_PORT),
        kafka,
        maxBytes,
        DecodeBudget.from(env),
        Duration.ofMillis(env.get(INGEST_PRODUCE_TIMEOUT_MS)),
        maxInFlightBytes,
        env.get(INGEST_IDEMPOTENCY_KEYS),
        env.get(INGEST_MAX_BATCH_FRAMES),
        maxBatchBytes,
        SenderTokens.parse(required(env, INGEST_TOKENS, "the senders' bearer tokens, name:token,...")),
        FrameIds.keyed(required(env, INGEST_FRAME_ID_SECRET, "a secret of 16+ characters that stays the same "
            + "across restarts (frame ids of retries depend on it)")),
        env.get(INGEST_SENDER_FRAMES_PER_SECOND),
        env.get(INGEST_SENDER_BURST),
        env.get(INGEST_SENDER_DAILY_FRAMES),
        FrameStoreSettings.from(env));
  }

  /**
   * A secret ingest cannot make up when it runs alone: a generated token would lock every fleet out, and a
   * generated frame-id secret would give retries after a restart new frame ids. The launcher ({@code up},
   * {@code demo}) sets both.
   */
  /**
   * How long a request waits for the frame store's put before answering 503: as long as it would wait for Kafka
   * (INGEST_PRODUCE_TIMEOUT_MS).
   */
  public Duration storeTimeout() {
    return produceTimeout;
  }

  /** How long a request waits for its whole write: the store's put (when there is a store), then Kafka. */
  public Duration answerTimeout() {
    Duration writes = frameStore.location().isPresent() ? storeTimeout().plus(produceTimeout) : produceTimeout;
    return writes.plusSeconds(1);
  }

  /** Who may upload, by name only (for a start-up banner; the tokens stay inside). */
  public List<String> senderNames() {
    return senders.holders().stream().map(Sender::name).toList();
  }

  private static String required(Env env, Setting<String> setting, String what) {
    return env.find(setting).orElseThrow(() -> new ConfigException(setting.name() + " is not set: ingest needs "
        + what + " when it runs on its own (./labelstream up and demo make one up)"));
  }
}
