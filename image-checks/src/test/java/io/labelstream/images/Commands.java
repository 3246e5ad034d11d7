package io.labelstream.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the host tools the image checks lean on (tar, mknod, mvn) and fails with their output when they fail. */
final class Commands {

  private Commands() {}

  static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    if (exit != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + exit + ":\n" + output);
    }
    return output;
  }
}
