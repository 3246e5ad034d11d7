package io.labelstream.images;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** The three service images and what each must say about itself. */
enum ServiceImage {
  INGEST("ingest-service", "image.ingest", "io.labelstream.ingest.IngestService", 8081, "INGEST_PORT"),
  INFERENCE("inference-service", "image.inference", "io.labelstream.inference.InferenceService", 8082, "INFERENCE_PORT"),
  REVIEW("review-service", "image.review", "io.labelstream.review.ReviewService", 8083, "REVIEW_PORT");

  /** Where the checks unpack and run the images. */
  static final Path WORK = Path.of("target", "images");

  private static final Map<ServiceImage, ImageTarball> UNPACKED = new EnumMap<>(ServiceImage.class);

  final String module;
  final String nameProperty;
  final String mainClass;
  final int port;
  final String portVariable;

  ServiceImage(String module, String nameProperty, String mainClass, int port, String portVariable) {
    this.module = module;
    this.nameProperty = nameProperty;
    this.mainClass = mainClass;
    this.port = port;
    this.portVariable = portVariable;
  }

  /** The image, unpacked once per test run from its tarball. */
  ImageTarball image() throws IOException, InterruptedException {
    synchronized (UNPACKED) {
      ImageTarball image = UNPACKED.get(this);
      if (image == null) {
        image = ImageTarball.unpack(tarball(), dir().resolve("tarball"));
        UNPACKED.put(this, image);
      }
      return image;
    }
  }

  /** This image's working directory under {@link #WORK}. */
  Path dir() {
    return WORK.resolve(name().toLowerCase(Locale.ROOT));
  }

  /** The tarball the module's Jib build writes under -Pimages. */
  Path tarball() {
    return Path.of(System.getProperty("labelstream.root")).resolve(module).resolve("target/jib-image.tar");
  }

  /** The name the parent pom gives the image, with the project version as its tag. */
  String expectedTag() {
    return System.getProperty(nameProperty) + ":" + System.getProperty("project.version");
  }

  /** The package of the service's own classes, as a path. */
  String classesPath() {
    return "app/classes/" + mainClass.substring(0, mainClass.lastIndexOf('.')).replace('.', '/');
  }
}
