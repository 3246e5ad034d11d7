package io.labelstream.inference.model;

import static io.labelstream.platform.config.InferenceVariables.INFERENCE_ALLOW_SPINNING;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_DEVICE;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_DEVICE_FALLBACK;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_GRAPH_OPTIMIZATION;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_INTER_OP_THREADS;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_INTRA_OP_THREADS;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_MEMORY_ARENA;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import java.util.EnumSet;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the ONNX Runtime session is built: threads, graph optimisation, memory arena and the execution device.
 *
 * @param device {@code cpu} or {@code cuda:N} (INFERENCE_DEVICE)
 * @param fallbackToCpu run on CPU when the requested GPU cannot be used (INFERENCE_DEVICE_FALLBACK=cpu), instead
 *     of refusing to start
 * @param intraOpThreads threads inside one operator; 0 lets ONNX Runtime choose (INFERENCE_INTRA_OP_THREADS,
 *     default 1)
 * @param interOpThreads threads across independent operators, used in parallel execution mode; 0 keeps sequential
 *     execution (INFERENCE_INTER_OP_THREADS)
 * @param optimization graph optimisation level (INFERENCE_GRAPH_OPTIMIZATION)
 * @param memoryArena ONNX Runtime's CPU arena allocator (INFERENCE_MEMORY_ARENA)
 * @param allowSpinning whether ONNX Runtime's intra-op threads spin-wait for work between runs
 *     (INFERENCE_ALLOW_SPINNING); spinning takes cores the worker needs for decoding and Kafka
 */
public record SessionSettings(Device device, boolean fallbackToCpu, int intraOpThreads, int interOpThreads,
    Optimization optimization, boolean memoryArena, boolean allowSpinning) {

  private static final Logger LOG = LoggerFactory.getLogger(SessionSettings.class);

  /** Graph optimisation levels, named as in ONNX Runtime's documentation. */
  public enum Optimization {
    NONE(OrtSession.SessionOptions.OptLevel.NO_OPT),
    BASIC(OrtSession.SessionOptions.OptLevel.BASIC_OPT),
    EXTENDED(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT),
    ALL(OrtSession.SessionOptions.OptLevel.ALL_OPT);

    private final OrtSession.SessionOptions.OptLevel level;

    Optimization(OrtSession.SessionOptions.OptLevel level) {
      this.level = level;
    }
  }

  /** Where the model runs: the CPU, or one CUDA device. */
  public record Device(boolean cuda, int index) {

    public static final Device CPU = new Device(false, 0);

    static Device parse(String raw) {
      String value = raw.strip().toLowerCase(Locale.ROOT);
      if (value.equals("cpu")) {
        return CPU;
      }
      if (value.matches("cuda(:\\d{1,2})?")) {
        return new Device(true, value.contains(":") ? Integer.parseInt(value.substring(5)) : 0);
      }
      throw Env.invalid(INFERENCE_DEVICE, raw, INFERENCE_DEVICE.type().accepts());
    }

    @Override
    public String toString() {
      return cuda ? "cuda:" + index : "cpu";
    }
  }

  public static SessionSettings defaults() {
    return new SessionSettings(Device.CPU, false, 1, 0, Optimization.ALL, true, false);
  }

  public static SessionSettings from(Env env) {
    return new SessionSettings(
        Device.parse(env.get(INFERENCE_DEVICE)),
        env.get(INFERENCE_DEVICE_FALLBACK).equals("cpu"),
        // One by default, measured: on a 2-core worker a second ONNX Runtime thread mostly waits for cores that
        // decoding and Kafka need, and the worker ran slower with it (./labelstream bench, README).
        env.get(INFERENCE_INTRA_OP_THREADS),
        env.get(INFERENCE_INTER_OP_THREADS),
        Optimization.valueOf(env.get(INFERENCE_GRAPH_OPTIMIZATION).toUpperCase(Locale.ROOT)),
        env.get(INFERENCE_MEMORY_ARENA),
        env.get(INFERENCE_ALLOW_SPINNING));
  }

  /**
   * Builds the session options. Asking for CUDA on a runtime without it fails with a message naming what is
   * missing, unless falling back to CPU was allowed.
   *
   * @return the device actually used, with the options
   */
  Device apply(OrtSession.SessionOptions options, EnumSet<OrtProvider> available) throws OrtException {
    options.setOptimizationLevel(optimization.level);
    options.setCPUArenaAllocator(memoryArena);
    options.addConfigEntry("session.intra_op.allow_spinning", allowSpinning ? "1" : "0");
    if (intraOpThreads > 0) {
      options.setIntraOpNumThreads(intraOpThreads);
    }
    if (interOpThreads > 0) {
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.PARALLEL);
      options.setInterOpNumThreads(interOpThreads);
    }
    if (!device.cuda()) {
      return Device.CPU;
    }
    String problem;
    if (!available.contains(OrtProvider.CUDA)) {
      problem = "this ONNX Runtime build has no CUDA execution provider (it offers " + available + "); build with "
          + "-Pgpu to use com.microsoft.onnxruntime:onnxruntime_gpu, which needs CUDA 12 and cuDNN 9";
    } else {
      try {
        options.addCUDA(device.index());
        return device;
      } catch (OrtException e) {
        problem = "the CUDA execution provider could not start on device " + device.index() + " (" + e.getMessage()
            + "); check the NVIDIA driver, CUDA 12 and cuDNN 9 libraries and the device index";
      }
    }
    if (!fallbackToCpu) {
      throw new ConfigException("INFERENCE_DEVICE=" + device + " cannot be used: " + problem
          + ". Set INFERENCE_DEVICE_FALLBACK=cpu to run on the CPU instead.");
    }
    LOG.warn("INFERENCE_DEVICE={} cannot be used, running on the CPU (INFERENCE_DEVICE_FALLBACK=cpu): {}", device, problem);
    return Device.CPU;
  }

  static EnumSet<OrtProvider> availableProviders() {
    return OrtEnvironment.getAvailableProviders();
  }
}
