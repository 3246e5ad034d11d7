package io.labelstream.tools.bench;

import io.labelstream.inference.InferenceToolkit;
import io.labelstream.inference.InferenceToolkit.Decoder;
import io.labelstream.inference.InferenceToolkit.PreparedFrame;
import java.io.IOException;
import java.util.List;

/**
 * A model's path from an encoded frame to its answer, as the worker splits it: {@link #prepare} on the decode
 * threads, then {@link #answer} on the model thread. {@link #infer} is the model call alone, for the bare-ONNX Runtime
 * figure. The same bench loops then time a classifier and a detector.
 *
 * @param <T> a frame ready for the model
 */
interface ModelPath<T> {

  /** Decodes one frame to the model's input; called on several threads at once. */
  T prepare(byte[] encoded) throws IOException;

  /** ONNX Runtime alone on one batch. */
  void infer(List<T> batch) throws IOException;

  /** What the worker's model thread does with one batch: ONNX Runtime, then whatever reads its answer. */
  void answer(List<T> batch) throws IOException;

  /** A classifier: the decoded tensor, then the model; its answer is read by the worker's routing, not timed here. */
  static ModelPath<float[]> classifier(InferenceToolkit model) {
    // One decoder per thread, as the worker's decode pool holds them.
    ThreadLocal<Decoder> decoders = ThreadLocal.withInitial(model::decoder);
    return new ModelPath<>() {
      @Override
      public float[] prepare(byte[] encoded) throws IOException {
        return decoders.get().decode(encoded);
      }

      @Override
      public void infer(List<float[]> batch) throws IOException {
        model.run(batch);
      }

      @Override
      public void answer(List<float[]> batch) throws IOException {
        model.run(batch);
      }
    };
  }

  /**
   * A detection model, through the worker's own path: decode and letterbox, then ONNX Runtime and the box decoding
   * (NMS, boxes mapped back to the frame, the frame score).
   */
  static ModelPath<PreparedFrame> detector(InferenceToolkit model) {
    if (!model.detects()) {
      throw new IllegalArgumentException("the model " + model.modelName() + " is not a detection model");
    }
    return new ModelPath<>() {
      @Override
      public PreparedFrame prepare(byte[] encoded) throws IOException {
        return model.prepare(encoded);
      }

      @Override
      public void infer(List<PreparedFrame> batch) throws IOException {
        model.runPrepared(batch);
      }

      @Override
      public void answer(List<PreparedFrame> batch) throws IOException {
        model.detect(batch);
      }
    };
  }
}
