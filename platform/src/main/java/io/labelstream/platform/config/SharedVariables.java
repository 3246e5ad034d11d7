package io.labelstream.platform.config;

import static io.labelstream.platform.config.ValueType.integer;
import static io.labelstream.platform.config.ValueType.longInteger;
import static io.labelstream.platform.config.ValueType.path;
import static io.labelstream.platform.config.ValueType.text;

import io.labelstream.platform.image.DecodeBudget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Settings every service reads the same way. */
public final class SharedVariables {

  private static final Declarations D = new Declarations(Scope.SHARED);

  public static final Setting<String> HTTP_HOST = D.variable("HTTP_HOST", text("a host name or IP address"))
      .byDefault("0.0.0.0")
      .doc("Interface the HTTP server binds: 0.0.0.0 in containers; `./labelstream up` uses 127.0.0.1 unless it is set.");

  public static final Setting<Integer> SHUTDOWN_GRACE_SECONDS = D.variable("SHUTDOWN_GRACE_SECONDS", integer(1, 3600))
      .byDefault(30)
      .doc("How long a SIGTERM waits for in-flight requests, batches and transactions before the process exits "
          + "anyway; keep it below the orchestrator's own kill deadline.");

  /**
   * One name for the model, whoever reads it: the inference worker loads its {@code .onnx}, the review service its
   * {@code .card.json} and {@code .validation.csv}, {@code evaluate} its {@code .test.csv}. The path of the
   * {@code .onnx} file is accepted too, as the deprecated MODEL_PATH was.
   */
  public static final Setting<Path> LABELSTREAM_MODEL_DIR = D.variable("LABELSTREAM_MODEL_DIR", ValueType.existingPath(
          "an existing folder with one model's .onnx and .card.json, and optionally its .validation.csv (or the .onnx "
              + "file in it)"))
      .defaultDescribed("unset: the model bundled in the services (`evaluate` reads ./model/fashion-mnist-ensemble.onnx, "
          + "`evaluate --task detection` ./model/fashion-detector.onnx)")
      .formerly("MODEL_PATH", "POLICY_MODEL_DIR")
      .doc("The model the inference worker runs and the review service computes its policy for; both must see "
          + "the same one. Its card's `classNames` (or `labelsFile`) are the classes everywhere: the review page, "
          + "submit validation, statistics, exports and gold frames. Without `<model>.validation.csv` (a detector: "
          + "`<model>.validation.jsonl`, its validation scenes) the policy starts closed (every frame to people) and "
          + "opens classes as answered frames earn it.");

  public static final Setting<Long> IMAGE_MAX_PIXELS = D.variable("IMAGE_MAX_PIXELS",
          longInteger(64, 1L << 32))
      .byDefault(DecodeBudget.DEFAULT_MAX_PIXELS)
      .doc("Most pixels (width × height, as the image's header declares them) a frame may have: ingest refuses a "
          + "larger one with 413 image_too_large, and the inference worker dead-letters one that reaches it anyway, "
          + "before decoding a pixel. Set it the same for both. The default takes 8K UHD frames.");

  public static final Setting<Long> IMAGE_MAX_DECODED_BYTES = D.variable("IMAGE_MAX_DECODED_BYTES",
          longInteger(64, 1L << 40))
      .byDefault(DecodeBudget.DEFAULT_MAX_DECODED_BYTES)
      .doc("Most bytes a frame may decode to (width × height × channels × bytes per sample, from its header: PNG "
          + "bit depth and colour type, JPEG precision and components); refused and dead-lettered like "
          + "IMAGE_MAX_PIXELS. It stops a small PNG of zeros from declaring gigabytes of 16-bit samples.");

  public static final Setting<String> METRICS_TOKEN = D.variable("METRICS_TOKEN",
          text("a token of at least 16 characters"))
      .defaultDescribed("unset: `/metrics` is open, as for `./labelstream up`")
      .secret()
      .doc("When set, every service's `GET /metrics` requires the header `Authorization: Bearer` followed by this "
          + "token (compared in constant time) and answers anything else with 401 unauthorized: the metrics show review's accuracy estimate and "
          + "Kafka write counts, which can tell a reviewer which answer was an audit. deploy/ sets it from the "
          + "labelstream-metrics Secret, which the ServiceMonitor sends too (secret: never logged).");

  private SharedVariables() {}

  /** The folder of the model, whether the setting names the folder or the {@code .onnx} file in it. */
  public static Path modelFolder(Path setting) {
    return Files.isRegularFile(setting) ? setting.toAbsolutePath().getParent() : setting;
  }

  static List<Setting<?>> all() {
    return D.all();
  }
}
