package io.labelstream.inference.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.labelstream.platform.model.ModelFolder;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An image classifier in ONNX Runtime, fed and read as its model card says: any layout, channel count and element
 * type of input, probabilities or logits out, with or without an ensemble's per-member answers. One call runs a
 * whole batch from a direct buffer (see {@link BatchTensor}).
 *
 * <p>The card is checked against the graph when the model loads, so a card that does not describe its graph stops
 * the worker at start-up with a message naming the field, instead of producing wrong labels.
 */
public final class OnnxModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OnnxModel.class);

  private final OrtEnvironment env;
  private final OrtSession session;
  private final ModelCard card;
  private final GraphSignature graph;
  private final BatchTensor batchTensor;
  /** The batch size the graph fixes, or 0 when its batch axis is dynamic. */
  private final int fixedBatch;

  private OnnxModel(OrtEnvironment env, OrtSession session, ModelCard card, GraphSignature graph, int fixedBatch) {
    this.env = env;
    this.session = session;
    this.card = card;
    this.graph = graph;
    this.batchTensor = new BatchTensor(card.input());
    this.fixedBatch = fixedBatch;
  }

  /** Loads the model at {@code path} (with its card beside it), or the bundled model when empty. */
  public static OnnxModel load(Optional<Path> path, int intraOpThreads) throws IOException, OrtException {
    SessionSettings defaults = SessionSettings.defaults();
    return load(ModelFolder.of(path), new SessionSettings(defaults.device(), defaults.fallbackToCpu(), intraOpThreads,
        defaults.interOpThreads(), defaults.optimization(), defaults.memoryArena(), defaults.allowSpinning()));
  }

  /** Loads the model at {@code path} (with its card beside it), or the bundled model when empty. */
  public static OnnxModel load(Optional<Path> path, SessionSettings settings) throws IOException, OrtException {
    return load(ModelFolder.of(path), settings);
  }

  /**
   * Loads the model in {@code folder} with the given session settings (device, threads, optimisation, arena), and
   * checks its card against its graph.
   *
   * @throws ModelCardException when the card is invalid or does not describe the graph; the message names the field
   */
  public static OnnxModel load(ModelFolder folder, SessionSettings settings) throws IOException, OrtException {
    ModelCard card = ModelCard.read(folder);
    byte[] onnx = folder.onnx();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      SessionSettings.Device device = settings.apply(options, SessionSettings.availableProviders());
      OrtSession session = env.createSession(onnx, options);
      try {
        GraphSignature graph = GraphSignature.of(session);
        Optional<Long> fixedBatch = CardGraphCheck.check(card, graph);
        if (card.detects()) {
          LOG.info("loaded detection model {} {} from {} ({} classes, input {}, output {} {} {}) on {}", card.name(),
              card.version(), folder.location(), card.classNames().size(), card.input(), card.detection().format(),
              card.detection().outputNames(), card.detection().limits(), device);
        } else {
          LOG.info("loaded model {} {} from {} ({} classes, input {}, output {} {}{}{}) on {}", card.name(),
              card.version(), folder.location(), card.classNames().size(), card.input(), card.output().name(),
              card.output().kind(), card.output().hasMembers() ? ", members " + card.output().members() : "",
              card.flipsHorizontally() ? ", horizontal-flip test-time augmentation" : "", device);
        }
        return new OnnxModel(env, session, card, graph, fixedBatch.map(Long::intValue).orElse(0));
      } catch (IOException | RuntimeException | OrtException e) {
        session.close();
        throw e;
      }
    }
  }

  public ModelCard card() {
    return card;
  }

  /** What the graph takes and returns, as ONNX Runtime reports it. */
  public GraphSignature graph() {
    return graph;
  }

  /** Values in each image's input tensor: {@link InputSpec#valuesPerImage()} of the card's input. */
  public int pixelsPerFrame() {
    return card.input().valuesPerImage();
  }

  /**
   * Runs the model on {@code frames.size()} images, each an input tensor of {@link #pixelsPerFrame()} values in the
   * card's layout (as the frame decoder makes them). With horizontal-flip test-time augmentation each image is also
   * run mirrored, and the two answers make a two-view ensemble.
   */
  public ModelOutput[] run(List<float[]> frames) throws OrtException {
    if (card.detects()) {
      throw new IllegalStateException("the model " + card.name() + " is a detection model: use detect()");
    }
    if (!card.flipsHorizontally()) {
      return runViews(frames, new boolean[frames.size()]);
    }
    int n = frames.size();
    List<float[]> views = new ArrayList<>(2 * n);
    views.addAll(frames);
    views.addAll(frames);
    boolean[] mirrored = new boolean[2 * n];
    Arrays.fill(mirrored, n, 2 * n, true);
    ModelOutput[] answers = runViews(views, mirrored);
    ModelOutput[] outputs = new ModelOutput[n];
    for (int i = 0; i < n; i++) {
      outputs[i] = twoViews(answers[i], answers[n + i]);
    }
    return outputs;
  }

  /** The original's and the mirror's answers as one ensemble: their mean, and every member of both. */
  private static ModelOutput twoViews(ModelOutput original, ModelOutput mirror) {
    float[] mean = new float[original.meanProbs().length];
    for (int c = 0; c < mean.length; c++) {
      mean[c] = (original.meanProbs()[c] + mirror.meanProbs()[c]) / 2f;
    }
    float[][] members;
    if (original.memberProbs().length == 0) {
      members = new float[][] {original.meanProbs(), mirror.meanProbs()};
    } else {
      members = new float[original.memberProbs().length + mirror.memberProbs().length][];
      System.arraycopy(original.memberProbs(), 0, members, 0, original.memberProbs().length);
      System.arraycopy(mirror.memberProbs(), 0, members, original.memberProbs().length, mirror.memberProbs().length);
    }
    return new ModelOutput(mean, members);
  }

  private ModelOutput[] runViews(List<float[]> views, boolean[] mirrored) throws OrtException {
    int n = views.size();
    ModelOutput[] outputs = new ModelOutput[n];
    int chunk = fixedBatch > 0 ? fixedBatch : Math.max(n, 1);
    for (int from = 0; from < n; from += chunk) {
      runChunk(views, from, chunk, mirrored, outputs);
    }
    return outputs;
  }

  private void runChunk(List<float[]> views, int from, int size, boolean[] mirrored, ModelOutput[] outputs)
      throws OrtException {
    int count = Math.min(size, views.size() - from);
    OutputSpec spec = card.output();
    try (OnnxTensor tensor = batchTensor.pack(env, views, from, size, mirrored);
        OrtSession.Result result = session.run(Map.of(card.input().name(), tensor))) {
      OnnxTensor scoresTensor = output(result, spec.name());
      long[] shape = scoresTensor.getInfo().getShape();
      int classes = (int) shape[1];
      if (classes != card.classNames().size()) {
        throw new IllegalStateException("the graph output '" + spec.name() + "' gave " + classes + " class scores per "
            + "image but the model card lists " + card.classNames().size() + " classNames");
      }
      FloatBuffer scores = scoresTensor.getFloatBuffer();
      FloatBuffer memberScores = null;
      int members = 0;
      if (spec.hasMembers()) {
        OnnxTensor membersTensor = output(result, spec.members());
        members = (int) membersTensor.getInfo().getShape()[1];
        memberScores = membersTensor.getFloatBuffer();
      }
      for (int i = 0; i < count; i++) {
        float[] probs = new float[classes];
        scores.get(i * classes, probs);
        spec.toProbabilities(probs);
        float[][] perMember = new float[members][classes];
        for (int k = 0; k < members; k++) {
          memberScores.get((i * members + k) * classes, perMember[k]);
          spec.toProbabilities(perMember[k]);
        }
        outputs[from + i] = new ModelOutput(probs, perMember);
      }
    }
  }

  /**
   * Runs a detection model on {@code frames.size()} images (input tensors as for {@link #run}) and returns each
   * image's raw answer: the outputs its card names, for the box decoder.
   */
  public DetectorOutput[] detect(List<float[]> frames) throws OrtException {
    if (!card.detects()) {
      throw new IllegalStateException("the model " + card.name() + " is a classifier: use run()");
    }
    int n = frames.size();
    DetectorOutput[] outputs = new DetectorOutput[n];
    int chunk = fixedBatch > 0 ? fixedBatch : Math.max(n, 1);
    boolean[] mirrored = new boolean[n];
    for (int from = 0; from < n; from += chunk) {
      int count = Math.min(chunk, n - from);
      try (OnnxTensor tensor = batchTensor.pack(env, frames, from, chunk, mirrored);
          OrtSession.Result result = session.run(Map.of(card.input().name(), tensor))) {
        List<Map<String, DetectorOutput.Tensor>> perImage = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          perImage.add(new java.util.HashMap<>());
        }
        for (String name : card.detection().outputNames()) {
          OnnxTensor out = output(result, name);
          long[] shape = out.getInfo().getShape();
          int[] imageShape = new int[shape.length - 1];
          int size = 1;
          for (int d = 1; d < shape.length; d++) {
            imageShape[d - 1] = (int) shape[d];
            size *= (int) shape[d];
          }
          float[] all = OutputNumbers.of(out);
          for (int i = 0; i < count; i++) {
            // A batch of one (yolo11n's export fixes it) needs no second copy.
            float[] values = all.length == size ? all : new float[size];
            if (values != all) {
              System.arraycopy(all, i * size, values, 0, size);
            }
            perImage.get(i).put(name, new DetectorOutput.Tensor(values, imageShape));
          }
        }
        for (int i = 0; i < count; i++) {
          outputs[from + i] = new DetectorOutput(perImage.get(i));
        }
      }
    }
    return outputs;
  }

  private static OnnxTensor output(OrtSession.Result result, String name) {
    return (OnnxTensor) result.get(name).orElseThrow(
        () -> new IllegalStateException("the model has no " + name + " output"));
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
