package io.labelstream.tools.evaluate.drift;

import io.labelstream.inference.InferenceToolkit.FrameStatistics;

/**
 * One test image under one drift: its true class, the model's class and routing score (as the worker scores it), and
 * the input statistics of the drifted pixels the detectors watch.
 */
public record DriftRow(int index, int label, int predicted, double score, FrameStatistics statistics) {

  public boolean correct() {
    return label == predicted;
  }
}
