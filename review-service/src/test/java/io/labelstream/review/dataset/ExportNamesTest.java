package io.labelstream.review.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.review.ReviewFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportNamesTest {

  @Test
  void shouldKeepPlainFrameIdsAsTheyAre() {
    assertThat(ExportNames.frameFile("3f2504e0-4f89-11d3-9a0c-0305e82c3301")).isEqualTo("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    assertThat(ExportNames.frameFile("crash-12.v2_x")).isEqualTo("crash-12.v2_x");
  }

  @Test
  void shouldNeverLetAFrameIdBecomeAPath() {
    for (String evil : List.of("../../etc/passwd", "/etc/passwd", "..", ".hidden", "a\\b", "C:\\x", "", "a/b", "é")) {
      String file = ExportNames.frameFile(evil);
      assertThat(file).as(evil).matches("[A-Za-z0-9][A-Za-z0-9._-]*").doesNotContain("..").doesNotContain("/");
    }
  }

  @Test
  void shouldGiveFrameIdsThatCleanUpAlikeDifferentNames() {
    assertThat(ExportNames.frameFile("a/b")).isNotEqualTo(ExportNames.frameFile("a:b")).isNotEqualTo("a_b");
  }

  @Test
  void shouldMakeOneSafeFolderPerClass() {
    assertThat(ExportNames.classFolders(ReviewFixtures.BUNDLED_CLASSES)).containsExactly("T-shirt_top", "Trouser",
        "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
  }

  @Test
  void shouldPutTheClassIndexInFrontWhereFoldersWouldClashOrBeDotsOnly() {
    assertThat(ExportNames.classFolders(List.of("a/b", "a_b", "..", "Cat", "cat", "Dog")))
        .containsExactly("000_a_b", "001_a_b", "002___", "003_Cat", "004_cat", "Dog");
  }

  @Test
  void shouldNameExtensionsByMediaType() {
    assertThat(ExportNames.extension("image/png")).isEqualTo("png");
    assertThat(ExportNames.extension("image/jpeg")).isEqualTo("jpg");
    assertThat(ExportNames.extension("application/x-sh")).isEqualTo("bin");
  }
}
