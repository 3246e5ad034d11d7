package io.labelstream.review.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

class FoldersZipTest {

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
  private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 4, 5};

  private static byte[] zip() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FoldersZip zip = new FoldersZip(out, Instant.parse("2026-11-26T08:15:31.999Z"))) {
      zip.image("Bag/f-1.png", PNG);
      zip.image("T-shirt_top/f-2.jpg", JPEG);
      zip.beginMissing();
      zip.missingLine("f-3");
      zip.missingLine("evil\nid");
      zip.endList();
    }
    return out.toByteArray();
  }

  @Test
  void shouldStoreImagesInClassFoldersAndListTheMissingOnes() throws Exception {
    List<String> names = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip()), StandardCharsets.UTF_8)) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        names.add(entry.getName());
        byte[] body = in.readAllBytes();
        switch (entry.getName()) {
          case "Bag/f-1.png" -> {
            assertThat(body).isEqualTo(PNG);
            assertThat(entry.getMethod()).isEqualTo(ZipEntry.STORED);
          }
          case "T-shirt_top/f-2.jpg" -> assertThat(body).isEqualTo(JPEG);
          default -> assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("f-3\n\"evil\\u000aid\"\n");
        }
        assertThat(entry.getTimeLocal()).isEqualTo("2026-11-26T08:15:30");
      }
    }
    assertThat(names).containsExactly("Bag/f-1.png", "T-shirt_top/f-2.jpg", "missing.txt");
  }

  @Test
  void shouldWriteTheSameBytesEveryTime() throws Exception {
    assertThat(zip()).isEqualTo(zip());
  }
}
