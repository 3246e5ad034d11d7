package io.labelstream.review.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import io.labelstream.platform.http.ApiException;
import io.labelstream.platform.model.ModelIdentity;
import io.labelstream.review.auth.Reviewer;
import io.labelstream.review.auth.Role;
import io.labelstream.review.boxes.BoxesJson;
import io.labelstream.review.metrics.ReviewMetrics;
import io.labelstream.review.partitioned.FinalLabels;
import io.labelstream.review.partitioned.FrameStateUnavailable;
import io.labelstream.review.policy.PolicyDecision;
import io.labelstream.review.policy.PolicyService;
import io.labelstream.review.queue.Answer;
import io.labelstream.review.queue.Claim;
import io.labelstream.review.queue.GoldTasks;
import io.labelstream.review.queue.Lease;
import io.labelstream.review.queue.QueueChange;
import io.labelstream.review.queue.ReviewTask;
import io.labelstream.review.queue.TaskBoxes;
import io.labelstream.review.queue.TaskQueue;
import io.labelstream.review.state.PipelineCounts;
import io.labelstream.review.stats.StatsView;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.ReviewDecision;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.boxes.BoxMatching;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/** The reviewer API under {@code /v1}; every call needs a bearer token. */
public final class ReviewApi {

  /** How long a submit waits for its label to be served (the answer is committed whatever happens). */
  private static final java.time.Duration LABEL_SHOWN_WITHIN = java.time.Duration.ofSeconds(5);

  private final TaskQueue queue;
  private final LeaderForwarding forwarding;
  private final FinalLabels labels;
  private final Supplier<StatsView> stats;
  private final PipelineCounts counts;
  private final List<String> classes;
  private final BooleanSupplier stateReady;
  private final ReviewMetrics metrics;
  private final Clock clock;
  private final PolicyService policy;
  private final GoldTasks gold;
  private final Function<ReviewTask, byte[]> images;

  /**
   * @param stats the statistics of all frames, reviewers' ledgers among them, as counted now
   * @param images a task's image bytes: the size of a detection frame whose prediction did not say it is read from
   *     its image
   */
  public ReviewApi(TaskQueue queue, LeaderForwarding forwarding, FinalLabels labels, Supplier<StatsView> stats,
      PipelineCounts counts, List<String> classes, BooleanSupplier stateReady, ReviewMetrics metrics, Clock clock,
      PolicyService policy, GoldTasks gold, Function<ReviewTask, byte[]> images) {
    this.queue = queue;
    this.forwarding = forwarding;
    this.labels = labels;
    this.stats = stats;
    this.counts = counts;
    this.classes = List.copyOf(classes);
    this.stateReady = stateReady;
    this.metrics = metrics;
    this.clock = clock;
    this.policy = policy;
    this.gold = gold;
    this.images = images;
  }

  /** Every signed-in reviewer or admin. */
  private static final RouteRole[] ANYONE = {Role.REVIEWER, Role.ADMIN};

  public void register(Javalin app, BearerAuth auth) {
    ReviewErrors.register(app);
    app.before(PageSecurityPolicy::apply);
    app.before("/v1/*", auth::authenticate);
    app.beforeMatched(auth::authorize);
    // Queue changes are made by the queue leader only; another instance passes them on (see cluster.LeaderElection).
    app.before("/v1/tasks/*", forwarding::forwardUnlessLeader);
    app.post("/v1/tasks/claim", this::claim, ANYONE);
    app.post("/v1/tasks/{taskId}/heartbeat", this::heartbeat, ANYONE);
    app.post("/v1/tasks/{taskId}/submit", this::submit, ANYONE);
    app.post("/v1/tasks/{taskId}/release", this::release, ANYONE);
    app.post("/v1/tasks/{taskId}/skip", this::skip, ANYONE);
    // Final labels are for admins: a reviewer who could read them could tell a blind audit (its frame already has a
    // MODEL label) and see the answer it hides.
    app.get("/v1/labels/{frameId}", this::label, Role.ADMIN);
    app.get("/v1/stats", this::stats, ANYONE);
    app.get("/v1/tasks/peek", this::peek, ANYONE);
    app.get("/v1/me", this::me, ANYONE);
  }

  private void claim(Context ctx) {
    requireStateReady();
    Reviewer reviewer = BearerAuth.reviewer(ctx);
    Optional<Claim> claim = queue.claim(reviewer.name());
    metrics.askedForTask(reviewer.name(), claim.isPresent());
    if (claim.isEmpty()) {
      ctx.status(204);
      return;
    }
    ReviewTask task = claim.get().task();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("taskId", task.taskId());
    body.put("frameId", task.frameId());
    body.put("imageUrl", "/v1/frames/" + task.frameId() + "/image");
    body.put("task", task.detection() ? ModelIdentity.DETECTION : ModelIdentity.CLASSIFICATION);
    // A blind audit (and a gold task, which looks like one) shows no suggestion, so the answer is not anchored on it.
    boolean blind = task.reason() == ReviewReason.AUDIT || task.reason() == ReviewReason.GOLD;
    if (task.detection()) {
      TaskBoxes frame = frame(task);
      body.put("width", frame.width());
      body.put("height", frame.height());
      body.put("suggestion", blind ? null : Map.of("boxes", BoxesJson.of(task.boxes().predicted())));
    } else {
      body.put("suggestion", blind ? null : Map.of("label", task.suggestion(), "confidence", task.confidence()));
    }
    body.put("classes", classes);
    body.put("leaseExpiresAt", claim.get().lease().expiresAt());
    ctx.json(body);
  }

  private void submit(Context ctx) {
    requireStateReady();
    Reviewer reviewer = BearerAuth.reviewer(ctx);
    String taskId = ctx.pathParam("taskId");
    Optional<ReviewTask> open = queue.task(taskId).map(this::withFrameSize);
    Answer answer = requestedAnswer(ctx, open);
    TaskQueue.Submitted submitted = queue.submit(taskId, reviewer.name(), answer, reviewer.role() == Role.ADMIN,
        (task, lease, verdict) -> {
          // An answer read before its task was open here (it opened a moment later) is checked now for what the
          // checks above could not see. The size is not read again under the queue's lock when it was read above.
          ReviewTask sized = open.isPresent() ? open.get() : withFrameSize(task);
          requireFits(sized, answer);
          Instant now = clock.instant();
          ReviewResult result = (answer.detection() ? boxesResult(task, answer) : labelResult(task, answer.label()))
              .setTaskId(task.taskId())
              .setFrameId(task.frameId())
              .setReviewerId(reviewer.name())
              .setReason(task.reason())
              .setTimeSpentMs(Duration.between(lease.claimedAt(), now).toMillis())
              .setSubmittedAt(now)
              .setDecides(verdict.decides())
              .build();
          boolean gold = task.reason() == ReviewReason.GOLD;
          // A gold answer measures the reviewer and makes no label; an answer that awaits others makes none yet.
          Label human = gold || !verdict.decides() ? null : Label.newBuilder()
              .setFrameId(task.frameId())
              .setLabel(verdict.label())
              .setClassIndex(verdict.boxes() == null ? classes.indexOf(verdict.label()) : -1)
              .setBoxes(verdict.boxes())
              .setWidth(sized.detection() ? sized.boxes().width() : null)
              .setHeight(sized.detection() ? sized.boxes().height() : null)
              .setSource(LabelSource.HUMAN)
              .setReviewerIds(verdict.agreeing())
              .setTaskId(task.taskId())
              .setLabelledAt(now)
              // The request's image reference: a dataset export finds the image by it after frames.v1 dropped it.
              .setImageRef(task.image().stored() == null ? null : task.image().stored().ref())
              .build();
          return new QueueChange.Answered(result, human);
        });
    ReviewResult result = submitted.result();
    if (!submitted.repeated()) {
      if (submitted.label() != null) {
        // The label reaches the store of the instance that owns the frame through Kafka: the answer waits for it
        // there, so that whoever submitted reads their label back at once.
        awaitShown(submitted.label());
      }
      metrics.submitted(reviewer.name(), result.getReason(), result.getDecision());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("taskId", result.getTaskId());
    body.put("frameId", result.getFrameId());
    if (result.getBoxes() != null) {
      body.put("boxes", BoxesJson.of(result.getBoxes()));
    } else {
      body.put("label", result.getLabel());
    }
    // Whether the answer matched the model is an audit's outcome against its hidden label: only admins are told.
    if (reviewer.role() == Role.ADMIN) {
      body.put("decision", result.getDecision().name());
    }
    body.put("settled", settled(result));
    body.put("repeated", submitted.repeated());
    ctx.json(body);
  }

  /** A class answer: ACCEPTED when it is the suggestion; a gold answer is correct when it is the known label. */
  private ReviewResult.Builder labelResult(ReviewTask task, String label) {
    boolean gold = task.reason() == ReviewReason.GOLD;
    return ReviewResult.newBuilder()
        .setLabel(label)
        .setClassIndex(classes.indexOf(label))
        .setDecision(label.equals(task.suggestion()) ? ReviewDecision.ACCEPTED : ReviewDecision.CORRECTED)
        .setAgreedWithModel(gold ? null : label.equals(task.suggestion()))
        .setCorrect(gold ? this.gold.labelFor(task.taskId()).map(label::equals).orElse(null) : null);
  }

  /**
   * A boxes answer, judged by {@link BoxMatching}: ACCEPTED when exact against the boxes the task is judged against
   * (the model's; a flagged label's), which for an audit is its outcome; a gold answer is correct when exact against
   * the known boxes, with its box F1.
   */
  private ReviewResult.Builder boxesResult(ReviewTask task, Answer answer) {
    boolean gold = task.reason() == ReviewReason.GOLD;
    List<Box> predicted = task.boxes().predicted();
    boolean exact = predicted != null && BoxMatching.match(predicted, answer.boxes()).exact();
    Optional<BoxMatching.Result> againstGold = gold
        ? this.gold.boxesFor(task.taskId()).map(known -> BoxMatching.match(known, answer.boxes()))
        : Optional.empty();
    return ReviewResult.newBuilder()
        .setLabel("")
        .setClassIndex(-1)
        .setBoxes(answer.boxes())
        .setDecision(exact ? ReviewDecision.ACCEPTED : ReviewDecision.CORRECTED)
        .setAgreedWithModel(gold ? null : exact)
        .setCorrect(againstGold.map(BoxMatching.Result::exact).orElse(null))
        .setBoxF1(againstGold.map(BoxMatching.Result::f1).orElse(null));
  }

  /**
   * What the reviewer answered, checked against the task when it is open here (its kind, its frame): a class for a
   * classification task, boxes for a detection task. An answer to a task that is not open can only be a repeat of one
   * already given (the queue says so, or refuses it); its boxes are checked for everything but the frame.
   */
  private Answer requestedAnswer(Context ctx, Optional<ReviewTask> task) {
    JsonNode body;
    try {
      body = ctx.bodyAsClass(JsonNode.class);
    } catch (Exception e) {
      // Javalin rethrows Jackson's checked parse errors undeclared; a body over the limit keeps its 413.
      throw ApiException.refusalIn(e).orElseGet(() -> new ApiException(400, "invalid_body",
          "the body must be one JSON object like {\"label\": \"Bag\"} or {\"boxes\": [...]}, each key once and "
              + "nothing after it"));
    }
    boolean boxes = body != null && body.has("boxes");
    boolean label = body != null && body.has("label");
    if (boxes == label) {
      throw new ApiException(400, "invalid_body", "the body must be JSON like {\"label\": \"Bag\"} (a classification "
          + "task) or {\"boxes\": [{\"label\": \"Bag\", \"x\": 12, \"y\": 40.5, \"w\": 96, \"h\": 80}]} (a "
          + "detection task)");
    }
    if (task.isPresent() && task.get().detection() != boxes) {
      throw wrongTask(task.get());
    }
    if (boxes) {
      TaskBoxes frame = task.map(ReviewTask::boxes).orElse(null);
      return Answer.ofBoxes(SubmittedBoxes.read(body.get("boxes"), classes, frame == null ? null : frame.width(),
          frame == null ? null : frame.height()));
    }
    if (!body.get("label").isTextual()) {
      throw new ApiException(400, "invalid_body", "the body must be JSON like {\"label\": \"Bag\"}");
    }
    String name = body.get("label").asText();
    if (!classes.contains(name)) {
      throw new ApiException(400, "unknown_class", "'" + name + "' is not one of " + classes);
    }
    return Answer.ofLabel(name);
  }

  /** A detection task's frame size, from its prediction or, when that did not say (before v5), from its image. */
  private TaskBoxes frame(ReviewTask task) {
    TaskBoxes boxes = task.boxes();
    if (boxes.width() != null && boxes.height() != null) {
      return boxes;
    }
    int[] size = ImageSize.of(images.apply(task)).orElseThrow(() -> new ApiException(500, "image_unreadable",
        "the size of frame " + task.frameId() + " is in neither its prediction nor its image"));
    return new TaskBoxes(size[0], size[1], boxes.predicted());
  }

  private ReviewTask withFrameSize(ReviewTask task) {
    if (!task.detection() || task.boxes().width() != null && task.boxes().height() != null) {
      return task;
    }
    return new ReviewTask(task.taskId(), task.frameId(), task.reason(), task.priority(), task.suggestion(),
        task.confidence(), task.contentType(), task.image(), task.requestedAt(), task.flaggedBy(), frame(task));
  }

  private static void requireFits(ReviewTask task, Answer answer) {
    if (task.detection() != answer.detection()) {
      throw wrongTask(task);
    }
    if (answer.detection() && !SubmittedBoxes.fit(answer.boxes(), task.boxes().width(), task.boxes().height())) {
      throw new ApiException(400, "box_outside_frame", "a box reaches past the " + task.boxes().width() + " x "
          + task.boxes().height() + " frame by more than " + SubmittedBoxes.FRAME_TOLERANCE + " px");
    }
  }

  private static ApiException wrongTask(ReviewTask task) {
    return task.detection()
        ? new ApiException(400, "wrong_task", "task " + task.taskId() + " is a detection task: answer with "
            + "{\"boxes\": [...]}, not a label")
        : new ApiException(400, "wrong_task", "task " + task.taskId() + " is a classification task: answer with "
            + "{\"label\": \"...\"}, not boxes");
  }

  /**
   * Whether the answer settled its task. A gold answer always does, but says what an audit's answer would say when
   * audits need several answers (not yet), so that {@code settled} does not single gold tasks out.
   */
  private boolean settled(ReviewResult result) {
    if (result.getReason() == ReviewReason.GOLD) {
      return queue.answersRequired(ReviewReason.AUDIT) <= 1;
    }
    return !Boolean.FALSE.equals(result.getDecides());
  }

  /** The task a claim would give the caller now, not leased: the page preloads its image. */
  private void peek(Context ctx) {
    requireStateReady();
    Optional<ReviewTask> next = queue.peek(BearerAuth.reviewer(ctx).name());
    if (next.isEmpty()) {
      ctx.status(204);
      return;
    }
    ctx.json(Map.of("taskId", next.get().taskId(), "imageUrl", "/v1/frames/" + next.get().frameId() + "/image"));
  }

  /** Who the caller is and what they have done (answers as read back from Kafka, so a moment behind). */
  private void me(Context ctx) {
    Reviewer reviewer = BearerAuth.reviewer(ctx);
    StatsView.ReviewerCounts done = stats.get().reviewer(reviewer.name());
    ctx.json(Map.of("name", reviewer.name(), "role", reviewer.role(), "answered", done.answered(),
        "accepted", done.accepted(), "corrected", done.corrected()));
  }

  private void heartbeat(Context ctx) {
    requireStateReady();
    Lease lease = queue.heartbeat(ctx.pathParam("taskId"), BearerAuth.reviewer(ctx).name());
    ctx.json(Map.of("taskId", lease.taskId(), "leaseExpiresAt", lease.expiresAt()));
  }

  private void release(Context ctx) {
    requireStateReady();
    queue.release(ctx.pathParam("taskId"), BearerAuth.reviewer(ctx).name());
    metrics.released();
    ctx.json(Map.of("taskId", ctx.pathParam("taskId"), "released", true));
  }

  private void skip(Context ctx) {
    requireStateReady();
    queue.skip(ctx.pathParam("taskId"), BearerAuth.reviewer(ctx).name());
    metrics.released();
    ctx.json(Map.of("taskId", ctx.pathParam("taskId"), "skipped", true));
  }

  private void label(Context ctx) {
    String frameId = ctx.pathParam("frameId");
    Label label = labels.get(frameId).orElseThrow(() -> new ApiException(404, "label_not_found",
        "frame " + frameId + " has no label yet"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("frameId", label.getFrameId());
    body.put("label", label.getLabel());
    if (label.getBoxes() != null) {
      body.put("boxes", BoxesJson.of(label.getBoxes()));
      body.put("width", label.getWidth());
      body.put("height", label.getHeight());
    }
    body.put("source", label.getSource().name());
    body.put("confidence", label.getConfidence());
    body.put("modelVersion", label.getModelVersion());
    body.put("reviewer", label.getReviewerIds().isEmpty() ? null : String.join(",", label.getReviewerIds()));
    body.put("labelledAt", label.getLabelledAt());
    ctx.json(body);
  }

  private void awaitShown(Label label) {
    try {
      labels.awaitShown(label, LABEL_SHOWN_WITHIN);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Pipeline counts. Label counts and the policy (audit evidence, per class) are for admins: they move with each
   * answer in a way that tells a reviewer whether an audit answer matched the hidden model label (the estimate
   * moves up or down, the predicted class's audit count moves) and whether a task was gold (it makes no label).
   */
  private void stats(Context ctx) {
    boolean admin = BearerAuth.reviewer(ctx).role() == Role.ADMIN;
    Optional<StatsView.ClassCount> labelled = admin ? labelCounts() : Optional.empty();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("framesSeen", counts.framesSeen());
    if (admin) {
      body.put("modelLabelled", labelled.map(StatsView.ClassCount::model).orElse(null));
    }
    body.put("queuedForReview", queue.openCount());
    body.put("inReview", queue.leasedCount());
    if (admin) {
      body.put("humanLabelled", labelled.map(StatsView.ClassCount::human).orElse(null));
    }
    body.put("deadLettered", counts.deadLetteredCount());
    body.put("stateReady", stateReady.getAsBoolean());
    if (admin) {
      body.put("policy", policyStats());
    }
    ctx.json(body);
  }

  /**
   * Final labels by source, as the statistics counted them (a detection frame once, whatever its boxes); empty while
   * they cannot be added up (partitions moving at start-up): the pipeline counts answer all the same, as they do
   * while the state is rebuilt ({@code stateReady} false).
   */
  private Optional<StatsView.ClassCount> labelCounts() {
    try {
      return Optional.of(stats.get().labels());
    } catch (FrameStateUnavailable notNow) {
      return Optional.empty();
    }
  }

  private Map<String, Object> policyStats() {
    PolicyService.Snapshot snapshot = policy.regimes();
    PolicyDecision decision = snapshot.common();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("target", policy.settings().target());
    out.put("confidence", policy.settings().confidence());
    out.put("classTarget", policy.settings().classTarget());
    out.put("validationTrusted", decision.validationTrusted());
    out.put("framesSeen", decision.framesSeen());
    out.put("auditTasks", decision.audits());
    out.put("auditsAnswered", decision.auditsAnswered());
    out.put("overall", accuracy(decision.overall(), null));
    List<Map<String, Object>> perClass = new java.util.ArrayList<>();
    for (int c = 0; c < decision.perClass().size(); c++) {
      Map<String, Object> row = accuracy(decision.perClass().get(c), decision.thresholds().get(c));
      row.put("class", policy.classes().get(c));
      perClass.add(row);
    }
    out.put("perClass", perClass);
    out.putAll(RegimeStats.of(snapshot));
    return out;
  }

  private static Map<String, Object> accuracy(PolicyDecision.Accuracy a, Double threshold) {
    Map<String, Object> row = new LinkedHashMap<>();
    if (threshold != null) {
      row.put("threshold", threshold);
    }
    row.put("estimatedAccuracy", a.estimate());
    row.put("lowerBound", a.lowerBound());
    row.put("writtenLowerBound", a.writtenBound());
    row.put("audits", a.audits());
    row.put("modelLabelledShare", a.modelLabelledShare());
    return row;
  }

  private void requireStateReady() {
    if (!stateReady.getAsBoolean()) {
      throw ApiException.unavailable("not_ready", "the review queue is still being rebuilt from Kafka", 2);
    }
  }
}
