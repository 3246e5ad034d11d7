package io.labelstream.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-protocol server for tests: S3Proxy (from Maven Central) over a local folder, run as a child JVM on
 * 127.0.0.1, so the production S3 client code is what the tests exercise, over HTTP, with AWS signatures checked.
 *
 * <p>It is a child process rather than a library in the test JVM because S3Proxy's self-contained jar carries its own
 * Jetty, Guava and jclouds, which would clash with ours on one classpath. The build copies that jar to
 * {@code embedded-kafka/target/s3proxy/s3proxy.jar} and surefire and failsafe pass its path as the system property
 * {@value #JAR_PROPERTY}.
 *
 * <p>{@link #stop()} and {@link #restart()} simulate an outage: the server goes away and comes back on the same port
 * with the same objects. Every bucket is a folder under {@link #bucketsDir()}.
 *
 * <pre>{@code
 * try (S3Server s3 = S3Server.start(tempDir)) {
 *   s3.createBucket("frames");
 *   ... FRAME_STORE=s3://frames, FRAME_STORE_S3_ENDPOINT=s3.endpoint(), keys s3.accessKeyId() / s3.secretAccessKey()
 * }
 * }</pre>
 */
public final class S3Server implements AutoCloseable {

  /** The system property naming S3Proxy's self-contained jar. */
  public static final String JAR_PROPERTY = "labelstream.s3proxy.jar";
  /** The region the tests sign for; S3Proxy accepts any. */
  public static final String REGION = "us-east-1";

  private static final String ACCESS_KEY_ID = "labelstream-test";
  private static final String SECRET_ACCESS_KEY = "labelstream-test-secret";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path workDir;
  private final Path buckets;
  private final Path jar;
  private final int port;
  private final Thread reaper = new Thread(this::kill, "s3proxy-reaper");
  private Process process;

  private S3Server(Path workDir, Path jar, int port) {
    this.workDir = workDir;
    this.buckets = workDir.resolve("buckets");
    this.jar = jar;
    this.port = port;
  }

  /**
   * Starts a server on a free port, keeping its buckets, settings and log in {@code workDir}, and waits until it
   * answers.
   */
  public static S3Server start(Path workDir) {
    Path jar = jar();
    try {
      Files.createDirectories(workDir.resolve("buckets"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make S3Proxy's folder " + workDir, e);
    }
    IllegalStateException lastFailure = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      // a free port now may be taken by the time the child binds it; another port then
      S3Server server = new S3Server(workDir, jar, FreePort.onLoopback());
      try {
        server.launch();
        Runtime.getRuntime().addShutdownHook(server.reaper);
        return server;
      } catch (IllegalStateException e) {
        lastFailure = e;
      }
    }
    throw lastFailure;
  }

  /** The URL clients connect to, {@code http://127.0.0.1:<port>}; path-style addressing. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  public String accessKeyId() {
    return ACCESS_KEY_ID;
  }

  public String secretAccessKey() {
    return SECRET_ACCESS_KEY;
  }

  /** The folder the server keeps its buckets in, one sub-folder each. */
  public Path bucketsDir() {
    return buckets;
  }

  /** Makes a bucket (a folder of {@link #bucketsDir()}, which the server serves as a bucket at once). */
  public void createBucket(String bucket) {
    try {
      Files.createDirectories(buckets.resolve(bucket));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make bucket " + bucket, e);
    }
  }

  /** Whether the server process is running. */
  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Stops the server, as an outage would: connections are refused until {@link #restart()}. */
  public void stop() {
    kill();
  }

  /** Starts the server again on the same port over the same folder, and waits until it answers. */
  public void restart() {
    kill();
    IllegalStateException lastFailure = null;
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        launch();
        return;
      } catch (IllegalStateException e) {
        // the port can linger for a moment after the old process is gone
        lastFailure = e;
      }
    }
    throw lastFailure;
  }

  @Override
  public void close() {
    kill();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: it kills the same process
    }
  }

  private void launch() {
    Path config = workDir.resolve("s3proxy.conf");
    Path log = workDir.resolve("s3proxy.log");
    try {
      Files.writeString(config, String.join("\n",
          "s3proxy.endpoint=" + endpoint(),
          "s3proxy.authorization=aws-v2-or-v4",
          "s3proxy.identity=" + ACCESS_KEY_ID,
          "s3proxy.credential=" + SECRET_ACCESS_KEY,
          "jclouds.provider=filesystem-nio2",
          "jclouds.identity=local",
          "jclouds.credential=local",
          "jclouds.filesystem.basedir=" + buckets.toAbsolutePath(),
          ""), StandardCharsets.UTF_8);
      List<String> command = new ArrayList<>(List.of(javaCommand(), "-Xmx256m", "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          // logback's own start-up chatter, printed because S3Proxy's config names an appender it does not use
          "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener", "-jar", jar.toString(), "--properties", config.toString()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().put("LOG_LEVEL", "warn");
      builder.environment().put("JETTY_LOG_LEVEL", "warn");
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start S3Proxy from " + jar, e);
    }
    awaitListening(log);
  }

  private void awaitListening(Path log) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Proxy exited with " + process.exitValue() + " on port " + port + ": "
            + tail(log));
      }
      if (answers()) {
        return;
      }
      try {
        process.waitFor(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kill();
        throw new IllegalStateException("interrupted while S3Proxy was starting", e);
      }
    }
    kill();
    throw new IllegalStateException("S3Proxy did not listen on port " + port + " within " + START_TIMEOUT + ": "
        + tail(log));
  }

  private boolean answers() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  private void kill() {
    Process running = process;
    if (running == null) {
      return;
    }
    running.destroy();
    try {
      if (!running.waitFor(10, TimeUnit.SECONDS)) {
        running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      running.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static Path jar() {
    String configured = System.getProperty(JAR_PROPERTY);
    if (configured == null || configured.isBlank()) {
      throw new IllegalStateException("the system property " + JAR_PROPERTY + " does not name S3Proxy's jar: run the "
          + "tests through Maven (the parent pom sets it)");
    }
    Path jar = Path.of(configured);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no S3Proxy jar at " + jar + ": the embedded-kafka module's build copies it "
          + "there; build with -am (mvn -pl <module> -am ...)");
    }
    return jar;
  }

  private static String javaCommand() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }
}
