package io.labelstream.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An image tarball in the {@code docker save} layout Jib's buildTar writes: {@code manifest.json} names the image,
 * its config and its layers (gzipped tars, base first). Unpacked with the host's tar into a directory of its own.
 */
final class ImageTarball {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";

  private final Path dir;
  private final JsonNode manifest;
  private final JsonNode config;
  private Set<String> files;

  private ImageTarball(Path dir, JsonNode manifest, JsonNode config) {
    this.dir = dir;
    this.manifest = manifest;
    this.config = config;
  }

  static ImageTarball unpack(Path tarball, Path dir) throws IOException, InterruptedException {
    if (!Files.isRegularFile(tarball)) {
      throw new IOException("no image tarball at " + tarball + ": build it with mvn -Pimages package");
    }
    deleteRecursively(dir);
    Files.createDirectories(dir);
    Commands.run(List.of("tar", "-xf", tarball.toString(), "-C", dir.toString()));
    JsonNode manifest = JSON.readTree(dir.resolve("manifest.json").toFile());
    if (manifest.size() != 1) {
      throw new IOException(tarball + " holds " + manifest.size() + " images, expected one");
    }
    JsonNode image = manifest.get(0);
    return new ImageTarball(dir, image, JSON.readTree(dir.resolve(image.get("Config").asText()).toFile()));
  }

  String repoTag() {
    return manifest.get("RepoTags").get(0).asText();
  }

  /** The image config's {@code config} object: Entrypoint, Cmd, User, Env, ExposedPorts, WorkingDir, Labels. */
  JsonNode container() {
    return config.get("config");
  }

  List<String> entrypoint() {
    return strings(container().get("Entrypoint"));
  }

  List<String> cmd() {
    return strings(container().get("Cmd"));
  }

  String user() {
    return container().path("User").asText("");
  }

  String workingDir() {
    return container().path("WorkingDir").asText("/");
  }

  /** Env entries in image order; a later entry for the same name wins, as in a container. */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String entry : strings(container().get("Env"))) {
      int eq = entry.indexOf('=');
      env.put(entry.substring(0, eq), entry.substring(eq + 1));
    }
    return env;
  }

  Set<String> exposedPorts() {
    Set<String> ports = new LinkedHashSet<>();
    container().path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
    return ports;
  }

  Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    container().path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  List<Path> layers() {
    List<Path> layers = new ArrayList<>();
    manifest.get("Layers").forEach(layer -> layers.add(dir.resolve(layer.asText())));
    return layers;
  }

  /** Every path in every layer, without the leading "./" or "/" (so "app/libs/x.jar", "usr/bin/java"). */
  synchronized Set<String> files() throws IOException, InterruptedException {
    if (files == null) {
      Set<String> all = new LinkedHashSet<>();
      for (Path layer : layers()) {
        all.addAll(list(layer));
      }
      files = all;
    }
    return files;
  }

  /**
   * Unpacks the layers in order into {@code rootfs}, applying each layer's whiteouts (files and directories an
   * upper layer deletes) the way a container runtime does. Owners and modes are kept when run as root.
   */
  void extractTo(Path rootfs) throws IOException, InterruptedException {
    deleteRecursively(rootfs);
    Files.createDirectories(rootfs);
    Path root = rootfs.toRealPath();
    for (Path layer : layers()) {
      for (String path : list(layer)) {
        Path entry = root.resolve(path);
        requireInside(root, entry);
        String name = entry.getFileName().toString();
        if (name.equals(OPAQUE)) {
          if (Files.isDirectory(entry.getParent(), LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> children = Files.list(entry.getParent())) {
              for (Path child : children.toList()) {
                deleteRecursively(child);
              }
            }
          }
        } else if (name.startsWith(WHITEOUT)) {
          deleteRecursively(entry.resolveSibling(name.substring(WHITEOUT.length())));
        }
      }
      Commands.run(List.of("tar", "-xzf", layer.toString(), "-C", rootfs.toString(), "--exclude=.wh.*",
          "--warning=no-unknown-keyword"));
    }
  }

  /**
   * Refuses an entry whose directory, as it exists so far, leads out of the root filesystem through a symlink (Debian
   * has absolute ones, such as /var/run): unpacked as root on the host, it would write or delete host files.
   */
  private static void requireInside(Path root, Path entry) throws IOException {
    Path existing = entry.getParent();
    while (!Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (!existing.toRealPath().startsWith(root)) {
      throw new IOException(entry + " lies outside the image's root filesystem (through a symlink)");
    }
  }

  private static List<String> list(Path layer) throws IOException, InterruptedException {
    return Commands.run(List.of("tar", "-tzf", layer.toString(), "--warning=no-unknown-keyword")).lines()
        .map(line -> line.replaceFirst("^\\./", "").replaceFirst("^/", "").replaceFirst("/$", ""))
        .filter(line -> !line.isEmpty() && !line.equals("."))
        .toList();
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    if (array != null) {
      array.forEach(value -> values.add(value.asText()));
    }
    return values;
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
