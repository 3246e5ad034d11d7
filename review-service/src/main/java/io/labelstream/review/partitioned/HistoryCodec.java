package io.labelstream.review.partitioned;

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
 * The history's values as bytes, as {@link FrameHistory} keeps them in its store: an event, where the frame and its
 * prediction are, an image reference; and a whole history, as an instance sends one to another that asked. Held as
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

  static byte[] event(Event event) {
    int type = TYPES.indexOf(event.type());
    if (type < 0) {
      throw new IllegalArgumentException("unknown event type " + event.type());
    }
    return write(out -> {
      out.writeByte(type);
      out.writeLong(event.at().getEpochSecond());
      out.writeInt(event.at().getNano());
      writeString(out, event.by());
      writeString(out, event.label());
      writeString(out, event.topic());
      out.writeInt(event.partition());
      out.writeLong(event.offset());
      byte[] details = JSON.writeValueAsBytes(event.details());
      out.writeInt(details.length);
      out.write(details);
    });
  }

  static Event event(byte[] bytes) {
    return read(bytes, in -> {
      String type = TYPES.get(in.readUnsignedByte());
      Instant at = Instant.ofEpochSecond(in.readLong(), in.readInt());
      String by = readString(in);
      String label = readString(in);
      String topic = readString(in);
      int partition = in.readInt();
      long offset = in.readLong();
      byte[] details = new byte[in.readInt()];
      in.readFully(details);
      return new Event(type, at, by, label, JSON.readValue(details, DETAILS), topic, partition, offset);
    });
  }

  /** Where the frame (null: not known) and its latest prediction are. */
  static byte[] located(Position frame, Position prediction) {
    return write(out -> {
      writePosition(out, frame);
      writePosition(out, prediction);
    });
  }

  /** The frame's position and its prediction's, as {@link #located(Position, Position)} wrote them. */
  static Position[] located(byte[] bytes) {
    return read(bytes, in -> new Position[] {readPosition(in), readPosition(in)});
  }

  /** A whole history, for an instance that asked the frame's owner. */
  static byte[] history(FrameHistory history) {
    return write(out -> {
      out.writeInt(history.events().size());
      for (Event event : history.events()) {
        writeBytes(out, event(event));
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
        events.add(event(readBytes(in)));
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

  private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes == null ? -1 : bytes.length);
    if (bytes != null) {
      out.write(bytes);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return bytes;
  }

  static byte[] image(StoredImage image) {
    try {
      ByteBuffer encoded = image.ref().toByteBuffer();
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static StoredImage image(byte[] bytes) {
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
