package io.labelstream.review.state;

import io.labelstream.schemas.Topic;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;

/**
 * The few shapes a {@link Checkpointed} part writes besides Java's primitives: strings, integers, instants and byte
 * arrays that may be absent, and records of a topic, in the topic's own encoding (so a record is written as Kafka holds
 * it).
 */
public final class CheckpointData {

  private CheckpointData() {}

  public static void writeString(DataOutput out, String value) throws IOException {
    out.writeBoolean(value != null);
    if (value != null) {
      out.writeUTF(value);
    }
  }

  public static String readString(DataInput in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  public static void writeInteger(DataOutput out, Integer value) throws IOException {
    out.writeBoolean(value != null);
    if (value != null) {
      out.writeInt(value);
    }
  }

  public static Integer readInteger(DataInput in) throws IOException {
    return in.readBoolean() ? in.readInt() : null;
  }

  public static void writeInstant(DataOutput out, Instant value) throws IOException {
    out.writeBoolean(value != null);
    if (value != null) {
      out.writeLong(value.getEpochSecond());
      out.writeInt(value.getNano());
    }
  }

  public static Instant readInstant(DataInput in) throws IOException {
    return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
  }

  public static void writeBytes(DataOutput out, byte[] value) throws IOException {
    out.writeInt(value == null ? -1 : value.length);
    if (value != null) {
      out.write(value);
    }
  }

  public static byte[] readBytes(DataInput in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] value = new byte[length];
    in.readFully(value);
    return value;
  }

  /** Writes {@code value} as {@code topic}'s records are written. */
  public static <V> void writeRecord(DataOutput out, Topic<String, V> topic, V value) throws IOException {
    writeBytes(out, value == null ? null : topic.valueSerde().serializer().serialize(topic.name(), value));
  }

  public static <V> V readRecord(DataInput in, Topic<String, V> topic) throws IOException {
    byte[] bytes = readBytes(in);
    try {
      return bytes == null ? null : topic.valueSerde().deserializer().deserialize(topic.name(), bytes);
    } catch (RuntimeException e) {
      throw new IOException("a " + topic.name() + " record that cannot be read: " + e.getMessage(), e);
    }
  }
}
