package io.labelstream.platform.auth;

import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.hash.Sha256;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The bearer tokens a service accepts, kept only as SHA-256 hashes: a heap dump, a debugger or a {@code toString()}
 * never shows a usable token. One format for every service: comma-separated {@code name:token[:more]} entries, or
 * {@code name:sha256:<64 hex digits>[:more]} so the plain token need not be in the deployment at all. What follows
 * the token ({@code more}: review's role; nothing for ingest's senders) is the service's to read.
 *
 * @param <T> who a token belongs to (a reviewer, a sender)
 */
public final class BearerTokens<T> {

  public static final int MIN_TOKEN_LENGTH = 8;
  private static final HexFormat HEX = HexFormat.of();

  /** Turns an entry's name and the fields after its token into the holder; throws ConfigException if they are wrong. */
  @FunctionalInterface
  public interface Holder<T> {
    T of(String name, List<String> more);
  }

  private record Entry<T>(byte[] hash, T holder) {}

  private final List<Entry<T>> entries;
  /** The entries by their hash in hex, so a request finds its holder at once however many there are. */
  private final Map<String, Entry<T>> byHash = new HashMap<>();
  private final String generated;

  private BearerTokens(List<Entry<T>> entries, String generated) {
    this.entries = List.copyOf(entries);
    this.entries.forEach(entry -> byHash.put(HEX.formatHex(entry.hash()), entry));
    this.generated = generated;
  }

  /**
   * Parses a token list; errors name the variable and the entry by its name only, never by its token.
   *
   * @param moreFields how many fields follow the token in every entry
   * @param format the expected entry format, for error messages (e.g. {@code name:token:role})
   */
  public static <T> BearerTokens<T> parse(String variable, String raw, int moreFields, String format, Holder<T> holder) {
    List<Entry<T>> entries = new ArrayList<>();
    Set<String> hashes = new HashSet<>();
    for (String item : raw.split(",")) {
      String[] parts = item.strip().split(":", -1);
      String name = parts[0];
      byte[] hash;
      List<String> more;
      if (parts.length == 3 + moreFields && parts[1].equals("sha256")) {
        if (!parts[2].matches("[0-9a-fA-F]{64}")) {
          throw invalid(variable, name, "a sha256 entry needs 64 hex digits: " + hashedFormat(format));
        }
        hash = HEX.parseHex(parts[2].toLowerCase(Locale.ROOT));
        more = Arrays.asList(parts).subList(3, parts.length);
      } else if (parts.length == 2 + moreFields && parts[1].length() >= MIN_TOKEN_LENGTH) {
        hash = sha256(parts[1]);
        more = Arrays.asList(parts).subList(2, parts.length);
      } else {
        throw invalid(variable, name, "expected " + format + " with a token of at least " + MIN_TOKEN_LENGTH
            + " characters, or " + hashedFormat(format));
      }
      if (name.isBlank()) {
        throw invalid(variable, name, "the name is empty");
      }
      if (!hashes.add(HEX.formatHex(hash))) {
        throw new ConfigException(variable + " gives the same token to two names");
      }
      entries.add(new Entry<>(hash, holder.of(name, List.copyOf(more))));
    }
    return new BearerTokens<>(entries, null);
  }

  /** One token made up for this run, for a local start without configured tokens. */
  public static <T> BearerTokens<T> generated(T holder) {
    String token = randomToken();
    return new BearerTokens<>(List.of(new Entry<>(sha256(token), holder)), token);
  }

  /** 32 hex digits from a secure random source: the tokens and secrets a local run makes up. */
  public static String randomToken() {
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    return HEX.formatHex(random);
  }

  /**
   * Who a presented token belongs to: the entry whose hash is the token's SHA-256, looked up by that hash. The lookup's
   * timing can depend on the hash only, never on how much of a token matched: the hashes of two tokens that share a
   * prefix have nothing in common, so timing a guess tells an attacker nothing about the token they are after.
   * Comparing with every entry instead took a tenth of the review service's request threads' time with 200 reviewers.
   */
  public Optional<T> find(String presented) {
    byte[] hash = sha256(presented);
    Entry<T> entry = byHash.get(HEX.formatHex(hash));
    return entry != null && MessageDigest.isEqual(hash, entry.hash()) ? Optional.of(entry.holder()) : Optional.empty();
  }

  /**
   * The token of an {@code Authorization: Bearer <token>} header value; empty when the header is missing or of
   * another scheme.
   */
  public static Optional<String> fromAuthorization(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    return Optional.of(header.substring(7).strip());
  }

  public List<T> holders() {
    return entries.stream().map(Entry::holder).toList();
  }

  /** The token made up at start-up, to show the person who started the service; empty when tokens were configured. */
  public Optional<String> generatedToken() {
    return Optional.ofNullable(generated);
  }

  public static byte[] sha256(String token) {
    return Sha256.of(token);
  }

  private static String hashedFormat(String format) {
    return format.replace(":token", ":sha256:<hex>");
  }

  private static ConfigException invalid(String variable, String name, String why) {
    return new ConfigException(variable + " entry '" + (name.isBlank() ? "…" : name + ":…") + "' is invalid: " + why);
  }

  @Override
  public String toString() {
    return holders().toString();
  }
}
