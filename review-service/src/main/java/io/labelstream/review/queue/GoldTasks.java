package io.labelstream.review.queue;

import io.labelstream.platform.kafka.AvroBytes;
import io.labelstream.schemas.TaskIds;
import io.labelstream.schemas.avro.GoldFrame;
import io.labelstream.schemas.avro.ReviewReason;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Frames with known labels that admins loaded ({@code review.gold.v1}). Now and then ({@code REVIEW_GOLD_RATE} of
 * claims) a reviewer gets one they have not answered yet instead of the next task. It looks like a blind audit (no
 * suggestion), its answer makes no label, and whether it was right counts towards the reviewer's accuracy.
 */
public final class GoldTasks {

  private final double rate;
  private final Random random;
  private final Clock clock;
  private final Map<String, GoldFrame> items = new LinkedHashMap<>();
  /** Gold task ids handed out (or read back from their leases), to their gold frame: task ids do not show what they are. */
  private final Map<String, String> issued = new HashMap<>();
  /** Per reviewer, the task id of each gold frame for them, to its gold id: filled as leases are read back. */
  private final Map<String, Map<String, String>> taskIdsOf = new HashMap<>();

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
    taskIdsOf.forEach((reviewer, ids) -> ids.put(TaskIds.gold(frame.getGoldId(), reviewer), frame.getGoldId()));
  }

  public synchronized List<GoldFrame> items() {
    return new ArrayList<>(items.values());
  }

  /** A gold task for {@code reviewer} at the configured rate, if there is one they have not answered. */
  synchronized Optional<ReviewTask> maybeFor(String reviewer, Predicate<String> answered) {
    if (items.isEmpty() || random.nextDouble() >= rate) {
      return Optional.empty();
    }
    for (GoldFrame frame : items.values()) {
      String taskId = TaskIds.gold(frame.getGoldId(), reviewer);
      if (!answered.test(taskId)) {
        return Optional.of(issue(frame, taskId, clock.instant()));
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
    // A restart reads a lease for every frame reviewed: the reviewer's gold task ids are hashed once, not per lease.
    Map<String, String> goldIdByTask = taskIdsOf.computeIfAbsent(reviewer, r -> {
      Map<String, String> ids = new HashMap<>();
      items.keySet().forEach(goldId -> ids.put(TaskIds.gold(goldId, r), goldId));
      return ids;
    });
    return Optional.ofNullable(goldIdByTask.get(taskId)).map(items::get)
        .map(frame -> issue(frame, taskId, handedOutAt));
  }

  private ReviewTask issue(GoldFrame frame, String taskId, Instant createdAt) {
    issued.put(taskId, frame.getGoldId());
    // Its frame id is the task id too: nothing in what the reviewer sees says "gold".
    return new ReviewTask(taskId, taskId, ReviewReason.GOLD, 0, null, 0, frame.getContentType(),
        AvroBytes.copy(frame.getImage()), createdAt);
  }

  /** The known label behind a gold task id, if it is one. */
  public synchronized Optional<String> labelFor(String taskId) {
    return Optional.ofNullable(issued.get(taskId)).map(items::get).map(GoldFrame::getLabel);
  }
}
