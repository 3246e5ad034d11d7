package io.labelstream.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 fixture: a real S3 server ({@link S3Server}) per test class, with one bucket made, in a temporary folder
 * that is removed afterwards.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final S3ServerExtension S3 = new S3ServerExtension("frames");
 * ... S3.server().endpoint(), S3.frameStoreSettings()
 * }</pre>
 */
public final class S3ServerExtension implements BeforeAllCallback, AfterAllCallback {

  private final String bucket;
  private Path workDir;
  private S3Server server;

  public S3ServerExtension(String bucket) {
    this.bucket = bucket;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    workDir = Files.createTempDirectory("labelstream-s3-");
    server = S3Server.start(workDir);
    server.createBucket(bucket);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
    }
    deleteRecursively(workDir);
  }

  public S3Server server() {
    if (server == null) {
      throw new IllegalStateException("the S3 server is not running; register the extension as static");
    }
    return server;
  }

  public String bucket() {
    return bucket;
  }

  /**
   * The frame store variables a service reads to use this server ({@code FRAME_STORE}, endpoint, key), with the
   * objects under {@code prefix} ({@code ""} for the bucket's root).
   */
  public Map<String, String> frameStoreVariables(String prefix) {
    return Map.of(
        "FRAME_STORE", "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix),
        "FRAME_STORE_S3_ENDPOINT", server().endpoint().toString(),
        "FRAME_STORE_S3_REGION", S3Server.REGION,
        "FRAME_STORE_S3_ACCESS_KEY_ID", server().accessKeyId(),
        "FRAME_STORE_S3_SECRET_ACCESS_KEY", server().secretAccessKey());
  }

  private static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the S3 server's temporary folder " + dir, e);
    }
  }
}
