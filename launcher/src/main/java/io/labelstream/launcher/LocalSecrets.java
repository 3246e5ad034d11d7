package io.labelstream.launcher;

import io.labelstream.platform.auth.BearerTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Secrets a local run ({@code up}, {@code demo}) makes up once and keeps in the data folder, next to the embedded
 * broker's data: a frame-id secret must outlive a restart, or a fleet's retry after it gets a new frame id.
 */
final class LocalSecrets {

  private LocalSecrets() {}

  /** The ingest frame-id secret kept in {@code dataDir}/ingest/frame-id-secret, made up on the first run. */
  static String frameIdSecret(Path dataDir) {
    Path file = dataDir.resolve("ingest").resolve("frame-id-secret");
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(file.getParent());
        create(file, BearerTokens.randomToken() + BearerTokens.randomToken());
      }
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the frame-id secret in " + file + " (set INGEST_FRAME_ID_SECRET or "
          + "LABELSTREAM_DATA_DIR)", e);
    }
  }

  /** Writes the file readable by its owner only (where the file system has POSIX permissions). */
  private static void create(Path file, String secret) throws IOException {
    try {
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException anotherRun) {
      return; // a run started at the same moment made it first: use theirs
    }
    Files.writeString(file, secret, StandardCharsets.UTF_8);
  }
}
