package io.labelstream.review.queue;

import static io.labelstream.review.state.CheckpointData.readBytes;
import static io.labelstream.review.state.CheckpointData.readInstant;
import static io.labelstream.review.state.CheckpointData.readInteger;
import static io.labelstream.review.state.CheckpointData.readString;
import static io.labelstream.review.state.CheckpointData.writeBytes;
import static io.labelstream.review.state.CheckpointData.writeInstant;
import static io.labelstream.review.state.CheckpointData.writeInteger;
import static io.labelstream.review.state.CheckpointData.writeString;

import io.labelstream.review.boxes.BoxBytes;
import io.labelstream.review.images.StoredImage;
import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.schemas.avro.ReviewReason;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Review tasks as a checkpoint of the review state writes them (see {@code state.Checkpointed}). */
final class SavedTasks {

  private static final ReviewReason[] REASONS = ReviewReason.values();

  private SavedTasks() {}

  static void write(DataOutput out, ReviewTask task) throws IOException {
    out.writeUTF(task.taskId());
    out.writeUTF(task.frameId());
    out.writeInt(task.reason().ordinal());
    out.writeDouble(task.priority());
    writeString(out, task.suggestion());
    out.writeDouble(task.confidence());
    writeString(out, task.contentType());
    writeImage(out, task.image());
    writeInstant(out, task.requestedAt());
    writeString(out, task.flaggedBy());
    out.writeBoolean(task.boxes() != null);
    if (task.boxes() != null) {
      writeBoxes(out, task.boxes());
    }
  }

  static ReviewTask read(DataInput in) throws IOException {
    String taskId = in.readUTF();
    String frameId = in.readUTF();
    int reason = in.readInt();
    if (reason < 0 || reason >= REASONS.length) {
      throw new IOException("no review reason " + reason);
    }
    return new ReviewTask(taskId, frameId, REASONS[reason], in.readDouble(), readString(in), in.readDouble(),
        readString(in), readImage(in), readInstant(in), readString(in), in.readBoolean() ? readBoxes(in) : null);
  }

  private static void writeImage(DataOutput out, TaskImage image) throws IOException {
    if (image == null) {
      out.writeByte('-');
    } else if (image instanceof TaskImage.Stored stored) {
      out.writeByte('s');
      ImageRef ref = stored.image().ref();
      out.writeUTF(ref.getStore());
      out.writeUTF(ref.getKey());
      out.writeLong(ref.getSize());
      out.writeUTF(ref.getSha256());
      writeString(out, ref.getContentType());
      writeImage(out, stored.fallback());
    } else if (image instanceof TaskImage.InKafka inKafka) {
      out.writeByte('k');
      out.writeUTF(inKafka.topic());
      out.writeInt(inKafka.partition());
      out.writeLong(inKafka.offset());
    } else if (image instanceof TaskImage.Held held) {
      out.writeByte('h');
      writeBytes(out, held.bytes());
    } else {
      throw new IOException("a task image of an unknown kind: " + image.getClass().getName());
    }
  }

  private static TaskImage readImage(DataInput in) throws IOException {
    byte kind = in.readByte();
    switch (kind) {
      case '-':
        return null;
      case 's':
        ImageRef ref = ImageRef.newBuilder().setStore(in.readUTF()).setKey(in.readUTF()).setSize(in.readLong())
            .setSha256(in.readUTF()).setContentType(readString(in)).build();
        return new TaskImage.Stored(StoredImage.of(ref), readImage(in));
      case 'k':
        return new TaskImage.InKafka(in.readUTF(), in.readInt(), in.readLong());
      case 'h':
        return new TaskImage.Held(readBytes(in));
      default:
        throw new IOException("a task image of an unknown kind: " + kind);
    }
  }

  private static void writeBoxes(DataOutput out, TaskBoxes boxes) throws IOException {
    writeInteger(out, boxes.width());
    writeInteger(out, boxes.height());
    BoxBytes.write(out, boxes.predicted());
  }

  private static TaskBoxes readBoxes(DataInput in) throws IOException {
    return new TaskBoxes(readInteger(in), readInteger(in), BoxBytes.read(in));
  }
}
