package io.labelstream.inference.image;

import java.util.Locale;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * libturbojpeg, which the fast JPEG tests need, handled like {@code io.labelstream.testsupport.RequiredTool}:
 * {@code .ci/run} installs it (Debian package libturbojpeg0), so on CI ({@code CI=true}) a missing library fails the
 * test; elsewhere the test is skipped with the same message. Public for the tests of other packages that hold the
 * worker's decoding to libjpeg-turbo's pixels ({@link #present}).
 */
public final class TurboJpegRequired {

  private TurboJpegRequired() {}

  /** Returns when the library is there; otherwise fails on CI and skips elsewhere, as {@link #library}. */
  public static void present() {
    library();
  }

  static TurboJpeg library() {
    if (TurboJpeg.available().isPresent()) {
      return TurboJpeg.available().get();
    }
    String missing = "libturbojpeg.so.0 is not installed (Debian package libturbojpeg0: apt-get install libturbojpeg0)";
    if ("true".equals(System.getenv().getOrDefault("CI", "").trim().toLowerCase(Locale.ROOT))) {
      return Assertions.fail(missing + ": CI=true, and CI must run this check; .ci/run installs it");
    }
    return Assumptions.abort(missing + ": skipped here; on CI (CI=true) this fails the build");
  }
}
