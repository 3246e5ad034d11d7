package io.labelstream.review.config;

import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.http.HttpSettings;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.review.auth.Reviewer;
import io.labelstream.review.auth.Role;
import io.labelstream.review.policy.PolicySettings;
import io.labelstream.review.queue.QueueOrder;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything the review service reads from its environment, once, at start-up.
 *
 * @param tokens bearer token to reviewer (REVIEW_TOKENS=name:token:role,...); one admin token is generated when unset
 * @param tokensGenerated true when no REVIEW_TOKENS were given and a token was made up for this run
 * @param lease how long a claimed task stays with its reviewer (REVIEW_LEASE_SECONDS)
 * @param classes the label classes in model output order (LABEL_CLASSES, comma-separated)
 * @param instanceId this instance's name, part of its transactional id (REVIEW_INSTANCE_ID)
 * @param policy how the routing policy is computed
 * @param queueOrder which waiting task a reviewer gets next (REVIEW_QUEUE_ORDER: uncertainty, fifo, round_robin)
 * @param advertisedUrl where other review instances reach this one (REVIEW_ADVERTISED_URL, e.g. the pod's
 *     http://10.0.3.7:8083); by default http://HTTP_HOST:port, or this host's address when bound to 0.0.0.0
 */
public record ReviewConfig(
    HttpSettings http,
    KafkaSettings kafka,
    Map<String, Reviewer> tokens,
    boolean tokensGenerated,
    Duration lease,
    List<String> classes,
    String instanceId,
    PolicySettings policy,
    QueueOrder queueOrder,
    Optional<String> advertisedUrl) {

  public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  public static ReviewConfig from(Env env) {
    String rawTokens = env.optional("REVIEW_TOKENS").orElse(null);
    Map<String, Reviewer> tokens = rawTokens == null ? generatedToken() : parseTokens(rawTokens);
    List<String> classes = env.optional("LABEL_CLASSES")
        .map(v -> Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList())
        .orElse(FASHION_MNIST_CLASSES);
    if (classes.size() < 2 || classes.stream().distinct().count() != classes.size()) {
      throw Env.invalid("LABEL_CLASSES", String.join(",", classes), "at least two distinct class names, comma-separated");
    }
    return new ReviewConfig(
        HttpSettings.from(env, "REVIEW_PORT", 8083),
        KafkaSettings.from(env),
        tokens,
        rawTokens == null,
        Duration.ofSeconds(env.intIn("REVIEW_LEASE_SECONDS", 60, 1, 86_400)),
        classes,
        env.string("REVIEW_INSTANCE_ID", "review-" + UUID.randomUUID().toString().substring(0, 8)),
        PolicySettings.from(env),
        QueueOrder.from(env),
        env.optional("REVIEW_ADVERTISED_URL").map(ReviewConfig::withoutTrailingSlash));
  }

  private static String withoutTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  static Map<String, Reviewer> parseTokens(String raw) {
    Map<String, Reviewer> tokens = new LinkedHashMap<>();
    for (String entry : raw.split(",")) {
      String[] parts = entry.strip().split(":");
      if (parts.length != 3 || parts[0].isBlank() || parts[1].length() < 8) {
        throw new ConfigException("REVIEW_TOKENS entry '" + redact(entry) + "' is invalid: expected name:token:role "
            + "with a token of at least 8 characters and role reviewer or admin");
      }
      Role role = Role.parse(parts[2]).orElseThrow(() -> new ConfigException(
          "REVIEW_TOKENS entry for " + parts[0] + " has role '" + parts[2] + "': expected reviewer or admin"));
      if (tokens.put(parts[1], new Reviewer(parts[0], role)) != null) {
        throw new ConfigException("REVIEW_TOKENS gives the same token to two reviewers");
      }
    }
    return Map.copyOf(tokens);
  }

  private static Map<String, Reviewer> generatedToken() {
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    return Map.of(HexFormat.of().formatHex(random), new Reviewer("admin", Role.ADMIN));
  }

  private static String redact(String entry) {
    String[] parts = entry.strip().split(":");
    return parts.length >= 1 ? parts[0] + ":…" : "…";
  }

  /** The tokens as REVIEW_TOKENS would spell them; printed by the launcher, never logged. */
  public String tokensForDisplay() {
    StringBuilder out = new StringBuilder();
    tokens.forEach((token, reviewer) -> out.append(out.length() == 0 ? "" : ",")
        .append(reviewer.name()).append(':').append(token).append(':').append(reviewer.role().name().toLowerCase(java.util.Locale.ROOT)));
    return out.toString();
  }

  @Override
  public String toString() {
    return "ReviewConfig[http=" + http + ", kafka=" + kafka + ", reviewers=" + tokens.values() + ", lease=" + lease
        + ", classes=" + classes + ", instanceId=" + instanceId + ", policy=" + policy + ", queueOrder=" + queueOrder
        + ", advertisedUrl=" + advertisedUrl.orElse("(derived)") + "]";
  }
}
