package io.labelstream.inference.image;

import io.labelstream.inference.model.InputSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The reference tensors {@code src/test/resources/preprocessing/make_fixtures.py} computed in NumPy: the card
 * input variants ({@code variants.csv}), the small PNG pictures and, per picture and variant, the tensor.
 */
final class ReferenceTensors {

  static final String DIR = "/preprocessing/";
  static final List<String> PICTURES = List.of("colour-64x48", "colour-50x70", "colour-20x12", "grey-40x30",
      "grey16-30x18");

  private ReferenceTensors() {}

  record Variant(String name, InputSpec input) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Variant> variants() {
    String[] lines = new String(bytes("variants.csv"), StandardCharsets.UTF_8).split("\n");
    List<Variant> variants = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].split(",");
      variants.add(new Variant(f[0], new InputSpec("input", InputSpec.Layout.valueOf(f[1]), Integer.parseInt(f[2]),
          InputSpec.ColorOrder.valueOf(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]),
          InputSpec.Resize.valueOf(f[6].toUpperCase(Locale.ROOT)), Integer.parseInt(f[7]),
          InputSpec.DType.valueOf(f[8]), Float.parseFloat(f[9]), floats(f[10]), floats(f[11]))));
    }
    return variants;
  }

  static byte[] png(String picture) {
    return bytes(picture + ".png");
  }

  /** The reference tensor; for uint8 variants the values before their rounding to whole numbers. */
  static float[] tensor(String picture, Variant variant) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes(picture + "." + variant.name() + ".f32")).order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[buffer.remaining() / 4];
    buffer.asFloatBuffer().get(values);
    return values;
  }

  private static float[] floats(String spaced) {
    String[] parts = spaced.trim().split(" ");
    float[] values = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = Float.parseFloat(parts[i]);
    }
    return values;
  }

  static byte[] bytes(String name) {
    try (InputStream in = ReferenceTensors.class.getResourceAsStream(DIR + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + DIR + name + " (make_fixtures.py writes it)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
