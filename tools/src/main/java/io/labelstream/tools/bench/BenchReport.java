package io.labelstream.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The benchmark's figures and the ratios the targets are stated in, as a table and as JSON. */
final class BenchReport {

  /** A ratio, the target it is held to, and whether higher or lower is better. */
  private record Ratio(String name, String numerator, String denominator, double target, boolean atLeast, String meaning) {}

  private static final Ratio[] RATIOS = {
      new Ratio("worker_over_inprocess", "worker_fps", "inprocess_fps", 0.90, true, "worker_fps / inprocess_fps"),
      new Ratio("worker_720p_over_inprocess_720p", "worker_720p_fps", "inprocess_720p_fps", 0.90, true,
          "worker_720p_fps / inprocess_720p_fps"),
      new Ratio("worker_720p_threshold0_over_inprocess_720p", "worker_720p_threshold0_fps", "inprocess_720p_fps",
          Double.NaN, true, "worker_720p_threshold0_fps / inprocess_720p_fps"),
      new Ratio("detector_worker_vs_inprocess", "detector_worker_fps", "detector_inprocess_fps", 0.90, true,
          "detector_worker_fps / detector_inprocess_fps"),
      new Ratio("worker_over_batch1", "worker_fps", "worker_batch1_fps", 4.0, true, "worker_fps / worker_batch1_fps"),
      new Ratio("e2e_p99_over_batch1_p99", "e2e_p99_ms", "e2e_batch1_p99_ms", 2.0, false, "e2e_p99_ms / batch-1 worker's p99"),
      new Ratio("exactly_once_over_at_least_once", "worker_fps", "worker_at_least_once_fps", 0.90, true, "worker_fps / worker_at_least_once_fps"),
      new Ratio("decode_720p_over_imageio", "decode_720p_fps_per_core", "decode_720p_imageio_fps_per_core", 3.0, true,
          "decode_720p_fps_per_core / ImageIO's"),
      // No target: the same on frames twice as dense, shown so the main figure's input cannot flatter the decoder.
      new Ratio("decode_720p_dense_over_imageio", "decode_720p_dense_fps_per_core",
          "decode_720p_dense_imageio_fps_per_core", Double.NaN, true, "the same on 1.5 bits/pixel frames"),
      new Ratio("ingest_over_kafka_producer", "ingest_fps", "kafka_producer_fps", 0.5, true, "ingest_fps / kafka_producer_fps"),
      new Ratio("ingest_large_store_over_inline", "ingest_large_fps_store", "ingest_large_fps_inline", 1.0, true,
          "300 KB frames: with the frame store / inline in Kafka"),
      // No target: shown so the price of one HTTP request per frame stays visible next to the batch figure.
      new Ratio("ingest_single_over_kafka_producer", "ingest_single_fps", "kafka_producer_fps", Double.NaN, true,
          "ingest_single_fps / kafka_producer_fps"),
      // Issue 18: the review service's heap must not grow with the labels it holds.
      new Ratio("review_heap_10m_over_1m", "review_heap_mib_10m", "review_heap_mib_1m", 1.2, false,
          "review_heap_mib_10m / review_heap_mib_1m"),
      // No target as a ratio (the is 60 s): a restart from a checkpoint against a rebuild of the same state.
      new Ratio("review_restart_over_rebuild_1m", "review_restart_ready_s_1m", "review_ready_s_1m", Double.NaN, false,
          "review_restart_ready_s_1m / review_ready_s_1m"),
      new Ratio("review_restart_over_rebuild_10m", "review_restart_ready_s_10m", "review_ready_s_10m", Double.NaN,
          false, "review_restart_ready_s_10m / review_ready_s_10m"),
      // The same after SIGKILL, from the last checkpoint taken while running.
      new Ratio("review_crash_restart_over_rebuild_10m", "review_crash_restart_ready_s_10m", "review_ready_s_10m",
          Double.NaN, false, "review_crash_restart_ready_s_10m / review_ready_s_10m"),
  };

  private final Map<String, Object> info = new LinkedHashMap<>();
  private final Map<String, Double> figures = new LinkedHashMap<>();

  /** A report of the machine alone, for a bench of the review side (no frames, no batches). */
  BenchReport() {
    info.put("cpu", cpuModel());
    info.put("cores", Runtime.getRuntime().availableProcessors());
    info.put("java", System.getProperty("java.version"));
  }

  BenchReport(int frames, int batch, int batch1Frames) {
    this();
    info.put("frames", frames);
    info.put("batch1_frames", batch1Frames);
    info.put("max_batch", batch);
  }

  String machine() {
    return info.get("cpu") + ", " + info.get("cores") + " cores";
  }

  void put(String name, double value) {
    figures.put(name, value);
  }

  void putInfo(String name, Object value) {
    info.put(name, value);
  }

  double get(String name) {
    return figures.get(name);
  }

  private double ratio(Ratio r) {
    return figures.get(r.numerator()) / figures.get(r.denominator());
  }

  private boolean met(Ratio r) {
    if (Double.isNaN(r.target())) {
      return true;
    }
    return r.atLeast() ? ratio(r) >= r.target() : ratio(r) <= r.target();
  }

  void printTable(PrintStream out) {
    out.println();
    out.printf("%-40s %12s%n", "figure", "value");
    figures.forEach((name, value) -> out.printf(Locale.ROOT, "%-40s %12.1f%n", name, value));
    out.println();
    out.printf("%-40s %8s %10s  %s%n", "ratio", "value", "target", "");
    for (Ratio r : RATIOS) {
      if (!figures.containsKey(r.numerator()) || !figures.containsKey(r.denominator())) {
        continue;
      }
      if (Double.isNaN(r.target())) {
        out.printf(Locale.ROOT, "%-40s %8.2f %10s%n", r.meaning(), ratio(r), "-");
        continue;
      }
      out.printf(Locale.ROOT, "%-40s %8.2f %10s  %s%n", r.meaning(), ratio(r), (r.atLeast() ? ">= " : "<= ") + r.target(),
          met(r) ? "met" : "MISSED");
    }
    out.println();
    out.println("machine: " + machine() + ", Java " + info.get("java"));
  }

  void writeJson(Path file) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>(info);
    json.putAll(figures);
    Map<String, Object> ratios = new LinkedHashMap<>();
    for (Ratio r : RATIOS) {
      if (!figures.containsKey(r.numerator()) || !figures.containsKey(r.denominator())) {
        continue;
      }
      ratios.put(r.name(), Double.isNaN(r.target()) ? Map.of("value", ratio(r))
          : Map.of("value", ratio(r), "target", r.target(), "met", met(r)));
    }
    json.put("ratios", ratios);
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }
}
