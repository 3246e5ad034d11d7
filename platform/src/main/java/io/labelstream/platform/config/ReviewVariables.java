package io.labelstream.platform.config;

import static io.labelstream.platform.config.ValueType.choice;
import static io.labelstream.platform.config.ValueType.decimal;
import static io.labelstream.platform.config.ValueType.distinctNames;
import static io.labelstream.platform.config.ValueType.integer;
import static io.labelstream.platform.config.ValueType.longInteger;
import static io.labelstream.platform.config.ValueType.path;
import static io.labelstream.platform.config.ValueType.port;
import static io.labelstream.platform.config.ValueType.text;

import java.nio.file.Path;
import java.util.List;

/** The review service's settings: reviewers, the queue and the routing policy it computes. */
public final class ReviewVariables {

  private static final Declarations D = new Declarations(Scope.REVIEW);

  public static final Setting<Integer> REVIEW_PORT = D.variable("REVIEW_PORT", port())
      .byDefault(8083)
      .doc("TCP port of the review API and page; 0 picks a free one.");

  public static final Setting<String> REVIEW_TOKENS = D.variable("REVIEW_TOKENS",
          text("name:token:role or name:sha256:<64 hex digits>:role, comma-separated; role reviewer or admin, "
              + "tokens of 8+ characters, each token once"))
      .defaultDescribed("unset: one admin token is generated and printed at start-up")
      .secret()
      .doc("The accepted bearer tokens (secret: only hashes are kept).");

  public static final Setting<Integer> REVIEW_LEASE_SECONDS = D.variable("REVIEW_LEASE_SECONDS", integer(1, 86_400))
      .byDefault(60)
      .doc("How long a claimed task stays with its reviewer.");

  public static final Setting<Integer> REVIEW_MAX_LEASE_SECONDS = D.variable("REVIEW_MAX_LEASE_SECONDS",
          integer(1, 86_400))
      .byDefault(600)
      .doc("Longest a reviewer may hold one task, heartbeats or not; then it goes back to the queue.");

  public static final Setting<Integer> REVIEW_MAX_LEASES = D.variable("REVIEW_MAX_LEASES", integer(1, 1_000))
      .byDefault(3)
      .doc("Tasks one reviewer may hold at once; a claim beyond it answers 429 too_many_leases.");

  /**
   * Retired: the classes come from the model card, so a second list could only disagree with it. Declared still so
   * that a deployment that sets it (or LABEL_CLASSES) is refused at start-up with one line saying where the classes
   * come from now, rather than ignored: a list that is silently ignored would leave an operator believing that their
   * names are in force, and a deployment that set it is exactly one that runs its own model and must check that the
   * card's {@code classNames} say the same, in the same order, before labels are written under them.
   */
  public static final Setting<List<String>> REVIEW_LABEL_CLASSES = D.variable("REVIEW_LABEL_CLASSES", distinctNames())
      .defaultDescribed("unset (retired)")
      .formerly("LABEL_CLASSES")
      .doc("Retired: the classes come from the model card's `classNames` (or `labelsFile`) in "
          + "LABELSTREAM_MODEL_DIR, for every service. The review service refuses to start while it is set: unset "
          + "it, after checking that the card lists the same classes in the same order.");

  public static final Setting<String> REVIEW_INSTANCE_ID = D.variable("REVIEW_INSTANCE_ID", text("a name"))
      .defaultDescribed("review-<random>")
      .doc("This instance's name, part of its transactional id.");

  public static final Setting<String> REVIEW_QUEUE_ORDER = D.variable("REVIEW_QUEUE_ORDER",
          choice("uncertainty", "fifo", "round_robin"))
      .byDefault("uncertainty")
      .doc("Which waiting task a reviewer gets next: most uncertain first, oldest first, or one class in turn.");

  public static final Setting<Integer> REVIEW_ANSWERS_REQUIRED = D.variable("REVIEW_ANSWERS_REQUIRED", integer(1, 5))
      .byDefault(1)
      .doc("Independent answers an AUDIT or FLAGGED task needs; with 2, a disagreement waits for a third "
          + "reviewer's answer or an admin's.");

  public static final Setting<Integer> REVIEW_STANDBY_REPLICAS = D.variable("REVIEW_STANDBY_REPLICAS",
          integer(0, 5))
      .byDefault(1)
      .doc("Copies of each partition of the per-frame state (final labels, histories) that other review instances keep "
          + "warm, so a stopped or killed instance's frames are served elsewhere within seconds.");

  public static final Setting<Integer> REVIEW_MAX_OPEN_TASKS = D.variable("REVIEW_MAX_OPEN_TASKS",
          integer(1, 1_000_000))
      .byDefault(10_000)
      .doc("Review tasks open at once; further review requests wait in Kafka, in order, until answers make room. "
          + "Flagged frames and tasks a reviewer already holds are let in above it.");

  public static final Setting<Path> REVIEW_STATE_DIR = D.variable("REVIEW_STATE_DIR", path("a folder path"))
      .defaultDescribed("unset: the state is rebuilt from Kafka at every start, in a temporary folder")
      .doc("Where this instance keeps its review state (labels, histories, queue, statistics, policy evidence) "
          + "between runs: a clean stop writes a checkpoint there, and the next start reads only what Kafka received "
          + "since, instead of every topic from the beginning. After a crash the next start goes on from the last "
          + "checkpoint taken while running (REVIEW_STATE_CHECKPOINT_INTERVAL_MS), or rebuilds when there is none. "
          + "One folder per instance; give it room for the state (see deploy/README.md).");

  public static final Setting<Long> REVIEW_STATE_CHECKPOINT_INTERVAL_MS = D.variable(
          "REVIEW_STATE_CHECKPOINT_INTERVAL_MS", longInteger(0, 86_400_000))
      .byDefault(300_000L)
      .doc("With REVIEW_STATE_DIR, how often the state is also checkpointed while the service runs, so that a start "
          + "after a crash (out of memory, SIGKILL) reads only what Kafka received since the last one instead of "
          + "every topic; 0: only a clean stop writes a checkpoint. Each one holds queue changes for a moment (the "
          + "state store's write buffers are written out: labelstream_review_state_checkpoint_seconds) and keeps a "
          + "copy of the store's files that compaction has since replaced, up to the store's size again.");

  public static final Setting<Double> REVIEW_GOLD_RATE = D.variable("REVIEW_GOLD_RATE", decimal(0, 1))
      .byDefault(0.05)
      .doc("Share of claims that hand out a gold task, when gold frames are loaded.");

  public static final Setting<String> REVIEW_CLUSTER_TOKEN = D.variable("REVIEW_CLUSTER_TOKEN",
          text("a token of 16+ characters"))
      .defaultDescribed("unset: one is made up for this instance, which then answers for its frames to nobody else")
      .secret()
      .doc("The secret review instances present to each other when one asks another for a frame it owns; the same "
          + "on every instance.");

  public static final Setting<String> REVIEW_ADVERTISED_URL = D.variable("REVIEW_ADVERTISED_URL", text("a URL"))
      .defaultDescribed("http://HTTP_HOST:port, or this host's address when bound to 0.0.0.0")
      .doc("Where other review instances reach this one (e.g. the pod's http://10.0.3.7:8083).");

  public static final Setting<Double> REVIEW_POLICY_TARGET_ACCURACY = D.variable("REVIEW_POLICY_TARGET_ACCURACY",
          decimal(0.5, 0.99999))
      .byDefault(0.99)
      .formerly("POLICY_TARGET_ACCURACY")
      .doc("Model-label accuracy the routing policy guarantees. For a detection model it is the frame exactness of "
          + "model labels, and unset means the card's `frameExactnessTarget` when the card states one.");

  public static final Setting<Double> REVIEW_POLICY_CONFIDENCE = D.variable("REVIEW_POLICY_CONFIDENCE",
          decimal(0.5, 0.99999))
      .byDefault(0.95)
      .formerly("POLICY_CONFIDENCE")
      .doc("Confidence of the published lower bound on model-label accuracy.");

  public static final Setting<Double> REVIEW_POLICY_CLASS_TARGET = D.variable("REVIEW_POLICY_CLASS_TARGET",
          decimal(0.0, 0.99999))
      .byDefault(0.97)
      .formerly("POLICY_CLASS_TARGET")
      .doc("Accuracy no class may fall below; a class below it gets its own higher threshold.");

  public static final Setting<Double> REVIEW_POLICY_VALIDATION_WEIGHT = D.variable("REVIEW_POLICY_VALIDATION_WEIGHT",
          decimal(0.01, 1.0))
      .byDefault(0.5)
      .formerly("POLICY_VALIDATION_WEIGHT")
      .doc("How much of a stream frame one validation prediction counts for in the accuracy bound.");

  public static final Setting<Long> REVIEW_POLICY_INTERVAL_MS = D.variable("REVIEW_POLICY_INTERVAL_MS",
          longInteger(100, 3_600_000))
      .byDefault(2_000L)
      .formerly("POLICY_INTERVAL_MS")
      .doc("How often the policy is recomputed and, when it changed, published.");

  public static final Setting<Double> REVIEW_POLICY_RAISED_AUDIT_RATE = D.variable("REVIEW_POLICY_RAISED_AUDIT_RATE",
          decimal(0.0, 1.0))
      .byDefault(0.15)
      .doc("Share of model labels also sent to people as blind audits while a regime that a detected change started "
          + "(one camera's or all of them) re-establishes its accuracy bound; the worker's INFERENCE_AUDIT_RATE "
          + "applies otherwise. Each such audit is evidence about exactly the labels being written now.");

  public static final Setting<Long> REVIEW_POLICY_AUDITS_TO_ESTABLISH = D.variable("REVIEW_POLICY_AUDITS_TO_ESTABLISH",
          longInteger(0, 1_000_000))
      .byDefault(30L)
      .doc("Answered audits of its own model labels a regime started by a detected change needs, with its bound at "
          + "the target, before it audits at the worker's rate again.");

  public static final Setting<Double> REVIEW_POLICY_AFTER_CHANGE_CONFIDENCE = D.variable(
          "REVIEW_POLICY_AFTER_CHANGE_CONFIDENCE", decimal(0.5, 0.99999))
      .byDefault(0.995)
      .doc("Confidence of the accuracy bound of a regime that a detected change started (REVIEW_POLICY_CONFIDENCE "
          + "when that is higher). Such a regime starts closed and is tested again at every decision while its answers "
          + "accumulate: at the ordinary confidence one of those many looks opens it on a lucky stretch too often. "
          + "Its labels are also judged one run at a time, and a bound met on average falls short in a run that "
          + "writes a few hundred labels: the margin is for them.");

  public static final Setting<Long> REVIEW_POLICY_AFTER_CHANGE_HORIZON = D.variable(
          "REVIEW_POLICY_AFTER_CHANGE_HORIZON", longInteger(0, 1_000_000))
      .byDefault(250L)
      .doc("Model labels ahead that a regime a detected change started must bound before it opens a threshold: its "
          + "bound for the labels it wrote and this many more (an exact binomial prediction bound, at "
          + "REVIEW_POLICY_CONFIDENCE) must clear the target, not only the bound of the rate. A few hundred labels err "
          + "more than their rate now and then, and a run is judged by the labels it wrote; 0 judges the rate alone.");

  private ReviewVariables() {}

  static List<Setting<?>> all() {
    return D.all();
  }
}
