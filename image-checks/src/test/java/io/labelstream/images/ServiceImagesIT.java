package io.labelstream.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What each service image built under -Pimages says about itself, read from its tarball: its name, what it runs
 * and as whom, what it exposes, and what its layers carry.
 */
class ServiceImagesIT {

  private static final String VERSION = System.getProperty("project.version");

  @ParameterizedTest
  @EnumSource(ServiceImage.class)
  void shouldBeNamedAsInTheParentPomAndTaggedWithTheProjectVersion(ServiceImage service) throws Exception {
    assertThat(service.image().repoTag()).isEqualTo(service.expectedTag());
    assertThat(service.image().labels())
        .containsEntry("org.opencontainers.image.title", service.module)
        .containsEntry("org.opencontainers.image.version", VERSION)
        .containsKeys("org.opencontainers.image.description", "org.opencontainers.image.base.name");
  }

  @ParameterizedTest
  @EnumSource(ServiceImage.class)
  void shouldStartItsServiceOnJavaWithAHeapSizedByTheContainerAndExitOnOutOfMemory(ServiceImage service) throws Exception {
    ImageTarball image = service.image();
    assertThat(image.entrypoint()).containsExactly("java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError",
        "-cp", "@/app/jib-classpath-file", service.mainClass);
    assertThat(image.cmd()).isEmpty();
    assertThat(image.files()).contains("app/jib-classpath-file");
    assertThat(image.workingDir()).isEqualTo("/app");
  }

  @ParameterizedTest
  @EnumSource(ServiceImage.class)
  void shouldRunAsANumericNonRootUser(ServiceImage service) throws Exception {
    String user = service.image().user();
    assertThat(user).matches("\\d+:\\d+");
    assertThat(user.split(":")).allSatisfy(id -> assertThat(Integer.parseInt(id)).isNotZero());
  }

  @ParameterizedTest
  @EnumSource(ServiceImage.class)
  void shouldExposeItsPortAndListenOnEveryInterface(ServiceImage service) throws Exception {
    ImageTarball image = service.image();
    assertThat(image.exposedPorts()).containsExactly(service.port + "/tcp");
    assertThat(image.env()).containsEntry("HTTP_HOST", "0.0.0.0").containsKey("PATH");
  }

  @ParameterizedTest
  @EnumSource(ServiceImage.class)
  void shouldCarryItsServiceWithItsDependenciesAndALogBindingButNoBroker(ServiceImage service) throws Exception {
    Set<String> files = service.image().files();
    String mainClassFile = service.classesPath() + "/" + service.mainClass.substring(service.mainClass.lastIndexOf('.') + 1) + ".class";
    assertThat(files).contains(mainClassFile, "app/libs/platform-" + VERSION + ".jar", "app/libs/schemas-" + VERSION + ".jar",
        "app/resources/simplelogger.properties");
    assertThat(files).anyMatch(Pattern.compile("app/libs/kafka-clients-[^/]+\\.jar").asMatchPredicate())
        .anyMatch(Pattern.compile("app/libs/slf4j-simple-[^/]+\\.jar").asMatchPredicate())
        .anyMatch(Pattern.compile("(usr/)?bin/java").asMatchPredicate());
    // Leaner than the launcher: no embedded broker, Scala, kafka-tools or test libraries.
    assertThat(files).noneMatch(Pattern.compile(
        "app/libs/(embedded-kafka|kafka_2\\.13|kafka-server|kafka-tools|scala-library|junit|argparse4j)[^/]*\\.jar").asMatchPredicate());
  }

  @Test
  void shouldBundleTheModelAndItsCardWhereTheInferenceWorkerLooksForThem() throws Exception {
    // OnnxModel loads /model/fashion-mnist-ensemble.onnx from the classpath; /app/resources is on it.
    assertThat(ServiceImage.INFERENCE.image().files())
        .contains("app/resources/model/fashion-mnist-ensemble.onnx", "app/resources/model/fashion-mnist-ensemble.card.json")
        .anyMatch(Pattern.compile("app/libs/onnxruntime-[^/]+\\.jar").asMatchPredicate());
  }

  @Test
  void shouldBundleTheModelCardAndValidationPredictionsTheReviewPolicyStartsFrom() throws Exception {
    assertThat(ServiceImage.REVIEW.image().files())
        .contains("app/resources/model/fashion-mnist-ensemble.card.json", "app/resources/model/fashion-mnist-ensemble.validation.csv");
  }
}
