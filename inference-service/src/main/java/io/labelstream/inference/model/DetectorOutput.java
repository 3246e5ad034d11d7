package io.labelstream.inference.model;

import java.util.Map;

/**
 * A detection graph's raw answer for one image: each output the card names, as numbers (class indices and counts
 * of any numeric type converted), without the batch axis. The box decoder reads it as the card's format says.
 *
 * @param tensors by graph output name
 */
public record DetectorOutput(Map<String, Tensor> tensors) {

  /**
   * One output's values for one image, row-major.
   *
   * @param shape the dimensions after the batch axis
   */
  public record Tensor(float[] values, int[] shape) {}

  public DetectorOutput {
    tensors = Map.copyOf(tensors);
  }

  public Tensor get(String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalStateException("the model gave no output '" + name + "'");
    }
    return t;
  }
}
