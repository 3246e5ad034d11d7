package io.labelstream.launcher;

import io.labelstream.inference.InferenceService;
import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.ingest.IngestService;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.kafka.embedded.EmbeddedKafkaBroker;
import io.labelstream.platform.auth.BearerTokens;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.FrameStoreVariables;
import io.labelstream.platform.config.KafkaVariables;
import io.labelstream.platform.config.LauncherVariables;
import io.labelstream.platform.config.ReviewVariables;
import io.labelstream.platform.config.SharedVariables;
import io.labelstream.review.ReviewService;
import io.labelstream.review.config.ReviewConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All of LabelStream in one JVM: an embedded broker (unless KAFKA_BOOTSTRAP_SERVERS names a cluster) and the
 * three services, each on its own port as if deployed apart.
 */
public final class AllInOne implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AllInOne.class);

  private final Optional<EmbeddedKafkaBroker> broker;
  private final ReviewService review;
  private final InferenceService inference;
  private final IngestService ingest;
  private final ReviewConfig reviewConfig;
  private final String host;
  private final String bootstrapServers;
  private final String actingToken;
  private final boolean tokenGenerated;
  private final String ingestToken;
  private final boolean ingestTokenGenerated;

  private AllInOne(Optional<EmbeddedKafkaBroker> broker, ReviewService review, InferenceService inference,
      IngestService ingest, ReviewConfig reviewConfig, String host, String bootstrapServers, String actingToken,
      boolean tokenGenerated, String ingestToken, boolean ingestTokenGenerated) {
    this.broker = broker;
    this.review = review;
    this.inference = inference;
    this.ingest = ingest;
    this.reviewConfig = reviewConfig;
    this.host = host;
    this.bootstrapServers = bootstrapServers;
    this.actingToken = actingToken;
    this.tokenGenerated = tokenGenerated;
    this.ingestToken = ingestToken;
    this.ingestTokenGenerated = ingestTokenGenerated;
  }

  public static AllInOne start(Map<String, String> environment) {
    Map<String, String> vars = new HashMap<>(environment);
    // A local run listens on loopback unless told otherwise.
    vars.putIfAbsent("HTTP_HOST", "127.0.0.1");
    // Without REVIEW_TOKENS, make up an admin token to show the person who started it (the service keeps only hashes).
    String actingToken = actingToken(vars.get("REVIEW_TOKENS")).orElse(null);
    boolean tokenGenerated = vars.get("REVIEW_TOKENS") == null || vars.get("REVIEW_TOKENS").isBlank();
    if (tokenGenerated) {
      actingToken = BearerTokens.randomToken();
      vars.put("REVIEW_TOKENS", "admin:" + actingToken + ":admin");
    }
    // Ingest alone requires its sender tokens and frame-id secret; a local run makes them up (the secret once, kept).
    String ingestToken = plainIngestToken(vars.get("INGEST_TOKENS")).orElse(null);
    boolean ingestTokenGenerated = isBlank(vars.get("INGEST_TOKENS"));
    if (ingestTokenGenerated) {
      ingestToken = BearerTokens.randomToken();
      vars.put("INGEST_TOKENS", "local:" + ingestToken);
    }
    Path dataDir = new Env(vars).get(LauncherVariables.LABELSTREAM_DATA_DIR);
    if (isBlank(vars.get("INGEST_FRAME_ID_SECRET"))) {
      vars.put("INGEST_FRAME_ID_SECRET", LocalSecrets.frameIdSecret(dataDir));
    }
    useLocalFrameStoreUnlessSet(vars, dataDir);
    vars.putIfAbsent(ReviewVariables.REVIEW_STATE_DIR.name(), dataDir.resolve("review-state").toAbsolutePath()
        .normalize().toString()); // beside the broker's data: a restart goes on from its last checkpoint
    Env env = new Env(vars);
    checkEverySetting(env);
    Optional<EmbeddedKafkaBroker> broker = Optional.empty();
    if (!env.isSet(KafkaVariables.KAFKA_BOOTSTRAP_SERVERS)) {
      broker = Optional.of(EmbeddedKafkaBroker.start(dataDir.resolve("kafka")));
      vars.put("KAFKA_BOOTSTRAP_SERVERS", broker.get().bootstrapServers());
      env = new Env(vars);
    }
    ReviewService review = null;
    InferenceService inference = null;
    try {
      ReviewConfig reviewConfig = ReviewConfig.from(env);
      review = ReviewService.start(reviewConfig);
      inference = InferenceService.start(InferenceConfig.from(env));
      IngestConfig ingestConfig = IngestConfig.from(env);
      IngestService ingest = IngestService.start(ingestConfig);
      AllInOne all = new AllInOne(broker, review, inference, ingest, reviewConfig, env.get(SharedVariables.HTTP_HOST),
          env.find(KafkaVariables.KAFKA_BOOTSTRAP_SERVERS).orElse("?"), actingToken, tokenGenerated, ingestToken,
          ingestTokenGenerated);
      all.printBanner(env, ingestConfig);
      return all;
    } catch (RuntimeException e) {
      if (inference != null) {
        inference.close();
      }
      if (review != null) {
        review.close();
      }
      broker.ifPresent(EmbeddedKafkaBroker::close);
      throw e;
    }
  }

  /**
   * Without FRAME_STORE a local run keeps images on this machine, beside the embedded broker's data, so they outlive
   * frames.v1's retention with no setting to make (a service started alone without it keeps images inline only).
   */
  static void useLocalFrameStoreUnlessSet(Map<String, String> vars, Path dataDir) {
    if (isBlank(vars.get(FrameStoreVariables.FRAME_STORE.name()))) {
      vars.put(FrameStoreVariables.FRAME_STORE.name(),
          dataDir.resolve("frames").toAbsolutePath().normalize().toUri().toString());
    }
  }

  /**
   * Builds every service's config once before anything starts, so an invalid setting stops {@code up} at once with
   * its message, not after the broker and the first services are running.
   */
  private static void checkEverySetting(Env env) {
    ReviewConfig.from(env);
    InferenceConfig.from(env);
    IngestConfig.from(env);
  }

  private void printBanner(Env env, IngestConfig ingestConfig) {
    String shownHost = "0.0.0.0".equals(host) ? "127.0.0.1" : host;
    System.out.println();
    System.out.println("LabelStream is running.");
    System.out.println("  Kafka:       " + env.find(KafkaVariables.KAFKA_BOOTSTRAP_SERVERS).orElse("?")
        + broker.map(b -> " (embedded, data in " + b.dataDir().toAbsolutePath().normalize() + ")").orElse(""));
    // One setting (LABELSTREAM_MODEL_DIR) names the model for every service: the classes are its card's.
    System.out.println("  Model:       " + reviewConfig.modelIdentity().name() + " " + reviewConfig.modelIdentity().version()
        + " (" + reviewConfig.model().location() + "), classes " + reviewConfig.classes());
    System.out.println("  Ingest:      POST " + ingestUrl() + "/v1/frames");
    System.out.println("  Frame store: " + env.find(FrameStoreVariables.FRAME_STORE).orElse("?"));
    System.out.println("  Review state: " + reviewConfig.stateDir().map(Object::toString)
        .orElse("(rebuilt from Kafka at every start)"));
    System.out.println(ingestTokenGenerated
        ? "  Ingest token (generated; set INGEST_TOKENS to choose): " + ingestToken
            + " (send Authorization: Bearer <token>)"
        : "  Senders:     " + ingestConfig.senderNames()
            + " (tokens from INGEST_TOKENS)");
    System.out.println("  Inference:   " + "http://" + shownHost + ":" + inference.port() + "/readyz");
    System.out.println("  Review page: " + reviewUrl() + "/");
    System.out.println(tokenGenerated
        ? "  Admin token (generated; set REVIEW_TOKENS to choose): " + actingToken
        : "  Reviewers:   " + reviewConfig.tokens() + " (tokens from REVIEW_TOKENS)");
    System.out.println("Press Ctrl-C to stop.");
    System.out.println();
  }

  public String ingestUrl() {
    return "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + ingest.port();
  }

  public String reviewUrl() {
    return "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + review.port();
  }

  public String inferenceUrl() {
    return "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + inference.port();
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** A token the demo and tests can act with: the generated one, or a plain one from REVIEW_TOKENS (an admin's if any). */
  public String anyToken() {
    if (actingToken == null) {
      throw new IllegalStateException("REVIEW_TOKENS holds only hashed tokens; the demo needs a plain name:token:role entry");
    }
    return actingToken;
  }

  /** A sender token the demo and tests can post frames with: the generated one, or a plain one from INGEST_TOKENS. */
  public String ingestToken() {
    if (ingestToken == null) {
      throw new IllegalStateException("INGEST_TOKENS holds only hashed tokens; the demo needs a plain name:token entry");
    }
    return ingestToken;
  }

  /** The token of the first plain {@code name:token} entry of INGEST_TOKENS. */
  private static Optional<String> plainIngestToken(String rawTokens) {
    if (rawTokens == null) {
      return Optional.empty();
    }
    return java.util.Arrays.stream(rawTokens.split(",")).map(entry -> entry.strip().split(":"))
        .filter(parts -> parts.length == 2).findFirst().map(parts -> parts[1]);
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  /** The token of the first plain {@code name:token:admin} entry (the demo reads final labels), else of the first plain one. */
  private static Optional<String> actingToken(String rawTokens) {
    if (rawTokens == null) {
      return Optional.empty();
    }
    List<String[]> plain = java.util.Arrays.stream(rawTokens.split(",")).map(entry -> entry.strip().split(":"))
        .filter(parts -> parts.length == 3).toList();
    return plain.stream().filter(parts -> parts[2].equalsIgnoreCase("admin")).findFirst()
        .or(() -> plain.stream().findFirst()).map(parts -> parts[1]);
  }


  public ReviewConfig reviewConfig() {
    return reviewConfig;
  }

  @Override
  public void close() {
    LOG.info("stopping services");
    ingest.close();
    inference.close();
    review.close();
    broker.ifPresent(EmbeddedKafkaBroker::close);
  }
}
