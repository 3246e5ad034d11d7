package io.labelstream.review.policy.regime;

/**
 * The device and camera a frame came from (the frame's {@code deviceId} and {@code cameraId}): the unit whose change
 * can be local. A device without camera ids is one camera.
 */
public record CameraKey(String deviceId, String cameraId) {

  public CameraKey {
    deviceId = deviceId == null ? "" : deviceId;
    cameraId = cameraId == null ? "" : cameraId;
  }

  /** {@code device/camera}, or the device alone when it names no camera. */
  public String text() {
    return cameraId.isEmpty() ? deviceId : deviceId + "/" + cameraId;
  }
}
