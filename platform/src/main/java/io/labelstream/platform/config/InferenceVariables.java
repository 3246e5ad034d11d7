package io.labelstream.platform.config;

import static io.labelstream.platform.config.ValueType.bool;
import static io.labelstream.platform.config.ValueType.choice;
import static io.labelstream.platform.config.ValueType.decimal;
import static io.labelstream.platform.config.ValueType.integer;
import static io.labelstream.platform.config.ValueType.port;
import static io.labelstream.platform.config.ValueType.text;

import java.util.List;

/** The inference worker's settings: routing, Kafka consumption, batching and the ONNX Runtime session. */
public final class InferenceVariables {

  private static final Declarations D = new Declarations(Scope.INFERENCE);

  public static final Setting<Integer> INFERENCE_PORT = D.variable("INFERENCE_PORT", port())
      .byDefault(8082)
      .doc("TCP port of the worker's health and metrics endpoints; 0 picks a free one.");

  public static final Setting<Double> INFERENCE_ROUTING_THRESHOLD = D.variable("INFERENCE_ROUTING_THRESHOLD",
          decimal(0.0, 1.0))
      .defaultDescribed("unset: follow the policy the review service publishes")
      .formerly("ROUTING_THRESHOLD")
      .doc("A routing threshold pinned for every class: frames the model is at least this confident about are "
          + "labelled by it, the rest go to people.");

  public static final Setting<Double> INFERENCE_AUDIT_RATE = D.variable("INFERENCE_AUDIT_RATE", decimal(0.0, 1.0))
      .byDefault(0.02)
      .formerly("AUDIT_RATE")
      .doc("Share of model-labelled frames also sent to people as blind audits.");

  public static final Setting<Integer> INFERENCE_POLICY_WAIT_SECONDS = D.variable("INFERENCE_POLICY_WAIT_SECONDS",
          integer(0, 3600))
      .byDefault(15)
      .doc("How long a starting worker waits for the first policy before routing everything to people.");

  public static final Setting<String> INFERENCE_GROUP_ID = D.variable("INFERENCE_GROUP_ID", text("a consumer group id"))
      .byDefault("labelstream-inference")
      .doc("Consumer group shared by all workers.");

  public static final Setting<String> INFERENCE_INSTANCE_ID = D.variable("INFERENCE_INSTANCE_ID", text("a name"))
      .defaultDescribed("worker-<random>")
      .doc("This worker's name, part of its transactional id. When set, the worker joins its group as a static "
          + "member and takes its partitions back at once after a restart.");

  public static final Setting<Integer> INFERENCE_SESSION_TIMEOUT_MS = D.variable("INFERENCE_SESSION_TIMEOUT_MS",
          integer(6_000, 300_000))
      .byDefault(10_000)
      .doc("How long the group waits for a silent worker before giving its partitions to others.");

  public static final Setting<Integer> INFERENCE_MAX_BATCH = D.variable("INFERENCE_MAX_BATCH", integer(1, 4096))
      .byDefault(512)
      .doc("Most frames per model call and per transaction.");

  public static final Setting<Integer> INFERENCE_MAX_DELAY_MS = D.variable("INFERENCE_MAX_DELAY_MS", integer(0, 10_000))
      .byDefault(10)
      .doc("Longest a polled frame waits for its batch to fill before the batch runs anyway.");

  public static final Setting<Integer> INFERENCE_DECODE_THREADS = D.variable("INFERENCE_DECODE_THREADS",
          integer(1, 256))
      .defaultDescribed("the number of CPUs")
      .doc("Threads decoding images while the model runs.");

  public static final Setting<Integer> INFERENCE_DECODE_TIMEOUT_MS = D.variable("INFERENCE_DECODE_TIMEOUT_MS",
          integer(100, 600_000))
      .byDefault(5_000)
      .doc("Longest one frame's decoding may take; a decode that runs over is abandoned and the frame "
          + "dead-lettered (decode_timeout), so a few slow frames cannot stall the stream.");

  public static final Setting<Boolean> INFERENCE_EXACTLY_ONCE = D.variable("INFERENCE_EXACTLY_ONCE", bool())
      .byDefault(true)
      .doc("One Kafka transaction per batch; false gives at-least-once, for comparison only.");

  public static final Setting<String> INFERENCE_DEVICE = D.variable("INFERENCE_DEVICE",
          text("cpu or cuda:N (for example cuda:0)"))
      .byDefault("cpu")
      .doc("Where the model runs.");

  public static final Setting<String> INFERENCE_DEVICE_FALLBACK = D.variable("INFERENCE_DEVICE_FALLBACK",
          choice("none", "cpu"))
      .byDefault("none")
      .doc("cpu: run on the CPU when the requested GPU cannot be used, instead of refusing to start.");

  public static final Setting<Integer> INFERENCE_INTRA_OP_THREADS = D.variable("INFERENCE_INTRA_OP_THREADS",
          integer(0, 256))
      .byDefault(1)
      .doc("ONNX Runtime threads inside one operator; 0 lets ONNX Runtime choose.");

  public static final Setting<Integer> INFERENCE_INTER_OP_THREADS = D.variable("INFERENCE_INTER_OP_THREADS",
          integer(0, 256))
      .byDefault(0)
      .doc("ONNX Runtime threads across independent operators (parallel execution); 0 keeps sequential execution.");

  public static final Setting<String> INFERENCE_GRAPH_OPTIMIZATION = D.variable("INFERENCE_GRAPH_OPTIMIZATION",
          choice("none", "basic", "extended", "all"))
      .byDefault("all")
      .doc("ONNX Runtime graph optimisation level.");

  public static final Setting<Boolean> INFERENCE_MEMORY_ARENA = D.variable("INFERENCE_MEMORY_ARENA", bool())
      .byDefault(true)
      .doc("ONNX Runtime's CPU arena allocator.");

  public static final Setting<Boolean> INFERENCE_ALLOW_SPINNING = D.variable("INFERENCE_ALLOW_SPINNING", bool())
      .byDefault(false)
      .doc("Whether ONNX Runtime's intra-op threads spin-wait for work between runs; spinning takes cores the "
          + "worker needs for decoding and Kafka.");

  private InferenceVariables() {}

  static List<Setting<?>> all() {
    return D.all();
  }
}
