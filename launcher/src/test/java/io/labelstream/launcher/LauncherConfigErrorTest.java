package io.labelstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.inference.InferenceService;
import io.labelstream.ingest.IngestService;
import io.labelstream.review.ReviewService;
import io.labelstream.testsupport.TestSenders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ./labelstream up|ingest|inference|review}, and each service's own main (the container images' entry point),
 * with an invalid setting: the process ends at once with exit code 2
 * and one line that names the variable and what it accepts, never a stack trace. Each case runs the real launcher in
 * a fresh JVM with exactly the given environment, as the script would.
 */
class LauncherConfigErrorTest {

  /** Nothing listens here: a service must refuse its settings before it tries to reach Kafka. */
  private static final String NO_KAFKA = "127.0.0.1:1";

  /** INGEST_MAX_BATCH_BYTES above the in-flight budget: each value is in range, together they are invalid. */
  private static final Map<String, String> BATCH_ABOVE_BUDGET = Map.of(
      "INGEST_MAX_BYTES", "1048576",
      "INGEST_MAX_IN_FLIGHT_BYTES", "2097152",
      "INGEST_MAX_BATCH_BYTES", "4194304");

  static Stream<Arguments> invalidSettings() {
    return Stream.of(
        Arguments.of("ingest", TestSenders.with(BATCH_ABOVE_BUDGET), "INGEST_MAX_BATCH_BYTES"),
        Arguments.of("up", BATCH_ABOVE_BUDGET, "INGEST_MAX_BATCH_BYTES"),
        Arguments.of("ingest", Map.of("INGEST_MAX_DIMENSION", "huge"), "INGEST_MAX_DIMENSION"),
        // Ingest alone makes up neither its senders' tokens nor its frame-id secret: `up` and `demo` do.
        Arguments.of("ingest", Map.of(), "INGEST_TOKENS"),
        Arguments.of("ingest", Map.of("INGEST_TOKENS", TestSenders.INGEST_TOKENS), "INGEST_FRAME_ID_SECRET"),
        Arguments.of("up", Map.of("INGEST_TOKENS", "fleet:short"), "INGEST_TOKENS"),
        Arguments.of("inference", Map.of("INFERENCE_AUDIT_RATE", "2"), "INFERENCE_AUDIT_RATE"),
        Arguments.of("inference", Map.of("INFERENCE_DEVICE", "tpu"), "INFERENCE_DEVICE"),
        Arguments.of("review", Map.of("REVIEW_LEASE_SECONDS", "0"), "REVIEW_LEASE_SECONDS"),
        Arguments.of("review", Map.of("REVIEW_TOKENS", "replace-me"), "REVIEW_TOKENS"),
        Arguments.of("up", Map.of("REVIEW_POLICY_TARGET_ACCURACY", "1.5"), "REVIEW_POLICY_TARGET_ACCURACY"),
        Arguments.of("up", Map.of("INFERENCE_MAX_BATCH", "0"), "INFERENCE_MAX_BATCH"),
        // Retired: the classes come from the model card; a second list is refused, under either name.
        Arguments.of("up", Map.of("REVIEW_LABEL_CLASSES", "cat,dog"), "REVIEW_LABEL_CLASSES"),
        Arguments.of("review", Map.of("LABEL_CLASSES", "cat,dog"), "REVIEW_LABEL_CLASSES"));
  }

  /** The container images start each service's own main, not the launcher. */
  static Stream<Arguments> invalidSettingsOfServiceMains() {
    return Stream.of(
        Arguments.of(IngestService.class, Map.of("INGEST_MAX_DIMENSION", "huge"), "INGEST_MAX_DIMENSION"),
        Arguments.of(IngestService.class, Map.of(), "INGEST_TOKENS"),
        Arguments.of(InferenceService.class, Map.of("INFERENCE_AUDIT_RATE", "2"), "INFERENCE_AUDIT_RATE"),
        Arguments.of(ReviewService.class, Map.of("REVIEW_LEASE_SECONDS", "0"), "REVIEW_LEASE_SECONDS"),
        Arguments.of(ReviewService.class, Map.of("REVIEW_LABEL_CLASSES", "cat,dog"), "REVIEW_LABEL_CLASSES"));
  }

  @ParameterizedTest(name = "{0} with {2} invalid")
  @MethodSource("invalidSettings")
  void shouldEndWithOneMessageNamingTheVariableAndNoStackTrace(String command, Map<String, String> settings,
      String variable, @TempDir Path dataDir) throws Exception {
    assertRefusedInOneLine(launch(Launcher.class, command, settings, dataDir), variable);
  }

  @ParameterizedTest(name = "{0} with {2} invalid")
  @MethodSource("invalidSettingsOfServiceMains")
  void shouldEndAServiceStartedByItsOwnMainTheSameWay(Class<?> service, Map<String, String> settings,
      String variable, @TempDir Path dataDir) throws Exception {
    assertRefusedInOneLine(launch(service, null, settings, dataDir), variable);
  }

  private static void assertRefusedInOneLine(Run run, String variable) {
    assertThat(run.exitCode()).as("exit code; stderr:%n%s", run.stderr()).isEqualTo(2);
    assertThat(run.stderr()).as("stderr")
        .contains("configuration error: " + variable)
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
  }

  private record Run(int exitCode, String stderr) {}

  /** Runs {@code main} in a fresh JVM with exactly these settings; {@code command} is its one argument, if any. */
  private static Run launch(Class<?> main, String command, Map<String, String> settings, Path dataDir)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> line = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), main.getName()));
    if (command != null) {
      line.add(command);
    }
    ProcessBuilder builder = new ProcessBuilder(line);
    builder.environment().clear();
    builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", NO_KAFKA);
    builder.environment().put("LABELSTREAM_DATA_DIR", dataDir.toString());
    builder.environment().putAll(settings);
    Path stderr = dataDir.resolve("stderr.txt");
    builder.redirectError(stderr.toFile()).redirectOutput(dataDir.resolve("stdout.txt").toFile());
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the launcher kept running with an invalid setting: " + Files.readString(stderr));
    }
    return new Run(process.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
  }
}
