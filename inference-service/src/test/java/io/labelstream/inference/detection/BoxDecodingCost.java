package io.labelstream.inference.detection;

import io.labelstream.inference.image.FrameDecoder;
import io.labelstream.inference.image.FramePlacement;
import io.labelstream.inference.model.DetectionOutput;
import io.labelstream.inference.model.DetectorOutput;
import io.labelstream.inference.model.InputSpec;
import io.labelstream.inference.model.OnnxModel;
import io.labelstream.inference.model.SessionSettings;
import io.labelstream.platform.model.ModelFolder;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Run by hand, not a test: what decoding boxes costs per frame for yolo11n's layout ([84, 8400]), on the model
 * thread. Two outputs: the yolo11n test model's on its reference scene (a trained model's usual case: a few hundred
 * anchors over the 0.05 floor), and a worst case where every anchor clears it.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat cp.txt) io.labelstream.inference.detection.BoxDecodingCost
 * </pre>
 */
public final class BoxDecodingCost {

  private BoxDecodingCost() {}

  public static void main(String[] args) throws Exception {
    DetectionOutput spec = new DetectionOutput.Yolo("output0", DetectionOutput.Limits.defaults());
    BoxDecoder decoder = new BoxDecoder(spec, 80, 640, 640);
    FramePlacement placement = FramePlacement.of(InputSpec.Resize.LETTERBOX, 640, 480, 640, 640);
    DetectorOutput scene;
    try (OnnxModel model = OnnxModel.load(ModelFolder.of(Yolo11nReferenceTest.FOLDER), SessionSettings.defaults())) {
      FrameDecoder.Fitted fitted = new FrameDecoder(model.card().input())
          .decodeFitted(Files.readAllBytes(Yolo11nReferenceTest.FOLDER.resolve("scene-640x480.png")));
      scene = model.detect(List.of(fitted.tensor()))[0];
    }
    Random random = new Random(1);
    float[] worst = new float[84 * 8400];
    for (int a = 0; a < 8400; a++) {
      worst[a] = random.nextFloat() * 640;
      worst[8400 + a] = random.nextFloat() * 640;
      worst[2 * 8400 + a] = 10 + random.nextFloat() * 100;
      worst[3 * 8400 + a] = 10 + random.nextFloat() * 100;
    }
    for (int i = 4 * 8400; i < worst.length; i++) {
      worst[i] = 0.05f + random.nextFloat() * 0.5f;
    }
    DetectorOutput everyAnchor = new DetectorOutput(Map.of("output0",
        new DetectorOutput.Tensor(worst, new int[] {84, 8400})));
    measure("yolo11n test model, reference scene", decoder, scene, placement, 3000);
    measure("every anchor over the 0.05 floor (worst case)", decoder, everyAnchor, placement, 100);
  }

  private static void measure(String what, BoxDecoder decoder, DetectorOutput output, FramePlacement placement,
      int rounds) {
    Detections found = null;
    for (int i = 0; i < rounds; i++) { // warm-up
      found = decoder.decode(output, placement);
    }
    long start = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      found = decoder.decode(output, placement);
    }
    double micros = (System.nanoTime() - start) / 1e3 / rounds;
    System.out.printf(Locale.ROOT, "%s: %.0f us per frame (%d boxes, %d candidates)%n", what, micros,
        found.boxes().size(), found.candidates().size());
  }
}
