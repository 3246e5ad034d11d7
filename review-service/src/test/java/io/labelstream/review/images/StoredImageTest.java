package io.labelstream.review.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.store.ContentKeys;
import io.labelstream.platform.store.FileFrameStore;
import io.labelstream.platform.store.FrameStoreException;
import io.labelstream.schemas.avro.ImageRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredImageTest {

  @TempDir
  Path folder;

  @Test
  void shouldGiveBackTheSameReferenceItWasMadeFrom() {
    ImageRef ref = ContentKeys.ref("file:///var/lib/labelstream/frames/", "an image".getBytes(StandardCharsets.UTF_8),
        "image/png");

    StoredImage kept = StoredImage.of(ref);

    assertThat(kept.ref()).isEqualTo(ref);
    assertThat(kept.key()).isEqualTo(ref.getKey());
    assertThat(kept).isEqualTo(StoredImage.of(ref)).hasSameHashCodeAs(StoredImage.of(ref));
  }

  @Test
  void shouldKeepAKeyOrAShaThatNoStoreWouldMakeAsItCame() {
    ImageRef odd = ImageRef.newBuilder().setStore("s3://bucket/p").setKey("elsewhere/x.png").setSize(3)
        .setSha256("NOT-A-SHA").setContentType("image/png").build();

    assertThat(StoredImage.of(odd).ref()).isEqualTo(odd);
    assertThat(StoredImage.ofNullable(null)).isNull();
  }

  @Test
  void shouldShareTheStoreAndMediaTypeStringsBetweenReferences() {
    ImageRef a = ContentKeys.ref(new String("file:///frames/"), new byte[] {1}, new String("image/png"));
    ImageRef b = ContentKeys.ref(new String("file:///frames/"), new byte[] {2}, new String("image/png"));

    assertThat(StoredImage.of(a).store()).isSameAs(StoredImage.of(b).store());
    assertThat(StoredImage.of(a).contentType()).isSameAs(StoredImage.of(b).contentType());
  }

  @Test
  void shouldNeverServeAnObjectThatNoLongerMatchesItsReference() throws Exception {
    FileFrameStore store = new FileFrameStore(folder);
    byte[] image = "the image".getBytes(StandardCharsets.UTF_8);
    FrameImages images = new FrameImages(Optional.of(store));
    StoredImage stored = images.put(image, "image/png");
    assertThat(images.read(stored, "f-1")).isEqualTo(image);

    Files.write(folder.resolve(stored.key()), "the imagf".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> images.read(stored, "f-1")).isInstanceOfSatisfying(FrameStoreException.class,
        e -> assertThat(e.kind()).isEqualTo(FrameStoreException.Kind.CORRUPT));

    Files.delete(folder.resolve(stored.key()));
    assertThatThrownBy(() -> images.read(stored, "f-1")).isInstanceOfSatisfying(FrameStoreException.class,
        e -> assertThat(e.kind()).isEqualTo(FrameStoreException.Kind.MISSING));
    assertThat(FrameImages.none().enabled()).isFalse();
  }
}
