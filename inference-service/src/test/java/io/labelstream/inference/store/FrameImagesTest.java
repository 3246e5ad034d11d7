package io.labelstream.inference.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.inference.Samples;
import io.labelstream.platform.store.ContentKeys;
import io.labelstream.platform.store.FileFrameStore;
import io.labelstream.platform.store.FrameStoreException;
import io.labelstream.platform.store.MeteredFrameStore;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.ImageRef;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a frame's image comes from, against a real store in a folder. */
class FrameImagesTest {

  @TempDir
  Path folder;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final byte[] png = Samples.png(0);
  private FileFrameStore store;
  private FrameImages images;

  @BeforeEach
  void open() {
    store = new FileFrameStore(folder.resolve("frames"));
    images = new FrameImages(Optional.of(new MeteredFrameStore(store, registry)));
  }

  @Test
  void shouldReadAFrameByReferenceFromTheStoreAndPassItsReferenceOn() throws Exception {
    ImageRef ref = store.put(png, "image/png");

    FrameImages.FrameImage image = images.of(byReference(ref));

    assertThat(image.bytes()).isEqualTo(png);
    assertThat(image.ref()).isEqualTo(ref);
    assertThat(calls("get", "ok")).isEqualTo(1);
  }

  @Test
  void shouldUseInlineBytesWithoutReadingTheStore() throws Exception {
    ImageRef ref = store.put(png, "image/png");
    Frame frame = inline(png);
    frame.setImageRef(ref);
    Files.delete(folder.resolve("frames").resolve(ref.getKey()));

    FrameImages.FrameImage image = images.of(frame);

    assertThat(image.bytes()).isEqualTo(png);
    assertThat(image.ref()).isEqualTo(ref);
    assertThat(registry.find("labelstream.frame.store.requests").tag("operation", "get").counters())
        .allSatisfy(c -> assertThat(c.count()).isZero());
  }

  @Test
  void shouldRefuseInlineBytesThatAreNotTheImageTheirReferenceNames() throws Exception {
    Frame frame = inline(Samples.png(1));
    frame.setImageRef(store.put(png, "image/png"));

    assertThatThrownBy(() -> images.of(frame)).isInstanceOfSatisfying(UnusableImageException.class,
        e -> assertThat(e.code()).isEqualTo("image_mismatch"));
  }

  @Test
  void shouldPutAnInlineOnlyFrameInTheStoreOnceHoweverOftenItIsRead() throws Exception {
    FrameImages.FrameImage first = images.of(inline(png));
    FrameImages.FrameImage again = images.of(inline(png));

    assertThat(first.ref().getSha256()).isEqualTo(ContentKeys.sha256(png));
    assertThat(first.ref().getStore()).isEqualTo(store.location());
    assertThat(again.ref()).isEqualTo(first.ref());
    assertThat(store.get(first.ref())).isEqualTo(png);
    assertThat(calls("put", "ok")).isEqualTo(2);
  }

  @Test
  void shouldKeepInlineOnlyFramesAsTheyAreWithoutAStore() throws Exception {
    FrameImages inlineOnly = new FrameImages(Optional.empty());

    FrameImages.FrameImage image = inlineOnly.of(inline(png));

    assertThat(image.bytes()).isEqualTo(png);
    assertThat(image.ref()).isNull();
  }

  @Test
  void shouldGiveUpAFrameWhoseObjectNoLongerMatchesItsSha256() throws Exception {
    ImageRef ref = store.put(png, "image/png");
    byte[] other = Samples.png(1);
    Files.write(folder.resolve("frames").resolve(ref.getKey()), java.util.Arrays.copyOf(other, png.length));

    assertThatThrownBy(() -> images.of(byReference(ref))).isInstanceOfSatisfying(UnusableImageException.class, e -> {
      assertThat(e.code()).isEqualTo("image_corrupt");
      assertThat(e.getMessage()).startsWith("image_corrupt: ").contains("does not match its SHA-256");
    });
    assertThat(calls("get", "corrupt")).isEqualTo(1);
    assertThat(images.available()).isTrue();
  }

  @Test
  void shouldGiveUpAFrameWhoseObjectIsMissing() throws Exception {
    store.put(Samples.png(1), "image/png");
    ImageRef ref = ContentKeys.ref(store.location(), png, "image/png");

    assertThatThrownBy(() -> images.of(byReference(ref))).isInstanceOfSatisfying(UnusableImageException.class,
        e -> assertThat(e.getMessage()).startsWith("image_missing: no object " + ref.getKey()));
  }

  @Test
  void shouldSayWhichStoresDifferWhenAReferenceNamesAnotherOne() {
    ImageRef ref = ContentKeys.ref("s3://another-bucket/frames", png, "image/png");

    assertThatThrownBy(() -> images.of(byReference(ref))).isInstanceOfSatisfying(UnusableImageException.class,
        e -> assertThat(e.getMessage()).startsWith("other_frame_store: ")
            .contains("s3://another-bucket/frames", store.location(), "FRAME_STORE"));
  }

  @Test
  void shouldSayThereIsNoStoreForAFrameByReferenceWhenNoneIsConfigured() {
    ImageRef ref = ContentKeys.ref(store.location(), png, "image/png");
    FrameImages inlineOnly = new FrameImages(Optional.empty());

    assertThatThrownBy(() -> inlineOnly.of(byReference(ref))).isInstanceOfSatisfying(UnusableImageException.class,
        e -> assertThat(e.getMessage()).startsWith("no_frame_store: ").contains("FRAME_STORE"));
  }

  @Test
  void shouldGiveUpAFrameWithNeitherBytesNorReference() {
    assertThatThrownBy(() -> images.of(inline(new byte[0]))).isInstanceOfSatisfying(UnusableImageException.class,
        e -> assertThat(e.code()).isEqualTo("no_image"));
  }

  @Test
  void shouldWaitRatherThanGiveUpWhileTheStoresFolderIsGoneAndSayWhenItIsBack() throws Exception {
    ImageRef ref = store.put(png, "image/png");
    Path root = folder.resolve("frames");
    Files.move(root, folder.resolve("away"));

    assertThatThrownBy(() -> images.of(byReference(ref))).isInstanceOfSatisfying(FrameStoreException.class,
        e -> assertThat(e.isTransient()).isTrue());
    assertThat(images.available()).isFalse();

    Files.move(folder.resolve("away"), root);
    assertThat(images.of(byReference(ref)).bytes()).isEqualTo(png);
    assertThat(images.available()).isTrue();
  }

  @Test
  void shouldWaitRatherThanPassOnAnInlineOnlyFrameTheStoreCannotTake() throws Exception {
    Path notAFolder = Files.writeString(folder.resolve("not-a-folder"), "x");
    FrameImages unwritable = new FrameImages(Optional.of(new MeteredFrameStore(new FileFrameStore(notAFolder),
        registry)));

    assertThatThrownBy(() -> unwritable.of(inline(png))).isInstanceOfSatisfying(FrameStoreException.class,
        e -> assertThat(e.isTransient()).isTrue());
    assertThat(unwritable.available()).isFalse();
    assertThat(calls("put", "unavailable")).isEqualTo(1);
  }

  @Test
  void shouldTakeAFoldersLocationWithOrWithoutItsTrailingSlashAsTheSameStore() {
    assertThat(FrameImages.sameStore("file:///data/frames/", "file:///data/frames")).isTrue();
    assertThat(FrameImages.sameStore("file:///data/frames", "file:///data/frames2")).isFalse();
  }

  private double calls(String operation, String outcome) {
    return registry.get("labelstream.frame.store.requests").tags("operation", operation, "outcome", outcome).counter()
        .count();
  }

  private static Frame inline(byte[] image) {
    return FleetFrameProducer.frame("car-1", null, null, "image/png", image, 28, 28, null);
  }

  private static Frame byReference(ImageRef ref) {
    Frame frame = inline(new byte[0]);
    frame.setImage(ByteBuffer.allocate(0));
    frame.setImageRef(ref);
    return frame;
  }
}
