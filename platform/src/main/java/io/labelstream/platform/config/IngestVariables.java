package io.labelstream.platform.config;

import static io.labelstream.platform.config.ValueType.decimal;
import static io.labelstream.platform.config.ValueType.integer;
import static io.labelstream.platform.config.ValueType.longInteger;
import static io.labelstream.platform.config.ValueType.port;
import static io.labelstream.platform.config.ValueType.text;

import io.labelstream.platform.kafka.FrameLimits;
import java.util.List;

/** The ingest service's settings. */
public final class IngestVariables {

  private static final Declarations D = new Declarations(Scope.INGEST);

  public static final Setting<Integer> INGEST_PORT = D.variable("INGEST_PORT", port())
      .byDefault(8081)
      .doc("TCP port of the ingest API; 0 picks a free one.");

  public static final Setting<Long> INGEST_MAX_BYTES = D.variable("INGEST_MAX_BYTES",
          longInteger(1024, 512L * 1024 * 1024))
      .byDefault(FrameLimits.DEFAULT_INGEST_MAX_BYTES)
      .doc("Largest accepted image body in bytes. Every service sizes its Kafka clients from it, and the frame "
          + "topics' max.message.bytes follows it: set it the same for all. With FRAME_STORE set, images above "
          + "FRAME_STORE_INLINE_MAX_BYTES travel by reference, the Kafka limits follow that instead, and frames up to "
          + "50 MB are fine.");

  public static final Setting<Integer> INGEST_MAX_DIMENSION = D.variable("INGEST_MAX_DIMENSION", integer(1, 65_535))
      .byDefault(16_384)
      .doc("Largest accepted image width or height in pixels. The inference worker reads it too and dead-letters a "
          + "wider or taller frame that reaches it anyway: set it the same for both.");

  public static final Setting<Long> INGEST_PRODUCE_TIMEOUT_MS = D.variable("INGEST_PRODUCE_TIMEOUT_MS",
          longInteger(1_000, 300_000))
      .byDefault(15_000L)
      .doc("How long a request waits for Kafka's acknowledgement before answering 503; with a frame store, also how "
          + "long it waits for the store's put first.");

  public static final Setting<Long> INGEST_MAX_IN_FLIGHT_BYTES = D.variable("INGEST_MAX_IN_FLIGHT_BYTES",
          longInteger(1024, 8L * 1024 * 1024 * 1024))
      .defaultDescribed("the largest of 64 MiB, 4 × INGEST_MAX_BYTES and 2 × INGEST_MAX_BATCH_BYTES")
      .doc("Bytes of frames waiting for Kafka (and, with a frame store, for the store) at once; beyond it requests "
          + "get 503, never a queue. As much again is allowed for upload bodies being read. At least INGEST_MAX_BYTES.");

  public static final Setting<Integer> INGEST_IDEMPOTENCY_KEYS = D.variable("INGEST_IDEMPOTENCY_KEYS",
          integer(0, 10_000_000))
      .byDefault(100_000)
      .doc("How many recent Idempotency-Keys are remembered, to answer retries without writing a frame twice.");

  public static final Setting<Integer> INGEST_MAX_BATCH_FRAMES = D.variable("INGEST_MAX_BATCH_FRAMES",
          integer(1, 10_000))
      .byDefault(256)
      .doc("Most frames in one `POST /v1/frames/batch`.");

  public static final Setting<Long> INGEST_MAX_BATCH_BYTES = D.variable("INGEST_MAX_BATCH_BYTES",
          longInteger(1024, 1024L * 1024 * 1024))
      .defaultDescribed("the larger of 32 MiB and INGEST_MAX_BYTES")
      .doc("Largest batch request body; at most INGEST_MAX_IN_FLIGHT_BYTES, so a batch can always be reserved whole.");

  public static final Setting<String> INGEST_TOKENS = D.variable("INGEST_TOKENS",
          text("name:token or name:sha256:<64 hex digits>, comma-separated; tokens of 8+ characters, each token once"))
      .defaultDescribed("required when ingest runs alone; under `up`/`demo` one token is generated and printed at start")
      .secret()
      .doc("The senders (fleets) allowed to upload frames, each with its bearer token (secret: only hashes are kept). "
          + "The name tags the sender's frames and meters.");

  public static final Setting<String> INGEST_FRAME_ID_SECRET = D.variable("INGEST_FRAME_ID_SECRET",
          new ValueType<>("at least 16 characters", IngestVariables::longEnoughSecret))
      .defaultDescribed("required when ingest runs alone; under `up`/`demo` generated once and kept in "
          + "LABELSTREAM_DATA_DIR")
      .secret()
      .doc("Key of the keyed hash that turns a device id and Idempotency-Key into a frameId, so nobody else can "
          + "compute frame ids. Keep it: a new secret gives retries of earlier frames new ids.");

  public static final Setting<Double> INGEST_SENDER_FRAMES_PER_SECOND = D.variable("INGEST_SENDER_FRAMES_PER_SECOND",
          decimal(0.001, 1_000_000))
      .byDefault(1_000.0)
      .doc("Frames per second each sender may upload on average (per ingest instance); beyond it, 429 with "
          + "Retry-After.");

  public static final Setting<Integer> INGEST_SENDER_BURST = D.variable("INGEST_SENDER_BURST", integer(1, 10_000_000))
      .byDefault(2_000)
      .doc("Frames a sender may upload at once above its rate; at least INGEST_MAX_BATCH_FRAMES, so a full batch "
          + "always fits.");

  public static final Setting<Long> INGEST_SENDER_DAILY_FRAMES = D.variable("INGEST_SENDER_DAILY_FRAMES",
          longInteger(0, 1_000_000_000_000L))
      .byDefault(0L)
      .doc("Frames each sender may upload per UTC day (per ingest instance, counted in memory, so a restart forgets "
          + "the day); beyond it, 429 quota_exceeded with Retry-After until the next UTC midnight. 0 (the default) "
          + "means no quota, as before the setting existed.");

  private IngestVariables() {}

  private static String longEnoughSecret(String raw) {
    if (raw.length() < 16) {
      throw new IllegalArgumentException("too short");
    }
    return raw;
  }

  static List<Setting<?>> all() {
    return D.all();
  }
}
