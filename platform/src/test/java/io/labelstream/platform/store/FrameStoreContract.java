package io.labelstream.platform.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.store.FrameStoreException.Kind;
import io.labelstream.schemas.avro.ImageRef;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every frame store backend must do, run against each of them ({@link FileFrameStoreContractTest},
 * {@code S3FrameStoreIT}) through the metered wrapper the services use, so that the metrics are checked too.
 */
abstract class FrameStoreContract {

  protected final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  protected FrameStore store;

  /** A fresh, empty store of the backend under test. */
  protected abstract FrameStore openStore() throws Exception;

  /** Replaces the bytes of the object under {@code key} behind the store's back, as a broken disk or a bad actor. */
  protected abstract void overwrite(String key, byte[] other) throws Exception;

  /** Puts an object that is not a content key into the store's space (a stray file, someone else's object). */
  protected abstract void putForeignObject(String key, byte[] bytes) throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = new MeteredFrameStore(openStore(), registry);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void shouldGiveBackExactlyTheBytesPutUnderTheirContentKey() throws Exception {
    byte[] image = bytes(5_000, 1);

    ImageRef ref = store.put(image, "image/jpeg");

    assertThat(ref.getKey()).isEqualTo(ContentKeys.key(ContentKeys.sha256(image)));
    assertThat(ref.getStore()).isEqualTo(store.location());
    assertThat(ref.getSize()).isEqualTo(image.length);
    assertThat(ref.getContentType()).isEqualTo("image/jpeg");
    assertThat(store.get(ref)).isEqualTo(image);
    assertThat(requests("put", "ok")).isEqualTo(1);
    assertThat(requests("get", "ok")).isEqualTo(1);
    assertThat(registry.get("labelstream.frame.store.bytes").tag("operation", "get").counter().count())
        .isEqualTo(image.length);
  }

  @Test
  void shouldKeepOneObjectWhenTheSameImageIsPutAgain() throws Exception {
    byte[] image = bytes(2_000, 2);
    ImageRef first = store.put(image, "image/png");

    ImageRef again = store.put(image.clone(), "image/png");

    assertThat(again).isEqualTo(first);
    assertThat(keys()).containsExactly(first.getKey());
    assertThat(store.get(again)).isEqualTo(image);
  }

  @Test
  void shouldRefuseAnObjectWhoseBytesChangedAndCountIt() throws Exception {
    ImageRef sameSize = store.put(bytes(1_000, 3), "image/jpeg");
    ImageRef otherSize = store.put(bytes(1_000, 4), "image/jpeg");
    overwrite(sameSize.getKey(), bytes(1_000, 5));
    overwrite(otherSize.getKey(), bytes(999, 4));

    assertKind(() -> store.get(sameSize), Kind.CORRUPT);
    assertKind(() -> store.get(otherSize), Kind.CORRUPT);

    assertThat(requests("get", "corrupt")).isEqualTo(2);
    assertThat(requests("get", "ok")).isZero();
  }

  @Test
  void shouldRepairACorruptedObjectOfAnotherSizeWhenItIsPutAgain() throws Exception {
    byte[] image = bytes(1_000, 6);
    ImageRef ref = store.put(image, "image/jpeg");
    overwrite(ref.getKey(), bytes(10, 6));

    store.put(image, "image/jpeg");

    assertThat(store.get(ref)).isEqualTo(image);
  }

  @Test
  void shouldSayAnObjectIsMissingWhenItWasNeverPut() {
    ImageRef never = ContentKeys.ref(store.location(), bytes(100, 7), "image/jpeg");

    assertKind(() -> store.get(never), Kind.MISSING);
    assertThat(requests("get", "missing")).isEqualTo(1);
  }

  @Test
  void shouldListExactlyItsContentKeys() throws Exception {
    ImageRef a = store.put(bytes(10, 8), "image/png");
    ImageRef b = store.put(bytes(20, 9), "image/png");
    putForeignObject("sha256/" + a.getSha256().substring(0, 2) + "/not-a-hash", new byte[] {1});
    putForeignObject("notes/readme.txt", new byte[] {2});

    List<FrameStore.StoredObject> listed = new ArrayList<>();
    store.forEach(listed::add);

    assertThat(listed).extracting(FrameStore.StoredObject::key).containsExactlyInAnyOrder(a.getKey(), b.getKey());
    assertThat(listed).filteredOn(o -> o.key().equals(b.getKey())).singleElement()
        .satisfies(o -> assertThat(o.size()).isEqualTo(20)).satisfies(o -> assertThat(o.lastModified()).isNotNull());
  }

  @Test
  void shouldStatAnObjectAndRenewItsTimeWhenItIsPutAgain() throws Exception {
    byte[] image = bytes(3_000, 12);
    ImageRef ref = store.put(image, "image/png");
    FrameStore.StoredObject first = store.stat(ref.getKey()).orElseThrow();
    Thread.sleep(1_100); // S3's Last-Modified has whole seconds

    store.put(image.clone(), "image/png");

    FrameStore.StoredObject again = store.stat(ref.getKey()).orElseThrow();
    assertThat(first.size()).isEqualTo(image.length);
    // The collector deletes only images older than its grace period: a re-upload must make the image young again.
    assertThat(again.lastModified()).isAfter(first.lastModified());
    assertThat(store.stat(ContentKeys.key(ContentKeys.sha256(bytes(5, 13))))).isEmpty();
  }

  @Test
  void shouldForgetAnObjectOnceDeleted() throws Exception {
    ImageRef kept = store.put(bytes(10, 10), "image/png");
    ImageRef gone = store.put(bytes(10, 11), "image/png");

    store.delete(gone.getKey());
    store.delete(gone.getKey()); // twice: nothing there is not an error

    assertKind(() -> store.get(gone), Kind.MISSING);
    assertThat(keys()).containsExactly(kept.getKey());
    assertThat(store.get(kept)).hasSize(10);
  }

  @Test
  void shouldRoundTripAOneMegabyteFrame() throws Exception {
    byte[] image = bytes(1 << 20, 12);

    assertThat(store.get(store.put(image, "image/jpeg"))).isEqualTo(image);
  }

  @Test
  void shouldRoundTripATwentyMegabyteFrame() throws Exception {
    byte[] image = bytes(20 << 20, 13);

    assertThat(store.get(store.put(image, "image/x-raw"))).isEqualTo(image);
  }

  protected List<String> keys() throws FrameStoreException {
    List<String> keys = new ArrayList<>();
    store.forEach(o -> keys.add(o.key()));
    return keys;
  }

  protected double requests(String operation, String outcome) {
    return registry.get("labelstream.frame.store.requests").tags("operation", operation, "outcome", outcome)
        .counter().count();
  }

  protected static byte[] bytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  protected static void assertKind(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Kind kind) {
    assertThatThrownBy(call).isInstanceOfSatisfying(FrameStoreException.class,
        e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind));
  }
}
