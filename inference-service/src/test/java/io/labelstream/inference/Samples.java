package io.labelstream.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The bundled sample images (first Fashion-MNIST test images) and their true class indices. */
public final class Samples {

  private Samples() {}

  public static Path dir() {
    return Path.of(System.getProperty("labelstream.root", "..")).resolve("model/samples");
  }

  public static byte[] png(int index) {
    try {
      return Files.readAllBytes(dir().resolve(String.format("test-%05d.png", index)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int trueClass(int index) {
    try {
      List<String> lines = Files.readAllLines(dir().resolve("labels.csv"), StandardCharsets.UTF_8);
      return Integer.parseInt(lines.get(index + 1).split(",")[1]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
