package io.labelstream.platform.config;

import static io.labelstream.platform.config.ValueType.path;

import java.nio.file.Path;
import java.util.List;

/** What {@code ./labelstream evaluate} and {@code bench} read besides the services' settings they exercise. */
public final class ToolVariables {

  private static final Declarations D = new Declarations(Scope.TOOLS);

  public static final Setting<Path> LABELSTREAM_FASHION_MNIST = D.variable("LABELSTREAM_FASHION_MNIST",
          path("a folder with t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz"))
      .byDefault(Path.of("/usr/share/datasets/fashion-mnist"))
      .doc("The Fashion-MNIST test set `evaluate --e2e` posts (Debian package dataset-fashion-mnist).");

  private ToolVariables() {}

  static List<Setting<?>> all() {
    return D.all();
  }
}
