package io.labelstream.tools;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.labelstream.platform.http.ApiException;
import io.labelstream.review.queue.TaskQueue;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries, checked on the compiled classes of every module (this module's classpath holds them all):
 * services never import one another; only inference touches ONNX Runtime, only the frame store the AWS SDK; the launcher and the tools use a service
 * only through its public entry points; HTTP errors are raised only in a service's {@code http} package.
 *
 * <p>A service's public entry points are the classes of its root package ({@code IngestService},
 * {@code InferenceService}, {@code InferenceToolkit}, {@code ReviewService}, {@code ReviewToolkit}) and its typed
 * configuration ({@code config}); everything else in it may change without the launcher or the tools noticing.
 */
class ModuleBoundariesTest {

  private static final List<String> SERVICES = List.of("ingest", "inference", "review");
  private static final String[] SHARED = {"io.labelstream.platform..", "io.labelstream.schemas..",
      "io.labelstream.kafka.embedded.."};

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.labelstream");
  }

  @Test
  void servicesShouldNeverImportOneAnother() {
    for (String service : SERVICES) {
      String[] others = SERVICES.stream().filter(s -> !s.equals(service)).map(ModuleBoundariesTest::inService)
          .toArray(String[]::new);
      noClasses().that().resideInAPackage(inService(service))
          .should().dependOnClassesThat().resideInAnyPackage(others)
          .because("services share only the schemas contract and the platform library")
          .check(classes);
    }
  }

  @Test
  void sharedLibrariesShouldKnowNoService() {
    noClasses().that().resideInAnyPackage(SHARED)
        .should().dependOnClassesThat().resideInAnyPackage(allServices())
        .check(classes);
  }

  @Test
  void onlyInferenceShouldTouchOnnxRuntime() {
    noClasses().that().resideOutsideOfPackage(inService("inference"))
        .should().dependOnClassesThat().resideInAPackage("ai.onnxruntime..")
        .because("the model runtime is inference's own business; others go through InferenceToolkit")
        .check(classes);
  }

  @Test
  void onlyTheFrameStoreShouldTouchTheAwsSdk() {
    noClasses().that().resideOutsideOfPackage("io.labelstream.platform.store..")
        .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..")
        .because("services read and write images through FrameStore, whichever backend holds them")
        .check(classes);
  }

  @Test
  void launcherAndToolsShouldUseServicesOnlyThroughTheirEntryPoints() {
    launcherAndToolsUseOnlyEntryPoints().check(classes);
  }

  @Test
  void servicesShouldRaiseHttpErrorsOnlyInTheirHttpPackage() {
    for (String service : SERVICES) {
      noClasses().that().resideInAPackage(inService(service))
          .and().resideOutsideOfPackage("io.labelstream." + service + ".http..")
          .should().dependOnClassesThat().areAssignableTo(ApiException.class)
          .because("the queue, cluster and domain code return results or throw domain exceptions; http/ maps them")
          .check(classes);
    }
  }

  /** The rule fails on a class that reaches past an entry point (checked on a deliberate violation). */
  @Test
  void shouldCatchAToolReachingIntoAServiceInternal() {
    JavaClasses violating = new ClassFileImporter().importClasses(ReachesIntoReview.class, TaskQueue.class);
    assertThatThrownBy(() -> launcherAndToolsUseOnlyEntryPoints().check(violating))
        .isInstanceOf(AssertionError.class).hasMessageContaining(TaskQueue.class.getName());
  }

  private static ArchRule launcherAndToolsUseOnlyEntryPoints() {
    String[] entryPoints = SERVICES.stream()
        .flatMap(s -> Stream.of("io.labelstream." + s, "io.labelstream." + s + ".config"))
        .toArray(String[]::new);
    return noClasses().that().resideInAnyPackage("io.labelstream.launcher..", "io.labelstream.tools..")
        .should().dependOnClassesThat(resideInAnyPackage(allServices()).and(not(resideInAnyPackage(entryPoints))))
        .because("a service's internals may change without the launcher or the tools noticing");
  }

  private static String inService(String service) {
    return "io.labelstream." + service + "..";
  }

  private static String[] allServices() {
    return SERVICES.stream().map(ModuleBoundariesTest::inService).toArray(String[]::new);
  }

  /** A stand-in for a tool that reaches into review's queue. */
  static final class ReachesIntoReview {
    TaskQueue queue;
  }
}
