package io.labelstream.review.policy.drift;

import io.labelstream.review.policy.drift.ChangeAlarm.Direction;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Watches one scope (a camera, or the whole stream) for a change, from two sides.
 *
 * <ul>
 *   <li>Unsupervised, per frame: the routing score's low tail (scores falling means the model is less sure; a score
 *       tail rising is good news and not watched), and both tails of each input statistic (brightness, contrast,
 *       sharpness, colourfulness, and the file's JPEG quality: a darker and a brighter camera are both another camera;
 *       a camera that starts to compress harder says so in its files' quantisation tables from its first frame).
 *       Each signal learns its own baseline from its first frames ({@link TailBaseline}) and a
 *       {@link BernoulliCusum} watches how often it falls beyond a baseline cut.
 *   <li>Supervised, per answered frame in a confident score band: whether the model was wrong, against the error
 *       rate the evidence expects for that band, with a {@link BernoulliCusum} per-observation null rate.
 * </ul>
 *
 * All K one-sided CUSUMs share the false-alarm budget equally (h = ln(K·horizon / budget), see
 * {@link DriftSettings#threshold}); with the defaults and five statistics K = 12 and h = 15.6. Why CUSUM and not a
 * betting martingale: see {@link Cusum}. After an alarm the caller decides; {@link #restart()} learns a new
 * baseline for the new regime. Not thread-safe: one monitor per scope, fed by one caller.
 *
 * <h2>Measured (ChangeMonitorTest, defaults, 200 seeded streams, change after frame 1,000)</h2>
 * <ul>
 *   <li>No change, 10,000 frames: a score false alarm in 0 of 200 streams, an input-statistic one in 0 of 200
 *       (budget with exact likelihood ratios: 0.33 and 3.3; with four statistics, h = 15.4 and other draws, 1 and 4);
 *       errors at the expected rate over 10,000 answers: 0 of 200. The learnt baselines can put the tail signals
 *       at their budget rather than below it (see {@link TailBaseline}).
 *   <li>Score low tail 0.1 → 0.4: delay mean 96, p95 184 frames, change point within 4 (median) and 23 (p90)
 *       frames; → 0.3: mean 241, p95 514; → 0.2: not found within 10,000 frames in 20% of streams (with four
 *       statistics: 68% found within 2,000): a 300-frame baseline is too uncertain for a 2x tail change (a
 *       1,000-frame baseline, measured once: 94% within 2,000, no false alarm in 1,000 streams).
 *   <li>Brightness ±1 sd, a third of frames unmeasured: mean 132–136, p95 216–225 frames.
 *   <li>JPEG quality 92 → 54 (a constant baseline): found 22 frames after the change, at the change; each of those
 *       frames already lies outside the usual range ({@link #unusual}).
 *   <li>Answered errors at 3x the expected rate (0.5–5%): mean 508, p95 895 answers.
 * </ul>
 */
public final class ChangeMonitor {

  /** The input statistics a frame carries, in the order of {@link #observeFrame}'s array. */
  public static final List<String> IMAGE_STATISTICS =
      List.of("brightness", "contrast", "sharpness", "colourfulness", "jpegQuality");

  public static final String SCORE = "score";
  public static final String ANSWERED = "answered";

  private final TailSignal score;
  private final List<TailSignal> statistics = new ArrayList<>();
  private final BernoulliCusum answered;
  private long frames;
  private long answers;

  /** A monitor for the standard {@link #IMAGE_STATISTICS}. */
  public ChangeMonitor(DriftSettings settings) {
    this(settings, IMAGE_STATISTICS);
  }

  public ChangeMonitor(DriftSettings settings, List<String> statisticNames) {
    int cusums = 1 + 2 * statisticNames.size() + 1;
    double threshold = settings.threshold(cusums);
    this.score = new TailSignal(SCORE, settings, threshold, true, false);
    for (String name : statisticNames) {
      statistics.add(new TailSignal(name, settings, threshold, true, true));
    }
    this.answered = new BernoulliCusum(threshold, settings.errorRatio(), BernoulliCusum.DEFAULT_CAP);
  }

  /**
   * One routed frame.
   *
   * @param score the routing score (NaN if none)
   * @param statistics the input statistics in the order of the monitor's names, NaN where not measured
   * @return the alarms this frame raised, usually none; a list because a camera change often moves several
   *     statistics at once, and which ones moved is what the caller reports
   */
  public List<ChangeAlarm> observeFrame(double score, double[] statistics) {
    if (statistics.length != this.statistics.size()) {
      throw new IllegalArgumentException(
          "expected " + this.statistics.size() + " statistics, got " + statistics.length);
    }
    long frame = frames++;
    List<ChangeAlarm> alarms = new ArrayList<>(0);
    this.score.observe(score, frame, alarms);
    for (int i = 0; i < statistics.length; i++) {
      this.statistics.get(i).observe(statistics[i], frame, alarms);
    }
    return alarms;
  }

  /**
   * A person's answer for a frame in a confident score band.
   *
   * @param error the model's label was wrong
   * @param expectedRate the error rate the evidence expects in that frame's band, in (0, 1)
   */
  public Optional<ChangeAlarm> observeAnswer(boolean error, double expectedRate) {
    long index = answers++;
    if (!answered.observe(error, expectedRate, index)) {
      return Optional.empty();
    }
    ChangeAlarm alarm = new ChangeAlarm(ANSWERED, Direction.UP, index, answered.changePoint(), answered.statistic());
    answered.reset();
    return Optional.of(alarm);
  }

  /**
   * True when one of a frame's input statistics lies far outside this scope's baseline (see
   * {@link TailBaseline#lowestUsual}): such a frame is unlike anything the camera showed while its evidence was
   * gathered, so the model's score on it is no evidence of being right. The sequential tests need a few frames to be
   * sure of a change; this needs one, for the frames a sharp change makes plainly different.
   */
  public boolean unusual(double[] statistics, double widen) {
    for (int i = 0; i < statistics.length && i < this.statistics.size(); i++) {
      if (this.statistics.get(i).unusual(statistics[i], widen)) {
        return true;
      }
    }
    return false;
  }

  /** The bounds {@link #unusual} applies, for a worker to apply them to each frame; empty before any is learnt. */
  public java.util.Optional<UsualRange> usualRange(double widen) {
    double[] low = new double[statistics.size()];
    double[] high = new double[statistics.size()];
    boolean bounded = false;
    for (int i = 0; i < statistics.size(); i++) {
      low[i] = statistics.get(i).lowestUsual(widen);
      high[i] = statistics.get(i).highestUsual(widen);
      bounded |= Double.isFinite(low[i]) || Double.isFinite(high[i]);
    }
    return bounded ? java.util.Optional.of(new UsualRange(low, high)) : java.util.Optional.empty();
  }

  /**
   * How far this monitor's test of one signal's tail is towards an alarm: 0 at rest, 1 at its threshold. What tells a
   * pooled alarm's cause: the cameras whose own test of the same signal has climbed too.
   */
  public double level(String signal, Direction direction) {
    if (signal.equals(SCORE)) {
      return score.level(direction);
    }
    if (signal.equals(ANSWERED)) {
      return direction == Direction.UP ? answered.level() : 0.0;
    }
    return statistics.stream().filter(s -> s.name().equals(signal)).findFirst().map(s -> s.level(direction))
        .orElse(0.0);
  }

  /** Forgets every baseline and CUSUM (e.g. after a change was acted on); frame and answer indices go on. */
  public void restart() {
    score.restart();
    statistics.forEach(TailSignal::restart);
    answered.reset();
  }

  public long frames() {
    return frames;
  }

  public long answers() {
    return answers;
  }
  /** Writes every baseline, CUSUM and count, for a checkpoint of the review state. */
  public void save(DataOutput out) throws IOException {
    out.writeLong(frames);
    out.writeLong(answers);
    score.save(out);
    out.writeInt(statistics.size());
    for (TailSignal statistic : statistics) {
      statistic.save(out);
    }
    answered.save(out);
  }

  /** Reads back what {@link #save} wrote into a monitor made with the same settings. */
  public void restore(DataInput in) throws IOException {
    frames = in.readLong();
    answers = in.readLong();
    score.restore(in);
    int saved = in.readInt();
    if (saved > statistics.size()) {
      throw new IOException(saved + " input statistics saved, " + statistics.size() + " watched");
    }
    // Statistics are only appended: a checkpoint from before one was watched restores the others, and the new one
    // learns its baseline from the frames to come.
    for (int i = 0; i < statistics.size(); i++) {
      if (i < saved) {
        statistics.get(i).restore(in);
      } else {
        statistics.get(i).restart();
      }
    }
    answered.restore(in);
  }

}
