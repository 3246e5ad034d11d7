package io.labelstream.inference.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Packs images' input tensors (each {@link InputSpec#valuesPerImage()} values in the card's layout, as the frame
 * decoder makes them) into one batch tensor of the card's element type, optionally mirrored left to right.
 *
 * <p>The batch lives in a direct, native-order buffer, one per calling thread, grown to the largest batch seen:
 * ONNX Runtime copies heap buffers, and allocating direct memory is slow.
 */
final class BatchTensor {

  private final InputSpec input;
  private final ThreadLocal<ByteBuffer> buffers = new ThreadLocal<>();

  BatchTensor(InputSpec input) {
    this.input = input;
  }

  /**
   * The tensor of {@code size} images: {@code images} from {@code from} on, each also {@code mirrored} when asked,
   * and zeros after the last image up to {@code size} (a graph with a fixed batch must get whole batches).
   */
  OnnxTensor pack(OrtEnvironment env, List<float[]> images, int from, int size, boolean[] mirrored)
      throws OrtException {
    int values = input.valuesPerImage();
    boolean bytes = input.dtype() == InputSpec.DType.UINT8;
    ByteBuffer buffer = buffer(size * values * (bytes ? 1 : Float.BYTES));
    FloatBuffer floats = bytes ? null : buffer.asFloatBuffer();
    int count = Math.min(size, images.size() - from);
    for (int i = 0; i < count; i++) {
      float[] image = images.get(from + i);
      if (image.length != values) {
        throw new IllegalArgumentException("an image tensor has " + image.length + " values; the model's input "
            + input + " takes " + values);
      }
      float[] fed = mirrored[from + i] ? HorizontalFlip.of(image, input) : image;
      if (bytes) {
        for (float v : fed) {
          // The decoder gives uint8 models the raw 0-255 pixel values as floats.
          buffer.put((byte) Math.round(Math.max(0f, Math.min(255f, v))));
        }
      } else {
        floats.put(fed);
      }
    }
    if (bytes) {
      for (int i = count * values; i < size * values; i++) {
        buffer.put((byte) 0);
      }
      buffer.rewind();
      return OnnxTensor.createTensor(env, buffer, shape(size), OnnxJavaType.UINT8);
    }
    while (floats.hasRemaining()) {
      floats.put(0f);
    }
    floats.rewind();
    return OnnxTensor.createTensor(env, floats, shape(size));
  }

  /** The batch's shape in the card's layout. */
  long[] shape(int size) {
    return input.layout() == InputSpec.Layout.NCHW
        ? new long[] {size, input.channels(), input.height(), input.width()}
        : new long[] {size, input.height(), input.width(), input.channels()};
  }

  private ByteBuffer buffer(int bytes) {
    ByteBuffer buffer = buffers.get();
    if (buffer == null || buffer.capacity() < bytes) {
      buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
      buffers.set(buffer);
    }
    buffer.clear();
    buffer.limit(bytes);
    return buffer;
  }
}
