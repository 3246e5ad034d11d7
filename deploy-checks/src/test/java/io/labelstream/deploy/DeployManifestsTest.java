package io.labelstream.deploy;

import static io.labelstream.deploy.DeployFiles.DEPLOY;
import static io.labelstream.deploy.DeployFiles.OUT;
import static io.labelstream.deploy.DeployFiles.YAML;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.http.HttpSettings;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import io.labelstream.testsupport.RequiredTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * deploy/ checked against the code it deploys. Every YAML file parses and uses the expected kinds and API versions;
 * the base as written, and base, local and gpu as {@code kubectl kustomize} renders them (kubectl and promtool are a
 * {@link RequiredTool}: required on CI, skipped without them elsewhere),
 * describe one consistent deployment: selectors match labels, images are the Jib images of the parent pom, every
 * environment variable a Deployment sets is one its service reads (each service's real config is built from it),
 * ports and probes are the service's own, Kafka topics are what TopicProvisioner would create, the Kafka client
 * settings fit the listener they point at, and KEDA never scales past the partitions. The alert rules, their unit
 * tests and the dashboard queries go through promtool.
 */
class DeployManifestsTest {

  private static final String STRIMZI = "kafka.strimzi.io/v1beta2";
  private static final String KEDA = "keda.sh/v1alpha1";
  private static final String MONITORING = "monitoring.coreos.com/v1";
  private static final Map<String, String> API_VERSIONS = Map.ofEntries(
      entry("Namespace", "v1"), entry("ConfigMap", "v1"), entry("Secret", "v1"), entry("Service", "v1"),
      entry("Deployment", "apps/v1"), entry("StatefulSet", "apps/v1"), entry("HorizontalPodAutoscaler", "autoscaling/v2"),
      entry("PodDisruptionBudget", "policy/v1"),
      entry("Kafka", STRIMZI), entry("KafkaNodePool", STRIMZI), entry("KafkaTopic", STRIMZI), entry("KafkaUser", STRIMZI),
      entry("ScaledObject", KEDA), entry("TriggerAuthentication", KEDA),
      entry("ServiceMonitor", MONITORING), entry("PrometheusRule", MONITORING),
      entry("Kustomization", "kustomize.config.k8s.io/v1beta1"));

  /** Variables a Deployment may set that no service reads: they configure the JVM, not LabelStream. */
  private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");
  /** The services' own shutdown budget when SHUTDOWN_GRACE_SECONDS is not set; pods must be given longer. */
  private static final int DEFAULT_SHUTDOWN_GRACE_SECONDS = 30;
  /** Files under deploy/ that are not Kubernetes manifests. */
  private static final Set<String> NOT_MANIFESTS = Set.of("README.md", "test/alerts.test.yaml");
  private static final Set<String> REQUIRED_ALERTS = Set.of("LabelStreamInferenceLagGrowing", "LabelStreamDeadLetterRateHigh",
      "LabelStreamAccuracyBoundBelowTarget", "LabelStreamNoReviewersActive");

  /** What deploy/ offers. {@code operators}: KEDA and Prometheus Operator resources are present. */
  enum Variant {
    BASE("base", true, false),
    LOCAL("overlays/local", false, false),
    GPU("overlays/gpu", true, true);

    final String dir;
    final boolean operators;
    final boolean gpu;

    Variant(String dir, boolean operators, boolean gpu) {
      this.dir = dir;
      this.operators = operators;
      this.gpu = gpu;
    }
  }

  /** The three services, each with its image property in the parent pom. */
  enum Service {
    INGEST("image.ingest"),
    INFERENCE("image.inference"),
    REVIEW("image.review");

    final String imageProperty;

    Service(String imageProperty) {
      this.imageProperty = imageProperty;
    }

    String imageProperty(Variant variant) {
      return this == INFERENCE && variant.gpu ? "image.inference.gpu" : imageProperty;
    }
  }

  /** The parts of a service's real config that the manifests must agree with. */
  private record Built(HttpSettings http, KafkaSettings kafka, Optional<String> consumerGroup) {}

  /**
   * One Deployment or StatefulSet with its container, the service it runs, its resolved environment and the config
   * built from it.
   */
  private record Workload(String name, JsonNode manifest, JsonNode container, Service service, Map<String, String> env,
      Built built) {

    String kind() {
      return manifest.path("kind").asText();
    }

    JsonNode podLabels() {
      return manifest.path("spec").path("template").path("metadata").path("labels");
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  @Test
  void shouldParseEveryFileUnderDeployWithTheExpectedKindsAndApiVersions() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(DEPLOY)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (name.endsWith(".json")) {
        DeployFiles.readJson(file);
      } else if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        List<JsonNode> docs = DeployFiles.readYaml(file);
        assertThat(docs).as("%s has no document", DEPLOY.relativize(file)).isNotEmpty();
        for (JsonNode doc : docs) {
          if (NOT_MANIFESTS.contains(DEPLOY.relativize(file).toString())) {
            continue;
          }
          String kind = doc.path("kind").asText();
          assertThat(API_VERSIONS).as("kind '%s' in %s", kind, DEPLOY.relativize(file)).containsKey(kind);
          assertThat(doc.path("apiVersion").asText()).as("apiVersion of %s in %s", kind, DEPLOY.relativize(file))
              .isEqualTo(API_VERSIONS.get(kind));
          if (!kind.equals("Kustomization")) {
            assertThat(doc.path("metadata").path("name").asText()).as("name of a %s in %s", kind, file).isNotBlank();
          }
        }
      }
    }
  }

  @Test
  void shouldUseEveryFileUnderDeployInAKustomization() throws IOException {
    Set<Path> used = new HashSet<>();
    for (Variant variant : Variant.values()) {
      Path dir = DEPLOY.resolve(variant.dir);
      used.add(dir.resolve("kustomization.yaml"));
      JsonNode kustomization = DeployFiles.readYaml(dir.resolve("kustomization.yaml")).get(0);
      kustomization.path("resources").forEach(r -> used.add(dir.resolve(r.asText()).normalize()));
      kustomization.path("patches").forEach(p -> {
        if (p.has("path")) {
          used.add(dir.resolve(p.path("path").asText()).normalize());
        }
      });
      kustomization.path("configMapGenerator").forEach(g -> g.path("files").forEach(f -> {
        String spec = f.asText();
        used.add(dir.resolve(spec.substring(spec.indexOf('=') + 1)).normalize());
      }));
    }
    List<String> unused;
    try (Stream<Path> walk = Files.walk(DEPLOY)) {
      unused = walk.filter(Files::isRegularFile).filter(f -> !used.contains(f.normalize()))
          .map(f -> DEPLOY.relativize(f).toString()).filter(f -> !NOT_MANIFESTS.contains(f))
          .filter(f -> !f.startsWith("images/")) // the image build's inputs, not Kubernetes manifests
          .sorted().toList();
    }
    assertThat(unused).as("files under deploy/ that no kustomization uses").isEmpty();
    assertThat(used).allSatisfy(f -> assertThat(f).as("a file a kustomization names").exists());
  }

  @Test
  void shouldDescribeOneConsistentDeploymentInTheBaseAsWritten() {
    checkDeployment(DeployFiles.rawBase(), Variant.BASE);
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void shouldDescribeOneConsistentDeploymentWhenRendered(Variant variant) {
    checkDeployment(DeployFiles.render(variant.dir), variant);
  }

  @Test
  void shouldPointTheGpuOverlayAtTheGpuImageOfTheJibBuild() {
    Map<String, String> pom = DeployFiles.pomProperties();
    JsonNode kustomization = DeployFiles.readYaml(DEPLOY.resolve("overlays/gpu/kustomization.yaml")).get(0);

    assertThat(kustomization.path("images")).anySatisfy(image -> {
      assertThat(image.path("name").asText()).isEqualTo(pom.get("image.inference"));
      assertThat(image.path("newName").asText()).isEqualTo(pom.get("image.inference.gpu"));
    });
  }

  @Test
  void shouldShipReviewTokensThatNoServiceWouldStartWith() {
    JsonNode secret = DeployFiles.rawBase().stream()
        .filter(d -> d.path("kind").asText().equals("Secret") && d.path("metadata").path("name").asText().equals("labelstream-review-tokens"))
        .findFirst().orElseThrow();
    String committed = secret.path("stringData").path("REVIEW_TOKENS").asText();

    assertThatThrownBy(() -> ReviewConfig.from(new Env(Map.of("REVIEW_TOKENS", committed))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("REVIEW_TOKENS");
    String clusterToken = secret.path("stringData").path("REVIEW_CLUSTER_TOKEN").asText();
    assertThat(clusterToken).isNotEmpty();
    assertThatThrownBy(() -> ReviewConfig.from(new Env(Map.of("REVIEW_TOKENS", "ada:a-real-token:admin",
        "REVIEW_CLUSTER_TOKEN", clusterToken))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("REVIEW_CLUSTER_TOKEN");
  }

  @Test
  void shouldShipIngestSecretsThatIngestWouldNotStartWith() {
    JsonNode secret = DeployFiles.rawBase().stream()
        .filter(d -> d.path("kind").asText().equals("Secret") && d.path("metadata").path("name").asText().equals("labelstream-ingest-secrets"))
        .findFirst().orElseThrow();
    String tokens = secret.path("stringData").path("INGEST_TOKENS").asText();
    String frameIdSecret = secret.path("stringData").path("INGEST_FRAME_ID_SECRET").asText();

    assertThatThrownBy(() -> IngestConfig.from(new Env(Map.of("INGEST_TOKENS", tokens,
        "INGEST_FRAME_ID_SECRET", "a-real-frame-id-secret-0123"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("INGEST_TOKENS");
    assertThatThrownBy(() -> IngestConfig.from(new Env(Map.of("INGEST_TOKENS", "fleet:a-real-token",
        "INGEST_FRAME_ID_SECRET", frameIdSecret))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("INGEST_FRAME_ID_SECRET");
  }

  @Test
  void shouldShipAMetricsTokenThatNoServiceWouldStartWith() {
    JsonNode secret = DeployFiles.rawBase().stream()
        .filter(d -> d.path("kind").asText().equals("Secret") && d.path("metadata").path("name").asText().equals("labelstream-metrics"))
        .findFirst().orElseThrow();
    String committed = secret.path("stringData").path("METRICS_TOKEN").asText();

    assertThatThrownBy(() -> IngestConfig.from(new Env(Map.of("INGEST_TOKENS", "fleet:a-real-token",
        "INGEST_FRAME_ID_SECRET", "a-real-frame-id-secret-0123", "METRICS_TOKEN", committed))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("METRICS_TOKEN");
  }

  @Test
  void shouldAlertOnWhatTheIssueAsksForAndExplainEveryAlertInTheGuide() throws IOException {
    String guide = Files.readString(DEPLOY.resolve("README.md"));
    JsonNode groups = DeployFiles.ruleGroups().path("groups");
    List<JsonNode> rules = StreamSupport.stream(groups.spliterator(), false)
        .flatMap(g -> StreamSupport.stream(g.path("rules").spliterator(), false)).toList();

    assertThat(rules).extracting(r -> r.path("alert").asText()).containsAll(REQUIRED_ALERTS);
    for (JsonNode rule : rules) {
      String alert = rule.path("alert").asText();
      assertThat(rule.path("labels").path("severity").asText()).as(alert).isIn("critical", "warning", "info");
      assertThat(rule.path("annotations").path("summary").asText()).as(alert).isNotBlank();
      assertThat(rule.path("annotations").path("runbook").asText()).as(alert)
          .isEqualTo("deploy/README.md#" + alert.toLowerCase(Locale.ROOT));
      assertThat(guide).as("deploy/README.md explains %s under its own heading", alert).contains("#### " + alert + "\n");
    }
  }

  @Test
  void shouldShowEveryFigureTheIssueAsksForOnTheDashboard() {
    JsonNode dashboard = DeployFiles.dashboard();
    List<String> titles = StreamSupport.stream(dashboard.path("panels").spliterator(), false)
        .map(p -> p.path("title").asText().toLowerCase(Locale.ROOT)).toList();

    for (String figure : List.of("throughput", "lag", "batch size", "latency", "routing split", "accuracy", "review queue")) {
      assertThat(titles).as("a panel for %s", figure).anySatisfy(t -> assertThat(t).contains(figure));
    }
    dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(target -> {
      assertThat(target.path("expr").asText()).as(panel.path("title").asText()).isNotBlank();
      assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
    }));
  }

  @Test
  void shouldQueryOnlyMetricsOfTheServicesAndPrometheus() {
    // Whether each name really exists is DeployMetricsIT's job (it scrapes the running services).
    assertThat(DeployFiles.metricNamesUsed()).isNotEmpty().allSatisfy(name -> assertThat(name)
        .matches("up|(labelstream|kafka|jvm|process|system|http_server)_[a-z0-9_]+"));
  }

  @Test
  void shouldPassPromtoolOnTheAlertsTheirUnitTestsAndTheDashboardQueries() throws IOException {
    Path promtool = promtool();
    Files.createDirectories(OUT);
    Path rules = OUT.resolve("labelstream.rules.yaml");
    YAML.writeValue(rules.toFile(), DeployFiles.ruleGroups());
    Path tests = Files.copy(DEPLOY.resolve("test/alerts.test.yaml"), OUT.resolve("alerts.test.yaml"),
        StandardCopyOption.REPLACE_EXISTING);
    // Grafana's variables replaced by values, every query as a recording rule: promtool then parses them all.
    ObjectNode queries = YAML.createObjectNode();
    ArrayNode records = queries.putArray("groups").addObject().put("name", "dashboard").putArray("rules");
    DeployFiles.dashboardQueries().forEach((panel, expr) -> records.addObject()
        .put("record", "dashboard:query_" + records.size())
        .put("expr", expr.replace("$__rate_interval", "2m").replace("$namespace", "labelstream")));
    Path dashboard = OUT.resolve("dashboard-queries.rules.yaml");
    YAML.writeValue(dashboard.toFile(), queries);

    DeployFiles.Run check = DeployFiles.run(List.of(promtool.toString(), "check", "rules", rules.toString(), dashboard.toString()));
    assertThat(check.exitCode()).as(check.output()).isZero();
    DeployFiles.Run unitTests = DeployFiles.run(List.of(promtool.toString(), "test", "rules", tests.toString()));
    assertThat(unitTests.exitCode()).as(unitTests.output()).isZero();
  }

  // ---------------------------------------------------------------------------------------------------------------

  private static Path promtool() {
    return RequiredTool.PROMTOOL.path();
  }

  private static void checkDeployment(List<JsonNode> docs, Variant variant) {
    Manifests m = new Manifests(docs);
    checkKinds(m, variant);
    checkKafka(m);
    List<Workload> workloads = workloads(m, variant);
    assertThat(workloads).extracting(Workload::service).containsExactlyInAnyOrder(Service.values());
    for (Workload w : workloads) {
      checkWorkload(m, w, variant);
      checkTopicsAgreeWith(m, w);
      checkKafkaClient(m, w.name(), w.built().kafka());
    }
    checkServices(m, workloads);
    checkDisruptionBudgets(m, workloads);
    checkAutoscaling(m, workloads, variant);
    if (variant.operators) {
      checkServiceMonitor(m, workloads);
      assertThat(m.all("PrometheusRule")).singleElement().satisfies(rule ->
          assertThat(rule.path("spec").path("groups").findValuesAsText("alert")).containsAll(REQUIRED_ALERTS));
    }
  }

  private static void checkKinds(Manifests m, Variant variant) {
    for (JsonNode doc : m.docs) {
      String kind = doc.path("kind").asText();
      assertThat(API_VERSIONS).as("kind %s", kind).containsKey(kind);
      assertThat(doc.path("apiVersion").asText()).as("apiVersion of %s %s", kind, name(doc)).isEqualTo(API_VERSIONS.get(kind));
    }
    assertThat(m.all("Kafka")).hasSize(1);
    assertThat(m.all("KafkaNodePool")).isNotEmpty();
    assertThat(m.all("KafkaTopic")).hasSize(Topics.all().size());
    assertThat(m.all("KafkaUser")).isNotEmpty();
    // Review keeps its state on a volume per pod: a StatefulSet, with the headless Service that names its pods.
    assertThat(m.all("Deployment")).hasSize(2);
    assertThat(m.all("StatefulSet")).hasSize(1);
    assertThat(m.all("Service")).hasSize(4);
    assertThat(m.all("PodDisruptionBudget")).hasSize(3);
    assertThat(m.all("Secret")).isNotEmpty();
    assertThat(m.all("ConfigMap")).isNotEmpty();
    for (String kind : List.of("ScaledObject", "TriggerAuthentication", "ServiceMonitor", "PrometheusRule")) {
      assertThat(m.all(kind)).as("%s in %s", kind, variant.dir).hasSize(variant.operators ? 1 : 0);
    }
    // Ingest and review scale on CPU; a laptop cluster (local) runs one of each.
    assertThat(m.all("HorizontalPodAutoscaler")).as("HorizontalPodAutoscaler in %s", variant.dir).hasSize(variant.operators ? 2 : 0);
  }

  private static void checkKafka(Manifests m) {
    JsonNode kafka = m.all("Kafka").get(0);
    assertThat(kafka.path("metadata").path("annotations").path("strimzi.io/node-pools").asText()).isEqualTo("enabled");
    assertThat(kafka.path("metadata").path("annotations").path("strimzi.io/kraft").asText()).isEqualTo("enabled");
    assertThat(kafka.path("spec").has("zookeeper")).as("KRaft: no ZooKeeper").isFalse();
    Set<String> roles = new HashSet<>();
    for (JsonNode pool : m.all("KafkaNodePool")) {
      assertThat(clusterOf(pool)).as("strimzi.io/cluster of node pool %s", name(pool)).isEqualTo(name(kafka));
      assertThat(pool.path("spec").path("replicas").asInt()).isPositive();
      pool.path("spec").path("roles").forEach(r -> roles.add(r.asText()));
    }
    assertThat(roles).contains("controller", "broker");
    for (JsonNode user : m.all("KafkaUser")) {
      assertThat(clusterOf(user)).as("strimzi.io/cluster of user %s", name(user)).isEqualTo(name(kafka));
    }
    // Exactly-once needs the transaction log and offsets to have as many replicas as there are brokers, or fewer.
    int brokers = brokers(m);
    JsonNode config = kafka.path("spec").path("kafka").path("config");
    for (String setting : List.of("default.replication.factor", "offsets.topic.replication.factor",
        "transaction.state.log.replication.factor", "transaction.state.log.min.isr", "min.insync.replicas")) {
      if (config.has(setting)) {
        assertThat(config.path(setting).asInt()).as(setting).isBetween(1, brokers);
      }
    }
    assertThat(config.path("transaction.state.log.min.isr").asInt(1))
        .isLessThanOrEqualTo(config.path("transaction.state.log.replication.factor").asInt(1));
  }

  /** Topics, partitions, replicas and size limits as the service would create them with its own settings. */
  private static void checkTopicsAgreeWith(Manifests m, Workload w) {
    KafkaSettings kafka = w.built().kafka();
    String cluster = name(m.all("Kafka").get(0));
    int minIsr = m.all("Kafka").get(0).path("spec").path("kafka").path("config").path("min.insync.replicas").asInt(1);
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    m.all("KafkaTopic").forEach(t -> byName.put(t.path("spec").path("topicName").asText(name(t)), t));
    assertThat(byName.keySet()).as("KafkaTopics against Topics.java")
        .containsExactlyInAnyOrderElementsOf(Topics.all().stream().map(Topic::name).toList());
    for (Topic<?, ?> topic : Topics.all()) {
      JsonNode resource = byName.get(topic.name());
      JsonNode spec = resource.path("spec");
      String what = topic.name() + " for " + w.name();
      assertThat(clusterOf(resource)).as(what).isEqualTo(cluster);
      int partitions = topic.partitions() > 0 ? topic.partitions() : kafka.topicPartitions();
      assertThat(spec.path("partitions").asInt()).as("partitions of %s (KAFKA_TOPIC_PARTITIONS unless the topic fixes them)", what)
          .isEqualTo(partitions);
      assertThat(spec.path("replicas").asInt()).as("replicas of %s (KAFKA_REPLICATION_FACTOR)", what)
          .isEqualTo(kafka.replicationFactor()).isBetween(1, brokers(m));
      assertThat(minIsr).as("min.insync.replicas leaves %s writable with a broker down", what)
          .isLessThanOrEqualTo(spec.path("replicas").asInt() == 1 ? 1 : spec.path("replicas").asInt() - 1);
      JsonNode config = spec.path("config");
      TopicProvisioner.topicConfig(topic, kafka.frameLimits()).forEach((key, value) ->
          assertThat(config.path(key).asText()).as("%s of %s", key, what).isEqualTo(value));
      if (!topic.compacted()) {
        assertThat(config.path("cleanup.policy").asText("delete")).as("cleanup.policy of %s", what).isEqualTo("delete");
      }
    }
    // The review queue is review requests minus review results: an answer must outlive its request.
    assertThat(retention(byName.get(Topics.REVIEW_RESULTS.name())))
        .isGreaterThanOrEqualTo(retention(byName.get(Topics.REVIEW_REQUESTS.name())));
    // A review request points at its frame's record for the image: the frame must outlive its request.
    assertThat(retention(byName.get(Topics.FRAMES.name())))
        .isGreaterThanOrEqualTo(retention(byName.get(Topics.REVIEW_REQUESTS.name())));
  }

  private static long retention(JsonNode topic) {
    long ms = topic.path("spec").path("config").path("retention.ms").asLong(7L * 24 * 3600 * 1000);
    return ms < 0 ? Long.MAX_VALUE : ms;
  }

  private static List<Workload> workloads(Manifests m, Variant variant) {
    Map<String, String> pom = DeployFiles.pomProperties();
    List<Workload> workloads = new ArrayList<>();
    for (JsonNode manifest : m.workloads()) {
      String name = name(manifest);
      JsonNode podSpec = manifest.path("spec").path("template").path("spec");
      assertThat(podSpec.path("containers")).as("containers of %s", name).hasSize(1);
      JsonNode container = podSpec.path("containers").get(0);
      String image = container.path("image").asText();
      Service service = Stream.of(Service.values())
          .filter(s -> image.equals(pom.get(s.imageProperty(variant)) + ":" + pom.get("project.version")))
          .findFirst().orElseThrow(() -> new AssertionError(name + " runs " + image + ", not one of the images the "
              + "Jib build makes for " + variant.dir + " (" + Stream.of(Service.values())
              .map(s -> pom.get(s.imageProperty(variant))).toList() + ", tag " + pom.get("project.version") + ")"));
      Map<String, String> env = environment(m, container, name);
      Env read = new Env(env);
      Built built = switch (service) {
        case INGEST -> {
          IngestConfig c = IngestConfig.from(read);
          yield new Built(c.http(), c.kafka(), Optional.empty());
        }
        case INFERENCE -> {
          InferenceConfig c = InferenceConfig.from(read);
          yield new Built(c.http(), c.kafka(), Optional.of(c.groupId()));
        }
        case REVIEW -> {
          ReviewConfig c = ReviewConfig.from(read);
          yield new Built(c.http(), c.kafka(), Optional.empty());
        }
      };
      Set<String> unread = new TreeSet<>(env.keySet());
      unread.removeAll(read.namesRead());
      unread.removeAll(JVM_VARIABLES);
      // A variable only used to build another read one, as $(POD_IP) in REVIEW_ADVERTISED_URL, is used too.
      unread.removeIf(variable -> read.namesRead().stream().anyMatch(used -> env.get(used) != null
          && env.get(used).contains("$(" + variable + ")")));
      assertThat(unread).as("variables %s sets that the %s service never reads", name, service).isEmpty();
      workloads.add(new Workload(name, manifest, container, service, env, built));
    }
    return workloads;
  }

  /**
   * The container's environment as the kubelet would build it: envFrom first, env over it. ConfigMap values are
   * the real ones; Secret values are placeholders (real ones are not in git), but every Secret and key must exist.
   */
  private static Map<String, String> environment(Manifests m, JsonNode container, String who) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode from : container.path("envFrom")) {
      if (from.has("configMapRef")) {
        m.configMap(from.path("configMapRef").path("name").asText(), who)
            .fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
      } else if (from.has("secretRef")) {
        m.secretKeys(from.path("secretRef").path("name").asText(), who).forEach(k -> env.put(k, secretPlaceholder(k)));
      } else {
        fail("unexpected envFrom in " + who + ": " + from);
      }
    }
    for (JsonNode var : container.path("env")) {
      String name = var.path("name").asText();
      JsonNode from = var.path("valueFrom");
      if (var.has("value")) {
        env.put(name, var.path("value").asText());
      } else if (from.has("configMapKeyRef")) {
        JsonNode ref = from.path("configMapKeyRef");
        JsonNode data = m.configMap(ref.path("name").asText(), who);
        assertThat(data.has(ref.path("key").asText())).as("%s: ConfigMap %s has key %s", who, ref.path("name").asText(),
            ref.path("key").asText()).isTrue();
        env.put(name, data.path(ref.path("key").asText()).asText());
      } else if (from.has("secretKeyRef")) {
        JsonNode ref = from.path("secretKeyRef");
        assertThat(m.secretKeys(ref.path("name").asText(), who)).as("%s: keys of Secret %s", who, ref.path("name").asText())
            .contains(ref.path("key").asText());
        env.put(name, secretPlaceholder(name));
      } else if (from.has("fieldRef") || from.has("resourceFieldRef")) {
        env.put(name, "placeholder-" + name.toLowerCase(Locale.ROOT));
      } else {
        fail(who + " sets " + name + " in a way this test does not know: " + var);
      }
    }
    return env;
  }

  private static String secretPlaceholder(String variable) {
    return switch (variable) {
      case "REVIEW_TOKENS" -> "ops:placeholder-token:admin";
      case "INGEST_TOKENS" -> "fleet:placeholder-token";
      default -> "placeholder-secret";
    };
  }

  private static void checkWorkload(Manifests m, Workload w, Variant variant) {
    JsonNode spec = w.manifest().path("spec");
    JsonNode template = spec.path("template");
    JsonNode podSpec = template.path("spec");
    JsonNode container = w.container();
    String who = w.name();

    assertThat(matches(spec.path("selector"), template.path("metadata").path("labels")))
        .as("%s selects its own pods", who).isTrue();
    for (JsonNode other : m.workloads()) {
      if (!name(other).equals(who)) {
        assertThat(matches(spec.path("selector"), other.path("spec").path("template").path("metadata").path("labels")))
            .as("%s's selector also matches %s's pods", who, name(other)).isFalse();
      }
    }

    HttpSettings http = w.built().http();
    assertThat(http.host()).as("%s binds every interface (HTTP_HOST)", who).isEqualTo("0.0.0.0");
    JsonNode port = StreamSupport.stream(container.path("ports").spliterator(), false)
        .filter(p -> p.path("name").asText().equals("http")).findFirst()
        .orElseThrow(() -> new AssertionError(who + " has no container port named http"));
    assertThat(port.path("containerPort").asInt()).as("%s's container port is the port the service listens on", who)
        .isEqualTo(http.port());
    assertThat(template.path("metadata").path("annotations").path("prometheus.io/port").asText())
        .as("%s scrape annotation", who).isEqualTo(Integer.toString(http.port()));
    // The metrics could tell a reviewer which answer was an audit: only the scraper may read them.
    assertThat(http.metricsToken().required()).as("%s asks for METRICS_TOKEN on /metrics", who).isTrue();
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      JsonNode get = container.path(probe).path("httpGet");
      assertThat(get.path("path").asText()).as("%s %s", who, probe).isEqualTo(probe.equals("readinessProbe") ? "/readyz" : "/healthz");
      assertThat(get.path("port").asText()).as("%s %s port", who, probe).isIn("http", Integer.toString(http.port()));
    }

    int grace = Integer.parseInt(w.env().getOrDefault("SHUTDOWN_GRACE_SECONDS", Integer.toString(DEFAULT_SHUTDOWN_GRACE_SECONDS)));
    assertThat(podSpec.path("terminationGracePeriodSeconds").asInt(30)).as("%s terminationGracePeriodSeconds > SHUTDOWN_GRACE_SECONDS", who)
        .isGreaterThan(grace);

    JsonNode resources = container.path("resources");
    for (String kind : List.of("requests", "limits")) {
      for (String resource : List.of("cpu", "memory")) {
        assertThat(resources.path(kind).path(resource).asText()).as("%s %s.%s", who, kind, resource).isNotBlank();
      }
    }
    boolean gpuWorker = variant.gpu && w.service() == Service.INFERENCE;
    assertThat(resources.path("limits").path("nvidia.com/gpu").asText()).as("%s GPU limit", who).isEqualTo(gpuWorker ? "1" : "");
    if (gpuWorker) {
      assertThat(podSpec.path("nodeSelector").isEmpty()).as("%s runs on GPU nodes only", who).isFalse();
      assertThat(podSpec.path("tolerations").findValuesAsText("key")).as("%s tolerates GPU nodes' taint", who).contains("nvidia.com/gpu");
      assertThat(w.env().get("INFERENCE_DEVICE")).as("%s INFERENCE_DEVICE", who).startsWith("cuda");
      assertThat(cores(resources.path("requests").path("cpu").asText()))
          .as("%s requests a core per decode thread plus one for Kafka and routing", who)
          .isGreaterThanOrEqualTo(Integer.parseInt(w.env().get("INFERENCE_DECODE_THREADS")) + 1);
    }

    // Volumes: every Secret and key they name exists; every file a variable points at is mounted.
    Map<String, JsonNode> volumes = new LinkedHashMap<>();
    podSpec.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
    for (JsonNode volume : volumes.values()) {
      if (volume.has("secret")) {
        Set<String> keys = m.secretKeys(volume.path("secret").path("secretName").asText(), who);
        volume.path("secret").path("items").forEach(item -> assertThat(keys).as("%s volume %s", who, volume.path("name").asText())
            .contains(item.path("key").asText()));
      }
      if (volume.has("configMap")) {
        m.configMap(volume.path("configMap").path("name").asText(), who);
      }
    }
    w.env().forEach((variable, value) -> {
      if (variable.endsWith("_LOCATION")) {
        assertThat(container.path("volumeMounts")).as("%s mounts the file %s=%s", who, variable, value).anySatisfy(mount -> {
          assertThat(value).startsWith(mount.path("mountPath").asText() + "/");
          JsonNode volume = volumes.get(mount.path("name").asText());
          assertThat(volume).as("volume %s of %s", mount.path("name").asText(), who).isNotNull();
          String file = value.substring(mount.path("mountPath").asText().length() + 1);
          if (volume.path("secret").has("items")) {
            assertThat(volume.path("secret").path("items").findValuesAsText("path")).contains(file);
          }
        });
      }
    });

    if (w.service() == Service.REVIEW) {
      // Several review pods: each needs its own instance id and an address the elected leader can be reached at.
      assertThat(w.env().get("REVIEW_INSTANCE_ID")).as("review instance id per pod").isEqualTo("$(POD_NAME)");
      assertThat(w.env().get("REVIEW_ADVERTISED_URL")).as("review advertised URL")
          .isEqualTo("http://$(POD_IP):" + w.built().http().port());
      assertThat(w.container().path("env").findValues("fieldPath")).extracting(JsonNode::asText)
          .contains("metadata.name", "status.podIP");
      checkReviewStateOutlivesThePod(m, w);
    }
  }

  /**
   * The review state (a disk store of every frame and the checkpoint a clean stop writes) is on a volume of the pod's
   * own that outlives it, so a rolling update or a drained node goes on from the checkpoint instead of rebuilding
   * from Kafka: a StatefulSet's volume claim, not an emptyDir, and a headless Service naming its pods.
   */
  private static void checkReviewStateOutlivesThePod(Manifests m, Workload w) {
    assertThat(w.kind()).as("review runs as a StatefulSet, each pod with its own state volume").isEqualTo("StatefulSet");
    String stateDir = ReviewConfig.from(new Env(w.env())).stateDir()
        .orElseThrow(() -> new AssertionError("review sets no REVIEW_STATE_DIR: every start would rebuild from Kafka"))
        .toString();
    Set<String> claims = new TreeSet<>(w.manifest().path("spec").path("volumeClaimTemplates")
        .findValuesAsText("name"));
    assertThat(w.container().path("volumeMounts")).as("REVIEW_STATE_DIR=%s is on a volume claim of the pod's own (%s)",
        stateDir, claims).anySatisfy(mount -> {
          assertThat(claims).contains(mount.path("name").asText());
          assertThat(stateDir + "/").startsWith(mount.path("mountPath").asText() + "/");
        });
    JsonNode governing = m.one("Service", w.manifest().path("spec").path("serviceName").asText());
    assertThat(governing.path("spec").path("clusterIP").asText()).as("the StatefulSet's Service is headless")
        .isEqualTo("None");
    assertThat(matchesLabels(governing.path("spec").path("selector"), w.podLabels())).isTrue();
  }

  /** The Kafka client settings a service or KEDA uses fit the listener they connect to. */
  private static void checkKafkaClient(Manifests m, String who, KafkaSettings kafka) {
    String bootstrap = kafka.bootstrapServers().orElseThrow(() -> new AssertionError(who + " sets no KAFKA_BOOTSTRAP_SERVERS"));
    JsonNode listener = listenerFor(m, bootstrap, who);
    String auth = listener.path("authentication").path("type").asText("none");
    boolean tls = listener.path("tls").asBoolean();
    boolean sasl = auth.startsWith("scram") || auth.equals("plain") || auth.equals("oauth");
    String protocol = tls ? (sasl ? "SASL_SSL" : "SSL") : (sasl ? "SASL_PLAINTEXT" : "PLAINTEXT");
    Map<String, String> security = kafka.security();
    assertThat(security.getOrDefault("security.protocol", "PLAINTEXT")).as("%s security protocol for listener %s", who,
        listener.path("name").asText()).isEqualTo(protocol);
    if (auth.startsWith("scram")) {
      assertThat(security.get("sasl.mechanism")).as(who).isEqualTo(auth.toUpperCase(Locale.ROOT));
      assertThat(security).as(who).containsKey("sasl.jaas.config");
    }
    if (tls) {
      assertThat(security).as("%s trusts the cluster CA", who).containsKey("ssl.truststore.location");
    }
    if (auth.equals("tls")) {
      assertThat(security).as("%s presents a client certificate", who).containsKey("ssl.keystore.location");
    }
  }

  private static JsonNode listenerFor(Manifests m, String bootstrap, String who) {
    JsonNode kafka = m.all("Kafka").get(0);
    assertThat(bootstrap).as("%s bootstrap servers", who).doesNotContain(",");
    String[] hostPort = bootstrap.split(":");
    assertThat(hostPort[0].split("\\.")[0]).as("%s connects to the Strimzi bootstrap Service", who)
        .isEqualTo(name(kafka) + "-kafka-bootstrap");
    return StreamSupport.stream(kafka.path("spec").path("kafka").path("listeners").spliterator(), false)
        .filter(l -> l.path("port").asText().equals(hostPort[1])).findFirst()
        .orElseThrow(() -> new AssertionError(who + " connects to port " + hostPort[1] + ", which no listener of "
            + name(kafka) + " opens"));
  }

  private static void checkServices(Manifests m, List<Workload> workloads) {
    for (JsonNode service : m.all("Service")) {
      List<Workload> selected = workloads.stream()
          .filter(w -> matchesLabels(service.path("spec").path("selector"), w.podLabels()))
          .toList();
      assertThat(selected).as("workloads behind Service %s", name(service)).hasSize(1);
      Workload target = selected.get(0);
      for (JsonNode port : service.path("spec").path("ports")) {
        String targetPort = port.path("targetPort").asText(port.path("port").asText());
        assertThat(target.container().path("ports")).as("Service %s port %s", name(service), port.path("name").asText())
            .anySatisfy(p -> assertThat(targetPort).isIn(p.path("name").asText(), p.path("containerPort").asText()));
      }
    }
  }

  /** Every workload has a budget, and no budget blocks a node drain forever. */
  private static void checkDisruptionBudgets(Manifests m, List<Workload> workloads) {
    for (JsonNode pdb : m.all("PodDisruptionBudget")) {
      List<Workload> selected = workloads.stream()
          .filter(w -> matches(pdb.path("spec").path("selector"), w.podLabels()))
          .toList();
      assertThat(selected).as("workloads of PodDisruptionBudget %s", name(pdb)).hasSize(1);
      int fewest = minReplicas(m, selected.get(0));
      JsonNode spec = pdb.path("spec");
      if (spec.has("maxUnavailable")) {
        assertThat(spec.path("maxUnavailable").asInt()).as("maxUnavailable of %s", name(pdb)).isPositive();
      } else {
        assertThat(spec.path("minAvailable").asInt()).as("minAvailable of %s with as few as %d replicas", name(pdb), fewest)
            .isLessThan(fewest);
      }
    }
    assertThat(workloads).allSatisfy(w -> assertThat(m.all("PodDisruptionBudget")).as("a budget for %s", w.name())
        .anySatisfy(pdb -> assertThat(matches(pdb.path("spec").path("selector"), w.podLabels())).isTrue()));
  }

  private static int minReplicas(Manifests m, Workload w) {
    for (JsonNode hpa : m.all("HorizontalPodAutoscaler")) {
      if (hpa.path("spec").path("scaleTargetRef").path("name").asText().equals(w.name())) {
        return hpa.path("spec").path("minReplicas").asInt(1);
      }
    }
    for (JsonNode scaled : m.all("ScaledObject")) {
      if (scaled.path("spec").path("scaleTargetRef").path("name").asText().equals(w.name())) {
        return scaled.path("spec").path("minReplicaCount").asInt(0);
      }
    }
    return w.manifest().path("spec").path("replicas").asInt(1);
  }

  private static void checkAutoscaling(Manifests m, List<Workload> workloads, Variant variant) {
    Map<Service, Workload> byService = workloads.stream().collect(Collectors.toMap(Workload::service, w -> w));
    for (JsonNode hpa : m.all("HorizontalPodAutoscaler")) {
      JsonNode spec = hpa.path("spec");
      String target = spec.path("scaleTargetRef").path("name").asText();
      assertThat(target).as("HPA %s scales ingest or review (KEDA scales inference)", name(hpa))
          .isIn(byService.get(Service.INGEST).name(), byService.get(Service.REVIEW).name());
      Workload scaled = workloads.stream().filter(w -> w.name().equals(target)).findFirst().orElseThrow();
      assertThat(spec.path("scaleTargetRef").path("kind").asText()).as("kind HPA %s scales", name(hpa))
          .isEqualTo(scaled.kind());
      assertThat(spec.path("minReplicas").asInt()).isBetween(1, spec.path("maxReplicas").asInt());
      assertThat(spec.path("metrics").findValuesAsText("name")).contains("cpu");
    }
    for (Workload w : workloads) {
      if (m.all("HorizontalPodAutoscaler").stream().anyMatch(h -> h.path("spec").path("scaleTargetRef").path("name").asText().equals(w.name()))
          || m.all("ScaledObject").stream().anyMatch(s -> s.path("spec").path("scaleTargetRef").path("name").asText().equals(w.name()))) {
        assertThat(w.manifest().path("spec").has("replicas")).as("%s leaves replicas to its autoscaler", w.name()).isFalse();
      }
    }
    if (!variant.operators) {
      return;
    }
    Workload inference = byService.get(Service.INFERENCE);
    JsonNode scaled = m.all("ScaledObject").get(0);
    JsonNode spec = scaled.path("spec");
    assertThat(spec.path("scaleTargetRef").path("name").asText()).isEqualTo(inference.name());
    JsonNode trigger = spec.path("triggers").get(0);
    assertThat(spec.path("triggers")).hasSize(1);
    assertThat(trigger.path("type").asText()).isEqualTo("kafka");
    JsonNode meta = trigger.path("metadata");
    assertThat(meta.path("topic").asText()).isEqualTo(Topics.FRAMES.name());
    assertThat(meta.path("consumerGroup").asText()).as("KEDA watches the workers' group (INFERENCE_GROUP_ID)")
        .isEqualTo(inference.built().consumerGroup().orElseThrow());
    assertThat(Long.parseLong(meta.path("lagThreshold").asText())).isPositive();
    int partitions = m.all("KafkaTopic").stream().filter(t -> t.path("spec").path("topicName").asText(name(t)).equals(Topics.FRAMES.name()))
        .findFirst().orElseThrow().path("spec").path("partitions").asInt();
    assertThat(spec.path("maxReplicaCount").asInt()).as("maxReplicaCount <= partitions of frames.v1")
        .isBetween(Math.max(1, spec.path("minReplicaCount").asInt()), partitions);

    // KEDA's own connection: the listener's TLS and authentication, with credentials that exist.
    JsonNode listener = listenerFor(m, meta.path("bootstrapServers").asText(), "KEDA");
    JsonNode auth = m.one("TriggerAuthentication", trigger.path("authenticationRef").path("name").asText());
    Set<String> parameters = new HashSet<>();
    for (JsonNode ref : auth.path("spec").path("secretTargetRef")) {
      parameters.add(ref.path("parameter").asText());
      assertThat(m.secretKeys(ref.path("name").asText(), "TriggerAuthentication")).contains(ref.path("key").asText());
    }
    boolean tls = listener.path("tls").asBoolean();
    assertThat(meta.path("tls").asText("disable")).as("KEDA TLS to listener %s", listener.path("name").asText())
        .isEqualTo(tls ? "enable" : "disable");
    if (tls) {
      assertThat(parameters).contains("ca");
    }
    switch (listener.path("authentication").path("type").asText("none")) {
      case "tls" -> assertThat(parameters).contains("cert", "key");
      case "scram-sha-512" -> {
        assertThat(meta.path("sasl").asText()).isEqualTo("scram_sha512");
        assertThat(parameters).contains("username", "password");
      }
      case "none" -> { }
      default -> fail("KEDA connects to listener " + listener.path("name").asText() + " whose authentication this test does not know");
    }
  }

  private static void checkServiceMonitor(Manifests m, List<Workload> workloads) {
    JsonNode monitor = m.all("ServiceMonitor").get(0);
    List<JsonNode> scraped = m.all("Service").stream()
        .filter(s -> matches(monitor.path("spec").path("selector"), s.path("metadata").path("labels"))).toList();
    assertThat(scraped).as("Services the ServiceMonitor scrapes").hasSize(3);
    for (JsonNode endpoint : monitor.path("spec").path("endpoints")) {
      assertThat(endpoint.path("path").asText("/metrics")).isEqualTo("/metrics");
      assertThat(scraped).allSatisfy(s -> assertThat(s.path("spec").path("ports").findValuesAsText("name"))
          .contains(endpoint.path("port").asText()));
      // Prometheus sends the token the services ask for, or every scrape is a 401.
      JsonNode sent = endpoint.path("bearerTokenSecret");
      assertThat(m.secretKeys(sent.path("name").asText(), "ServiceMonitor")).contains(sent.path("key").asText());
      for (Workload w : workloads) {
        JsonNode asked = StreamSupport.stream(w.container().path("env").spliterator(), false)
            .filter(v -> v.path("name").asText().equals("METRICS_TOKEN")).findFirst()
            .orElseThrow(() -> new AssertionError(w.name() + " does not set METRICS_TOKEN")).path("valueFrom").path("secretKeyRef");
        assertThat(List.of(sent.path("name").asText(), sent.path("key").asText()))
            .as("the ServiceMonitor's bearerTokenSecret is %s's METRICS_TOKEN", w.name())
            .isEqualTo(List.of(asked.path("name").asText(), asked.path("key").asText()));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  private static String name(JsonNode doc) {
    return doc.path("metadata").path("name").asText();
  }

  private static String clusterOf(JsonNode doc) {
    return doc.path("metadata").path("labels").path("strimzi.io/cluster").asText();
  }

  private static int brokers(Manifests m) {
    return m.all("KafkaNodePool").stream()
        .filter(p -> StreamSupport.stream(p.path("spec").path("roles").spliterator(), false).anyMatch(r -> r.asText().equals("broker")))
        .mapToInt(p -> p.path("spec").path("replicas").asInt()).sum();
  }

  private static double cores(String quantity) {
    return quantity.endsWith("m") ? Double.parseDouble(quantity.substring(0, quantity.length() - 1)) / 1000 : Double.parseDouble(quantity);
  }

  /** A label selector (matchLabels and matchExpressions) against a set of labels. */
  private static boolean matches(JsonNode selector, JsonNode labels) {
    if (!matchesLabels(selector.path("matchLabels"), labels)) {
      return false;
    }
    for (JsonNode expression : selector.path("matchExpressions")) {
      String value = labels.path(expression.path("key").asText()).asText(null);
      List<String> allowed = new ArrayList<>();
      expression.path("values").forEach(v -> allowed.add(v.asText()));
      boolean ok = switch (expression.path("operator").asText()) {
        case "In" -> value != null && allowed.contains(value);
        case "NotIn" -> value == null || !allowed.contains(value);
        case "Exists" -> value != null;
        case "DoesNotExist" -> value == null;
        default -> throw new AssertionError("unknown selector operator " + expression);
      };
      if (!ok) {
        return false;
      }
    }
    return !selector.path("matchLabels").isEmpty() || !selector.path("matchExpressions").isEmpty();
  }

  /** A plain label map (a Service's selector, or matchLabels) against a set of labels; an empty one matches nothing. */
  private static boolean matchesLabels(JsonNode wanted, JsonNode labels) {
    if (wanted.isMissingNode()) {
      return true;
    }
    if (wanted.isEmpty()) {
      return false;
    }
    var fields = wanted.fields();
    while (fields.hasNext()) {
      var e = fields.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  /** The documents of one variant, looked up by kind and name. */
  private static final class Manifests {
    private final List<JsonNode> docs;

    Manifests(List<JsonNode> docs) {
      this.docs = docs;
    }

    List<JsonNode> all(String kind) {
      return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    /** What runs the services' pods: Deployments and StatefulSets. */
    List<JsonNode> workloads() {
      return Stream.concat(all("Deployment").stream(), all("StatefulSet").stream()).toList();
    }

    JsonNode one(String kind, String name) {
      return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    Optional<JsonNode> find(String kind, String name) {
      return all(kind).stream().filter(d -> name(d).equals(name)).findFirst();
    }

    JsonNode configMap(String name, String who) {
      return find("ConfigMap", name).orElseThrow(() -> new AssertionError(who + " uses ConfigMap " + name + ", which is not there"))
          .path("data");
    }

    /**
     * The keys of a Secret: one in the manifests, or one the Strimzi operators generate (the cluster CA's, and a
     * KafkaUser's, whose keys depend on how the user authenticates).
     */
    Set<String> secretKeys(String name, String who) {
      Optional<JsonNode> secret = find("Secret", name);
      if (secret.isPresent()) {
        Set<String> keys = new TreeSet<>();
        secret.get().path("data").fieldNames().forEachRemaining(keys::add);
        secret.get().path("stringData").fieldNames().forEachRemaining(keys::add);
        return keys;
      }
      String cluster = name(all("Kafka").get(0));
      if (name.equals(cluster + "-cluster-ca-cert") || name.equals(cluster + "-clients-ca-cert")) {
        return Set.of("ca.crt", "ca.p12", "ca.password");
      }
      Optional<JsonNode> user = find("KafkaUser", name);
      if (user.isPresent()) {
        return switch (user.get().path("spec").path("authentication").path("type").asText()) {
          case "scram-sha-512" -> Set.of("password", "sasl.jaas.config");
          case "tls", "tls-external" -> Set.of("ca.crt", "user.crt", "user.key", "user.p12", "user.password");
          default -> throw new AssertionError("KafkaUser " + name + " authenticates in a way this test does not know");
        };
      }
      throw new AssertionError(who + " uses Secret " + name + ": neither in deploy/ nor one Strimzi generates");
    }
  }
}
