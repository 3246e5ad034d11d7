package io.labelstream.platform.store;

import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.FrameStoreVariables;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The frame store settings, read once.
 *
 * @param location the store's URI ({@code file:///folder} or {@code s3://bucket[/prefix]}), empty when none is
 *     configured (images then travel inline only); never carries credentials
 * @param inlineMaxBytes frames up to this size also travel inline in their Kafka record
 * @param retention how long an image is kept after its frame's last label, when nothing else needs it
 * @param orphanGrace how old an image nothing refers to must be before it is deleted
 * @param collectInterval how often the collector runs
 * @param timeout how long one call to a remote store may take (see {@link FrameStoreVariables#FRAME_STORE_TIMEOUT_MS})
 * @param s3 how to reach the S3 API, for an {@code s3://} location
 */
public record FrameStoreSettings(Optional<URI> location, long inlineMaxBytes, Duration retention,
    Duration orphanGrace, Duration collectInterval, Duration timeout, S3Connection s3) {

  private static final String BUCKET = "[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]";

  public static FrameStoreSettings from(Env env) {
    Optional<URI> location = env.find(FrameStoreVariables.FRAME_STORE).map(FrameStoreSettings::parse);
    return new FrameStoreSettings(location, env.get(FrameStoreVariables.FRAME_STORE_INLINE_MAX_BYTES),
        env.get(FrameStoreVariables.FRAME_STORE_RETENTION), env.get(FrameStoreVariables.FRAME_STORE_ORPHAN_GRACE),
        env.get(FrameStoreVariables.FRAME_STORE_COLLECT_INTERVAL),
        Duration.ofMillis(env.get(FrameStoreVariables.FRAME_STORE_TIMEOUT_MS)), s3(env));
  }

  /** A store in a local folder, as the launcher's embedded default. */
  public static FrameStoreSettings inFolder(Path folder) {
    return new FrameStoreSettings(Optional.of(folder.toAbsolutePath().normalize().toUri()), 0,
        FrameStoreVariables.FRAME_STORE_RETENTION.defaultValue().orElseThrow(),
        FrameStoreVariables.FRAME_STORE_ORPHAN_GRACE.defaultValue().orElseThrow(),
        FrameStoreVariables.FRAME_STORE_COLLECT_INTERVAL.defaultValue().orElseThrow(), defaultTimeout(),
        new S3Connection(Optional.empty(), FrameStoreVariables.FRAME_STORE_S3_REGION.defaultValue().orElseThrow(),
            false, Optional.empty()));
  }

  private static URI parse(String raw) {
    if (raw.contains("@")) {
      throw carriesCredentials(FrameStoreVariables.FRAME_STORE.name());
    }
    URI uri;
    try {
      uri = new URI(raw.trim());
    } catch (URISyntaxException e) {
      throw Env.invalid(FrameStoreVariables.FRAME_STORE, raw, "a file:// or s3:// URI");
    }
    if ("file".equals(uri.getScheme()) && uri.getPath() != null && uri.getPath().startsWith("/")) {
      return uri;
    }
    if ("s3".equals(uri.getScheme())) {
      return s3Location(uri, raw);
    }
    throw Env.invalid(FrameStoreVariables.FRAME_STORE, raw, "file:///an/absolute/folder or s3://bucket[/prefix]");
  }

  /** {@code s3://bucket} or {@code s3://bucket/prefix}, the prefix without leading or trailing slashes. */
  private static URI s3Location(URI uri, String raw) {
    String bucket = uri.getRawAuthority();
    String prefix = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
    if (bucket == null || !bucket.matches(BUCKET) || uri.getQuery() != null || uri.getFragment() != null
        || prefix.contains("//")) {
      throw Env.invalid(FrameStoreVariables.FRAME_STORE, raw,
          "s3://bucket or s3://bucket/prefix, the bucket 3 to 63 lower-case letters, digits, '.', '-' or '_'");
    }
    return URI.create("s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix));
  }

  private static S3Connection s3(Env env) {
    Optional<String> keyId = env.find(FrameStoreVariables.FRAME_STORE_S3_ACCESS_KEY_ID);
    Optional<String> secret = env.find(FrameStoreVariables.FRAME_STORE_S3_SECRET_ACCESS_KEY);
    if (keyId.isPresent() != secret.isPresent()) {
      throw new ConfigException((keyId.isPresent() ? FrameStoreVariables.FRAME_STORE_S3_ACCESS_KEY_ID
          : FrameStoreVariables.FRAME_STORE_S3_SECRET_ACCESS_KEY).name() + " is set without "
          + (keyId.isPresent() ? FrameStoreVariables.FRAME_STORE_S3_SECRET_ACCESS_KEY
              : FrameStoreVariables.FRAME_STORE_S3_ACCESS_KEY_ID).name()
          + ": set both, or neither for the AWS SDK's default credentials chain");
    }
    Optional<URI> endpoint = env.find(FrameStoreVariables.FRAME_STORE_S3_ENDPOINT).map(FrameStoreSettings::endpoint);
    boolean pathStyle = env.find(FrameStoreVariables.FRAME_STORE_S3_PATH_STYLE).orElse(endpoint.isPresent());
    return new S3Connection(endpoint, env.get(FrameStoreVariables.FRAME_STORE_S3_REGION), pathStyle,
        keyId.map(id -> new S3Connection.Credentials(id, secret.orElseThrow())));
  }

  /**
   * Refuses a URL with a user part without repeating it: what comes before the @ may be a key and its secret (and a
   * secret with a '/' in it does not even parse as a user part).
   */
  private static ConfigException carriesCredentials(String variable) {
    return new ConfigException(variable + " must not contain '@' (credentials in a URL end up in logs): set "
        + FrameStoreVariables.FRAME_STORE_S3_ACCESS_KEY_ID.name() + " and "
        + FrameStoreVariables.FRAME_STORE_S3_SECRET_ACCESS_KEY.name() + ", or leave both unset for the AWS SDK's "
        + "default credentials chain");
  }

  private static URI endpoint(String raw) {
    if (raw.contains("@")) {
      throw carriesCredentials(FrameStoreVariables.FRAME_STORE_S3_ENDPOINT.name());
    }
    try {
      URI uri = new URI(raw.trim());
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
          && uri.getQuery() == null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // refused below
    }
    throw Env.invalid(FrameStoreVariables.FRAME_STORE_S3_ENDPOINT, raw,
        FrameStoreVariables.FRAME_STORE_S3_ENDPOINT.type().accepts());
  }

  private static Duration defaultTimeout() {
    return Duration.ofMillis(FrameStoreVariables.FRAME_STORE_TIMEOUT_MS.defaultValue().orElseThrow());
  }

  /** The configured store, opened; empty when none is configured. */
  public Optional<FrameStore> open() {
    return location.map(uri -> switch (uri.getScheme()) {
      case "file" -> new FileFrameStore(Path.of(uri));
      case "s3" -> S3FrameStore.connect(uri, s3, timeout);
      default -> throw new ConfigException("FRAME_STORE: no store for " + uri.getScheme() + "://");
    });
  }
}
