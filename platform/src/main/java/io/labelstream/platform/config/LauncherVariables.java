package io.labelstream.platform.config;

import static io.labelstream.platform.config.ValueType.path;
import static io.labelstream.platform.config.ValueType.text;

import java.nio.file.Path;
import java.util.List;

/** What {@code ./labelstream} itself reads, besides the services' settings it passes on. */
public final class LauncherVariables {

  private static final Declarations D = new Declarations(Scope.LAUNCHER);

  public static final Setting<Path> LABELSTREAM_DATA_DIR = D.variable("LABELSTREAM_DATA_DIR", path("a folder path"))
      .byDefault(Path.of("./data"))
      .doc("Where the embedded broker keeps its data (in kafka/ below it), across runs.");

  public static final Setting<Path> LABELSTREAM_SAMPLES = D.variable("LABELSTREAM_SAMPLES",
          path("a folder with the sample images and their labels.csv, and for detection scenes/ with scenes.json"))
      .byDefault(Path.of("model/samples"))
      .doc("The sample frames `demo` posts and `bench` sends; `demo --task detection` posts the scenes in its "
          + "`scenes/` folder (JPEG frames and their true boxes in `scenes.json`, COCO) and scores the detector's "
          + "boxes against them.");

  public static final Setting<String> LABELSTREAM_JAVA_OPTS = D.variable("LABELSTREAM_JAVA_OPTS", text("JVM options"))
      .doc("Options for the JVM the `./labelstream` script starts (read by the script, not by Java).");

  private LauncherVariables() {}

  static List<Setting<?>> all() {
    return D.all();
  }
}
