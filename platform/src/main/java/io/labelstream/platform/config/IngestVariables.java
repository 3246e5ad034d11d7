package io.labelstream.platform.config;

import static io.labelstream.platform.config.ValueType.integer;
import static io.labelstream.platform.config.ValueType.longInteger;
import static io.labelstream.platform.config.ValueType.port;

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
          + "topics' max.message.bytes follows it: set it the same for all.");

  public static final Setting<Integer> INGEST_MAX_DIMENSION = D.variable("INGEST_MAX_DIMENSION", integer(1, 65_535))
      .byDefault(16_384)
      .doc("Largest accepted image width or height in pixels. The inference worker reads it too and dead-letters a "
          + "wider or taller frame that reaches it anyway: set it the same for both.");

  public static final Setting<Long> INGEST_PRODUCE_TIMEOUT_MS = D.variable("INGEST_PRODUCE_TIMEOUT_MS",
          longInteger(1_000, 300_000))
      .byDefault(15_000L)
      .doc("How long a request waits for Kafka's acknowledgement before answering 503.");

  public static final Setting<Long> INGEST_MAX_IN_FLIGHT_BYTES = D.variable("INGEST_MAX_IN_FLIGHT_BYTES",
          longInteger(1024, 8L * 1024 * 1024 * 1024))
      .defaultDescribed("the largest of 64 MiB, 4 × INGEST_MAX_BYTES and 2 × INGEST_MAX_BATCH_BYTES")
      .doc("Bytes of frames waiting for Kafka at once; beyond it requests get 503, never a queue. At least "
          + "INGEST_MAX_BYTES.");

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

  private IngestVariables() {}

  static List<Setting<?>> all() {
    return D.all();
  }
}
