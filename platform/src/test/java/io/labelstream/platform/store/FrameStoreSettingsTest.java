package io.labelstream.platform.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FrameStoreSettingsTest {

  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";

  @Test
  void shouldReadAnS3LocationWithItsPrefixTrimmed() {
    FrameStoreSettings settings = settings(Map.of("FRAME_STORE", "s3://frames.example/fleet/a/"));

    assertThat(settings.location()).contains(URI.create("s3://frames.example/fleet/a"));
    assertThat(settings(Map.of("FRAME_STORE", "s3://frames")).location()).contains(URI.create("s3://frames"));
  }

  @Test
  void shouldTalkToAwsWithVirtualHostsAndTheDefaultCredentialsChainUnlessToldOtherwise() {
    S3Connection aws = settings(Map.of("FRAME_STORE", "s3://frames")).s3();

    assertThat(aws.endpoint()).isEmpty();
    assertThat(aws.region()).isEqualTo("us-east-1");
    assertThat(aws.pathStyle()).isFalse();
    assertThat(aws.credentials()).isEmpty();
    assertThat(settings(Map.of("FRAME_STORE", "s3://frames")).timeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void shouldUsePathStyleForAnEndpointUnlessToldOtherwise() {
    S3Connection minio = settings(Map.of("FRAME_STORE", "s3://frames",
        "FRAME_STORE_S3_ENDPOINT", "http://minio.storage:9000", "FRAME_STORE_S3_REGION", "eu-west-1")).s3();
    S3Connection virtualHosts = settings(Map.of("FRAME_STORE", "s3://frames",
        "FRAME_STORE_S3_ENDPOINT", "https://s3.example", "FRAME_STORE_S3_PATH_STYLE", "false")).s3();

    assertThat(minio.endpoint()).contains(URI.create("http://minio.storage:9000"));
    assertThat(minio.region()).isEqualTo("eu-west-1");
    assertThat(minio.pathStyle()).isTrue();
    assertThat(virtualHosts.pathStyle()).isFalse();
  }

  @Test
  void shouldNeverShowTheKeyInItsTextOrLocation() {
    Map<String, String> vars = new HashMap<>(Map.of("FRAME_STORE", "s3://frames/p",
        "FRAME_STORE_S3_ENDPOINT", "http://127.0.0.1:9000",
        "FRAME_STORE_S3_ACCESS_KEY_ID", KEY_ID, "FRAME_STORE_S3_SECRET_ACCESS_KEY", SECRET));
    FrameStoreSettings settings = settings(vars);

    assertThat(settings.s3().credentials()).contains(new S3Connection.Credentials(KEY_ID, SECRET));
    assertThat(settings.toString()).doesNotContain(SECRET).doesNotContain(KEY_ID);
    try (FrameStore store = settings.open().orElseThrow()) {
      assertThat(store.location()).isEqualTo("s3://frames/p");
      assertThat(store.toString()).doesNotContain(SECRET);
    }
  }

  @Test
  void shouldRefuseHalfAKeyNamingTheMissingHalf() {
    assertThatThrownBy(() -> settings(Map.of("FRAME_STORE", "s3://frames", "FRAME_STORE_S3_ACCESS_KEY_ID", KEY_ID)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("FRAME_STORE_S3_SECRET_ACCESS_KEY")
        .hasMessageNotContaining(KEY_ID);
    assertThatThrownBy(() -> settings(Map.of("FRAME_STORE", "s3://frames",
        "FRAME_STORE_S3_SECRET_ACCESS_KEY", SECRET)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("FRAME_STORE_S3_ACCESS_KEY_ID")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void shouldRefuseCredentialsInAUrlWithoutRepeatingThem() {
    assertThatThrownBy(() -> settings(Map.of("FRAME_STORE", "s3://" + KEY_ID + ":" + SECRET + "@frames/p")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("FRAME_STORE")
        .hasMessageNotContaining(SECRET).hasMessageNotContaining(KEY_ID);
    assertThatThrownBy(() -> settings(Map.of("FRAME_STORE", "s3://frames",
        "FRAME_STORE_S3_ENDPOINT", "http://" + KEY_ID + ":" + SECRET + "@minio:9000")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("FRAME_STORE_S3_ENDPOINT")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void shouldRefuseWhatIsNoBucketOrNoEndpoint() {
    for (String bad : new String[] {"s3://", "s3://Frames", "s3://a", "s3://frames?x=1", "s3://frames/a//b", "gs://x",
        "s3:frames"}) {
      assertThatThrownBy(() -> settings(Map.of("FRAME_STORE", bad))).as(bad)
          .isInstanceOf(ConfigException.class).hasMessageContaining("FRAME_STORE");
    }
    assertThatThrownBy(() -> settings(Map.of("FRAME_STORE", "s3://frames", "FRAME_STORE_S3_ENDPOINT", "minio:9000")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("FRAME_STORE_S3_ENDPOINT");
  }

  @Test
  void shouldKeepImagesInlineOnlyWhenNoStoreIsNamed() {
    assertThat(settings(Map.of()).location()).isEmpty();
    assertThat(settings(Map.of()).open()).isEqualTo(Optional.empty());
  }

  private static FrameStoreSettings settings(Map<String, String> vars) {
    return FrameStoreSettings.from(new Env(vars));
  }
}
