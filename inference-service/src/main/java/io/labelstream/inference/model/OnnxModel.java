package io.labelstream.inference.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ensemble model in ONNX Runtime. One call runs a whole batch: the input is fed from a direct, native-order
 * buffer (ONNX Runtime copies heap buffers) and the outputs are read as flat buffers.
 *
 * <p>The graph takes {@code [N,1,H,W]} float32 raw grey values and returns {@code mean_probs [N,C]} and
 * {@code member_probs [N,K,C]}.
 */
public final class OnnxModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OnnxModel.class);
  static final String BUNDLED = "/model/fashion-mnist-ensemble.onnx";

  private final OrtEnvironment env;
  private final OrtSession session;
  private final ModelCard card;
  /** One input buffer per calling thread, grown to the largest batch seen: allocating direct memory is slow. */
  private final ThreadLocal<FloatBuffer> inputBuffers = new ThreadLocal<>();

  private OnnxModel(OrtEnvironment env, OrtSession session, ModelCard card) {
    this.env = env;
    this.session = session;
    this.card = card;
  }

  /** Loads the model at {@code path} (with its card beside it), or the bundled model when empty. */
  public static OnnxModel load(Optional<Path> path, int intraOpThreads) throws IOException, OrtException {
    SessionSettings defaults = SessionSettings.defaults();
    return load(path, new SessionSettings(defaults.device(), defaults.fallbackToCpu(), intraOpThreads,
        defaults.interOpThreads(), defaults.optimization(), defaults.memoryArena(), defaults.allowSpinning()));
  }

  /** Loads the model with the given session settings (device, threads, optimisation, arena). */
  public static OnnxModel load(Optional<Path> path, SessionSettings settings) throws IOException, OrtException {
    byte[] onnx;
    byte[] card;
    if (path.isPresent()) {
      Path model = path.get();
      Path cardPath = model.resolveSibling(model.getFileName().toString().replaceFirst("\\.onnx$", "") + ".card.json");
      onnx = Files.readAllBytes(model);
      card = Files.readAllBytes(cardPath);
    } else {
      onnx = resource(BUNDLED);
      card = resource(BUNDLED.replace(".onnx", ".card.json"));
    }
    ModelCard modelCard = ModelCard.parse(card);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      SessionSettings.Device device = settings.apply(options, SessionSettings.availableProviders());
      OrtSession session = env.createSession(onnx, options);
      LOG.info("loaded model {} {} ({} classes, input {} {}x{}) on {}", modelCard.name(), modelCard.version(),
          modelCard.classNames().size(), modelCard.input().name(), modelCard.input().width(), modelCard.input().height(), device);
      return new OnnxModel(env, session, modelCard);
    }
  }

  public ModelCard card() {
    return card;
  }

  /** Pixels each frame must have: one grey channel at the card's size. */
  public int pixelsPerFrame() {
    return card.input().valuesPerImage();
  }

  /** Runs the model on {@code frames.size()} frames of {@link #pixelsPerFrame()} raw grey values each. */
  public ModelOutput[] run(List<float[]> frames) throws OrtException {
    int n = frames.size();
    int pixels = pixelsPerFrame();
    FloatBuffer input = inputBuffer(n * pixels);
    for (float[] frame : frames) {
      input.put(frame);
    }
    input.rewind();
    long[] shape = {n, 1, card.input().height(), card.input().width()};
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, shape);
        OrtSession.Result result = session.run(Map.of(card.input().name(), tensor))) {
      FloatBuffer mean = outputBuffer(result, "mean_probs");
      OnnxTensor membersTensor = (OnnxTensor) result.get("member_probs").orElseThrow(
          () -> new IllegalStateException("the model has no member_probs output"));
      long[] memberShape = membersTensor.getInfo().getShape();
      int members = (int) memberShape[1];
      int classes = (int) memberShape[2];
      FloatBuffer memberProbs = membersTensor.getFloatBuffer();
      ModelOutput[] outputs = new ModelOutput[n];
      for (int i = 0; i < n; i++) {
        float[] meanProbs = new float[classes];
        mean.get(i * classes, meanProbs);
        float[][] perMember = new float[members][classes];
        for (int k = 0; k < members; k++) {
          memberProbs.get((i * members + k) * classes, perMember[k]);
        }
        outputs[i] = new ModelOutput(meanProbs, perMember);
      }
      return outputs;
    }
  }

  private FloatBuffer inputBuffer(int floats) {
    FloatBuffer buffer = inputBuffers.get();
    if (buffer == null || buffer.capacity() < floats) {
      buffer = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
      inputBuffers.set(buffer);
    }
    buffer.clear();
    buffer.limit(floats);
    return buffer;
  }

  private static FloatBuffer outputBuffer(OrtSession.Result result, String name) {
    return ((OnnxTensor) result.get(name).orElseThrow(
        () -> new IllegalStateException("the model has no " + name + " output"))).getFloatBuffer();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = OnnxModel.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("bundled model resource " + name + " is missing from the classpath");
      }
      return in.readAllBytes();
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
