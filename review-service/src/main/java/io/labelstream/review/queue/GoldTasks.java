package io.labelstream.review.queue;

import static io.labelstream.review.state.CheckpointData.readRecord;
import static io.labelstream.review.state.CheckpointData.writeRecord;

import io.labelstream.platform.kafka.AvroBytes;
import io.labelstream.review.images.StoredImage;
import io.labelstream.review.state.Checkpointed;
import io.labelstream.schemas.TaskIds;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.GoldFrame;
import io.labelstream.schemas.avro.ReviewReason;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Frames with known labels that admins loaded ({@code review.gold.v1}). Now and then ({@code REVIEW_GOLD_RATE} of
 * claims) a reviewer gets one they have not answered yet instead of the next task. It looks like a blind audit (no
 * suggestion), its answer makes no label, and whether it was right counts towards the reviewer's accuracy.
 *
 * <p>A gold task must not be told from a real audit, or reviewers would answer gold carefully and the rest less so.
 * So each is shown under a frame id shaped like a fleet frame's (a random-looking UUID) and the task id an audit of
 * that frame would have ({@link TaskIds#of}). The frame id is a keyed hash of the reviewer's name with the gold
 * frame's own random {@code frameIdKey}: the same for that reviewer on every instance and after restarts (so a gold
 * task is never shown twice to one reviewer), and impossible to recompute from the image without the key.
 */
public final class GoldTasks implements Checkpointed {

  private final double rate;
  private final Random random;
  private final Clock clock;
  private final Map<String, GoldFrame> items = new LinkedHashMap<>();
  /** Gold task ids handed out (or read back from their leases), to their gold frame: task ids do not show what they are. */
  private final Map<String, String> issued = new HashMap<>();
  /** Per reviewer, the ids each gold frame is shown under, by gold id: hashed once per reviewer, not per claim. */
  private final Map<String, Map<String, ShownAs>> shownAs = new HashMap<>();
  /** The same per reviewer, by task id: a restart looks a gold task up by its lease, once per lease read. */
  private final Map<String, Map<String, String>> goldIdByTask = new HashMap<>();
  /**
   * Per reviewer, what their next claim draws, when a peek drew it first: the page preloads the image a peek names,
   * and a gold task it had not preloaded would be told apart by its slower image.
   */
  private final Map<String, Optional<ReviewTask>> drawn = new HashMap<>();

  /** The frame and task id a gold frame is shown to one reviewer under. */
  private record ShownAs(String frameId, String taskId) {}

  public GoldTasks(double rate, Random random, Clock clock) {
    this.rate = rate;
    this.random = random;
    this.clock = clock;
  }

  public static GoldTasks none() {
    return new GoldTasks(0, new Random(0), Clock.systemUTC());
  }

  /** A gold frame read from Kafka; a later record with the same id replaces it. */
  public synchronized void add(GoldFrame frame) {
    items.put(frame.getGoldId(), frame);
    shownAs.forEach((reviewer, ids) -> {
      ShownAs shown = shownAs(frame, reviewer);
      ShownAs before = ids.put(frame.getGoldId(), shown);
      if (before != null) {
        goldIdByTask.get(reviewer).remove(before.taskId()); // added again under a new key (it had none)
      }
      goldIdByTask.get(reviewer).put(shown.taskId(), frame.getGoldId());
    });
  }

  public synchronized List<GoldFrame> items() {
    return new ArrayList<>(items.values());
  }

  /** The gold frame with this id, if loaded (an image added again keeps its frame id key). */
  public synchronized Optional<GoldFrame> item(String goldId) {
    return Optional.ofNullable(items.get(goldId));
  }

  /**
   * A gold task for {@code reviewer} at the configured rate, if there is one they have not answered: what a peek drew
   * for them, if it did.
   */
  synchronized Optional<ReviewTask> maybeFor(String reviewer, Predicate<String> answered) {
    Optional<ReviewTask> peeked = drawn.remove(reviewer);
    if (peeked != null && peeked.map(task -> !answered.test(task.taskId())).orElse(true)) {
      return peeked;
    }
    return draw(reviewer, answered);
  }

  /** What {@link #maybeFor} will give {@code reviewer} next: drawn now and kept for their claim. */
  synchronized Optional<ReviewTask> peekFor(String reviewer, Predicate<String> answered) {
    Optional<ReviewTask> peeked = drawn.get(reviewer);
    if (peeked == null || peeked.map(task -> answered.test(task.taskId())).orElse(false)) {
      peeked = draw(reviewer, answered);
      drawn.put(reviewer, peeked);
    }
    return peeked;
  }

  /** The gold task a peek named to {@code reviewer} under {@code frameId}, for its image before the claim. */
  public synchronized Optional<ReviewTask> peekedBy(String reviewer, String frameId) {
    return drawn.getOrDefault(reviewer, Optional.empty()).filter(task -> task.frameId().equals(frameId));
  }

  private Optional<ReviewTask> draw(String reviewer, Predicate<String> answered) {
    if (items.isEmpty() || random.nextDouble() >= rate) {
      return Optional.empty();
    }
    for (Map.Entry<String, ShownAs> gold : idsFor(reviewer).entrySet()) {
      if (!answered.test(gold.getValue().taskId())) {
        return Optional.of(issue(items.get(gold.getKey()), gold.getValue(), clock.instant()));
      }
    }
    return Optional.empty();
  }

  /**
   * The gold task {@code taskId} handed to {@code reviewer} earlier (by this or another instance, before a restart),
   * rebuilt from its lease record, if it shows one of the gold frames read so far.
   */
  synchronized Optional<ReviewTask> handedOut(String taskId, String reviewer, Instant handedOutAt) {
    if (items.isEmpty()) {
      return Optional.empty();
    }
    // A restart reads a lease for every frame reviewed: a reviewer's gold ids are hashed once, not per lease.
    Map<String, ShownAs> ids = idsFor(reviewer);
    return Optional.ofNullable(goldIdByTask.get(reviewer).get(taskId))
        .map(goldId -> issue(items.get(goldId), ids.get(goldId), handedOutAt));
  }

  private Map<String, ShownAs> idsFor(String reviewer) {
    return shownAs.computeIfAbsent(reviewer, r -> {
      Map<String, ShownAs> ids = new LinkedHashMap<>();
      Map<String, String> byTask = new HashMap<>();
      items.values().forEach(frame -> {
        ShownAs shown = shownAs(frame, r);
        ids.put(frame.getGoldId(), shown);
        byTask.put(shown.taskId(), frame.getGoldId());
      });
      goldIdByTask.put(r, byTask);
      return ids;
    });
  }

  /** A gold frame added with a frame store is read from there; one added before keeps its bytes in its record. */
  private ReviewTask issue(GoldFrame frame, ShownAs ids, Instant createdAt) {
    issued.put(ids.taskId(), frame.getGoldId());
    TaskImage image = frame.getImageRef() != null
        ? new TaskImage.Stored(StoredImage.of(frame.getImageRef()), null)
        : new TaskImage.Held(AvroBytes.copy(frame.getImage()));
    // A detection gold task shows no boxes, as a blind audit does; its known boxes stay here (boxesFor).
    TaskBoxes boxes = frame.getBoxes() == null ? null : new TaskBoxes(frame.getWidth(), frame.getHeight(), null);
    return new ReviewTask(ids.taskId(), ids.frameId(), ReviewReason.GOLD, 0, null, 0, frame.getContentType(),
        image, createdAt, null, boxes);
  }

  /** The known label behind a gold task id, if it is one. */
  public synchronized Optional<String> labelFor(String taskId) {
    return Optional.ofNullable(issued.get(taskId)).map(items::get).map(GoldFrame::getLabel);
  }

  /** The known boxes behind a gold task id, if it is a detection gold frame's. */
  public synchronized Optional<List<Box>> boxesFor(String taskId) {
    return Optional.ofNullable(issued.get(taskId)).map(items::get).map(GoldFrame::getBoxes);
  }

  private static ShownAs shownAs(GoldFrame frame, String reviewer) {
    String frameId = frameId(key(frame), reviewer);
    return new ShownAs(frameId, TaskIds.of(frameId, ReviewReason.AUDIT));
  }

  /** A version-4-shaped UUID from the keyed hash, like {@code FrameIds.random()} gives frames sent without a key. */
  static String frameId(byte[] key, String reviewer) {
    byte[] hash;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      hash = mac.doFinal(reviewer.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has HmacSHA256", e);
    }
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x40);
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
    ByteBuffer bits = ByteBuffer.wrap(hash, 0, 16);
    return new UUID(bits.getLong(), bits.getLong()).toString();
  }

  /**
   * The frame id key of a gold frame. One added before keys existed has none: its key is hashed from what a reviewer
   * does not see (who added it and when, to the millisecond) along with the image, so it is hard, though not
   * impossible, to guess; adding its image again gives it a random key.
   */
  private static byte[] key(GoldFrame frame) {
    if (frame.getFrameIdKey() != null) {
      return AvroBytes.copy(frame.getFrameIdKey());
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(AvroBytes.copy(frame.getImage()));
      sha.update((frame.getAddedBy() + "/" + frame.getAddedAt().toEpochMilli()).getBytes(StandardCharsets.UTF_8));
      return sha.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * Writes the gold frames read and which gold frame each task handed out shows. What is drawn for a reviewer's next
   * claim is not written (it is drawn again), and the ids each reviewer sees are hashed again when first needed.
   */
  @Override
  public synchronized void save(DataOutput out) throws IOException {
    out.writeInt(items.size());
    for (GoldFrame frame : items.values()) {
      writeRecord(out, Topics.REVIEW_GOLD, frame);
    }
    out.writeInt(issued.size());
    for (Map.Entry<String, String> task : issued.entrySet()) {
      out.writeUTF(task.getKey());
      out.writeUTF(task.getValue());
    }
  }

  @Override
  public synchronized void restore(DataInput in) throws IOException {
    items.clear();
    shownAs.clear();
    goldIdByTask.clear();
    drawn.clear();
    for (int i = in.readInt(); i > 0; i--) {
      GoldFrame frame = readRecord(in, Topics.REVIEW_GOLD);
      items.put(frame.getGoldId(), frame);
    }
    issued.clear();
    for (int i = in.readInt(); i > 0; i--) {
      issued.put(in.readUTF(), in.readUTF());
    }
  }
}
