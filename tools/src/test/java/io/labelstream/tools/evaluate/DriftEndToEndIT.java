package io.labelstream.tools.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.launcher.SampleFrames;
import io.labelstream.schemas.PolicyThresholds;
import io.labelstream.schemas.avro.CameraPolicy;
import io.labelstream.schemas.avro.DriftEventRecord;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.Route;
import io.labelstream.tools.evaluate.drift.DriftKind;
import io.labelstream.tools.fashionmnist.GreyImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 16's end-to-end test on the real services (embedded broker, ingest, the worker with the bundled classifier,
 * review): the 1,000 sample frames posted over HTTP by two cameras, interleaved; from its 400th frame on, one camera
 * sends them under severe noise (a dirty lens at night), or re-encoded as JPEG at quality 54 (a proxy saving
 * bandwidth: no sequential test on the pixels or the scores found it in the drift suite, its files' quantisation
 * tables say so from the first one). A simulated reviewer answers every task with the true class.
 * The changed camera gets a regime of its own and the model labels that stand on it after the change (not recalled,
 * not audited) stay accurate; the other camera keeps the common thresholds and its share. (Measured before the
 * workers applied the policy's usual input bounds: 4 model labels after the change, 1 wrong; the camera's 327 labels
 * before it held 6 errors, so the camera's labels as a whole are no test of the reaction.)
 */
class DriftEndToEndIT {

  private static final Path ROOT = Path.of(System.getProperty("labelstream.root"));
  private static final int CHANGE_AT = 400;
  private static final String CHANGED_DEVICE = "truck-a";
  private static final String CHANGED_CAMERA = "front";
  private static final String STEADY_DEVICE = "truck-b";

  private record Sent(String device, int sample, int truth) {}

  /** How the camera changes: the kind and step of the drift suite, the files' type, the signal expected to find it. */
  record Change(DriftKind kind, int step, String contentType, String signal) {
    @Override
    public String toString() {
      return kind + " step " + step + " as " + contentType;
    }
  }

  static List<Change> changes() {
    return List.of(new Change(DriftKind.NOISE, DriftKind.STEPS, "image/png", null),
        new Change(DriftKind.JPEG, DriftKind.STEPS / 2, "image/jpeg", "jpegQuality"));
  }

  @ParameterizedTest
  @MethodSource("changes")
  void shouldGiveTheChangedCameraItsOwnRegime_keepItsLabelsAccurate_andLeaveTheOtherCameraItsShare(Change change)
      throws Exception {
    List<SampleFrames.Sample> samples = SampleFrames.load(ROOT.resolve("model/samples"));
    Map<String, Sent> sent = new HashMap<>();
    EvaluationServices.Records records;
    try (EvaluationServices services = EvaluationServices.start(Map.of())) {
      SimulatedReviewer reviewer = new SimulatedReviewer(services);
      reviewer.start();
      for (int i = 0; i < samples.size(); i++) {
        SampleFrames.Sample sample = samples.get(i);
        byte[] png = Files.readAllBytes(sample.file());
        byte[] changed = i < CHANGE_AT ? png
            : change.kind().frame(GreyImages.pixels(png, 28), i, change.step()).encoded();
        String a = services.post(changed, i < CHANGE_AT ? "image/png" : change.contentType(), "a-" + i, CHANGED_DEVICE,
            CHANGED_CAMERA);
        String b = services.post(png, "image/png", "b-" + i, STEADY_DEVICE, null);
        String answer = "{\"label\":\"" + sample.className() + "\"}";
        reviewer.answer(a, answer);
        reviewer.answer(b, answer);
        sent.put(a, new Sent(CHANGED_DEVICE, i, sample.classIndex()));
        sent.put(b, new Sent(STEADY_DEVICE, i, sample.classIndex()));
      }
      services.awaitRouted(sent.size());
      reviewer.finishAll(() -> services.reviewRequests().size());
      services.awaitPolicy(sent.size());
      records = services.records();
    }

    // Every prediction says which camera its frame came from.
    assertThat(records.predictions()).hasSize(sent.size());
    records.predictions().forEach((frameId, p) -> {
      assertThat(p.getDeviceId()).isEqualTo(sent.get(frameId).device());
      assertThat(p.getCameraId()).isEqualTo(sent.get(frameId).device().equals(CHANGED_DEVICE) ? CHANGED_CAMERA : null);
    });

    // The change was detected on the changed camera, after it began, and that camera alone got a regime of its own.
    Policy policy = records.lastPolicy();
    assertThat(policy.getDriftEvents()).isNotEmpty();
    DriftEventRecord first = policy.getDriftEvents().get(0);
    assertThat(first.getScope()).isEqualTo(CHANGED_DEVICE + "/" + CHANGED_CAMERA);
    assertThat(first.getDetectedAtFrame()).isGreaterThan(2L * CHANGE_AT);
    if (change.signal() != null) {
      assertThat(first.getSignal()).isEqualTo(change.signal());
    }
    assertThat(policy.getDriftEvents()).allSatisfy(e -> assertThat(e.getScope()).doesNotStartWith(STEADY_DEVICE));
    assertThat(policy.getCameras()).extracting(CameraPolicy::getDeviceId).containsExactly(CHANGED_DEVICE);
    assertThat(policy.getThresholds()).allSatisfy(t -> assertThat(t).isLessThan(PolicyThresholds.CLOSED));

    // The changed camera's model labels that stand after the change stay accurate: a label the change recalled, or
    // an audited one, ends with a person's answer as the frame's final label (as the drift suite counts them).
    int labelled = 0;
    int labelledAfter = 0;
    int rightAfter = 0;
    int standingAfter = 0;
    int rightStandingAfter = 0;
    int[] steadyFrames = new int[2];
    int[] steadyLabelled = new int[2];
    for (Map.Entry<String, Prediction> entry : records.predictions().entrySet()) {
      Sent frame = sent.get(entry.getKey());
      Prediction p = entry.getValue();
      boolean model = p.getRoute() == Route.MODEL_LABEL;
      boolean after = frame.sample() >= CHANGE_AT;
      boolean right = p.getClassIndex() == frame.truth();
      if (frame.device().equals(CHANGED_DEVICE) && model) {
        labelled++;
        labelledAfter += after ? 1 : 0;
        rightAfter += after && right ? 1 : 0;
        boolean standing = after && !records.humanLabels().containsKey(entry.getKey());
        standingAfter += standing ? 1 : 0;
        rightStandingAfter += standing && right ? 1 : 0;
      }
      if (frame.device().equals(STEADY_DEVICE)) {
        steadyFrames[after ? 1 : 0]++;
        steadyLabelled[after ? 1 : 0] += model ? 1 : 0;
      }
    }
    System.out.printf("%s: changed camera: %d model labels; after the change %d written, %d right, %d standing, %d "
        + "right; steady camera share %d/%d before, %d/%d after%n", change, labelled, labelledAfter, rightAfter,
        standingAfter, rightStandingAfter, steadyLabelled[0], steadyFrames[0], steadyLabelled[1], steadyFrames[1]);
    // Before the change the camera was labelled as usual. After it, its frames are so unlike the camera's usual
    // inputs that the workers send nearly all of them to people before the sequential test is sure (without those
    // bounds, 4 labels, 1 wrong); the few written before the alarm are recalled when it sounds (seen in some runs:
    // 2 written, 1 wrong, neither standing). What stands is held to the floor.
    assertThat(labelled - labelledAfter).as("model labels before the change").isGreaterThan(CHANGE_AT / 2);
    assertThat(standingAfter == 0 ? 1.0 : (double) rightStandingAfter / standingAfter)
        .as("accuracy of the model labels standing after the change").isGreaterThanOrEqualTo(0.985);

    // The steady camera kept its share: the changed camera's frames did not close the stream for it.
    double before = (double) steadyLabelled[0] / steadyFrames[0];
    double afterShare = (double) steadyLabelled[1] / steadyFrames[1];
    assertThat(before).isGreaterThan(0.5);
    assertThat(afterShare).isGreaterThanOrEqualTo(0.9 * before);
  }
}
