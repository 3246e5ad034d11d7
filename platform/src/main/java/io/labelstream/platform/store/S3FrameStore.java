package io.labelstream.platform.store;

import io.labelstream.platform.store.FrameStoreException.Kind;
import io.labelstream.schemas.avro.ImageRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A frame store in an S3 bucket, under an optional prefix: AWS S3 or any store that speaks its API (MinIO, Ceph RGW,
 * S3Proxy). Objects are keyed {@code <prefix>/sha256/<2 hex>/<64 hex>} ({@link ContentKeys}).
 *
 * <p>A put always uploads, even when an object is already under the key. Asking first (HEAD) would spare the upload
 * of a duplicate, but duplicates are rare (retries) and the question costs every new frame a round trip: against
 * S3Proxy, 300 KB frames took 11 to 17 ms to PUT and 26 ms to HEAD and PUT, while a HEAD alone took 5 ms. Uploading
 * again also renews the object's last-modified time, so a frame written again is never taken for an old orphan by
 * the collector between its upload and its Kafka record. The upload carries its MD5 ({@code Content-MD5}), which every S3 implementation checks, so the store itself refuses bytes
 * damaged on the way (S3's newer {@code x-amz-checksum-sha256} would spare the MD5, but S3Proxy and older
 * S3-compatible stores answer it with 501); the SHA-256 rides along as metadata ({@code x-amz-meta-sha256}) for
 * anyone looking at the bucket. Every read checks size and SHA-256 before handing the image out
 * ({@link ContentKeys#verified}).
 *
 * <p>Every call is bounded ({@link FrameStoreSettings#timeout()}), so a store that is down or hangs answers
 * {@link Kind#UNAVAILABLE} within seconds rather than holding a request thread for minutes. What the SDK throws maps
 * to two kinds: no such key is {@link Kind#MISSING}; everything else (refused connections, timeouts, 5xx, throttling,
 * access denied, a missing bucket) is {@link Kind#UNAVAILABLE}, since an operator can fix it and nothing should be
 * dropped meanwhile.
 */
public final class S3FrameStore implements FrameStore {

  /** The slowest transfer a call is given time for beyond its base limit: 1 s more per MB moved. */
  private static final long BYTES_PER_SECOND = 1_000_000;

  private final S3Client client;
  private final String bucket;
  private final String prefix;
  private final String location;
  private final Duration timeout;

  /**
   * A store over {@code client}, which it closes with itself.
   *
   * @param prefix the folder in the bucket, without leading or trailing slashes; empty for the bucket's root
   * @param timeout the base limit of one call
   */
  S3FrameStore(S3Client client, String bucket, String prefix, Duration timeout) {
    this.client = client;
    this.bucket = bucket;
    this.prefix = prefix.isEmpty() ? "" : prefix + "/";
    this.location = "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    this.timeout = timeout;
  }

  /** Opens the store at {@code location} ({@code s3://bucket[/prefix]}, as {@link FrameStoreSettings} checked it). */
  public static S3FrameStore connect(URI location, S3Connection connection, Duration timeout) {
    String prefix = location.getPath() == null ? "" : location.getPath().replaceAll("^/+|/+$", "");
    return new S3FrameStore(client(connection, timeout), location.getRawAuthority(), prefix, timeout);
  }

  private static S3Client client(S3Connection connection, Duration timeout) {
    Duration connect = timeout.compareTo(Duration.ofSeconds(2)) < 0 ? timeout : Duration.ofSeconds(2);
    S3ClientBuilder builder = S3Client.builder()
        .region(Region.of(connection.region()))
        .forcePathStyle(connection.pathStyle())
        .credentialsProvider(credentials(connection))
        .httpClientBuilder(Apache5HttpClient.builder()
            .connectionTimeout(connect)
            .socketTimeout(timeout)
            .connectionAcquisitionTimeout(timeout)
            .maxConnections(64))
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .apiCallTimeout(timeout)
            .apiCallAttemptTimeout(timeout)
            .build())
        // The SDK's default adds a CRC32 trailer to uploads (aws-chunked) and checks one on downloads; many
        // S3-compatible stores refuse the trailer, and the MD5 sent with each upload and the SHA-256 checked on each
        // read already cover both ways.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    connection.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  private static AwsCredentialsProvider credentials(S3Connection connection) {
    return connection.credentials()
        .<AwsCredentialsProvider>map(c -> StaticCredentialsProvider.create(
            AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
        .orElseGet(() -> DefaultCredentialsProvider.builder().build());
  }

  @Override
  public ImageRef put(byte[] image, String contentType) throws FrameStoreException {
    ImageRef ref = ContentKeys.ref(location, image, contentType);
    String objectKey = prefix + ref.getKey();
    Duration limit = limitFor(image.length);
    try {
      String md5 = Base64.getEncoder().encodeToString(md5(image));
      client.putObject(b -> b.bucket(bucket).key(objectKey).contentType(contentType)
              .contentLength((long) image.length).contentMD5(md5).metadata(Map.of("sha256", ref.getSha256()))
              .overrideConfiguration(o -> o.apiCallTimeout(limit).apiCallAttemptTimeout(limit)),
          // a stream over the caller's array, made anew for each attempt: no copy of the image
          RequestBody.fromContentProvider(() -> new ByteArrayInputStream(image), image.length, contentType));
      return ref;
    } catch (SdkException e) {
      throw failure("write", objectKey, e);
    }
  }

  private static byte[] md5(byte[] image) {
    try {
      return MessageDigest.getInstance("MD5").digest(image);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has MD5", e);
    }
  }

  @Override
  public byte[] get(ImageRef ref) throws FrameStoreException {
    String objectKey = prefix + ref.getKey();
    Duration limit = limitFor(ref.getSize());
    try (ResponseInputStream<GetObjectResponse> in = client.getObject(b -> b.bucket(bucket).key(objectKey)
        .overrideConfiguration(o -> o.apiCallTimeout(limit).apiCallAttemptTimeout(limit)))) {
      Long length = in.response().contentLength();
      if (length == null || length != ref.getSize()) {
        in.abort(); // no need to download an object of the wrong size, however large
        throw new FrameStoreException(Kind.CORRUPT, "the stored object " + ref.getKey() + " has "
            + length + " bytes, the reference says " + ref.getSize());
      }
      byte[] bytes = in.readNBytes((int) ref.getSize());
      if (bytes.length < ref.getSize()) {
        throw new FrameStoreException(Kind.UNAVAILABLE, "the connection ended after " + bytes.length + " of "
            + ref.getSize() + " bytes of " + location + "/" + ref.getKey());
      }
      return ContentKeys.verified(ref, bytes);
    } catch (SdkException e) {
      throw failure("read", objectKey, e);
    } catch (IOException e) {
      throw new FrameStoreException(Kind.UNAVAILABLE, "could not read s3://" + bucket + "/" + objectKey + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public java.util.Optional<StoredObject> stat(String key) throws FrameStoreException {
    String objectKey = prefix + key;
    try {
      var head = client.headObject(b -> b.bucket(bucket).key(objectKey));
      return java.util.Optional.of(new StoredObject(key, head.contentLength(), head.lastModified()));
    } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
      return java.util.Optional.empty();
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() == 404) {
        return java.util.Optional.empty(); // HEAD has no body, so some stores' 404 carries no NoSuchKey code
      }
      throw failure("stat", objectKey, e);
    } catch (SdkException e) {
      throw failure("stat", objectKey, e);
    }
  }

  @Override
  public void delete(String key) throws FrameStoreException {
    String objectKey = prefix + key;
    try {
      client.deleteObject(b -> b.bucket(bucket).key(objectKey));
    } catch (SdkException e) {
      throw failure("delete", objectKey, e);
    }
  }

  @Override
  public void forEach(Consumer<StoredObject> visitor) throws FrameStoreException {
    String listed = prefix + "sha256/";
    try {
      for (S3Object object : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(listed)).contents()) {
        String key = object.key().substring(prefix.length());
        if (ContentKeys.isContentKey(key)) {
          visitor.accept(new StoredObject(key, object.size(), object.lastModified()));
        }
      }
    } catch (SdkException e) {
      throw failure("list", listed, e);
    }
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public void close() {
    client.close();
  }

  /** A call's limit: the base timeout, and time to move its bytes at {@link #BYTES_PER_SECOND}. */
  private Duration limitFor(long bytes) {
    return timeout.plusMillis(bytes * 1000 / BYTES_PER_SECOND);
  }

  private FrameStoreException failure(String doing, String objectKey, SdkException e) {
    String what = "s3://" + bucket + "/" + objectKey;
    if (e instanceof NoSuchKeyException) {
      return new FrameStoreException(Kind.MISSING, "no object " + what, e);
    }
    String why = e instanceof AwsServiceException service && service.awsErrorDetails() != null
        ? "HTTP " + service.statusCode() + " " + service.awsErrorDetails().errorCode() + ": "
            + service.awsErrorDetails().errorMessage()
        : e.getMessage();
    return new FrameStoreException(Kind.UNAVAILABLE, "could not " + doing + " " + what + ": " + why, e);
  }
}
