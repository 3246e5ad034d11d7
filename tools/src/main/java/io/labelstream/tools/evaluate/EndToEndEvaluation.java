package io.labelstream.tools.evaluate;

import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.Route;
import io.labelstream.tools.fashionmnist.FashionMnistIdx;
import io.labelstream.tools.fashionmnist.GreyImages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code ./labelstream evaluate --e2e}: the same scenario as the simulation for one seed, through the real services:
 * the 10,000 test images posted over HTTP in the seed's order, a reviewer answering every task through the review
 * API with the true label, and the outcome read back from the topics.
 */
final class EndToEndEvaluation {

  /** The model's classes, from its card: the simulated reviewer answers with the true class's name. */
  private final List<String> classes;

  EndToEndEvaluation(List<String> classes) {
    this.classes = List.copyOf(classes);
  }

  /** Runs seed {@code seed} end to end and returns the same figures the simulation reports. */
  StreamSimulation.Result run(Path dataset, long seed, int warmup, double target, Map<String, String> environment) throws Exception {
    byte[][] images = pngs(dataset.resolve("t10k-images-idx3-ubyte.gz"));
    int[] labels = FashionMnistIdx.labels(dataset.resolve("t10k-labels-idx1-ubyte.gz"));
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < images.length; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed));
    try (EvaluationServices services = EvaluationServices.start(environment)) {
      Map<String, Integer> truthByFrame = new HashMap<>();
      Map<String, Integer> positionByFrame = new HashMap<>();
      SimulatedReviewer reviewer = new SimulatedReviewer(services);
      reviewer.start();
      for (int position = 0; position < order.size(); position++) {
        int index = order.get(position);
        String frameId = services.post(images[index], "image/png", "test-" + index);
        truthByFrame.put(frameId, labels[index]);
        positionByFrame.put(frameId, position);
        reviewer.answer(frameId, "{\"label\":\"" + classes.get(labels[index]) + "\"}");
        if ((position + 1) % 500 == 0) {
          System.out.printf(Locale.ROOT, "\rposted %d/%d, answered %d review tasks", position + 1, order.size(),
              reviewer.answered());
        }
      }
      services.awaitRouted(order.size());
      reviewer.finishAll(() -> services.reviewRequests().size());
      services.awaitPolicy(order.size());
      System.out.println();
      return outcome(services.records(), positionByFrame, truthByFrame, seed, warmup, target);
    }
  }

  private StreamSimulation.Result outcome(EvaluationServices.Records records, Map<String, Integer> positionByFrame,
      Map<String, Integer> truthByFrame, long seed, int warmup, double target) {
    Map<String, Prediction> predictions = records.predictions();
    Map<String, Label> modelLabels = records.modelLabels();
    Policy last = records.lastPolicy();
    int modelLabelled = 0;
    int modelCorrect = 0;
    int afterWarmup = 0;
    int audits = 0;
    int[] classLabelled = new int[classes.size()];
    int[] classCorrect = new int[classes.size()];
    List<TestPredictions.Row> tail = new ArrayList<>();
    for (Map.Entry<String, Integer> frame : positionByFrame.entrySet()) {
      Prediction p = predictions.get(frame.getKey());
      int truth = truthByFrame.get(frame.getKey());
      if (frame.getValue() >= warmup) {
        tail.add(new TestPredictions.Row(frame.getValue(), truth, p.getClassIndex(), p.getScore()));
      }
      audits += p.getAudited() ? 1 : 0;
      if (p.getRoute() == Route.MODEL_LABEL) {
        boolean correct = modelLabels.get(frame.getKey()).getClassIndex() == truth;
        modelLabelled++;
        modelCorrect += correct ? 1 : 0;
        classLabelled[p.getClassIndex()]++;
        classCorrect[p.getClassIndex()] += correct ? 1 : 0;
        afterWarmup += frame.getValue() >= warmup ? 1 : 0;
      }
    }
    double worst = 1.0;
    int worstClass = -1;
    for (int c = 0; c < classes.size(); c++) {
      if (classLabelled[c] > 0 && (double) classCorrect[c] / classLabelled[c] < worst) {
        worst = (double) classCorrect[c] / classLabelled[c];
        worstClass = c;
      }
    }
    return new StreamSimulation.Result(seed, positionByFrame.size(), modelLabelled, modelCorrect, afterWarmup, tail.size(),
        worst, worstClass, records.writtenBound(), last.getOverall().getEstimate(), audits,
        StreamSimulation.oracleShare(tail, target), List.of(), last.getDriftEvents().size());
  }

  private static byte[][] pngs(Path idx) throws IOException {
    byte[][] raw = FashionMnistIdx.images(idx);
    byte[][] out = new byte[raw.length][];
    for (int i = 0; i < raw.length; i++) {
      out[i] = GreyImages.png(raw[i], 28);
    }
    return out;
  }
}
