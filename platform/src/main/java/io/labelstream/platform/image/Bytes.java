package io.labelstream.platform.image;

/** Big-endian integers, as PNG and JPEG store them. */
final class Bytes {

  private Bytes() {}

  static int int32(byte[] b, int at) {
    return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
  }

  static long uint32(byte[] b, int at) {
    return int32(b, at) & 0xFFFF_FFFFL;
  }

  static int uint16(byte[] b, int at) {
    return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
  }
}
