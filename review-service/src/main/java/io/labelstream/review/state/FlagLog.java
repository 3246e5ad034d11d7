package io.labelstream.review.state;

import io.labelstream.schemas.avro.ReviewRequest;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every flag of a final label, fleet-wide, for the admin view and to number a frame's next flag task. Flags are few
 * (a person's doubt about a label, or a drift recall), so every instance keeps them all in its heap, rebuilt from the
 * flagged review requests, and kept in the checkpoint (a flag read before it must still number the next one).
 */
public final class FlagLog implements Checkpointed {

  /** A flag, for the admin view. */
  public record Flag(String frameId, String taskId, String reason, String flaggedBy, Instant flaggedAt) {}

  private final List<Flag> flags = new ArrayList<>();

  /** A review request read back: counted when it is a flag. */
  public void requested(ReviewRequest request) {
    if (request.getFlag() != null) {
      flagged(new Flag(request.getFrameId(), request.getTaskId(), request.getFlag().getReason(),
          request.getFlag().getFlaggedBy(), request.getFlag().getFlaggedAt()));
    }
  }

  /** Counts a flag once, however often its request is read. */
  public synchronized void flagged(Flag flag) {
    if (flags.stream().noneMatch(f -> f.taskId().equals(flag.taskId()))) {
      flags.add(flag);
    }
  }

  /** Flags so far, newest first. */
  public synchronized List<Flag> flags() {
    List<Flag> newestFirst = new ArrayList<>(flags);
    newestFirst.sort(Comparator.comparing(Flag::flaggedAt).reversed());
    return newestFirst;
  }

  /** How often a frame was flagged: numbers its next flag task. */
  public synchronized long flagsOf(String frameId) {
    return flags.stream().filter(f -> f.frameId().equals(frameId)).count();
  }

  @Override
  public synchronized void save(DataOutput out) throws IOException {
    out.writeInt(flags.size());
    for (Flag flag : flags) {
      out.writeUTF(flag.frameId());
      out.writeUTF(flag.taskId());
      out.writeUTF(flag.reason());
      out.writeUTF(flag.flaggedBy());
      out.writeLong(flag.flaggedAt().getEpochSecond());
      out.writeInt(flag.flaggedAt().getNano());
    }
  }

  @Override
  public synchronized void restore(DataInput in) throws IOException {
    flags.clear();
    for (int i = in.readInt(); i > 0; i--) {
      flags.add(new Flag(in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF(),
          Instant.ofEpochSecond(in.readLong(), in.readInt())));
    }
  }
}
