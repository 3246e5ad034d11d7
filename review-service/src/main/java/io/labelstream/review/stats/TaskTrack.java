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
 * answer. One per task people ever saw, so {@link StatsRecorder} keeps it encoded in the review state's store
 * ({@code FrameBytes.Kind.TASK}), not in the heap; {@link #encode()} and {@link #decode} are that encoding.
 */
final class TaskTrack {

  static final long NONE = Long.MIN_VALUE;
  private static final int[] NO_ANSWERS = new int[0];
  private static final int VERSION = 1;

  long requestedMinute = NONE;
  /** When the answer that settled the task was submitted. */
  long settledMinute = NONE;
  /** Reviewer index and class index of every distinct reviewer's first answer, in turn. */
  int[] answers = NO_ANSWERS;
  /** Detection tasks: the boxes of each of those answers, in the same order; null for classification. */
  List<List<Box>> boxAnswers;

  boolean answeredBy(int reviewer) {
    for (int i = 0; i < answers.length; i += 2) {
      if (answers[i] == reviewer) {
        return true;
      }
    }
    return false;
  }

  /** Adds a reviewer's first answer: its class, and its boxes (null for a classification answer). */
  void addAnswer(int reviewer, int classIndex, List<Box> boxes) {
    int before = answers.length;
    answers = Arrays.copyOf(answers, before + 2);
    answers[before] = reviewer;
    answers[before + 1] = classIndex;
    if (boxes != null && boxAnswers == null) {
      boxAnswers = new ArrayList<>();
      for (int i = 0; i < before; i += 2) {
        boxAnswers.add(null); // earlier classification answers to the same task
      }
    }
    if (boxAnswers != null) {
      boxAnswers.add(boxes == null ? null : List.copyOf(boxes));
    }
  }

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + 4 * answers.length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeLong(requestedMinute);
      out.writeLong(settledMinute);
      out.writeInt(answers.length);
      for (int a : answers) {
        out.writeInt(a);
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
      task.answers = new int[in.readInt()];
      for (int i = 0; i < task.answers.length; i++) {
        task.answers[i] = in.readInt();
      }
      if (in.readBoolean()) {
        task.boxAnswers = new ArrayList<>();
        for (int i = 0; i < task.answers.length; i += 2) {
          task.boxAnswers.add(BoxBytes.read(in));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode a task's statistics", e);
    }
    return task;
  }

}
