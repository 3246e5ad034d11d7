package io.labelstream.platform.store;

import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.FrameStoreVariables;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The frame store settings, read once.
 *
 * @param location the store's URI, empty when none is configured (images then travel inline only)
 * @param inlineMaxBytes frames up to this size also travel inline in their Kafka record
 * @param retention how long an image is kept after its frame's last label, when nothing else needs it
 * @param orphanGrace how old an image nothing refers to must be before it is deleted
 * @param collectInterval how often the collector runs
 */
public record FrameStoreSettings(Optional<URI> location, long inlineMaxBytes, Duration retention,
    Duration orphanGrace, Duration collectInterval) {

  public static FrameStoreSettings from(Env env) {
    Optional<URI> location = env.find(FrameStoreVariables.FRAME_STORE).map(FrameStoreSettings::parse);
    return new FrameStoreSettings(location, env.get(FrameStoreVariables.FRAME_STORE_INLINE_MAX_BYTES),
        env.get(FrameStoreVariables.FRAME_STORE_RETENTION), env.get(FrameStoreVariables.FRAME_STORE_ORPHAN_GRACE),
        env.get(FrameStoreVariables.FRAME_STORE_COLLECT_INTERVAL));
  }

  /** A store in a local folder, as the launcher's embedded default. */
  public static FrameStoreSettings inFolder(Path folder) {
    return new FrameStoreSettings(Optional.of(folder.toAbsolutePath().normalize().toUri()), 0,
        FrameStoreVariables.FRAME_STORE_RETENTION.defaultValue().orElseThrow(),
        FrameStoreVariables.FRAME_STORE_ORPHAN_GRACE.defaultValue().orElseThrow(),
        FrameStoreVariables.FRAME_STORE_COLLECT_INTERVAL.defaultValue().orElseThrow());
  }

  private static URI parse(String raw) {
    URI uri;
    try {
      uri = URI.create(raw.trim());
    } catch (IllegalArgumentException e) {
      throw Env.invalid(FrameStoreVariables.FRAME_STORE, raw, "a file:// or s3:// URI");
    }
    if ("file".equals(uri.getScheme()) && uri.getPath() != null && uri.getPath().startsWith("/")) {
      return uri;
    }
    throw Env.invalid(FrameStoreVariables.FRAME_STORE, raw, "file:///an/absolute/folder");
  }

  /** The configured store, opened; empty when none is configured. */
  public Optional<FrameStore> open() {
    return location.map(uri -> {
      if ("file".equals(uri.getScheme())) {
        return new FileFrameStore(Path.of(uri));
      }
      throw new ConfigException("FRAME_STORE: no store for " + uri.getScheme() + "://");
    });
  }
}
