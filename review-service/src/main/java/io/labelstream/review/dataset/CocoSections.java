package io.labelstream.review.dataset;

import io.labelstream.schemas.avro.DatasetSnapshot;
import io.labelstream.schemas.avro.Label;
import java.io.IOException;

/**
 * A COCO file written in the order its JSON needs while the snapshot is read twice: the images on the first pass,
 * their annotations on the second. {@link CocoWriter} writes a classifier's, {@link CocoDetectionWriter} a detector's.
 */
interface CocoSections {

  void begin(DatasetSnapshot snapshot) throws IOException;

  /** The image of the snapshot's label number {@code id} (1-based). */
  void image(long id, Label label) throws IOException;

  void beginAnnotations() throws IOException;

  /** What label number {@code imageId} says about its image. */
  void annotations(long imageId, Label label) throws IOException;

  void end() throws IOException;
}
