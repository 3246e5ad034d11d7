package io.labelstream.review.auth;

import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.hash.Sha256;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The bearer tokens the review service accepts, kept only as SHA-256 hashes: a heap dump, a debugger or a
 * {@code toString()} never shows a usable token. {@code REVIEW_TOKENS} lists {@code name:token:role} entries, or
 * {@code name:sha256:<64 hex digits>:role} so that the plain token need not be in the deployment at all.
 */
public final class ReviewerTokens {

  private static final int MIN_TOKEN_LENGTH = 8;
  private static final HexFormat HEX = HexFormat.of();

  private record Entry(byte[] hash, Reviewer reviewer) {}

  private final List<Entry> entries;
  private final String generated;

  private ReviewerTokens(List<Entry> entries, String generated) {
    this.entries = List.copyOf(entries);
    this.generated = generated;
  }

  /** Parses {@code REVIEW_TOKENS}; errors name the entry by its reviewer only, never by its token. */
  public static ReviewerTokens parse(String raw) {
    List<Entry> entries = new ArrayList<>();
    Set<String> hashes = new HashSet<>();
    for (String item : raw.split(",")) {
      String[] parts = item.strip().split(":");
      String name = parts.length > 0 ? parts[0] : "";
      byte[] hash;
      String role;
      if (parts.length == 4 && parts[1].equals("sha256")) {
        if (!parts[2].matches("[0-9a-fA-F]{64}")) {
          throw invalid(name, "a sha256 entry needs 64 hex digits: name:sha256:<hex>:role");
        }
        hash = HEX.parseHex(parts[2].toLowerCase(Locale.ROOT));
        role = parts[3];
      } else if (parts.length == 3 && parts[1].length() >= MIN_TOKEN_LENGTH) {
        hash = sha256(parts[1]);
        role = parts[2];
      } else {
        throw invalid(name, "expected name:token:role with a token of at least " + MIN_TOKEN_LENGTH
            + " characters, or name:sha256:<hex>:role, and role reviewer or admin");
      }
      if (name.isBlank()) {
        throw invalid(name, "the reviewer name is empty");
      }
      Role parsed = Role.parse(role).orElseThrow(() -> new ConfigException(
          "REVIEW_TOKENS entry for " + name + " has role '" + role + "': expected reviewer or admin"));
      if (!hashes.add(HEX.formatHex(hash))) {
        throw new ConfigException("REVIEW_TOKENS gives the same token to two reviewers");
      }
      entries.add(new Entry(hash, new Reviewer(name, parsed)));
    }
    return new ReviewerTokens(entries, null);
  }

  /** One admin token made up for this run, for a local start without REVIEW_TOKENS. */
  public static ReviewerTokens generatedAdmin() {
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    String token = HEX.formatHex(random);
    return new ReviewerTokens(List.of(new Entry(sha256(token), new Reviewer("admin", Role.ADMIN))), token);
  }

  /**
   * The reviewer a presented token belongs to. Compares the token's hash with every entry in constant time, and
   * always with all of them, so the answer's timing says nothing about which or how much of a token matched.
   */
  public Optional<Reviewer> find(String presented) {
    byte[] hash = sha256(presented);
    Reviewer found = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(hash, entry.hash()) && found == null) {
        found = entry.reviewer();
      }
    }
    return Optional.ofNullable(found);
  }

  public List<Reviewer> reviewers() {
    return entries.stream().map(Entry::reviewer).toList();
  }

  /** The token made up at start-up, to show the person who started the service; empty when tokens were configured. */
  public Optional<String> generatedToken() {
    return Optional.ofNullable(generated);
  }

  public static byte[] sha256(String token) {
    return Sha256.of(token);
  }

  private static ConfigException invalid(String name, String why) {
    return new ConfigException("REVIEW_TOKENS entry '" + (name.isBlank() ? "…" : name + ":…") + "' is invalid: " + why);
  }

  @Override
  public String toString() {
    return reviewers().toString();
  }
}
