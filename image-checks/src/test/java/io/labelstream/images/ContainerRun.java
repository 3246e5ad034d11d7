package io.labelstream.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an image without a container engine, the way one would run it: the entrypoint as PID 1 of new mount and
 * PID namespaces, chrooted into the image's unpacked layers with /proc and the usual device nodes, as the image's
 * user (no capabilities, no supplementary groups), in its working directory, with the image's environment and
 * nothing of the host's. The network is the host's, so a service inside listens on the host's loopback. The
 * namespaces, and the /proc mount with them, end with the process. Needs root and util-linux's unshare.
 */
final class ContainerRun {

  static final Path UNSHARE = Path.of("/usr/bin/unshare");

  /** The device nodes a runtime gives every container (name, major, minor). */
  private static final List<List<String>> DEVICES = List.of(
      List.of("null", "1", "3"), List.of("zero", "1", "5"), List.of("full", "1", "7"),
      List.of("random", "1", "8"), List.of("urandom", "1", "9"), List.of("tty", "5", "0"));

  private final String name;
  private final Process process;

  private ContainerRun(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  /** True where this can work: Linux, as root, with unshare(1). */
  static boolean supported() {
    try {
      // /proc/self belongs to the effective user of the process looking at it.
      return Files.isExecutable(UNSHARE) && Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /**
   * Starts {@code image}, already unpacked into {@code rootfs}, with {@code overrides} on top of its environment
   * (as {@code docker run -e} would); its stdout and stderr go to the two files given.
   */
  static ContainerRun start(String name, ImageTarball image, Path rootfs, Map<String, String> overrides, Path stdout,
      Path stderr) throws IOException, InterruptedException {
    Path dev = rootfs.resolve("dev");
    Files.createDirectories(dev);
    for (List<String> device : DEVICES) {
      if (!Files.exists(dev.resolve(device.get(0)))) {
        Commands.run(List.of("mknod", "-m", "666", dev.resolve(device.get(0)).toString(), "c", device.get(1), device.get(2)));
      }
    }
    String[] user = image.user().split(":");
    List<String> command = new ArrayList<>(List.of(UNSHARE.toString(), "--mount", "--pid", "--fork", "--kill-child",
        "--root=" + rootfs.toAbsolutePath(), "--mount-proc=/proc", "--wd=" + image.workingDir(),
        "--setuid=" + user[0], "--setgid=" + (user.length > 1 ? user[1] : user[0]), "--"));
    command.addAll(image.entrypoint());
    command.addAll(image.cmd());
    Files.createDirectories(stdout.getParent());
    Files.createDirectories(stderr.getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    builder.environment().clear();
    builder.environment().putAll(image.env());
    builder.environment().putAll(overrides);
    return new ContainerRun(name, builder.start());
  }

  boolean alive() {
    return process.isAlive();
  }

  /**
   * Stops the container as a runtime does: SIGTERM to its PID 1 (the service's shutdown hook runs), SIGKILL after
   * a grace period. unshare itself ignores SIGTERM, so the signal goes to the process it started.
   */
  void stop() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroy);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException(name + " did not stop within 30 s of SIGTERM");
    }
  }
}
