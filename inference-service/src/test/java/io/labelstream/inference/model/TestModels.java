package io.labelstream.inference.model;

import io.labelstream.platform.model.ModelFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The tiny generated classifiers under src/test/resources/models (see src/test/python/make_test_models.py). */
final class TestModels {

  /** torchvision style: [N,3,224,224] float32 RGB, ImageNet normalisation, logits; classes red, green, blue. */
  static final String COLOUR_NCHW_LOGITS = "colour-nchw-logits";
  /** [N,120,160,3] uint8 BGR, probabilities; classes red, green, blue from a labels file. */
  static final String COLOUR_NHWC_UINT8_BGR = "colour-nhwc-uint8-bgr";
  /** [N,1,32,32] float32 grey scaled to 0-1, logits; classes dark, bright. */
  static final String GREY_NCHW_LOGITS = "grey-nchw-logits";

  private TestModels() {}

  static Path folder(String name) {
    return Path.of("src", "test", "resources", "models", name);
  }

  static ModelFolder model(String name) throws IOException {
    return ModelFolder.of(folder(name));
  }

  /** A copy of the model {@code name} (with its labels file, if any) in {@code dir}, with {@code card} as its card. */
  static ModelFolder withCard(String name, String card, Path dir) throws IOException {
    try (var files = Files.list(folder(name))) {
      for (Path file : files.toList()) {
        Files.copy(file, dir.resolve(file.getFileName().toString()));
      }
    }
    Files.writeString(dir.resolve(name + ".card.json"), card);
    return ModelFolder.of(dir);
  }

  /** The model's own card, as text, to derive a broken one from. */
  static String card(String name) throws IOException {
    return Files.readString(folder(name).resolve(name + ".card.json"));
  }

  /**
   * The input tensor of a picture filled with one 0-255 RGB colour, made the way the decoding contract says
   * ({@link InputSpec}): in the card's layout and channel order, normalised for float32, raw for uint8. Written
   * here independently of the frame decoder, so a packing mistake in either shows.
   */
  static float[] solid(InputSpec input, int red, int green, int blue) {
    int[] rgb = {red, green, blue};
    int[] pixel = new int[input.channels()];
    if (input.channels() == 1) {
      pixel[0] = Math.round(0.299f * red + 0.587f * green + 0.114f * blue);
    } else {
      for (int c = 0; c < 3; c++) {
        pixel[c] = rgb[input.colorOrder() == InputSpec.ColorOrder.RGB ? c : 2 - c];
      }
    }
    float[] tensor = new float[input.valuesPerImage()];
    int plane = input.width() * input.height();
    for (int c = 0; c < input.channels(); c++) {
      float value = input.dtype() == InputSpec.DType.UINT8 ? pixel[c]
          : (pixel[c] * input.scale() - input.mean()[c]) / input.std()[c];
      for (int p = 0; p < plane; p++) {
        tensor[input.layout() == InputSpec.Layout.NCHW ? c * plane + p : p * input.channels() + c] = value;
      }
    }
    return tensor;
  }
}
