package io.labelstream.review.policy.regime;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One camera's latest frames routed in the common regime, with their answers as they come. When the camera's own test
 * finds a change, the frames since its estimated change point were already the changed camera's: they leave the
 * common regime's evidence, so the cameras that did not change do not pay for it. (Without this, after a severe noise
 * change on one of two cameras, the twenty-odd changed frames before the alarm, confidently wrong, made the common
 * regime distrust its validation evidence and close; the camera that did not change lost up to 12% of its share.)
 */
final class CommonFrames {

  /** The most frames of one camera kept. */
  static final int LIMIT = (int) RegimePolicy.RECALL_DEPTH;

  /** A frame as routed in the common regime; its clocks are those of {@link RecentModelLabels}. */
  record Frame(String frameId, long cameraIndex, long pooledIndex, double score, int predictedClass, boolean toModel,
      boolean audited) {}

  /** A frame taken out, with its answer (-1: none came yet). */
  record Taken(Frame frame, int answer) {}

  private final Deque<Frame> frames = new ArrayDeque<>();
  /** The answer of every frame kept, -1 until it comes. */
  private final Map<String, Integer> answers = new HashMap<>();

  void add(Frame frame) {
    if (frames.size() == LIMIT) {
      answers.remove(frames.removeFirst().frameId());
    }
    frames.addLast(frame);
    answers.put(frame.frameId(), -1);
  }

  /** A person's answer for a frame kept here; others are ignored. */
  void answered(String frameId, int humanClass) {
    answers.replace(frameId, humanClass);
  }

  /**
   * Removes and returns the frames at or after {@code changePoint}, on the pooled test's clock when {@code
   * pooledClock}, else the camera's own.
   */
  List<Taken> takeSince(long changePoint, boolean pooledClock) {
    List<Taken> taken = new ArrayList<>();
    while (!frames.isEmpty()
        && (pooledClock ? frames.peekLast().pooledIndex() : frames.peekLast().cameraIndex()) >= changePoint) {
      Frame frame = frames.removeLast();
      taken.add(0, new Taken(frame, answers.remove(frame.frameId())));
    }
    return taken;
  }

  /** The frames kept belong to a regime that ended, or stay where they are: nothing will be taken out any more. */
  void clear() {
    frames.clear();
    answers.clear();
  }

  void save(DataOutput out) throws IOException {
    out.writeInt(frames.size());
    for (Frame frame : frames) {
      out.writeUTF(frame.frameId());
      out.writeLong(frame.cameraIndex());
      out.writeLong(frame.pooledIndex());
      out.writeDouble(frame.score());
      out.writeInt(frame.predictedClass());
      out.writeBoolean(frame.toModel());
      out.writeBoolean(frame.audited());
      out.writeInt(answers.get(frame.frameId()));
    }
  }

  void restore(DataInput in) throws IOException {
    clear();
    for (int i = in.readInt(); i > 0; i--) {
      Frame frame = new Frame(in.readUTF(), in.readLong(), in.readLong(), in.readDouble(), in.readInt(),
          in.readBoolean(), in.readBoolean());
      frames.addLast(frame);
      answers.put(frame.frameId(), in.readInt());
    }
  }
}
