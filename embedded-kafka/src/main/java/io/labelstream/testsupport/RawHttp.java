package io.labelstream.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sends an HTTP/1.1 request byte for byte over a plain socket, for the requests an HTTP client library refuses to send
 * (a broken request line, control characters in a header, a URI or headers far over any limit): the requests an
 * attacker sends.
 */
public final class RawHttp {

  private static final int TIMEOUT_MILLIS = 10_000;

  private RawHttp() {}

  /** One answer as it came off the wire; header names are case-insensitive, the last of a repeated one wins. */
  public record Answer(String statusLine, int status, Map<String, String> headers, String body) {

    public String header(String name) {
      return headers.get(name);
    }
  }

  /** A request with only a Host header besides {@code headers} (each a complete "Name: value" line without CRLF). */
  public static Answer send(int port, String method, String target, String... headers) throws IOException {
    return send(port, head(method, target, headers).getBytes(StandardCharsets.ISO_8859_1));
  }

  /** As {@link #send(int, String, String, String...)}, with {@code body} and its Content-Length. */
  public static Answer sendBody(int port, String method, String target, byte[] body, String... headers)
      throws IOException {
    String[] all = Arrays.copyOf(headers, headers.length + 1);
    all[headers.length] = "Content-Length: " + body.length;
    byte[] head = head(method, target, all).getBytes(StandardCharsets.ISO_8859_1);
    byte[] request = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    return send(port, request);
  }

  /** As {@link #sendBody}, but sent as one chunk ({@code Transfer-Encoding: chunked}): no length declared up front. */
  public static Answer sendChunked(int port, String method, String target, byte[] body, String... headers)
      throws IOException {
    String[] all = Arrays.copyOf(headers, headers.length + 1);
    all[headers.length] = "Transfer-Encoding: chunked";
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(head(method, target, all).getBytes(StandardCharsets.ISO_8859_1));
    request.writeBytes((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    request.writeBytes(body);
    request.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    return send(port, request.toByteArray());
  }

  private static String head(String method, String target, String... headers) {
    StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1\r\nConnection: close\r\n");
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    return head.append("\r\n").toString();
  }

  /** Writes {@code request} exactly as given and reads the answer until the server closes the connection. */
  public static Answer send(int port, byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException answeredBeforeTheEnd) {
        // A server may answer and stop reading once it has seen enough of an oversized request: read its answer.
      }
      return parse(readAll(socket.getInputStream()));
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        answer.write(buffer, 0, n);
      }
    } catch (IOException resetAfterTheAnswer) {
      // A server that closes with unread request bytes resets the connection; what arrived before is the answer.
      if (answer.size() == 0) {
        throw resetAfterTheAnswer;
      }
    }
    return answer.toByteArray();
  }

  private static Answer parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf("\r\n\r\n");
    if (headEnd < 0) {
      throw new IllegalStateException("not an HTTP answer: " + text);
    }
    String[] lines = text.substring(0, headEnd).split("\r\n");
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
    }
    byte[] body = Arrays.copyOfRange(raw, headEnd + 4, raw.length);
    if ("chunked".equals(headers.getOrDefault("Transfer-Encoding", "").toLowerCase(Locale.ROOT))) {
      body = unchunk(body);
    }
    String[] status = lines[0].split(" ", 3);
    return new Answer(lines[0], Integer.parseInt(status[1]), Collections.unmodifiableMap(headers),
        new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] unchunk(byte[] chunked) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int at = 0;
    while (true) {
      int lineEnd = indexOfCrlf(chunked, at);
      String sizeField = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1);
      int size = Integer.parseInt(sizeField.split(";", 2)[0].trim(), 16);
      if (size == 0) {
        return body.toByteArray();
      }
      body.write(chunked, lineEnd + 2, size);
      at = lineEnd + 2 + size + 2;
    }
  }

  private static int indexOfCrlf(byte[] bytes, int from) {
    for (int i = from; i + 1 < bytes.length; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
        return i;
      }
    }
    throw new IllegalStateException("a chunk size line without its end");
  }
}
