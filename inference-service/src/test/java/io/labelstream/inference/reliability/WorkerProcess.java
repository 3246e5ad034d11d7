package io.labelstream.inference.reliability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The inference service in a JVM of its own, with the test's classpath, as a container would start it. */
final class WorkerProcess {

  private WorkerProcess() {}

  /**
   * Starts a worker on a fixed 0.9 threshold without audits, its output in {@code log}.
   *
   * @param extraEnv settings on top of the defaults (instance id, grace period, …)
   */
  static Process start(String bootstrapServers, Path log, Map<String, String> extraEnv) throws Exception {
    return start(bootstrapServers, log, extraEnv, List.of("-Xmx512m"));
  }

  /**
   * The same with the JVM options given, e.g. the deployment's memory settings.
   *
   * @param jvmOptions options before the main class (heap size, out-of-memory behaviour, …)
   */
  static Process start(String bootstrapServers, Path log, Map<String, String> extraEnv, List<String> jvmOptions)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.labelstream.inference.InferenceService"));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("INFERENCE_PORT", "0");
    env.put("INFERENCE_ROUTING_THRESHOLD", "0.9");
    env.put("INFERENCE_AUDIT_RATE", "0");
    // One ONNX Runtime thread: on a busy 2-core machine spinning intra-op threads starve everything else.
    env.put("INFERENCE_INTRA_OP_THREADS", "1");
    env.putAll(extraEnv);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return builder.start();
  }
}
