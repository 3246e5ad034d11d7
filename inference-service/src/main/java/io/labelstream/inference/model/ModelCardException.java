package io.labelstream.inference.model;

import java.io.IOException;

/**
 * A model card that cannot be used: a field is missing or invalid, or the card does not describe its graph. The
 * message names the card field and, for a mismatch, what the graph has, so an operator can fix the card.
 */
public final class ModelCardException extends IOException {

  public ModelCardException(String message) {
    super(message);
  }
}
