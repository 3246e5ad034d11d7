package io.labelstream.inference.image;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.labelstream.platform.image.RefusedImageException;
import io.labelstream.platform.image.RefusedImageException.Reason;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JPEG decoding by libjpeg-turbo (its TurboJPEG API, called through JNA), scaled down while decoding. libjpeg-turbo
 * can run the inverse DCT at M/8 of the size (M = 1 to 8), so a 1280x720 frame for a 224x224 model is decoded
 * straight to 480x270 (M = 3): far fewer pixels are reconstructed and stored than by a decoder that produces the
 * full frame and shrinks it afterwards. The smallest M whose picture still has a pixel for each input pixel
 * ({@link Fit.Need#detailedEnough}) is used, so the resize after it only ever averages. The picture is libjpeg-turbo's
 * own RGB output at that scale (its luma alone for a grey model), the pixels PIL and OpenCV give at the same scale,
 * which is what models are trained and evaluated on: decoding a YCbCr JPEG to its planes and upsampling the chroma
 * here instead was faster but moved colours by 15-30 levels at the 99th percentile, enough to move the bundled
 * detector's boxes by up to 16 px (docs/preprocessing.md).
 *
 * <p>Hostile frames: any warning (libjpeg reports corrupt or missing data as a warning and fills the picture with
 * grey) stops the decode and refuses the frame ({@code TJFLAG_STOPONWARNING}); a progressive JPEG of more than 500
 * scans, a known way to make a small file cost minutes of CPU, is refused too ({@code TJFLAG_LIMITSCANS}). A native
 * decode cannot be interrupted, so the per-frame time limit is checked when it returns; the decode budget checked
 * before it bounds how long that can be.
 *
 * <p>The library is {@code libturbojpeg.so.0} (Debian package libturbojpeg0); without it the worker decodes JPEGs
 * with ImageIO, and says so once in its log.
 */
final class TurboJpeg {

  private static final Logger LOG = LoggerFactory.getLogger(TurboJpeg.class);

  private static final int TJPF_RGB = 0;
  private static final int TJPF_GRAY = 6;
  private static final int TJFLAG_STOPONWARNING = 8192;
  private static final int TJFLAG_LIMITSCANS = 16384;

  private static final Optional<TurboJpeg> LOADED = load();

  private final ConcurrentLinkedDeque<Decompressor> idle = new ConcurrentLinkedDeque<>();

  private TurboJpeg() {}

  /** The library, when this machine has it; logged once, on first use. */
  static Optional<TurboJpeg> available() {
    return LOADED;
  }

  private static Optional<TurboJpeg> load() {
    // JNA unpacks its native stub under ~/.cache on Linux unless told otherwise; a service writes only to the temp
    // directory (read-only root file systems in deploy/), so it goes there.
    if (System.getProperty("jna.tmpdir") == null) {
      System.setProperty("jna.tmpdir", System.getProperty("java.io.tmpdir"));
    }
    for (String name : new String[] {"turbojpeg", "libturbojpeg.so.0"}) {
      try {
        NativeLibrary library = NativeLibrary.getInstance(name);
        Native.register(Api.class, library);
        LOG.info("JPEG frames are decoded by libjpeg-turbo ({}), scaled down while decoding", library.getFile());
        return Optional.of(new TurboJpeg());
      } catch (LinkageError e) { // no library, a library without these functions, or JNA unable to load its stub
        LOG.debug("no TurboJPEG library as {}: {}", name, e.getMessage());
      }
    }
    LOG.warn("libturbojpeg.so.0 (Debian package libturbojpeg0) is not installed: JPEG frames are decoded by ImageIO,"
        + " at about half the rate on camera-sized frames");
    return Optional.empty();
  }

  /**
   * Decodes at the smallest M/8 scale whose picture is still {@link Fit.Need#detailedEnough} for the input.
   *
   * @param channels 1 for grey (the JPEG's luma, which is BT.601 luma by definition of JFIF), 3 for R, G, B
   * @throws RefusedImageException {@code corrupt_image} for anything libjpeg-turbo reports, warnings included
   */
  Picture decode(byte[] jpeg, int width, int height, int channels, Fit.Need need) throws RefusedImageException {
    return decodeAt(jpeg, width, height, channels, eighths(width, height, need), 0, SAMPLES.get());
  }

  /** Decodes at {@code eighths}/8 of the size, into new arrays. */
  Picture decodeAt(byte[] jpeg, int width, int height, int channels, int eighths) throws RefusedImageException {
    return decodeAt(jpeg, width, height, channels, eighths, 0);
  }

  Picture decodeAt(byte[] jpeg, int width, int height, int channels, int eighths, int extraFlags)
      throws RefusedImageException {
    return decodeAt(jpeg, width, height, channels, eighths, extraFlags, new Samples());
  }

  /**
   * The array a thread's decoded pictures are copied into from native memory, reused from frame to frame by
   * {@link #decode} (a new one per frame cost a tenth of the Java side's time): a picture it returns is valid until
   * the same thread's next call. Grown to the largest picture decoded, bounded by the decode budget.
   */
  private static final class Samples {
    private byte[] array = new byte[0];

    byte[] get(int size) {
      if (array.length < size) {
        array = new byte[size];
      }
      return array;
    }
  }

  private static final ThreadLocal<Samples> SAMPLES = ThreadLocal.withInitial(Samples::new);

  private Picture decodeAt(byte[] jpeg, int width, int height, int channels, int eighths, int extraFlags,
      Samples samples) throws RefusedImageException {
    int w = scaled(width, eighths);
    int h = scaled(height, eighths);
    Decompressor d = idle.poll();
    if (d == null) {
      d = new Decompressor();
    }
    boolean reusable = false;
    try {
      Memory in = d.input(jpeg.length);
      in.write(0, jpeg, 0, jpeg.length);
      NativeLong size = new NativeLong(jpeg.length);
      int[] declaredWidth = new int[1];
      int[] declaredHeight = new int[1];
      int[] subsampling = new int[1]; // these two are the call's, unused: libjpeg-turbo converts any kind to RGB
      int[] colourspace = new int[1];
      if (Api.tjDecompressHeader3(d.handle, in, size, declaredWidth, declaredHeight, subsampling, colourspace) != 0) {
        throw refused(d.handle);
      }
      if (declaredWidth[0] != width || declaredHeight[0] != height) {
        throw new RefusedImageException(Reason.CORRUPT, "the JPEG declares " + width + "x" + height
            + " in its first frame header but decodes as " + declaredWidth[0] + "x" + declaredHeight[0]);
      }
      int flags = TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS | extraFlags;
      Memory out = d.output(w * h * channels);
      if (Api.tjDecompress2(d.handle, in, size, out, w, w * channels, h, channels == 1 ? TJPF_GRAY : TJPF_RGB,
          flags) != 0) {
        throw refused(d.handle);
      }
      byte[] pixels = samples.get(w * h * channels);
      out.read(0, pixels, 0, w * h * channels);
      reusable = true;
      return new InterleavedPicture(w, h, channels, pixels);
    } finally {
      if (reusable) {
        idle.push(d);
      } else {
        d.close(); // after an error, a fresh one: nothing of a refused frame's state is carried over
      }
    }
  }

  /**
   * A TurboJPEG decompressor with its native input and output buffers, reused by the next decode on any thread:
   * creating one per frame, and letting JNA copy Java arrays in and out of every call, cost a tenth of the decode.
   * At most as many exist as frames were ever decoded at once; each keeps buffers the size of the largest frame it
   * decoded (bounded by the decode budget).
   */
  private static final class Decompressor {
    final Pointer handle;
    private Memory input;
    private Memory output;

    Decompressor() {
      handle = Api.tjInitDecompress();
      if (handle == null) {
        throw new IllegalStateException("TurboJPEG could not create a decompressor: " + Api.tjGetErrorStr2(null));
      }
    }

    Memory input(long bytes) {
      if (input == null || input.size() < bytes) {
        input = new Memory(Math.max(bytes, 64 * 1024));
      }
      return input;
    }

    Memory output(long bytes) {
      if (output == null || output.size() < bytes) {
        output = new Memory(Math.max(bytes, 64 * 1024));
      }
      return output;
    }

    void close() {
      Api.tjDestroy(handle);
      if (input != null) {
        input.close();
      }
      if (output != null) {
        output.close();
      }
    }
  }

  /** The smallest M (1 to 8) whose M/8-scaled picture is still detailed enough for the input. */
  static int eighths(int width, int height, Fit.Need need) {
    int eighths = 1;
    while (eighths < 8 && !need.detailedEnough(scaled(width, eighths), scaled(height, eighths))) {
      eighths++;
    }
    return eighths;
  }

  /** TurboJPEG's TJSCALED: the side at M/8 of the size, rounded up. */
  static int scaled(int side, int eighths) {
    return (side * eighths + 7) / 8;
  }

  private static RefusedImageException refused(Pointer handle) {
    return new RefusedImageException(Reason.CORRUPT, "the decoder could not decode the whole image: "
        + Api.tjGetErrorStr2(handle));
  }

  /** The TurboJPEG 2.x functions used, bound directly (JNA direct mapping: no reflection per call). */
  private static final class Api {
    static native Pointer tjInitDecompress();

    static native int tjDecompressHeader3(Pointer handle, Pointer jpeg, NativeLong size, int[] width, int[] height,
        int[] subsampling, int[] colourspace);

    static native int tjDecompress2(Pointer handle, Pointer jpeg, NativeLong size, Pointer out, int width, int pitch,
        int height, int pixelFormat, int flags);

    static native String tjGetErrorStr2(Pointer handle);

    static native int tjDestroy(Pointer handle);
  }
}
