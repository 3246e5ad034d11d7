package io.labelstream.platform.kafka;

import java.nio.ByteBuffer;

/** Avro hands {@code bytes} fields out as ByteBuffers that may be views into a larger array; this copies them out. */
public final class AvroBytes {

  private AvroBytes() {}

  public static byte[] copy(ByteBuffer buffer) {
    byte[] copy = new byte[buffer.remaining()];
    buffer.duplicate().get(copy);
    return copy;
  }
}
