package io.labelstream.review.policy.regime;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A camera's latest model labels, each with where it sits on the clocks of the change tests that watch the camera:
 * its own monitor's frame index and the pooled monitor's (-1 when the pooled test was not watching). A detected
 * change names its estimated change point on one of those clocks; the labels written since then were written under a
 * regime that no longer held, so they go back to people ({@link RegimePolicy#takeRecalled()}).
 *
 * <p>Bounded: a change recalls at most {@link RegimePolicy#RECALL_DEPTH} frames' labels.
 */
final class RecentModelLabels {

  /** The most model labels of one camera kept for recall. */
  static final int LIMIT = (int) RegimePolicy.RECALL_DEPTH;

  private record Entry(String frameId, long cameraIndex, long pooledIndex) {}

  private final Deque<Entry> entries = new ArrayDeque<>();

  void add(String frameId, long cameraIndex, long pooledIndex) {
    if (entries.size() == LIMIT) {
      entries.removeFirst();
    }
    entries.addLast(new Entry(frameId, cameraIndex, pooledIndex));
  }

  /** Removes and returns the labels at or after {@code changePoint} on the camera's own clock. */
  List<String> takeSinceCameraIndex(long changePoint) {
    return takeWhile(e -> e.cameraIndex() >= changePoint);
  }

  /** Removes and returns the labels at or after {@code changePoint} on the pooled test's clock. */
  List<String> takeSincePooledIndex(long changePoint) {
    return takeWhile(e -> e.pooledIndex() >= changePoint);
  }

  /** Everything kept is older than a change: the labels after it belong to a new regime and are taken on its own. */
  void clear() {
    entries.clear();
  }

  private List<String> takeWhile(java.util.function.Predicate<Entry> since) {
    List<String> taken = new ArrayList<>();
    while (!entries.isEmpty() && since.test(entries.peekLast())) {
      taken.add(0, entries.removeLast().frameId());
    }
    return taken;
  }
  void save(DataOutput out) throws IOException {
    out.writeInt(entries.size());
    for (Entry entry : entries) {
      out.writeUTF(entry.frameId());
      out.writeLong(entry.cameraIndex());
      out.writeLong(entry.pooledIndex());
    }
  }

  void restore(DataInput in) throws IOException {
    entries.clear();
    for (int i = in.readInt(); i > 0; i--) {
      entries.addLast(new Entry(in.readUTF(), in.readLong(), in.readLong()));
    }
  }

}
