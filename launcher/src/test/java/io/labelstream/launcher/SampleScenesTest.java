package io.labelstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.schemas.avro.Box;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleScenesTest {

  private static final String COCO = """
      {"images": [{"id": 7, "file_name": "a.jpg", "width": 640, "height": 480},
                  {"id": 3, "file_name": "b.jpg", "width": 320, "height": 240}],
       "annotations": [{"id": 1, "image_id": 7, "category_id": 8, "bbox": [10, 20.5, 30, 40]},
                       {"id": 2, "image_id": 7, "category_id": 1, "bbox": [0, 0, 5, 6]}],
       "categories": [{"id": 1, "name": "Trouser"}, {"id": 8, "name": "Bag"}]}
      """;

  @TempDir
  Path dir;

  @Test
  void shouldReadScenesInFileOrderWithTheirTrueBoxesInTheCardsClasses() throws IOException {
    write(COCO, "a.jpg", "b.jpg");

    List<SampleScenes.Scene> scenes = SampleScenes.load(dir);

    assertThat(scenes).extracting(s -> s.file().getFileName().toString()).containsExactly("a.jpg", "b.jpg");
    assertThat(scenes.get(1).width()).isEqualTo(320);
    assertThat(scenes.get(1).boxes()).isEmpty();
    List<Box> truth = scenes.get(0).truth(List.of("T-shirt/top", "Trouser", "Bag"));
    assertThat(truth).extracting(Box::getLabel, Box::getClassIndex, Box::getX, Box::getY, Box::getW, Box::getH)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Bag", 2, 10f, 20.5f, 30f, 40f),
            org.assertj.core.groups.Tuple.tuple("Trouser", 1, 0f, 0f, 5f, 6f));
    assertThat(scenes.get(0).contentType()).isEqualTo("image/jpeg");
  }

  @Test
  void shouldGiveAClassTheCardLacksNoIndexSoItNeverMatches() throws IOException {
    write(COCO, "a.jpg", "b.jpg");

    assertThat(SampleScenes.load(dir).get(0).truth(List.of("Bag"))).extracting(Box::getClassIndex)
        .containsExactly(0, -1);
  }

  @Test
  void shouldFindTheScenesFolderBelowASamplesFolder() throws IOException {
    dir = Files.createDirectory(dir.resolve(SampleScenes.FOLDER)).getParent();
    Files.writeString(dir.resolve(SampleScenes.FOLDER).resolve(SampleScenes.ANNOTATIONS), COCO);
    Files.write(dir.resolve(SampleScenes.FOLDER).resolve("a.jpg"), new byte[] {1});
    Files.write(dir.resolve(SampleScenes.FOLDER).resolve("b.jpg"), new byte[] {2});

    assertThat(SampleScenes.load(dir)).hasSize(2);
  }

  @Test
  void shouldRefuseAnImageTheFolderLacks() throws IOException {
    write(COCO, "a.jpg");

    assertThatThrownBy(() -> SampleScenes.load(dir)).isInstanceOf(IOException.class).hasMessageContaining("b.jpg");
  }

  private void write(String coco, String... images) throws IOException {
    Files.writeString(dir.resolve(SampleScenes.ANNOTATIONS), coco);
    for (String image : images) {
      Files.write(dir.resolve(image), new byte[] {1, 2, 3});
    }
  }
}
