package io.labelstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.platform.config.ConfigRegistry;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.Scope;
import io.labelstream.platform.config.Setting;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.testsupport.TestSenders;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every service's config reads only declared settings (Env refuses any other, so building each from an empty
 * environment proves it), and every setting declared for a service is read by one: the registry and the code agree,
 * so docs/configuration.md, rendered from the registry, lists exactly what the services read. Ingest's environment
 * holds the two settings it cannot run without (its senders' tokens and frame-id secret), nothing else.
 */
class ServiceConfigRegistryTest {

  @Test
  void shouldBuildEveryServiceConfigFromAnEmptyEnvironmentReadingOnlyDeclaredSettings() {
    Env ingest = new Env(TestSenders.with(Map.of()));
    IngestConfig.from(ingest);
    Env inference = new Env(Map.of());
    InferenceConfig.from(inference);
    Env review = new Env(Map.of());
    ReviewConfig.from(review);
    Set<String> read = new HashSet<>(ingest.namesRead());
    read.addAll(inference.namesRead());
    read.addAll(review.namesRead());

    Set<String> declared = new HashSet<>();
    ConfigRegistry.all().forEach(s -> {
      declared.add(s.name());
      declared.addAll(s.formerNames());
    });
    assertThat(declared).containsAll(read);
    List<String> declaredForServices = ConfigRegistry.all().stream()
        .filter(s -> Set.of(Scope.SHARED, Scope.KAFKA, Scope.INGEST, Scope.INFERENCE, Scope.REVIEW).contains(s.scope()))
        .map(Setting::name).toList();
    assertThat(read).as("settings declared for a service that no service reads").containsAll(declaredForServices);
  }

  @Test
  void shouldReadEachServicesOwnSettingsInThatService() {
    assertOwnSettingsRead(Scope.INGEST, TestSenders.with(Map.of()), env -> IngestConfig.from(env));
    assertOwnSettingsRead(Scope.INFERENCE, Map.of(), env -> InferenceConfig.from(env));
    assertOwnSettingsRead(Scope.REVIEW, Map.of(), env -> ReviewConfig.from(env));
  }

  private static void assertOwnSettingsRead(Scope scope, Map<String, String> required, Consumer<Env> build) {
    Env env = new Env(required);
    build.accept(env);
    assertThat(env.namesRead()).as("%s settings its config reads", scope)
        .containsAll(ConfigRegistry.of(scope).stream().map(Setting::name).toList());
  }
}
