package io.labelstream.tools.bench;

import io.labelstream.inference.InferenceToolkit;
import io.labelstream.inference.InferenceToolkit.PreparedFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The model without Kafka: ONNX Runtime alone on decoded tensors, and decode plus the model in one process, for a
 * classifier or a detector ({@link ModelPath}).
 *
 * @param <T> a frame ready for the model
 */
final class ModelBench<T> {

  private final ModelPath<T> path;
  private final BenchFrames frames;
  private final int batch;
  /** Most frames run untimed before each figure, to warm the JIT and ONNX Runtime's allocations. */
  private final int warmUpFrames;

  private ModelBench(ModelPath<T> path, BenchFrames frames, int batch, int warmUpFrames) {
    this.path = path;
    this.frames = frames;
    this.batch = batch;
    this.warmUpFrames = warmUpFrames;
  }

  /** A classifier's figures, each after up to 2,000 frames of warm-up. */
  static ModelBench<float[]> classifier(InferenceToolkit model, BenchFrames frames, int batch) {
    return new ModelBench<>(ModelPath.classifier(model), frames, batch, 2_000);
  }

  /**
   * A detection model's figures: its in-process rate includes the box decoding. A detector runs some ten times
   * slower per frame than the 28x28 classifier, so one batch warms it: 2,000 frames would double the run.
   */
  static ModelBench<PreparedFrame> detector(InferenceToolkit model, BenchFrames frames, int batch) {
    return new ModelBench<>(ModelPath.detector(model), frames, batch, batch);
  }

  private int warmUp(int n) {
    return Math.min(n, warmUpFrames);
  }

  /** Frames per second of ONNX Runtime alone, on pre-decoded tensors, at the worker's batch size. */
  double bareOrtFps(int n) throws Exception {
    List<T> decoded = new ArrayList<>();
    for (int i = 0; i < frames.distinct(); i++) {
      decoded.add(path.prepare(frames.png(i)));
    }
    runBatches(decoded, warmUp(n));
    long start = System.nanoTime();
    runBatches(decoded, n);
    return n / seconds(start);
  }

  /**
   * Frames per second of decode plus the model in one process, no Kafka: each batch is decoded on a pool of
   * {@code decodeThreads} threads, then run.
   */
  double inProcessFps(int n, int decodeThreads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(decodeThreads);
    try {
      inProcess(warmUp(n), pool);
      long start = System.nanoTime();
      inProcess(n, pool);
      return n / seconds(start);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Frames per second of decode plus the model in one process, no Kafka, with decoding overlapped with the model
   * as the worker overlaps them: the next batch is decoded on {@code decodeThreads} threads while the model runs this
   * one. For frames whose decoding costs as much as the model (camera frames), this is the rate to hold the worker
   * to; the sequential {@link #inProcessFps} would be beaten by the worker's own pipelining.
   */
  double pipelinedFps(int n, int decodeThreads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(decodeThreads);
    try {
      pipelined(warmUp(n), pool);
      long start = System.nanoTime();
      pipelined(n, pool);
      return n / seconds(start);
    } finally {
      pool.shutdownNow();
    }
  }

  private void pipelined(int n, ExecutorService pool) throws Exception {
    List<Future<T>> decoding = submit(0, Math.min(n, batch), pool);
    for (int done = 0; done < n; done += batch) {
      List<T> prepared = new ArrayList<>(decoding.size());
      for (Future<T> f : decoding) {
        prepared.add(f.get());
      }
      decoding = submit(done + batch, Math.min(n, done + 2 * batch), pool);
      path.answer(prepared);
    }
  }

  private List<Future<T>> submit(int from, int to, ExecutorService pool) {
    List<Future<T>> decoding = new ArrayList<>();
    for (int i = from; i < to; i++) {
      byte[] encoded = frames.png(i);
      decoding.add(pool.submit(() -> path.prepare(encoded)));
    }
    return decoding;
  }

  /** Frames per second one thread decodes (PNG to model input), for sizing decode cores. */
  double decodeFpsPerCore(int n) throws Exception {
    for (int i = 0; i < warmUp(n); i++) {
      path.prepare(frames.png(i));
    }
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      path.prepare(frames.png(i));
    }
    return n / seconds(start);
  }

  private void inProcess(int n, ExecutorService pool) throws Exception {
    for (int done = 0; done < n; done += batch) {
      List<Future<T>> decoding = submit(done, Math.min(n, done + batch), pool);
      List<T> prepared = new ArrayList<>(decoding.size());
      for (Future<T> f : decoding) {
        prepared.add(f.get());
      }
      path.answer(prepared);
    }
  }

  private void runBatches(List<T> decoded, int n) throws Exception {
    for (int done = 0; done < n; done += batch) {
      List<T> prepared = new ArrayList<>(batch);
      for (int i = done; i < Math.min(n, done + batch); i++) {
        prepared.add(decoded.get(i % decoded.size()));
      }
      path.infer(prepared);
    }
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
