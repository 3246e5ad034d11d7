package io.labelstream.review.policy.regime;

import io.labelstream.review.policy.BandCounts;
import io.labelstream.review.policy.OutcomeLedger;
import io.labelstream.review.policy.PolicyDecision;
import io.labelstream.review.policy.ScoreGrid;
import io.labelstream.review.policy.ThresholdController;
import io.labelstream.review.policy.drift.ChangeAlarm;
import io.labelstream.review.policy.drift.ChangeMonitor;
import io.labelstream.review.policy.drift.UsualRange;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The routing policy of a stream whose cameras may change: one {@link ThresholdController} per regime instead of one
 * for the whole stream's history.
 *
 * <h2>Detect</h2>
 * Every camera has a {@link ChangeMonitor} on its routing scores and input statistics (is the model less sure, do
 * the frames look different?) and on the errors people find in the confident score bands against what the
 * validation predictions expect there. The cameras that share the common regime are also watched pooled, since a
 * fleet-wide change (a new route, a class mix) may be too faint per camera.
 *
 * <h2>React</h2>
 * A camera's own alarm gives that camera a regime of its own: the change is local, the other cameras keep theirs.
 * A pooled alarm is the fleet's only when the cameras' own tests agree: the cameras whose own test of the same signal
 * has climbed at least {@link #IMPLICATED_LEVEL} of the way to an alarm are the cause; when some cameras are and others
 * are not, the change is theirs alone and they get regimes of their own (a camera that changes sharply can tip the
 * pooled test before its own, measured in 13 of 100 two-camera streams). When none is, one camera whose test is
 * well ahead of every other's is the cause; when all are, or none is and none stands out (a change spread thin over
 * the fleet), a new common regime starts for every camera in it. A new regime's evidence starts at the change:
 * neither the stream before it nor the validation predictions (which describe the cameras as they were) back it, so
 * it starts closed (every frame of its cameras to people), opens as its own answers clear the target, and audits
 * at the raised rate until its bound is re-established, then at the base rate.
 *
 * <h2>Recall</h2>
 * The model labels a camera wrote before the alarm, back to the test's estimated change point and beyond it (a change
 * that grows began before the part of it the test places), were written under thresholds that no longer held: a sharp
 * change makes the model confidently wrong from its first frame, and the test needs a few frames to be sure. They go
 * back to people ({@link #takeRecalled()}), whose answers supersede them. A false alarm
 * costs that many reviews, counted in {@link DriftEvent#recalledLabels()}. An alarm on people's answers has no change
 * point on the frames' clock (answers arrive late and sparse), so it recalls nothing. Workers pick a new policy up a
 * moment after it is published: a model label a regime started by a change would not have allowed (its score below
 * the regime's threshold) was written under the old thresholds, and is recalled as it arrives.
 *
 * <h2>Publish</h2>
 * Each regime's decision bounds the labels written now in its scope; the cumulative bound is the model-label
 * weighted mean of every regime's bound, which holds for all model labels of the stream whenever each regime's does.
 *
 * <p>Not thread-safe: one caller at a time.
 */
public final class RegimePolicy {

  /** The scope of the common regime: every camera without a regime of its own. */
  public static final String ALL_CAMERAS = "all";

  /**
   * What one camera's frames are routed with now.
   *
   * @param auditRate the least share of model labels to audit (0 while nothing changed: the worker's own rate)
   */
  public record Route(List<Double> thresholds, double auditRate, int regime) {}

  /**
   * The policy for the whole stream.
   *
   * @param common the common regime's decision, for every camera without its own
   * @param commonAuditRate its audit rate
   * @param cameras the cameras on a regime of their own and theirs
   * @param cumulativeLowerBound the bound for every model label written so far, over all regimes
   * @param usualInputs per camera whose baseline is learnt, the input bounds outside which a frame goes to people
   */
  public record Decision(RegimeDecision common, Map<CameraKey, RegimeDecision> cameras, double cumulativeLowerBound,
      List<DriftEvent> events, Map<CameraKey, UsualRange> usualInputs) {}

  /** One regime's state: its decision, audit rate, start and whether its bound is re-established. */
  public record RegimeDecision(int regime, long startFrame, PolicyDecision decision, double auditRate,
      boolean established) {}

  /** The fewest frames before the estimated change point whose model labels a slowly found change recalls too. */
  static final long RECALL_MARGIN = 25;
  /** A test that sounds within this many frames of its estimated change point found a change quickly. */
  static final long QUICK_ALARM = 600;
  /** The frames before a quick alarm whose model labels it recalls. */
  static final long RECALL_DEPTH = 1_500;
  /** The most frames before a slow alarm whose model labels it recalls. */
  static final long SLOW_RECALL_DEPTH = QUICK_ALARM / 2;

  /** How far a camera's own test must have climbed towards an alarm to share the blame for a pooled one. */
  static final double IMPLICATED_LEVEL = 0.5;

  /** A prediction written before frames carried statistics: only its score is watched. */
  private static final double[] UNKNOWN_STATISTICS = new double[ChangeMonitor.IMAGE_STATISTICS.size()];

  static {
    Arrays.fill(UNKNOWN_STATISTICS, Double.NaN);
  }

  private record Pending(Regime regime, CameraKey camera, int band, int predictedClass) {}

  private static final class Camera {
    final ChangeMonitor monitor;
    final RecentModelLabels recent = new RecentModelLabels();
    final CommonFrames inCommon = new CommonFrames();
    Regime own;

    Camera(ChangeMonitor monitor) {
      this.monitor = monitor;
    }
  }

  private final ThresholdController.Settings controllerSettings;
  private final RegimeSettings settings;
  private final ScoreGrid grid;
  private final BandCounts validation;
  private final int classes;
  /** Validation error rate per score band, null without validation: what the error signal compares with. */
  private final double[] expectedErrorRate;
  private final Map<CameraKey, Camera> cameras = new LinkedHashMap<>();
  private final ChangeMonitor pooled;
  private final List<Regime> regimes = new ArrayList<>();
  private final List<DriftEvent> events = new ArrayList<>();
  private final Map<String, Pending> awaitingAnswer = new HashMap<>();
  private final Map<String, Integer> earlyAnswers = new HashMap<>();
  private final List<String> recalled = new ArrayList<>();
  private Regime common;
  private long frames;

  /**
   * @param validation the model's validation predictions, or null: they back the stream's first common regime only
   */
  public RegimePolicy(ThresholdController.Settings controllerSettings, RegimeSettings settings, ScoreGrid grid,
      BandCounts validation, int classes) {
    this.controllerSettings = controllerSettings;
    this.settings = settings;
    this.grid = grid;
    this.validation = validation;
    this.classes = classes;
    this.expectedErrorRate = validation == null ? null
        : ThresholdController.pooledBandRates(validation, classes, grid, ThresholdController.RATE_POOL_ITEMS);
    this.pooled = new ChangeMonitor(settings.drift());
    this.common = newRegime(ALL_CAMERAS, false);
  }

  private Regime newRegime(String scope, boolean afterChange) {
    return newRegime(scope, frames, afterChange);
  }

  private Regime newRegime(String scope, long startFrame, boolean afterChange) {
    BandCounts evidence = afterChange ? null : validation;
    // tested at every decision while it is closed: a stricter confidence keeps one lucky look from opening it; the
    // labels it will write are bounded at the ordinary confidence (their own luck, once per run)
    ThresholdController.Horizon ahead =
        new ThresholdController.Horizon(settings.afterChangeHorizon(), controllerSettings.confidence());
    ThresholdController.Settings bound = afterChange
        ? controllerSettings.withConfidence(Math.max(controllerSettings.confidence(), settings.afterChangeConfidence()))
            .withHorizon(ahead)
        : controllerSettings;
    Regime regime = new Regime(regimes.size(), scope, startFrame, afterChange, settings.auditsToEstablish(),
        new ThresholdController(bound, grid, evidence, classes), new OutcomeLedger(classes, grid));
    regimes.add(regime);
    return regime;
  }

  /** What a frame of {@code camera} is routed with now. */
  public Route route(CameraKey camera) {
    Camera known = cameras.get(camera);
    Regime regime = known == null || known.own == null ? common : known.own;
    return new Route(regime.latest().thresholds(), auditRate(regime), regime.number());
  }

  /**
   * True when a frame of {@code camera} looks unlike anything the camera showed while its baseline was learnt (an input
   * statistic far outside it: {@link ChangeMonitor#unusual}): it goes to people whatever its score. A sharp change
   * makes the model confidently wrong from its first frame, before any sequential test can be sure; this catches
   * those frames one by one.
   */
  public boolean unusual(CameraKey camera, double[] statistics) {
    Camera known = cameras.get(camera);
    return known != null && known.monitor.unusual(statistics, settings.drift().unusualWiden());
  }

  private double auditRate(Regime regime) {
    return regime.established() ? 0.0 : settings.raisedAuditRate();
  }

  /**
   * A prediction as routed.
   *
   * @param statistics the frame's input statistics ({@link ChangeMonitor#IMAGE_STATISTICS}; NaN where unknown), or
   *     an empty array when the prediction carries none
   * @return the change this frame revealed, if any: the caller should decide and publish at once
   */
  public Optional<DriftEvent> routed(String frameId, CameraKey camera, double score, double[] statistics,
      int predictedClass, boolean toModel, boolean audited) {
    frames++;
    if (statistics.length == 0) {
      statistics = UNKNOWN_STATISTICS;
    }
    Camera state = cameras.computeIfAbsent(camera, c -> new Camera(new ChangeMonitor(settings.drift())));
    Regime regime = state.own == null ? common : state.own;
    regime.routed(frameId, score, predictedClass, toModel, audited);
    boolean pooledWatches = state.own == null && pooledWatch();
    if (state.own == null) {
      state.inCommon.add(new CommonFrames.Frame(frameId, state.monitor.frames(), pooledWatches ? pooled.frames() : -1,
          score, predictedClass, toModel, audited));
    }
    // an audited label is answered anyway: recalling it would ask twice
    if (toModel && !audited) {
      if (regime.afterChange() && score < regime.latest().thresholds().get(predictedClass)) {
        // a worker labelled it before the change's thresholds reached it: the label is as suspect as those before
        recalled.add(frameId);
      } else {
        state.recent.add(frameId, state.monitor.frames(), pooledWatches ? pooled.frames() : -1);
      }
    }
    if (!toModel || audited) {
      Pending pending = new Pending(regime, camera, grid.band(score), predictedClass);
      Integer early = earlyAnswers.remove(frameId);
      if (early != null) {
        record(frameId, pending, early);
      } else {
        awaitingAnswer.put(frameId, pending);
      }
    }
    // several signals may alarm on the same frame (a darker camera is also less contrasted): the first one names it
    List<ChangeAlarm> own = state.monitor.observeFrame(score, statistics);
    if (!own.isEmpty()) {
      return Optional.of(cameraChanged(camera, state, own.get(0), false));
    }
    if (pooledWatches) {
      List<ChangeAlarm> all = pooled.observeFrame(score, statistics);
      if (!all.isEmpty()) {
        return Optional.of(pooledAlarm(all.get(0)));
      }
    }
    return Optional.empty();
  }

  /**
   * A person's answer for a reviewed or audited frame.
   *
   * @return the change the answer revealed, if any
   */
  public Optional<DriftEvent> answered(String frameId, int humanClass) {
    Pending pending = awaitingAnswer.remove(frameId);
    if (pending == null) {
      earlyAnswers.putIfAbsent(frameId, humanClass);
      return Optional.empty();
    }
    return record(frameId, pending, humanClass);
  }

  private Optional<DriftEvent> record(String frameId, Pending pending, int humanClass) {
    pending.regime().ledger().answered(frameId, humanClass);
    if (pending.regime() == common) {
      cameras.get(pending.camera()).inCommon.answered(frameId, humanClass);
    }
    if (expectedErrorRate == null || pending.regime().afterChange()) {
      return Optional.empty();
    }
    // a band where validation saw no error still errs sometimes: half an error in a pool (as the drift test counts)
    double expected = Math.max(expectedErrorRate[pending.band()], 0.5 / ThresholdController.RATE_POOL_ITEMS);
    if (expected > ThresholdController.CONFIDENT_BAND_ERROR_RATE) {
      return Optional.empty();
    }
    boolean error = humanClass != pending.predictedClass();
    Camera state = cameras.get(pending.camera());
    if (state.own == null) {
      Optional<ChangeAlarm> own = state.monitor.observeAnswer(error, expected);
      if (own.isPresent()) {
        return Optional.of(cameraChanged(pending.camera(), state, own.get(), false));
      }
      Optional<ChangeAlarm> all = pooled.observeAnswer(error, expected);
      if (all.isPresent()) {
        return Optional.of(pooledAlarm(all.get()));
      }
    }
    return Optional.empty();
  }

  /** The pooled watch adds something only once the common regime holds more than one camera. */
  private boolean pooledWatch() {
    return cameras.values().stream().filter(c -> c.own == null).limit(2).count() > 1;
  }

  /** @param pooledClock the alarm is the pooled test's: its change point is on that test's clock */
  private DriftEvent cameraChanged(CameraKey camera, Camera state, ChangeAlarm alarm, boolean pooledClock) {
    int recalledNow = recall(state, alarm, pooledClock);
    leaveCommon(state, alarm, pooledClock);
    state.own = newRegime(camera.text(), true);
    state.own.decide();
    state.monitor.restart();
    // the pooled statistics held this camera's changed frames too
    pooled.restart();
    return event(state.own, camera.text(), alarm, recalledNow);
  }

  /**
   * Takes the camera's model labels written before the alarm into {@link #recalled}; returns how many. A test that
   * sounded within {@link #QUICK_ALARM} frames of its estimated change point found a change, but the estimate places
   * only the part of it the test could see: a change that grows (dusk, a lens getting dirty) began before it, and in
   * the drift suite's ramps the labels of that first, barely visible stretch stood and held the errors that took
   * scenarios below the floor (noise, blur and brightness ramps: detected 200-800 frames after they began, their start
   * estimated 150-350 frames late). So such a test recalls every label of the last {@link #RECALL_DEPTH} frames: when
   * in doubt, people. (At 600 frames back, the labels of a slight change's first few hundred frames still stood: two
   * or three wrong among 120-190 took a mild noise ramp and a moderate translation below the 0.985 floor in one seed
   * each. At 1,000, a severe translation ramp, which moves no input statistic and whose score test sounded 1,070-1,360
   * frames after the ramp began, left 57-271 labels of the ramp's first stretch standing, 1-3 of them wrong, and a
   * severe class-mix ramp 36 with 2 wrong.) A test that took longer than {@link #QUICK_ALARM} frames to sound found a
   * change too slight to say which labels it spoiled, if any (the one false alarm of the drift suite's unchanged tuning
   * streams crept up over 934 frames): it recalls from {@link #RECALL_MARGIN} frames before its estimate and at most
   * {@link #SLOW_RECALL_DEPTH} frames back, so that a false alarm costs little.
   */
  private int recall(Camera state, ChangeAlarm alarm, boolean pooledClock) {
    long from = recallFrom(alarm);
    List<String> since = alarm.signal().equals(ChangeMonitor.ANSWERED) ? List.of()
        : pooledClock ? state.recent.takeSincePooledIndex(from)
        : state.recent.takeSinceCameraIndex(from);
    state.recent.clear();
    recalled.addAll(since);
    return since.size();
  }

  /** The first frame (on the alarm's clock) whose model label {@link #recall} sends back. */
  private static long recallFrom(ChangeAlarm alarm) {
    long delay = alarm.alarmIndex() - alarm.changePoint();
    return delay > QUICK_ALARM
        ? Math.max(alarm.changePoint() - RECALL_MARGIN, alarm.alarmIndex() - SLOW_RECALL_DEPTH)
        : alarm.alarmIndex() - RECALL_DEPTH;
  }

  /**
   * Takes the camera's frames since the alarm's estimated change point out of the common regime's evidence ({@link
   * CommonFrames}), answered or not: an answer still awaited will not be counted there. Not beyond the recall's reach
   * (a slow test's change point can lie further back): every model label taken out is recalled or audited, so no label
   * that stands drops out of every regime's bound. An alarm on people's answers has no change point on the frames'
   * clock and takes nothing.
   */
  private void leaveCommon(Camera state, ChangeAlarm alarm, boolean pooledClock) {
    if (!alarm.signal().equals(ChangeMonitor.ANSWERED)) {
      long from = Math.max(alarm.changePoint(), recallFrom(alarm));
      for (CommonFrames.Taken taken : state.inCommon.takeSince(from, pooledClock)) {
        CommonFrames.Frame f = taken.frame();
        common.retract(f.frameId(), f.score(), f.predictedClass(), f.toModel(), f.audited(), taken.answer());
        awaitingAnswer.remove(f.frameId());
      }
    }
    state.inCommon.clear();
  }

  /** A pooled alarm: local to the cameras whose own test agrees, when only some do; else the whole fleet's. */
  private DriftEvent pooledAlarm(ChangeAlarm alarm) {
    List<Map.Entry<CameraKey, Camera>> watched = cameras.entrySet().stream().filter(e -> e.getValue().own == null)
        .toList();
    List<Map.Entry<CameraKey, Camera>> implicated = watched.stream()
        .filter(e -> e.getValue().monitor.level(alarm.signal(), alarm.direction()) >= IMPLICATED_LEVEL).toList();
    if (implicated.isEmpty()) {
      implicated = standingOut(watched, alarm);
    }
    if (implicated.isEmpty() || implicated.size() == watched.size()) {
      return everyCameraChanged(alarm);
    }
    DriftEvent first = null;
    for (Map.Entry<CameraKey, Camera> camera : implicated) {
      DriftEvent event = cameraChanged(camera.getKey(), camera.getValue(), alarm, true);
      first = first == null ? event : first;
    }
    return first;
  }

  /**
   * The one camera whose own test is well on its way (half of {@link #IMPLICATED_LEVEL}) while every other's is at
   * most half as far: a camera changing alone whose test has not yet reached the level when the pooled one, seeing
   * twice the frames, sounds (1 pooled alarm in 100 blamed on the fleet without this, in synthetic two-camera
   * streams); empty when no camera stands out so.
   */
  private static List<Map.Entry<CameraKey, Camera>> standingOut(List<Map.Entry<CameraKey, Camera>> watched,
      ChangeAlarm alarm) {
    Map.Entry<CameraKey, Camera> highest = null;
    double top = 0;
    double second = 0;
    for (Map.Entry<CameraKey, Camera> camera : watched) {
      double level = camera.getValue().monitor.level(alarm.signal(), alarm.direction());
      if (level > top) {
        second = top;
        top = level;
        highest = camera;
      } else {
        second = Math.max(second, level);
      }
    }
    boolean standsOut = watched.size() > 1 && top >= IMPLICATED_LEVEL / 2 && second <= top / 2;
    return standsOut ? List.of(highest) : List.of();
  }

  private DriftEvent everyCameraChanged(ChangeAlarm alarm) {
    int recalledNow = 0;
    for (Camera camera : cameras.values()) {
      if (camera.own == null) {
        recalledNow += recall(camera, alarm, true);
      }
    }
    cameras.values().forEach(c -> c.inCommon.clear());
    common = newRegime(ALL_CAMERAS, true);
    common.decide();
    pooled.restart();
    cameras.values().stream().filter(c -> c.own == null).forEach(c -> c.monitor.restart());
    return event(common, ALL_CAMERAS, alarm, recalledNow);
  }

  /**
   * The event of an alarm. A frame signal's change point is counted in the monitor's frames, which map back onto the
   * stream's; an answer signal's is counted in answers, which arrive late and sparse, so its change point is left at
   * the alarm.
   */
  private DriftEvent event(Regime regime, String scope, ChangeAlarm alarm, int recalledLabels) {
    long back = alarm.signal().equals(ChangeMonitor.ANSWERED) ? 0 : Math.max(0, alarm.alarmIndex() - alarm.changePoint());
    DriftEvent event = new DriftEvent(regime.number(), scope, alarm.signal(),
        alarm.direction().name().toLowerCase(java.util.Locale.ROOT), frames, Math.max(1, frames - back),
        recalledLabels);
    events.add(event);
    return event;
  }

  /** Decides every current regime's thresholds on its own evidence. */
  public Decision decide() {
    RegimeDecision commonDecision = describe(common, common.decide());
    Map<CameraKey, RegimeDecision> own = new LinkedHashMap<>();
    cameras.forEach((key, camera) -> {
      if (camera.own != null) {
        own.put(key, describe(camera.own, camera.own.decide()));
      }
    });
    Map<CameraKey, UsualRange> usual = new LinkedHashMap<>();
    cameras.forEach((key, camera) -> camera.monitor.usualRange(settings.drift().unusualWiden())
        .ifPresent(range -> usual.put(key, range)));
    return new Decision(commonDecision, own, cumulativeLowerBound(), List.copyOf(events), usual);
  }

  private RegimeDecision describe(Regime regime, PolicyDecision decision) {
    return new RegimeDecision(regime.number(), regime.startFrame(), decision, auditRate(regime), regime.established());
  }

  /**
   * The model-label weighted mean of the regimes' latest bounds for the labels they wrote; 1 before the model labelled
   * anything.
   */
  private double cumulativeLowerBound() {
    long labelled = 0;
    double weighted = 0;
    for (Regime regime : regimes) {
      labelled += regime.modelLabelled();
      weighted += regime.modelLabelled() * regime.latest().overall().writtenBound();
    }
    return labelled == 0 ? 1.0 : weighted / labelled;
  }

  /**
   * The model labels detected changes have recalled since the last call, oldest first: each should go back to people
   * (their answers supersede it). Every label is returned once.
   */
  public List<String> takeRecalled() {
    List<String> taken = List.copyOf(recalled);
    recalled.clear();
    return taken;
  }

  public List<DriftEvent> events() {
    return List.copyOf(events);
  }

  public long frames() {
    return frames;
  }
  /**
   * Writes everything the stream built: every regime with its evidence, each camera's monitor, recent model labels
   * and regime, the pooled monitor, the drift events, the frames and answers still waiting for each other, and the
   * recalled labels not yet taken.
   */
  public void save(DataOutput out) throws IOException {
    out.writeLong(frames);
    out.writeInt(regimes.size());
    for (Regime regime : regimes) {
      out.writeUTF(regime.scope());
      out.writeLong(regime.startFrame());
      out.writeBoolean(regime.afterChange());
      regime.save(out);
    }
    out.writeInt(common.number());
    out.writeInt(cameras.size());
    for (Map.Entry<CameraKey, Camera> camera : cameras.entrySet()) {
      writeCamera(out, camera.getKey());
      camera.getValue().monitor.save(out);
      camera.getValue().recent.save(out);
      camera.getValue().inCommon.save(out);
      out.writeInt(camera.getValue().own == null ? -1 : camera.getValue().own.number());
    }
    pooled.save(out);
    out.writeInt(events.size());
    for (DriftEvent event : events) {
      out.writeInt(event.regime());
      out.writeUTF(event.scope());
      out.writeUTF(event.signal());
      out.writeUTF(event.direction());
      out.writeLong(event.detectedAtFrame());
      out.writeLong(event.changePointFrame());
      out.writeInt(event.recalledLabels());
    }
    out.writeInt(awaitingAnswer.size());
    for (Map.Entry<String, Pending> awaiting : awaitingAnswer.entrySet()) {
      Pending pending = awaiting.getValue();
      out.writeUTF(awaiting.getKey());
      out.writeInt(pending.regime().number());
      writeCamera(out, pending.camera());
      out.writeInt(pending.band());
      out.writeInt(pending.predictedClass());
    }
    out.writeInt(earlyAnswers.size());
    for (Map.Entry<String, Integer> early : earlyAnswers.entrySet()) {
      out.writeUTF(early.getKey());
      out.writeInt(early.getValue());
    }
    out.writeInt(recalled.size());
    for (String frameId : recalled) {
      out.writeUTF(frameId);
    }
  }

  /** Reads back what {@link #save} wrote into a policy newly made with the same settings and validation. */
  public void restore(DataInput in) throws IOException {
    frames = in.readLong();
    regimes.clear();
    for (int i = in.readInt(); i > 0; i--) {
      Regime regime = newRegime(in.readUTF(), in.readLong(), in.readBoolean());
      regime.restore(in);
    }
    common = regime(in.readInt());
    cameras.clear();
    for (int i = in.readInt(); i > 0; i--) {
      CameraKey key = readCamera(in);
      Camera camera = new Camera(new ChangeMonitor(settings.drift()));
      camera.monitor.restore(in);
      camera.recent.restore(in);
      camera.inCommon.restore(in);
      int own = in.readInt();
      camera.own = own < 0 ? null : regime(own);
      cameras.put(key, camera);
    }
    pooled.restore(in);
    events.clear();
    for (int i = in.readInt(); i > 0; i--) {
      events.add(new DriftEvent(in.readInt(), in.readUTF(), in.readUTF(), in.readUTF(), in.readLong(), in.readLong(),
          in.readInt()));
    }
    awaitingAnswer.clear();
    for (int i = in.readInt(); i > 0; i--) {
      awaitingAnswer.put(in.readUTF(), new Pending(regime(in.readInt()), readCamera(in), in.readInt(), in.readInt()));
    }
    earlyAnswers.clear();
    for (int i = in.readInt(); i > 0; i--) {
      earlyAnswers.put(in.readUTF(), in.readInt());
    }
    recalled.clear();
    for (int i = in.readInt(); i > 0; i--) {
      recalled.add(in.readUTF());
    }
  }

  private Regime regime(int number) throws IOException {
    if (number < 0 || number >= regimes.size()) {
      throw new IOException("regime " + number + " of " + regimes.size());
    }
    return regimes.get(number);
  }

  private static void writeCamera(DataOutput out, CameraKey camera) throws IOException {
    out.writeUTF(camera.deviceId());
    out.writeUTF(camera.cameraId());
  }

  private static CameraKey readCamera(DataInput in) throws IOException {
    return new CameraKey(in.readUTF(), in.readUTF());
  }

}
