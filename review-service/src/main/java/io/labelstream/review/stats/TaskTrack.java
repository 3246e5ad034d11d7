package io.labelstream.review.stats;

import io.labelstream.review.boxes.BoxBytes;
import io.labelstream.schemas.avro.Box;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the statistics know of one review task: when it was requested and settled, and each distinct reviewer's first
 * answer. One per task people ever saw, so {@link StatsCounter} keeps it encoded in the store of its frame's partition,
 * not in the heap; {@link #encode()} and {@link #decode} are that encoding.
 */
final class TaskTrack {

  static final long NONE = Long.MIN_VALUE;
  private static final int VERSION = 2;

  long requestedMinute = NONE;
  /** When the answer that settled the task was submitted. */
  long settledMinute = NONE;
  /** Every distinct reviewer who answered, in the order of their first answers... */
  final List<String> reviewers = new ArrayList<>();
  /** ...and the class of each one's first answer. */
  int[] classes = new int[0];
  /** Detection tasks: the boxes of each of those answers, in the same order; null for classification. */
  List<List<Box>> boxAnswers;

  boolean answeredBy(String reviewer) {
    return reviewers.contains(reviewer);
  }

  /** Adds a reviewer's first answer: its class, and its boxes (null for a classification answer). */
  void addAnswer(String reviewer, int classIndex, List<Box> boxes) {
    int before = reviewers.size();
    reviewers.add(reviewer);
    classes = Arrays.copyOf(classes, before + 1);
    classes[before] = classIndex;
    if (boxes != null && boxAnswers == null) {
      boxAnswers = new ArrayList<>();
      for (int i = 0; i < before; i++) {
        boxAnswers.add(null); // earlier classification answers to the same task
      }
    }
    if (boxAnswers != null) {
      boxAnswers.add(boxes == null ? null : List.copyOf(boxes));
    }
  }

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + 16 * reviewers.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeLong(requestedMinute);
      out.writeLong(settledMinute);
      out.writeInt(reviewers.size());
      for (int i = 0; i < reviewers.size(); i++) {
        out.writeUTF(reviewers.get(i));
        out.writeInt(classes[i]);
      }
      out.writeBoolean(boxAnswers != null);
      if (boxAnswers != null) {
        for (List<Box> boxes : boxAnswers) {
          BoxBytes.write(out, boxes);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a task's statistics", e);
    }
    return bytes.toByteArray();
  }

  static TaskTrack decode(byte[] value) {
    TaskTrack task = new TaskTrack();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
      int version = in.readByte();
      if (version != VERSION) {
        throw new IllegalArgumentException("a task's statistics in an unknown encoding " + version);
      }
      task.requestedMinute = in.readLong();
      task.settledMinute = in.readLong();
      task.classes = new int[in.readInt()];
      for (int i = 0; i < task.classes.length; i++) {
        task.reviewers.add(in.readUTF());
        task.classes[i] = in.readInt();
      }
      if (in.readBoolean()) {
        task.boxAnswers = new ArrayList<>();
        for (int i = 0; i < task.classes.length; i++) {
          task.boxAnswers.add(BoxBytes.read(in));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode a task's statistics", e);
    }
    return task;
  }

}
