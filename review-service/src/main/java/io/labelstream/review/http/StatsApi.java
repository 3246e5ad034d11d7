package io.labelstream.review.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.labelstream.platform.http.ApiException;
import io.labelstream.review.auth.Role;
import io.labelstream.review.policy.PolicyDecision;
import io.labelstream.review.policy.PolicyService;
import io.labelstream.review.stats.Resolution;
import io.labelstream.review.stats.StatsView;
import io.labelstream.schemas.PolicyThresholds;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The statistics for admins and ML engineers: the page {@code /stats} and its data as JSON under {@code /v1/stats/...}
 * (admin token only). {@code GET /v1/stats}, the pipeline counts every reviewer may read, stays in {@code ReviewApi}.
 */
public final class StatsApi {

  private final Supplier<StatsView> stats;
  private final PolicyService policy;
  private final List<String> classes;
  private final boolean detection;

  /**
   * @param classes the label classes in model output order (from the model card), for names and order
   * @param detection whether the model is a detector: classes then counts boxes, and accuracy is frame exactness
   * @param stats the statistics of all frames, as counted now
   */
  public StatsApi(Supplier<StatsView> stats, PolicyService policy, List<String> classes, boolean detection) {
    this.detection = detection;
    this.stats = stats;
    this.policy = policy;
    this.classes = List.copyOf(classes);
  }

  /** Registers the routes; needs the {@code /v1/*} authentication and role check registered first. */
  public void register(Javalin app) {
    app.get("/v1/stats/classes", this::classes, Role.ADMIN);
    app.get("/v1/stats/labels-over-time", this::labelsOverTime, Role.ADMIN);
    app.get("/v1/stats/accuracy", this::accuracy, Role.ADMIN);
    app.get("/v1/stats/review-throughput", this::reviewThroughput, Role.ADMIN);
    app.get("/v1/stats/agreement", this::agreement, Role.ADMIN);
    app.get("/stats", StatsApi::page);
  }

  private void classes(Context ctx) {
    if (detection) {
      ctx.json(boxesPerClass());
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    ClassRows labels = ClassRows.of(withEveryClass(stats.get().classes()));
    body.putAll(labels.totals());
    body.put("classes", labels.rows());
    ctx.json(body);
  }

  /**
   * A detector's figures: frames (each once, with its final label) by source at the top, as for classification, and
   * per class the boxes of those labels by source ({@code boxes} sums them).
   */
  private Map<String, Object> boxesPerClass() {
    StatsView view = stats.get();
    ClassRows boxes = ClassRows.of(withEveryClass(view.boxClasses()));
    StatsView.ClassCount frames = view.detectionFrames();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("task", "detection");
    body.put("unit", "boxes");
    body.put("total", frames.model() + frames.human());
    body.put("model", frames.model());
    body.put("human", frames.human());
    body.put("boxes", boxes.totals());
    body.put("classes", boxes.rows());
    return body;
  }

  /** Every configured class, counted or not, then any other class index the counts carry. */
  private List<StatsView.ClassCount> withEveryClass(List<StatsView.ClassCount> counts) {
    Map<Integer, StatsView.ClassCount> counted = new TreeMap<>();
    counts.forEach(c -> counted.put(c.classIndex(), c));
    List<StatsView.ClassCount> all = new ArrayList<>();
    for (int c = 0; c < classes.size(); c++) {
      StatsView.ClassCount count = counted.remove(c);
      all.add(new StatsView.ClassCount(c, classes.get(c), count == null ? 0 : count.model(),
          count == null ? 0 : count.human()));
    }
    all.addAll(counted.values());
    return all;
  }

  /** One row per class and the sums of their model and human counts. */
  private record ClassRows(List<Map<String, Object>> rows, long model, long human) {

    static ClassRows of(List<StatsView.ClassCount> counts) {
      List<Map<String, Object>> rows = new ArrayList<>();
      long model = 0;
      long human = 0;
      for (StatsView.ClassCount count : counts) {
        rows.add(classRow(count));
        model += count.model();
        human += count.human();
      }
      return new ClassRows(rows, model, human);
    }

    Map<String, Object> totals() {
      Map<String, Object> totals = new LinkedHashMap<>();
      totals.put("total", model + human);
      totals.put("model", model);
      totals.put("human", human);
      return totals;
    }
  }

  private static Map<String, Object> classRow(StatsView.ClassCount count) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("classIndex", count.classIndex());
    row.put("class", count.name());
    row.put("model", count.model());
    row.put("human", count.human());
    row.put("total", count.model() + count.human());
    return row;
  }

  private void labelsOverTime(Context ctx) {
    StatsView.Series<StatsView.LabelBucket> series = stats.get().labelsOverTime(resolution(ctx));
    List<Map<String, Object>> buckets = new ArrayList<>();
    for (StatsView.LabelBucket b : series.buckets()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("start", b.start());
      row.put("model", b.model());
      row.put("human", b.human());
      row.put("humanShare", b.humanShare());
      row.put("predictions", b.predictions());
      buckets.add(row);
    }
    ctx.json(series(series, buckets, series.buckets().isEmpty() ? null : series.buckets().get(0).start()));
  }

  private void reviewThroughput(Context ctx) {
    StatsView.Series<StatsView.ReviewBucket> series = stats.get().reviewThroughput(resolution(ctx));
    List<Map<String, Object>> buckets = new ArrayList<>();
    for (StatsView.ReviewBucket b : series.buckets()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("start", b.start());
      row.put("requested", b.requested());
      row.put("answers", b.answers());
      row.put("queueLength", b.queueLength());
      buckets.add(row);
    }
    ctx.json(series(series, buckets, series.buckets().isEmpty() ? null : series.buckets().get(0).start()));
  }

  private static Map<String, Object> series(StatsView.Series<?> series, List<Map<String, Object>> buckets, Instant from) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("resolution", series.resolution().wireName());
    body.put("bucketMinutes", series.resolution().minutes());
    body.put("from", from);
    body.put("to", from == null ? null : from.plusSeconds(buckets.size() * series.resolution().minutes() * 60));
    body.put("buckets", buckets);
    return body;
  }

  /** {@code ?resolution=minute|hour}; without it (or {@code auto}): empty, minutes for short spans and hours for long. */
  private static Optional<Resolution> resolution(Context ctx) {
    String raw = ctx.queryParam("resolution");
    if (raw == null || raw.isBlank() || "auto".equalsIgnoreCase(raw.strip())) {
      return Optional.empty();
    }
    return Optional.of(Resolution.parse(raw).orElseThrow(() -> new ApiException(400, "unknown_resolution",
        "resolution must be auto, minute or hour, not '" + raw + "'")));
  }

  private void accuracy(Context ctx) {
    PolicyService.Snapshot snapshot = policy.regimes();
    PolicyDecision decision = snapshot.common();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("target", policy.settings().target());
    body.put("confidence", policy.settings().confidence());
    body.put("classTarget", policy.settings().classTarget());
    body.put("validationTrusted", decision.validationTrusted());
    body.put("auditsAnswered", decision.auditsAnswered());
    body.put("overall", accuracyRow(decision.overall()));
    body.putAll(RegimeStats.of(snapshot));
    if (detection) {
      body.put("task", "detection");
      body.put("classes", List.of(frameExactness(decision)));
      ctx.json(body);
      return;
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int c = 0; c < decision.perClass().size(); c++) {
      double threshold = decision.thresholds().get(c);
      boolean closed = PolicyThresholds.isClosed(threshold);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("classIndex", c);
      row.put("class", policy.classes().get(c));
      row.put("threshold", closed ? null : threshold);
      row.put("closed", closed);
      row.putAll(accuracyRow(decision.perClass().get(c)));
      rows.add(row);
    }
    body.put("classes", rows);
    ctx.json(body);
  }

  /**
   * A detector's one row: the share of model-labelled frames that are exact (a reviewer would change nothing), from
   * the policy's overall figures, and the single threshold its one routing class ("frame") publishes.
   */
  private static Map<String, Object> frameExactness(PolicyDecision decision) {
    double threshold = decision.thresholds().isEmpty() ? PolicyThresholds.CLOSED : decision.thresholds().get(0);
    boolean closed = PolicyThresholds.isClosed(threshold);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("classIndex", 0);
    row.put("class", "frame exactness");
    row.put("threshold", closed ? null : threshold);
    row.put("closed", closed);
    row.putAll(accuracyRow(decision.overall()));
    return row;
  }

  private static Map<String, Object> accuracyRow(PolicyDecision.Accuracy a) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("estimatedAccuracy", a.estimate());
    row.put("lowerBound", a.lowerBound());
    row.put("writtenLowerBound", a.writtenBound());
    row.put("audits", a.audits());
    row.put("modelLabelledShare", a.modelLabelledShare());
    return row;
  }

  private void agreement(Context ctx) {
    StatsView view = stats.get();
    StatsView.Agreement a = view.agreement();
    Map<String, Object> withModel = rate(a.withModel(), "audits");
    List<Map<String, Object>> auditors = new ArrayList<>();
    a.withModelByReviewer().forEach((reviewer, r) -> auditors.add(named("reviewer", reviewer, rate(r, "audits"))));
    withModel.put("reviewers", auditors);

    Map<String, Object> between = new LinkedHashMap<>();
    between.put("tasks", a.tasksAnsweredSeveralTimes());
    between.putAll(rate(a.betweenReviewers(), "pairs"));
    List<Map<String, Object>> pairs = new ArrayList<>();
    a.byPair().forEach((pair, r) -> pairs.add(named("reviewers", pair, rate(r, "pairs"))));
    between.put("reviewerPairs", pairs);
    List<Map<String, Object>> reviewers = new ArrayList<>();
    a.byReviewer().forEach((reviewer, r) -> reviewers.add(named("reviewer", reviewer, rate(r, "pairs"))));
    between.put("reviewers", reviewers);

    Map<String, Object> body = new LinkedHashMap<>();
    body.put("withModel", withModel);
    body.put("betweenReviewers", between);
    body.put("gold", goldAccuracy(view));
    ctx.json(body);
  }

  /**
   * Reviewer accuracy on gold tasks (frames whose answer is known in advance), overall and per reviewer, in the same
   * shape as {@code withModel}; null while no gold task has been answered.
   */
  private static Map<String, Object> goldAccuracy(StatsView view) {
    long answered = 0;
    long correct = 0;
    long boxAnswers = 0;
    double f1Sum = 0;
    List<Map<String, Object>> rows = new java.util.ArrayList<>();
    for (StatsView.ReviewerCounts c : view.reviewers()) {
      if (c.gold() == 0) {
        continue;
      }
      answered += c.gold();
      correct += c.goldCorrect();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("reviewer", c.reviewer());
      row.put("gold", c.gold());
      row.put("correct", c.goldCorrect());
      row.put("rate", (double) c.goldCorrect() / c.gold());
      if (c.goldBoxes() > 0) {
        // Detection gold: correct counts exact answers; f1 is the mean box F1, which credits a nearly right answer.
        row.put("f1", c.goldF1());
        boxAnswers += c.goldBoxes();
        f1Sum += c.goldF1Sum();
      }
      rows.add(row);
    }
    if (answered == 0) {
      return null;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("gold", answered);
    body.put("correct", correct);
    body.put("rate", (double) correct / answered);
    if (boxAnswers > 0) {
      body.put("f1", f1Sum / boxAnswers);
    }
    body.put("reviewers", rows);
    return body;
  }

  private static Map<String, Object> rate(StatsView.Rate r, String totalName) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put(totalName, r.total());
    row.put("agreed", r.agreed());
    row.put("rate", r.share());
    return row;
  }

  private static Map<String, Object> named(String key, Object name, Map<String, Object> rest) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put(key, name);
    row.putAll(rest);
    return row;
  }

  /** Served here rather than as {@code /stats.html} so the address is {@code /stats}; PageSecurityPolicy sets its CSP. */
  private static void page(Context ctx) {
    InputStream html = StatsApi.class.getResourceAsStream("/public/stats.html");
    if (html == null) {
      throw new IllegalStateException("stats.html is missing from the classpath");
    }
    ctx.header("Cache-Control", "no-cache")
        .contentType("text/html; charset=utf-8").result(html);
  }
}
