package io.labelstream.review.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExportFormatTest {

  @Test
  void shouldReadTheFormatsByNameAndDefaultToJsonl() {
    assertThat(ExportFormat.parse(null)).contains(ExportFormat.JSONL);
    assertThat(ExportFormat.parse("coco")).contains(ExportFormat.COCO);
    assertThat(ExportFormat.parse("Folders")).contains(ExportFormat.FOLDERS);
    assertThat(ExportFormat.parse("xml")).isEmpty();
    assertThat(ExportFormat.parse("../jsonl")).isEmpty();
  }
}
