package io.labelstream.review.partitioned;

import static io.labelstream.review.state.CheckpointData.readBytes;
import static io.labelstream.review.state.CheckpointData.writeBytes;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.review.images.StoredImage;
import io.labelstream.review.partitioned.FrameHistory.Event;
import io.labelstream.review.partitioned.FrameHistory.Position;
import io.labelstream.schemas.avro.ImageRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The history's values as bytes: an event as {@link FrameHistory} keeps it in its store (with where its frame is, or
 * the image it names), and a whole history, as an instance sends one to another that asked. Held as
 * objects in the heap, a frame's history took most of the 2 KB a frame cost (every event with a map of its fields,
 * boxed numbers).
 *
 * <p>An event: its type (an index into {@link #TYPES}), time, who, label, record position, then its details as JSON
 * (their fields differ by type and by task, and the API shows them as JSON anyway).
 */
final class HistoryCodec {

  /** The event types, in the order events written in one transaction happen (see {@link FrameHistory}). */
  static final List<String> TYPES = List.of("prediction", "review_requested", "flagged", "answer", "label");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> DETAILS = new TypeReference<>() {};

  private HistoryCodec() {}

  /** An event as the store keeps it: with where its frame is (a prediction's) or its stored image (when named). */
  static byte[] kept(FrameHistory.Kept kept) {
    return write(out -> {
      writeEvent(out, kept.event());
      writePosition(out, kept.frame());
      writeBytes(out, kept.image() == null ? null : image(kept.image()));
    });
  }

  static FrameHistory.Kept kept(byte[] bytes) {
    return read(bytes, in -> {
      Event event = readEvent(in);
      Position frame = readPosition(in);
      byte[] image = readBytes(in);
      return new FrameHistory.Kept(event, frame, image == null ? null : image(image));
    });
  }

  private static void writeEvent(DataOutputStream out, Event event) throws IOException {
    int type = TYPES.indexOf(event.type());
    if (type < 0) {
      throw new IllegalArgumentException("unknown event type " + event.type());
    }
    out.writeByte(type);
    out.writeLong(event.at().getEpochSecond());
    out.writeInt(event.at().getNano());
    writeString(out, event.by());
    writeString(out, event.label());
    writeString(out, event.topic());
    out.writeInt(event.partition());
    out.writeLong(event.offset());
    writeBytes(out, JSON.writeValueAsBytes(event.details()));
  }

  private static Event readEvent(DataInputStream in) throws IOException {
    String type = TYPES.get(in.readUnsignedByte());
    Instant at = Instant.ofEpochSecond(in.readLong(), in.readInt());
    String by = readString(in);
    String label = readString(in);
    String topic = readString(in);
    int partition = in.readInt();
    long offset = in.readLong();
    byte[] details = readBytes(in);
    return new Event(type, at, by, label, JSON.readValue(details, DETAILS), topic, partition, offset);
  }

  /** A whole history, for an instance that asked the frame's owner. */
  static byte[] history(FrameHistory history) {
    return write(out -> {
      out.writeInt(history.events().size());
      for (Event event : history.events()) {
        writeEvent(out, event);
      }
      writePosition(out, history.frame());
      writePosition(out, history.prediction());
      writeBytes(out, history.image() == null ? null : image(history.image()));
    });
  }

  static FrameHistory history(byte[] bytes) {
    return read(bytes, in -> {
      int count = in.readInt();
      List<Event> events = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        events.add(readEvent(in));
      }
      Position frame = readPosition(in);
      Position prediction = readPosition(in);
      byte[] image = readBytes(in);
      return new FrameHistory(events, frame, prediction, image == null ? null : image(image));
    });
  }

  private static void writePosition(DataOutputStream out, Position position) throws IOException {
    out.writeBoolean(position != null);
    if (position != null) {
      writeString(out, position.topic());
      out.writeInt(position.partition());
      out.writeLong(position.offset());
    }
  }

  private static Position readPosition(DataInputStream in) throws IOException {
    return in.readBoolean() ? new Position(readString(in), in.readInt(), in.readLong()) : null;
  }

  private static byte[] image(StoredImage image) {
    try {
      ByteBuffer encoded = image.ref().toByteBuffer();
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static StoredImage image(byte[] bytes) {
    try {
      return StoredImage.of(ImageRef.fromByteBuffer(ByteBuffer.wrap(bytes)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface Writing {
    void to(DataOutputStream out) throws IOException;
  }

  private interface Reading<T> {
    T from(DataInputStream in) throws IOException;
  }

  private static byte[] write(Writing writing) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(160);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writing.to(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static <T> T read(byte[] bytes, Reading<T> reading) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      return reading.from(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeString(DataOutputStream out, String value) throws IOException {
    if (value == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] utf8 = new byte[length];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
