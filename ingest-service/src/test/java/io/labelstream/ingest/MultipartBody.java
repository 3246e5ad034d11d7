package io.labelstream.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds a {@code multipart/form-data} body by hand, part by part, with any part headers. */
final class MultipartBody {

  private final String boundary = "labelstream-test-boundary-7MA4YWxkTrZu0gW";
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private int parts;

  MultipartBody image(String contentType, byte[] bytes) {
    return image(contentType, bytes, Map.of());
  }

  MultipartBody image(String contentType, byte[] bytes, Map<String, String> headers) {
    parts++;
    Map<String, String> all = new LinkedHashMap<>();
    all.put("Content-Disposition", "form-data; name=\"frame\"; filename=\"frame-" + parts + "\"");
    all.put("Content-Type", contentType);
    all.putAll(headers);
    StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n");
    all.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("\r\n");
    body.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    body.writeBytes(bytes);
    body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    return this;
  }

  String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  byte[] bytes() {
    ByteArrayOutputStream done = new ByteArrayOutputStream();
    done.writeBytes(body.toByteArray());
    done.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return done.toByteArray();
  }
}
