package io.labelstream.platform.store;

import java.net.URI;
import java.util.Optional;

/**
 * How to reach an S3 API: AWS itself or an S3-compatible store (MinIO, Ceph RGW, S3Proxy).
 *
 * @param endpoint the API's URL; empty for AWS S3, whose endpoint follows from the region
 * @param region the region requests are signed for
 * @param pathStyle path-style addressing (endpoint/bucket/key) rather than virtual-hosted (bucket.endpoint/key)
 * @param credentials a static key; empty for the AWS SDK's default credentials chain
 */
public record S3Connection(Optional<URI> endpoint, String region, boolean pathStyle,
    Optional<Credentials> credentials) {

  /** A static access key. Its {@code toString()} shows neither part, so a logged settings object leaks nothing. */
  public record Credentials(String accessKeyId, String secretAccessKey) {

    @Override
    public String toString() {
      return "Credentials[hidden]";
    }
  }
}
