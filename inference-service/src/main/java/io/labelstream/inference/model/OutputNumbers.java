package io.labelstream.inference.model;

import ai.onnxruntime.OnnxTensor;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * A graph output's values as floats, whatever numeric type it has: detection graphs give class indices and counts as
 * float, int64 or others (TensorFlow's exports use float classes, ONNX's NMS int64).
 */
final class OutputNumbers {

  private OutputNumbers() {}

  static float[] of(OnnxTensor tensor) {
    switch (tensor.getInfo().type) {
      case FLOAT -> {
        var b = tensor.getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
      }
      case DOUBLE -> {
        DoubleBuffer b = tensor.getDoubleBuffer();
        float[] out = new float[b.remaining()];
        for (int i = 0; i < out.length; i++) {
          out[i] = (float) b.get(i);
        }
        return out;
      }
      case INT64 -> {
        LongBuffer b = tensor.getLongBuffer();
        float[] out = new float[b.remaining()];
        for (int i = 0; i < out.length; i++) {
          out[i] = b.get(i);
        }
        return out;
      }
      case INT32 -> {
        IntBuffer b = tensor.getIntBuffer();
        float[] out = new float[b.remaining()];
        for (int i = 0; i < out.length; i++) {
          out[i] = b.get(i);
        }
        return out;
      }
      case UINT8, INT8 -> {
        ByteBuffer b = tensor.getByteBuffer();
        boolean unsigned = tensor.getInfo().type == ai.onnxruntime.OnnxJavaType.UINT8;
        float[] out = new float[b.remaining()];
        for (int i = 0; i < out.length; i++) {
          out[i] = unsigned ? (b.get(i) & 0xFF) : b.get(i);
        }
        return out;
      }
      default -> throw new IllegalStateException("a detection output of type " + tensor.getInfo().type
          + " cannot be read; use float, double, int64, int32, uint8 or int8");
    }
  }
}
