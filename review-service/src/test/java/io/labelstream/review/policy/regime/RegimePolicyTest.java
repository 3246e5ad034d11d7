package io.labelstream.review.policy.regime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.review.policy.BandCounts;
import io.labelstream.review.policy.ScoreGrid;
import io.labelstream.review.policy.ThresholdController;
import io.labelstream.review.policy.drift.UsualRange;
import io.labelstream.schemas.PolicyThresholds;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The drift-aware policy on synthetic cameras whose truth is known: an ordinary camera's scores crowd near 1 and it
 * is right with probability score^3; a changed camera's scores spread down and it errs more.
 */
class RegimePolicyTest {

  private static final int CLASSES = 4;
  private static final double[] NO_STATISTICS = {};
  private final ScoreGrid grid = ScoreGrid.standard();
  private final ThresholdController.Settings settings = ThresholdController.Settings.defaults(0.99, 0.95);

  private record Frame(double score, int predicted, boolean correct) {}

  private static Frame ordinary(Random random) {
    double score = 1.0 - 0.5 * Math.pow(random.nextDouble(), 6);
    return new Frame(score, random.nextInt(CLASSES), random.nextDouble() < Math.pow(score, 3));
  }

  private static Frame changed(Random random) {
    double score = 1.0 - 0.5 * Math.pow(random.nextDouble(), 1.5);
    return new Frame(score, random.nextInt(CLASSES), random.nextDouble() < Math.pow(score, 12));
  }

  private BandCounts validation(Random random, int n) {
    BandCounts counts = new BandCounts(CLASSES, grid.bands());
    for (int i = 0; i < n; i++) {
      Frame f = ordinary(random);
      counts.add(f.predicted(), grid.band(f.score()), !f.correct());
    }
    return counts;
  }

  private RegimePolicy policy(Random random) {
    return new RegimePolicy(settings, RegimeSettings.defaults(), grid, validation(random, 20_000), CLASSES);
  }

  /** Routes one frame as a worker would with the policy's current route, and answers it as a reviewer would. */
  private Optional<DriftEvent> send(RegimePolicy policy, String frameId, CameraKey camera, Frame f, Random random) {
    RegimePolicy.Route route = policy.route(camera);
    boolean toModel = f.score() >= route.thresholds().get(f.predicted());
    boolean audited = toModel && random.nextDouble() < Math.max(0.02, route.auditRate());
    List<DriftEvent> events = new ArrayList<>();
    policy.routed(frameId, camera, f.score(), NO_STATISTICS, f.predicted(), toModel, audited).ifPresent(events::add);
    if (!toModel || audited) {
      int truth = f.correct() ? f.predicted() : (f.predicted() + 1) % CLASSES;
      policy.answered(frameId, truth).ifPresent(events::add);
    }
    return events.stream().findFirst();
  }

  /** Sends 1,000 ordinary frames of {@code camera}, then changed ones until a change is found: its event, or null. */
  private DriftEvent firstChange(RegimePolicy policy, CameraKey camera, Random random) {
    DriftEvent first = null;
    for (int i = 0; first == null && i < 5_000; i++) {
      first = send(policy, "f-" + i, camera, i < 1_000 ? ordinary(random) : changed(random), random).orElse(null);
    }
    return first;
  }

  @Test
  void shouldGiveACameraThatChangesAloneAClosedRegimeOfItsOwnAndLeaveTheOtherOnTheCommonOne() {
    Random random = new Random(7);
    RegimePolicy policy = policy(random);
    CameraKey steady = new CameraKey("truck-1", "front");
    CameraKey dirty = new CameraKey("truck-2", "front");
    List<Double> commonBefore = policy.decide().common().decision().thresholds();
    List<DriftEvent> events = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      int before = events.size();
      send(policy, "s-" + i, steady, ordinary(random), random).ifPresent(events::add);
      Frame f = i < 1_000 ? ordinary(random) : changed(random);
      send(policy, "d-" + i, dirty, f, random).ifPresent(events::add);
      if (i % 100 == 0 || events.size() > before) {
        policy.decide();
      }
    }

    assertThat(events).isNotEmpty();
    assertThat(events).allSatisfy(e -> assertThat(e.scope()).isEqualTo("truck-2/front"));
    assertThat(events.get(0).detectedAtFrame()).isGreaterThan(2_000);
    RegimePolicy.Decision decision = policy.decide();
    assertThat(decision.cameras()).containsOnlyKeys(dirty);
    assertThat(decision.common().decision().thresholds()).isEqualTo(commonBefore);
    assertThat(policy.route(steady).regime()).isZero();
    assertThat(policy.route(dirty).regime()).isPositive();
  }

  /**
   * A camera's frames from the estimated change point to its alarm were routed in the common regime; they leave its
   * evidence at the alarm, so the cameras that did not change are judged on what they showed (and the changed camera
   * before it changed). Over seeds, on one camera (whose test's clock is the camera's own): the common regime holds
   * exactly the frames routed in it less those from the change point through the frame that raised the alarm (the
   * event says how many lie between the two: its detection frame less its change point frame).
   */
  @Test
  void shouldTakeTheChangedCamerasFramesSinceTheChangePointOutOfTheCommonEvidence() {
    int taken = 0;
    for (int seed = 0; seed < 10; seed++) {
      Random random = new Random(100 + seed);
      RegimePolicy policy = policy(random);
      CameraKey dirty = new CameraKey("truck-2", null);
      long routed = 0;
      DriftEvent event = null;
      for (int i = 0; i < 3_000 && event == null; i++) {
        event = send(policy, "d-" + i, dirty, i < 1_000 ? ordinary(random) : changed(random), random).orElse(null);
        routed++;
      }

      assertThat(event).as("seed %d", seed).isNotNull();
      long sinceChange = event.detectedAtFrame() - event.changePointFrame();
      assertThat(policy.decide().common().decision().framesSeen()).as("seed %d", seed)
          .isEqualTo(routed - (sinceChange + 1));
      taken += sinceChange > 0 ? 1 : 0;
    }
    assertThat(taken).as("seeds whose alarm came after its change point").isGreaterThan(5);
  }

  /**
   * The pooled watch sees both cameras' frames, so one camera whose scores collapse can tip it before its own watch
   * (13 of 100 two-camera streams before pooled alarms were attributed): the change must still be that camera's alone.
   */
  @Test
  void shouldBlameAChangeOnTheOneCameraThatChangedEvenWhenThePooledWatchSeesItFirst() {
    int pooledFirst = 0;
    for (int seed = 0; seed < 60; seed++) {
      Random random = new Random(seed);
      RegimePolicy policy = policy(random);
      CameraKey steady = new CameraKey("truck-1", null);
      CameraKey dirty = new CameraKey("truck-2", null);
      List<DriftEvent> events = new ArrayList<>();
      for (int i = 0; i < 1_500 && events.isEmpty(); i++) {
        send(policy, "s-" + i, steady, ordinary(random), random).ifPresent(events::add);
        send(policy, "d-" + i, dirty, i < 800 ? ordinary(random) : changed(random), random).ifPresent(events::add);
      }

      assertThat(events).as("seed %d", seed).isNotEmpty();
      assertThat(events).as("seed %d", seed).allSatisfy(e -> assertThat(e.scope()).isEqualTo("truck-2"));
      assertThat(policy.route(steady).regime()).as("seed %d", seed).isZero();
      pooledFirst += policy.route(dirty).regime() > 0 ? 0 : 1;
    }
    assertThat(pooledFirst).isZero();
  }

  /**
   * The model labels the changed camera wrote between the change and the alarm go back to people, and those of the
   * frames before it within the recall's reach (a change that grows begins before the part its test can place); the
   * steady camera's stay, and so do the changed camera's older ones. A tested property over seeds, since when the test
   * sounds is a random variable.
   */
  @Test
  void shouldRecallTheChangedCamerasModelLabelsOfTheFramesBeforeTheAlarm() {
    // the change comes after more ordinary frames than the recall reaches back, so the reach is what stops it
    int changeAt = (int) RegimePolicy.RECALL_DEPTH + 500;
    int labelledBeforeAlarm = 0;
    for (int seed = 0; seed < 20; seed++) {
      Random random = new Random(100 + seed);
      RegimePolicy policy = policy(random);
      CameraKey steady = new CameraKey("truck-1", null);
      CameraKey dirty = new CameraKey("truck-2", null);
      List<String> dirtyAfterChange = new ArrayList<>();
      Map<String, Integer> dirtyLabelledAt = new HashMap<>();
      DriftEvent event = null;
      int alarmAt = -1;
      for (int i = 0; i < changeAt + 2_000 && event == null; i++) {
        for (CameraKey camera : List.of(steady, dirty)) {
          boolean changes = camera.equals(dirty) && i >= changeAt;
          Frame f = changes ? changed(random) : ordinary(random);
          String frameId = camera.text() + "-" + i;
          RegimePolicy.Route route = policy.route(camera);
          boolean toModel = f.score() >= route.thresholds().get(f.predicted());
          boolean audited = toModel && random.nextDouble() < 0.02;
          if (changes && toModel && !audited) {
            dirtyAfterChange.add(frameId);
          }
          if (camera.equals(dirty) && toModel && !audited) {
            dirtyLabelledAt.put(frameId, i);
          }
          event = policy.routed(frameId, camera, f.score(), NO_STATISTICS, f.predicted(), toModel, audited)
              .orElse(event);
          if (event != null) {
            alarmAt = i;
            break;
          }
        }
      }

      assertThat(event).as("seed %d", seed).isNotNull();
      assertThat(alarmAt - changeAt).as("seed %d: found quickly", seed).isLessThan((int) RegimePolicy.QUICK_ALARM);
      List<String> recalled = policy.takeRecalled();
      assertThat(recalled).as("seed %d", seed).hasSize(event.recalledLabels())
          .containsAll(dirtyAfterChange)
          .allSatisfy(id -> assertThat(id).startsWith("truck-2-"));
      // the reach is RECALL_DEPTH frames on the clock of the test that sounded: the camera's own, or the pooled one,
      // which counts both cameras' frames
      int oldest = recalled.stream().mapToInt(dirtyLabelledAt::get).min().orElseThrow();
      assertThat(oldest).as("seed %d: reaches back the whole reach, on either clock", seed)
          .isBetween(alarmAt - (int) RegimePolicy.RECALL_DEPTH, alarmAt - (int) RegimePolicy.RECALL_DEPTH / 2 + 5);
      assertThat(recalled).as("seed %d: every label from there on, the ones before the change too", seed)
          .containsExactlyInAnyOrderElementsOf(dirtyLabelledAt.entrySet().stream()
              .filter(e -> e.getValue() >= oldest).map(Map.Entry::getKey).toList());
      assertThat(policy.takeRecalled()).as("each label is recalled once").isEmpty();
      labelledBeforeAlarm += dirtyAfterChange.size();
    }
    assertThat(labelledBeforeAlarm).isPositive();
  }

  /**
   * A slight change, found late if at all: a test that took longer than {@link RegimePolicy#QUICK_ALARM} frames to
   * sound cannot say which labels the change spoiled (a false alarm of that kind crept up over 934 frames in the drift
   * suite), so it recalls only the labels of the last {@link RegimePolicy#SLOW_RECALL_DEPTH} frames; a quicker one
   * recalls every label of the last {@link RegimePolicy#RECALL_DEPTH}.
   */
  @Test
  void shouldRecallOnlyTheLatestLabelsAfterATestThatTookLongToSound() {
    int slow = 0;
    int quick = 0;
    for (int seed = 0; seed < 20; seed++) {
      Random random = new Random(300 + seed);
      RegimePolicy policy = policy(random);
      CameraKey camera = new CameraKey("van-1", null);
      List<Integer> labelledAt = new ArrayList<>();
      DriftEvent event = null;
      for (int i = 0; event == null && i < 6_000; i++) {
        // after 1,000 ordinary frames the scores spread down a little, and the model errs as often at each score
        double score = 1.0 - 0.5 * Math.pow(random.nextDouble(), i < 1_000 ? 6 : 3);
        Frame f = new Frame(score, random.nextInt(CLASSES), random.nextDouble() < Math.pow(score, 3));
        RegimePolicy.Route route = policy.route(camera);
        boolean toModel = f.score() >= route.thresholds().get(f.predicted());
        boolean audited = toModel && random.nextDouble() < 0.02;
        if (toModel && !audited) {
          labelledAt.add(i + 1);
        }
        event = policy.routed("f-" + i, camera, f.score(), NO_STATISTICS, f.predicted(), toModel, audited).orElse(null);
        if (event == null && (!toModel || audited)) {
          event = policy.answered("f-" + i, f.correct() ? f.predicted() : (f.predicted() + 1) % CLASSES).orElse(null);
        }
      }
      if (event == null) {
        continue;
      }
      long alarm = event.detectedAtFrame();
      long changePoint = event.changePointFrame();
      int recalled = policy.takeRecalled().size();
      assertThat(recalled).as("seed %d", seed).isEqualTo(event.recalledLabels());
      if (alarm - changePoint > RegimePolicy.QUICK_ALARM) {
        slow++;
        long latest = labelledAt.stream().filter(at -> at >= alarm - RegimePolicy.SLOW_RECALL_DEPTH - 1).count();
        assertThat(recalled).as("seed %d: only the latest labels", seed).isPositive().isLessThanOrEqualTo((int) latest);
      } else {
        quick++;
        long withinReach = labelledAt.stream().filter(at -> at >= alarm - RegimePolicy.RECALL_DEPTH).count();
        assertThat(recalled).as("seed %d: every label of the reach", seed).isEqualTo((int) withinReach);
      }
    }
    assertThat(slow).as("streams whose test took longer than a quick alarm").isPositive();
    assertThat(quick).as("streams whose test sounded sooner").isPositive();
  }

  /** A worker that has not yet the new regime's thresholds labels under the old ones: those labels come back too. */
  @Test
  void shouldRecallAModelLabelWrittenUnderTheOldThresholdsAfterTheChange() {
    Random random = new Random(11);
    RegimePolicy policy = policy(random);
    CameraKey camera = new CameraKey("truck-2", null);
    assertThat(firstChange(policy, camera, random)).isNotNull();
    policy.takeRecalled();

    policy.routed("late-model-label", camera, 0.999, NO_STATISTICS, 1, true, false);
    policy.routed("late-review", camera, 0.999, NO_STATISTICS, 1, false, false);
    policy.routed("other-camera", new CameraKey("truck-1", null), 0.999, NO_STATISTICS, 1, true, false);

    assertThat(policy.takeRecalled()).containsExactly("late-model-label");
  }

  @Test
  void shouldCallAFrameFarOutsideItsCamerasBaselineUnusualAndPublishTheBounds() {
    Random random = new Random(13);
    RegimePolicy policy = policy(random);
    CameraKey camera = new CameraKey("truck-1", "rear");
    double[] usual = {0.3, 0.2, 0.05, 0.0, 1.0};
    assertThat(policy.unusual(camera, new double[] {0.9, 0.2, 0.05, 0.0, 1.0})).as("no baseline yet").isFalse();
    for (int i = 0; i < 400; i++) {
      double[] statistics = {0.3 + 0.05 * random.nextGaussian(), 0.2 + 0.02 * random.nextGaussian(),
          0.05 + 0.005 * random.nextGaussian(), 0.0, 1.0};
      policy.routed("f-" + i, camera, 0.999, statistics, 0, true, false);
    }

    assertThat(policy.unusual(camera, usual)).isFalse();
    assertThat(policy.unusual(camera, new double[] {0.3, 0.2, 0.5, 0.0, 1.0})).as("ten times as sharp: noise").isTrue();
    assertThat(policy.unusual(camera, new double[] {0.05, 0.2, 0.05, 0.0, 1.0})).as("dark").isTrue();
    assertThat(policy.unusual(camera, new double[] {0.3, 0.2, 0.05, 0.2, 1.0})).as("colour on a grey camera").isTrue();
    assertThat(policy.unusual(camera, new double[] {0.3, 0.2, 0.05, 0.0, 0.92})).as("a JPEG from a PNG camera")
        .isTrue();
    assertThat(policy.unusual(new CameraKey("truck-2", null), new double[] {0.05, 0.2, 0.5, 0.0, 1.0}))
        .as("a camera never seen").isFalse();
    UsualRange range = policy.decide().usualInputs().get(camera);
    assertThat(range.low()[0]).isBetween(0.05, 0.3);
    assertThat(range.high()[2]).isBetween(0.05, 0.5);
    assertThat(range.low()[4]).isEqualTo(1.0);
  }

  @Test
  void shouldCloseEveryCameraWhenTheyAllChange() {
    Random random = new Random(21);
    RegimePolicy policy = policy(random);
    List<CameraKey> fleet = List.of(new CameraKey("truck-1", null), new CameraKey("truck-2", null),
        new CameraKey("truck-3", null));
    for (int i = 0; i < 1_500; i++) {
      for (CameraKey camera : fleet) {
        send(policy, camera.text() + "-" + i, camera, i < 600 ? ordinary(random) : changed(random), random);
      }
    }

    for (CameraKey camera : fleet) {
      assertThat(policy.route(camera).regime()).isPositive();
    }
  }

  @Test
  void shouldCloseAChangedCameraAtOnceAndAuditItMoreUntilItsBoundIsBack() {
    Random random = new Random(11);
    RegimePolicy policy = policy(random);
    CameraKey camera = new CameraKey("truck-2", null);
    DriftEvent first = firstChange(policy, camera, random);

    assertThat(first).isNotNull();
    assertThat(first.changePointFrame()).isBetween(900L, first.detectedAtFrame());
    RegimePolicy.Route after = policy.route(camera);
    assertThat(after.thresholds()).containsOnly(PolicyThresholds.CLOSED);
    assertThat(after.auditRate()).isEqualTo(RegimeSettings.defaults().raisedAuditRate());
  }

  @Test
  void shouldRaiseNoAlarmOnAStreamThatDoesNotChange() {
    Random random = new Random(3);
    RegimePolicy policy = policy(random);
    List<DriftEvent> events = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      send(policy, "f-" + i, new CameraKey("truck-" + (i % 3), null), ordinary(random), random).ifPresent(events::add);
      if (i % 200 == 0) {
        policy.decide();
      }
    }

    assertThat(events).isEmpty();
    assertThat(policy.decide().cameras()).isEmpty();
  }

  @Test
  void shouldReopenARegimeOnItsOwnAnswersWhenTheChangedCameraIsStillGoodEnough() {
    Random random = new Random(5);
    RegimePolicy policy = policy(random);
    CameraKey camera = new CameraKey("truck-9", null);
    // a change in what the camera shows, not in how right the model is: scores lower, accuracy as before
    boolean changed = false;
    for (int i = 0; i < 12_000; i++) {
      Frame f;
      if (i < 1_000) {
        f = ordinary(random);
      } else {
        double score = 1.0 - 0.5 * Math.pow(random.nextDouble(), 3);
        f = new Frame(score, random.nextInt(CLASSES), random.nextDouble() < Math.pow(score, 3));
      }
      changed |= send(policy, "f-" + i, camera, f, random).isPresent();
      if (i % 200 == 0) {
        policy.decide();
      }
    }
    RegimePolicy.Decision decision = policy.decide();

    assertThat(changed).isTrue();
    RegimePolicy.RegimeDecision own = decision.cameras().get(camera);
    assertThat(own.decision().thresholds()).anySatisfy(t -> assertThat(t).isLessThan(PolicyThresholds.CLOSED));
    assertThat(own.decision().overall().lowerBound()).isGreaterThanOrEqualTo(0.99);
    assertThat(own.established()).isTrue();
    assertThat(policy.route(camera).auditRate()).isZero();
    assertThat(decision.cumulativeLowerBound()).isBetween(0.9, 1.0);
  }

  /**
   * Two copies of one stream: one policy reads all of it; the other is saved after one camera changed and before the
   * change is found (its test part way up, the labels to recall not yet taken), with answers owed on both sides
   * (frames waiting for their answer, an answer waiting for its frame), and a new policy restored from the bytes
   * reads the rest. Both must end the same: the same routes all along, the
   * same change found at the same frame, the same recalled labels and decisions.
   */
  @Test
  void shouldGoOnFromASavedPolicyExactlyAsThePolicyItWasSavedFrom() throws IOException {
    Random stream = new Random(11);
    List<Object[]> frames = new ArrayList<>();
    CameraKey[] cameras = {new CameraKey("truck-1", "front"), new CameraKey("truck-2", "front")};
    for (int i = 0; i < 4_000; i++) {
      CameraKey camera = cameras[i % 2];
      boolean change = camera == cameras[1] && i >= 2_400;
      Frame f = change ? changed(stream) : ordinary(stream);
      double[] statistics = {(change ? 0.2 : 0.3) + 0.05 * stream.nextGaussian(), 0.2 + 0.02 * stream.nextGaussian(),
          0.05, 0.0, 1.0};
      frames.add(new Object[] {"f-" + i, camera, f, statistics, stream.nextDouble()});
    }
    RegimePolicy whole = policy(new Random(3));
    RegimePolicy saved = policy(new Random(3));
    List<String> wholeSeen = new ArrayList<>();
    replay(whole, frames, 0, frames.size(), wholeSeen);

    List<String> restoredSeen = new ArrayList<>();
    replay(saved, frames, 0, 2_450, restoredSeen);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    saved.save(new DataOutputStream(bytes));
    RegimePolicy restored = policy(new Random(3));
    restored.restore(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    replay(restored, frames, 2_450, frames.size(), restoredSeen);

    assertThat(wholeSeen).as("an event was found after the save").anyMatch(s -> s.startsWith("event"));
    int first = 0;
    while (first < Math.min(wholeSeen.size(), restoredSeen.size()) && wholeSeen.get(first).equals(restoredSeen.get(first))) {
      first++;
    }
    assertThat(first).as("the first step where the restored policy differs: %s",
        first < restoredSeen.size() ? restoredSeen.get(first) : "none").isEqualTo(wholeSeen.size());
    assertThat(restoredSeen).hasSameSizeAs(wholeSeen);
    assertThat(described(restored.decide())).isEqualTo(described(whole.decide()));
    assertThat(restored.frames()).isEqualTo(whole.frames());
  }

  @Test
  void shouldRefuseToRestoreAPolicySavedForAnotherNumberOfClasses() throws IOException {
    RegimePolicy policy = policy(new Random(3));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    policy.save(new DataOutputStream(bytes));
    RegimePolicy other = new RegimePolicy(settings, RegimeSettings.defaults(), grid, null, CLASSES + 1);

    assertThatThrownBy(() -> other.restore(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))))
        .isInstanceOf(IOException.class).hasMessageContaining("classes");
  }

  /** A decision as text, the usual input ranges' arrays by value. */
  private static String described(RegimePolicy.Decision decision) {
    StringBuilder usual = new StringBuilder();
    decision.usualInputs().forEach((camera, range) -> usual.append(camera).append(Arrays.toString(range.low()))
        .append(Arrays.toString(range.high())));
    return decision.common() + " " + decision.cameras() + " " + decision.cumulativeLowerBound() + " "
        + decision.events() + " " + usual;
  }

  /**
   * Routes frames {@code from..to} with the policy's own routes, answering each reviewed or audited frame 30 frames
   * later (every fifth answer before its frame arrives), and notes each route, event and recalled label.
   */
  private static void replay(RegimePolicy policy, List<Object[]> frames, int from, int to, List<String> seen) {
    for (int i = from; i < to; i++) {
      Object[] row = frames.get(i);
      String frameId = (String) row[0];
      CameraKey camera = (CameraKey) row[1];
      Frame f = (Frame) row[2];
      RegimePolicy.Route route = policy.route(camera);
      boolean toModel = f.score() >= route.thresholds().get(f.predicted());
      boolean audited = toModel && (double) row[4] < Math.max(0.02, route.auditRate());
      seen.add(i + " " + route);
      int truth = f.correct() ? f.predicted() : (f.predicted() + 1) % CLASSES;
      if (i % 5 == 0) {
        policy.answered(frameId, truth).ifPresent(e -> seen.add("event " + e));
      }
      policy.routed(frameId, camera, f.score(), (double[]) row[3], f.predicted(), toModel, audited)
          .ifPresent(e -> seen.add("event " + e));
      if (i >= 30) {
        Object[] earlier = frames.get(i - 30);
        Frame e = (Frame) earlier[2];
        if ((i - 30) % 5 != 0) {
          policy.answered((String) earlier[0], e.correct() ? e.predicted() : (e.predicted() + 1) % CLASSES)
              .ifPresent(event -> seen.add("event " + event));
        }
      }
      seen.add("recalled " + policy.takeRecalled());
      if (i % 100 == 0) {
        seen.add("decided " + described(policy.decide()));
      }
    }
  }
}
