package io.labelstream.platform.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.BufferUtil;

/**
 * Jetty's own error answers as {@link ApiError} JSON with the {@link SecurityHeaders}, in place of its HTML pages. Jetty
 * answers by itself when its parser refuses a request (a broken request line, control characters in a header, a URI
 * or headers over its limits: {@link #badMessageError}), and when a request fails outside Javalin ({@link #handle}).
 * Javalin's own answers are made JSON by {@link HttpService}.
 */
final class JsonErrorHandler extends ErrorHandler {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable headers) {
    SecurityHeaders.setOn(headers);
    if (HttpStatus.hasNoBody(status)) {
      return BufferUtil.EMPTY_BUFFER;
    }
    headers.put(HttpHeader.CONTENT_TYPE, "application/json");
    return ByteBuffer.wrap(body(status, "the request is malformed or over a limit: " + (reason == null
        ? HttpStatus.getMessage(status) : reason)));
  }

  @Override
  public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    try {
      SecurityHeaders.setOn(baseRequest.getResponse().getHttpFields());
      int status = response.getStatus();
      if (HttpStatus.hasNoBody(status)) {
        return;
      }
      Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
      response.setHeader(HttpHeader.CACHE_CONTROL.asString(), getCacheControl());
      response.setContentType("application/json");
      response.getOutputStream().write(body(status, message == null || message.toString().isBlank()
          ? HttpStatus.getMessage(status) : message.toString()));
    } finally {
      baseRequest.setHandled(true);
    }
  }

  /** Every method gets a body, not only GET, POST and HEAD. */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  private static byte[] body(int status, String message) {
    try {
      return JSON.writeValueAsBytes(new ApiError(ApiError.codeFor(status), message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an ApiError always serialises", e);
    }
  }
}
