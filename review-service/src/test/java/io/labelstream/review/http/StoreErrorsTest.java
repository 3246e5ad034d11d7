package io.labelstream.review.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.platform.http.ApiException;
import io.labelstream.platform.store.FrameStoreException;
import io.labelstream.platform.store.FrameStoreException.Kind;
import org.junit.jupiter.api.Test;

class StoreErrorsTest {

  @Test
  void shouldAnswerEachRefusalWithItsOwnStatusAndCode() {
    ApiException gone = StoreErrors.of(new FrameStoreException(Kind.MISSING, "no object"), "f-1");
    ApiException corrupt = StoreErrors.of(new FrameStoreException(Kind.CORRUPT, "the stored object sha256/ab/x has "
        + "3 bytes, the reference says 4"), "f-1");
    ApiException down = StoreErrors.of(new FrameStoreException(Kind.UNAVAILABLE, "could not read sha256/ab/x under "
        + "file:///secret/volume/: Not a directory"), "f-1");

    assertThat(gone.status()).isEqualTo(410);
    assertThat(gone.code()).isEqualTo("image_gone");
    assertThat(corrupt.status()).isEqualTo(500);
    assertThat(corrupt.code()).isEqualTo("image_corrupt");
    assertThat(corrupt.getMessage()).contains("f-1", "3 bytes");
    assertThat(down.status()).isEqualTo(503);
    assertThat(down.code()).isEqualTo("frame_store_unavailable");
    assertThat(down.retryAfterSeconds()).isEqualTo(5);
    assertThat(down.getMessage()).as("where the store is stays in the log").doesNotContain("/secret/volume");
  }
}
