package io.labelstream.tools.fashionmnist;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Reads the Fashion-MNIST idx files (as shipped by the Debian package dataset-fashion-mnist). */
public final class FashionMnistIdx {

  private FashionMnistIdx() {}

  /** The images of an idx3 file, each as {@code rows*cols} raw grey bytes. */
  public static byte[][] images(Path idx) throws IOException {
    try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(idx), 1 << 16))) {
      if (in.readInt() != 2051) {
        throw new IOException(idx + " is not an idx3 image file");
      }
      int count = in.readInt();
      int pixels = in.readInt() * in.readInt();
      byte[][] images = new byte[count][pixels];
      for (byte[] image : images) {
        in.readFully(image);
      }
      return images;
    }
  }

  /** The labels of an idx1 file. */
  public static int[] labels(Path idx) throws IOException {
    try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(idx)))) {
      if (in.readInt() != 2049) {
        throw new IOException(idx + " is not an idx1 label file");
      }
      int[] labels = new int[in.readInt()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = in.readUnsignedByte();
      }
      return labels;
    }
  }
}
