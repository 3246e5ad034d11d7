package io.labelstream.tools.bench;

import io.labelstream.inference.InferenceToolkit;
import io.labelstream.inference.InferenceToolkit.Decoder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The model without Kafka: ONNX Runtime alone on decoded tensors, and decode plus ONNX Runtime in one process. */
final class ModelBench {

  private final InferenceToolkit model;
  private final BenchFrames frames;
  private final int batch;

  ModelBench(InferenceToolkit model, BenchFrames frames, int batch) {
    this.model = model;
    this.frames = frames;
    this.batch = batch;
  }

  /** Frames per second of ONNX Runtime alone, on pre-decoded tensors, at the worker's batch size. */
  double bareOrtFps(int n) throws Exception {
    Decoder decoder = model.decoder();
    List<float[]> decoded = new ArrayList<>();
    for (int i = 0; i < frames.distinct(); i++) {
      decoded.add(decoder.decode(frames.png(i)));
    }
    runBatches(decoded, Math.min(n, 2_000)); // warm-up
    long start = System.nanoTime();
    runBatches(decoded, n);
    return n / seconds(start);
  }

  /**
   * Frames per second of decode plus ONNX Runtime in one process, no Kafka: each batch is decoded on a pool of
   * {@code decodeThreads} threads, then run.
   */
  double inProcessFps(int n, int decodeThreads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(decodeThreads);
    try {
      inProcess(Math.min(n, 2_000), pool); // warm-up
      long start = System.nanoTime();
      inProcess(n, pool);
      return n / seconds(start);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Frames per second of decode plus ONNX Runtime in one process, no Kafka, with decoding overlapped with the model
   * as the worker overlaps them: the next batch is decoded on {@code decodeThreads} threads while the model runs this
   * one. For frames whose decoding costs as much as the model (camera frames), this is the rate to hold the worker
   * to; the sequential {@link #inProcessFps} would be beaten by the worker's own pipelining.
   */
  double pipelinedFps(int n, int decodeThreads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(decodeThreads);
    try {
      pipelined(Math.min(n, 2_000), pool); // warm-up
      long start = System.nanoTime();
      pipelined(n, pool);
      return n / seconds(start);
    } finally {
      pool.shutdownNow();
    }
  }

  private void pipelined(int n, ExecutorService pool) throws Exception {
    ThreadLocal<Decoder> decoders = ThreadLocal.withInitial(model::decoder);
    List<Future<float[]>> decoding = submit(0, Math.min(n, batch), pool, decoders);
    for (int done = 0; done < n; done += batch) {
      List<float[]> pixels = new ArrayList<>(decoding.size());
      for (Future<float[]> f : decoding) {
        pixels.add(f.get());
      }
      decoding = submit(done + batch, Math.min(n, done + 2 * batch), pool, decoders);
      model.run(pixels);
    }
  }

  private List<Future<float[]>> submit(int from, int to, ExecutorService pool, ThreadLocal<Decoder> decoders) {
    List<Future<float[]>> decoding = new ArrayList<>();
    for (int i = from; i < to; i++) {
      byte[] encoded = frames.png(i);
      decoding.add(pool.submit(() -> decoders.get().decode(encoded)));
    }
    return decoding;
  }

  /** Frames per second one thread decodes (PNG to model input), for sizing decode cores. */
  double decodeFpsPerCore(int n) throws Exception {
    Decoder decoder = model.decoder();
    for (int i = 0; i < Math.min(n, 2_000); i++) {
      decoder.decode(frames.png(i));
    }
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      decoder.decode(frames.png(i));
    }
    return n / seconds(start);
  }

  private void inProcess(int n, ExecutorService pool) throws Exception {
    ThreadLocal<Decoder> decoders = ThreadLocal.withInitial(model::decoder);
    for (int done = 0; done < n; done += batch) {
      List<Future<float[]>> decoding = new ArrayList<>();
      for (int i = done; i < Math.min(n, done + batch); i++) {
        byte[] png = frames.png(i);
        decoding.add(pool.submit(() -> decoders.get().decode(png)));
      }
      List<float[]> pixels = new ArrayList<>(decoding.size());
      for (Future<float[]> f : decoding) {
        pixels.add(f.get());
      }
      model.run(pixels);
    }
  }

  private void runBatches(List<float[]> decoded, int n) throws Exception {
    for (int done = 0; done < n; done += batch) {
      List<float[]> pixels = new ArrayList<>(batch);
      for (int i = done; i < Math.min(n, done + batch); i++) {
        pixels.add(decoded.get(i % decoded.size()));
      }
      model.run(pixels);
    }
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
