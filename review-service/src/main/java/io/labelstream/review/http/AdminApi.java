package io.labelstream.review.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.labelstream.platform.hash.Sha256;
import io.labelstream.platform.http.ApiException;
import io.labelstream.review.boxes.BoxesJson;
import io.labelstream.review.auth.Role;
import io.labelstream.review.cluster.QueueWriter;
import io.labelstream.review.images.FrameImages;
import io.labelstream.platform.store.FrameStoreException;
import io.labelstream.review.queue.GoldTasks;
import io.labelstream.review.state.FlagLog;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.GoldFrame;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.HexFormat;
import org.apache.kafka.common.KafkaException;
import io.labelstream.review.metrics.ActiveReviewers;
import io.labelstream.review.queue.TaskQueue;
import io.labelstream.review.stats.StatsView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What admins see and do under {@code /v1/admin}: the queue, the reviewers and how well they do, flags, and the gold
 * frames that measure reviewers. Admin tokens only.
 */
public final class AdminApi {

  private static final int QUEUE_ROWS = 200;
  private static final StatsView.Rate NONE = new StatsView.Rate(0, 0);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private final TaskQueue queue;
  private final ActiveReviewers active;
  private final Supplier<StatsView> stats;
  private final FlagLog flags;
  private final GoldTasks gold;
  private final QueueWriter writer;
  private final FrameImages store;
  private final LeaderForwarding forwarding;
  private final List<String> classes;
  private final boolean detection;
  private final Clock clock;

  /** @param stats the statistics of all frames, reviewers' ledgers and agreement among them, as counted now */
  public AdminApi(TaskQueue queue, ActiveReviewers active, Supplier<StatsView> stats, FlagLog flags, GoldTasks gold,
      QueueWriter writer, FrameImages store, LeaderForwarding forwarding, List<String> classes, boolean detection,
      Clock clock) {
    this.queue = queue;
    this.active = active;
    this.stats = stats;
    this.flags = flags;
    this.gold = gold;
    this.writer = writer;
    this.store = store;
    this.forwarding = forwarding;
    this.classes = List.copyOf(classes);
    this.detection = detection;
    this.clock = clock;
  }

  public void register(Javalin app) {
    app.get("/v1/admin/queue", this::queue, Role.ADMIN);
    app.get("/v1/admin/reviewers", this::reviewers, Role.ADMIN);
    app.get("/v1/admin/flags", this::flags, Role.ADMIN);
    app.get("/v1/admin/gold", this::listGold, Role.ADMIN);
    // Adding gold goes through the queue leader, whose fenced writer every queue input uses.
    app.before("/v1/admin/gold", forwarding::forwardPostUnlessLeader);
    app.post("/v1/admin/gold", this::addGold, Role.ADMIN);
  }

  private void flags(Context ctx) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (FlagLog.Flag flag : flags.flags()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("frameId", flag.frameId());
      row.put("taskId", flag.taskId());
      row.put("reason", flag.reason());
      row.put("flaggedBy", flag.flaggedBy());
      row.put("flaggedAt", flag.flaggedAt());
      row.put("open", queue.task(flag.taskId()).isPresent());
      rows.add(row);
    }
    ctx.json(rows);
  }

  private void listGold(Context ctx) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (GoldFrame frame : gold.items()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("goldId", frame.getGoldId());
      row.put("label", frame.getLabel());
      if (frame.getBoxes() != null) {
        row.put("boxes", BoxesJson.of(frame.getBoxes()));
      }
      row.put("addedBy", frame.getAddedBy());
      row.put("addedAt", frame.getAddedAt());
      rows.add(row);
    }
    ctx.json(rows);
  }

  /**
   * A frame with a known label: the raw image as the body ({@code Content-Type: image/png} or {@code image/jpeg},
   * checked against its first bytes), the label in {@code X-Label}, or, for a detection model, its boxes in
   * {@code X-Boxes} (a JSON list as a submit takes it, checked the same way against the image's size). The same image
   * added twice is one gold frame. With a frame store the image is put there first and the record carries its
   * reference, not its bytes.
   */
  private void addGold(Context ctx) {
    byte[] image = ctx.bodyAsBytes();
    String contentType = ctx.contentType() == null ? "" : ctx.contentType().split(";")[0].strip();
    boolean png = image.length > 8 && (image[0] & 0xff) == 0x89 && image[1] == 'P' && image[2] == 'N' && image[3] == 'G';
    boolean jpeg = image.length > 3 && (image[0] & 0xff) == 0xff && (image[1] & 0xff) == 0xd8 && (image[2] & 0xff) == 0xff;
    if (!(png && contentType.equals("image/png")) && !(jpeg && contentType.equals("image/jpeg"))) {
      throw new ApiException(415, "not_an_image", "the body must be a PNG or JPEG image matching its Content-Type");
    }
    String label = "";
    int classIndex = -1;
    List<Box> boxes = null;
    int[] size = null;
    if (detection) {
      String listed = ctx.header("X-Boxes");
      if (listed == null || ctx.header("X-Label") != null) {
        throw new ApiException(400, "wrong_task", "the model is a detector: give the gold frame's boxes in X-Boxes "
            + "(a JSON list like [{\"label\": \"Bag\", \"x\": 12, \"y\": 40.5, \"w\": 96, \"h\": 80}], [] for "
            + "nothing to label), not X-Label");
      }
      size = ImageSize.of(image).orElseThrow(() -> new ApiException(415, "not_an_image",
          "the image's size cannot be read"));
      boxes = SubmittedBoxes.read(boxesJson(listed), classes, size[0], size[1]);
    } else {
      if (ctx.header("X-Boxes") != null) {
        throw new ApiException(400, "wrong_task", "the model is a classifier: give the gold frame's class in X-Label, "
            + "not boxes");
      }
      label = ctx.header("X-Label") == null ? "" : ctx.header("X-Label").strip();
      if (!classes.contains(label)) {
        throw new ApiException(400, "unknown_class", "X-Label must be one of " + classes);
      }
      classIndex = classes.indexOf(label);
    }
    String goldId = HexFormat.of().formatHex(Sha256.of(image)).substring(0, 16);
    // The key its task ids derive from: kept when the image is added again, so nobody is shown it twice.
    ByteBuffer frameIdKey = gold.item(goldId).map(GoldFrame::getFrameIdKey).orElseGet(AdminApi::newFrameIdKey);
    GoldFrame.Builder frame = GoldFrame.newBuilder().setGoldId(goldId).setLabel(label)
        .setClassIndex(classIndex).setContentType(contentType).setImage(ByteBuffer.wrap(image))
        .setAddedBy(BearerAuth.reviewer(ctx).name()).setAddedAt(clock.instant()).setFrameIdKey(frameIdKey)
        .setBoxes(boxes).setWidth(size == null ? null : size[0]).setHeight(size == null ? null : size[1]);
    if (store.enabled()) {
      try {
        frame.setImageRef(store.put(image, contentType).ref()).setImage(ByteBuffer.allocate(0));
      } catch (FrameStoreException e) {
        throw StoreErrors.of(e, "gold " + goldId);
      }
    }
    GoldFrame added = frame.build();
    writer.gold(added); // a KafkaException is HttpService's 503 kafka_unavailable
    gold.add(added);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("goldId", goldId);
    if (added.getBoxes() != null) {
      body.put("boxes", BoxesJson.of(added.getBoxes()));
      body.put("width", added.getWidth());
      body.put("height", added.getHeight());
    } else {
      body.put("label", added.getLabel());
    }
    ctx.status(201).json(body);
  }

  private static JsonNode boxesJson(String header) {
    try {
      return JSON.readTree(header);
    } catch (JsonProcessingException e) {
      throw new ApiException(400, "invalid_box", "X-Boxes must be a JSON list of boxes: " + e.getOriginalMessage());
    }
  }

  private static ByteBuffer newFrameIdKey() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return ByteBuffer.wrap(key);
  }

  private void queue(Context ctx) {
    List<Map<String, Object>> tasks = new ArrayList<>();
    for (TaskQueue.Queued row : queue.overview(QUEUE_ROWS)) {
      Map<String, Object> task = new LinkedHashMap<>();
      task.put("taskId", row.task().taskId());
      task.put("frameId", row.task().frameId());
      task.put("reason", row.task().reason().name());
      task.put("priority", row.task().priority());
      task.put("suggestion", row.task().suggestion());
      task.put("confidence", row.task().confidence());
      if (row.task().detection()) {
        task.put("boxes", BoxesJson.of(row.task().boxes().predicted())); // null on a gold task
      }
      task.put("requestedAt", row.task().requestedAt());
      task.put("leasedTo", row.lease() == null ? null : row.lease().reviewer());
      task.put("leaseExpiresAt", row.lease() == null ? null : row.lease().expiresAt());
      tasks.add(task);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("open", queue.openCount());
    body.put("leased", queue.leasedCount());
    body.put("tasks", tasks);
    ctx.json(body);
  }

  private void reviewers(Context ctx) {
    Set<String> activeNow = active.names();
    Set<String> seen = new TreeSet<>(activeNow);
    StatsView view = stats.get();
    StatsView.Agreement agreement = view.agreement();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (StatsView.ReviewerCounts c : view.reviewers()) {
      seen.remove(c.reviewer());
      rows.add(row(c, agreement, activeNow.contains(c.reviewer())));
    }
    // Reviewers at work who have not answered anything yet.
    seen.forEach(name -> rows.add(row(view.reviewer(name), agreement, true)));
    ctx.json(rows);
  }

  private static Map<String, Object> row(StatsView.ReviewerCounts c, StatsView.Agreement agreement, boolean active) {
    StatsView.Rate audits = agreement.withModelByReviewer().getOrDefault(c.reviewer(), NONE);
    StatsView.Rate others = agreement.byReviewer().getOrDefault(c.reviewer(), NONE);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("reviewer", c.reviewer());
    row.put("answered", c.answered());
    row.put("accepted", c.accepted());
    row.put("corrected", c.corrected());
    Map<String, Object> gold = new LinkedHashMap<>();
    gold.put("answered", c.gold());
    gold.put("correct", c.goldCorrect());
    if (c.goldBoxes() > 0) {
      gold.put("f1", c.goldF1()); // mean box F1 over the detection gold answers
    }
    row.put("gold", gold);
    row.put("audits", Map.of("answered", audits.total(), "agreedWithModel", audits.agreed()));
    row.put("agreement", Map.of("compared", others.total(), "agreed", others.agreed()));
    row.put("active", active);
    return row;
  }
}
