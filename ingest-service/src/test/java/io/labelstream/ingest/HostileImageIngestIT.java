package io.labelstream.ingest;

import static io.labelstream.testsupport.HostileImages.RGBA;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.schemas.Topics;
import io.labelstream.testsupport.HostileImages;
import io.labelstream.testsupport.TestSenders;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Images built to hurt the worker, posted to ingest: each is refused with a clear code before a 202, and nothing
 * is written to Kafka. (The same bytes written straight to frames.v1 are dead-lettered by the worker: see
 * inference's PoisonFrameWorkerIT and InferenceWorkerIT.)
 */
class HostileImageIngestIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static IngestService ingest;

  @BeforeAll
  static void startIngest() {
    ingest = IngestService.start(IngestConfig.from(new Env(TestSenders.with(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "INGEST_PORT", "0")))));
  }

  @AfterAll
  static void stopIngest() {
    ingest.close();
  }

  @Test
  void shouldRefuseA16BitRgbaPngBombThatFitsEverySizeLimitWith413() throws Exception {
    byte[] bomb = HostileImages.pngOfZeros(8192, 8192, 16, RGBA);
    assertThat(bomb.length).as("a bomb of about half a megabyte").isLessThan(1024 * 1024);

    assertRefusedAndNothingWritten(bomb, "image/png", 413, "image_too_large");
  }

  @Test
  void shouldRefuseAn8000x8000RgbaPngBombWith413() throws Exception {
    assertRefusedAndNothingWritten(HostileImages.pngOfZeros(8000, 8000, 8, RGBA), "image/png", 413, "image_too_large");
  }

  @Test
  void shouldRefuseAKilobyteJpegWhoseHeaderClaims8000x8000With413() throws Exception {
    byte[] lie = HostileImages.jpegClaiming(8000, 8000);
    assertThat(lie.length).isLessThan(4096);

    assertRefusedAndNothingWritten(lie, "image/jpeg", 413, "image_too_large");
  }

  @Test
  void shouldRefuseA16000x16000JpegHeaderThatTheWorkerWouldRefuseToo() throws Exception {
    assertRefusedAndNothingWritten(HostileImages.jpegClaiming(16000, 16000), "image/jpeg", 413, "image_too_large");
  }

  @Test
  void shouldRefuseAJpegCut40BytesAfterItsStartOfScan() throws Exception {
    byte[] truncated = HostileImages.truncatedAfterStartOfScan(HostileImages.noiseJpeg(64, 48), 40);

    assertRefusedAndNothingWritten(truncated, "image/jpeg", 422, "truncated_image");
  }

  @Test
  void shouldRefuseAJpegWithGarbageAfterItsEndOfImage() throws Exception {
    byte[] tailed = HostileImages.withTrailingGarbage(HostileImages.noiseJpeg(64, 48));

    assertRefusedAndNothingWritten(tailed, "image/jpeg", 422, "data_after_image_end");
  }

  @Test
  void shouldRefuseAPngWithGarbageAfterItsIend() throws Exception {
    byte[] tailed = HostileImages.withTrailingGarbage(HostileImages.noisePng(64, 48));

    assertRefusedAndNothingWritten(tailed, "image/png", 422, "data_after_image_end");
  }

  @Test
  void shouldRefuseAPngWhoseImageDataFailsItsCrc() throws Exception {
    byte[] corrupt = HostileImages.withBadIdatCrc(HostileImages.noisePng(64, 48));

    assertRefusedAndNothingWritten(corrupt, "image/png", 422, "corrupt_image");
  }

  @Test
  void shouldRefuseAWholeBatchThatSmugglesABombOrATruncatedImageBetweenGoodFrames() throws Exception {
    int before = framesInKafka();
    byte[] good = HostileImages.noisePng(64, 48);
    MultipartBody withBomb = new MultipartBody().image("image/png", good)
        .image("image/png", HostileImages.pngOfZeros(8192, 8192, 16, RGBA)).image("image/png", good);
    MultipartBody withTruncated = new MultipartBody().image("image/png", good)
        .image("image/jpeg", HostileImages.truncatedAfterStartOfScan(HostileImages.noiseJpeg(64, 48), 40));

    assertError(postBatch(withBomb), 413, "image_too_large");
    assertError(postBatch(withTruncated), 422, "truncated_image");
    assertThat(framesInKafka()).isEqualTo(before);
  }

  @Test
  void shouldRefuseABodyShorterThanItsContentLength() throws Exception {
    int before = framesInKafka();
    byte[] png = HostileImages.noisePng(64, 48);
    byte[] half = Arrays.copyOf(png, png.length / 2);
    String head = "POST /v1/frames HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nX-Device-Id: cutter\r\n"
        + "Authorization: " + TestSenders.AUTHORIZATION + "\r\n"
        + "Content-Length: " + png.length + "\r\nConnection: close\r\n\r\n";
    String response;
    try (Socket socket = new Socket("127.0.0.1", ingest.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(half);
      out.flush();
      socket.shutdownOutput(); // the client is gone before the body it announced is complete
      try (InputStream in = socket.getInputStream()) {
        response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }

    assertThat(response).startsWith("HTTP/1.1 400").contains("\"incomplete_body\"");
    assertThat(framesInKafka()).isEqualTo(before);
  }

  private static void assertRefusedAndNothingWritten(byte[] image, String contentType, int status, String code)
      throws Exception {
    int before = framesInKafka();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port() + "/v1/frames"))
        .header("Content-Type", contentType)
        .header("X-Device-Id", "attacker")
        .header("Authorization", TestSenders.AUTHORIZATION)
        .POST(HttpRequest.BodyPublishers.ofByteArray(image))
        .build();
    assertError(HTTP.send(request, HttpResponse.BodyHandlers.ofString()), status, code);
    assertThat(framesInKafka()).isEqualTo(before);
  }

  private static HttpResponse<String> postBatch(MultipartBody batch) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port() + "/v1/frames/batch"))
        .header("Content-Type", batch.contentType())
        .header("X-Device-Id", "attacker")
        .header("Authorization", TestSenders.AUTHORIZATION)
        .POST(HttpRequest.BodyPublishers.ofByteArray(batch.bytes()))
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static void assertError(HttpResponse<String> response, int status, String code) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("error").asText()).isEqualTo(code);
    assertThat(body.get("message").asText()).isNotBlank();
  }

  private static int framesInKafka() {
    return TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.FRAMES.name()).size();
  }
}
