package io.labelstream.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * The GPU worker image, checked by construction: it is not built here (its CUDA base is pulled from a registry and
 * onnxruntime_gpu is a 445 MB jar), so this asks Maven for inference-service's effective build under -Pgpu,images,
 * which resolves no dependencies, and checks what Jib would be told to build.
 */
class GpuImageConfigIT {

  private static final Path ROOT = Path.of(System.getProperty("labelstream.root"));
  private static final String JIB = "/project/build/plugins/plugin[artifactId='jib-maven-plugin']";

  @Test
  void shouldBuildTheCudaWorkerImageOnTheCudaBaseUnderTheGpuProfile() throws Exception {
    Path effectivePom = Path.of("target", "gpu-effective-pom.xml").toAbsolutePath();
    Commands.run(List.of(Path.of(System.getProperty("maven.home"), "bin", "mvn").toString(), "-B", "-q",
        "-f", ROOT.resolve("pom.xml").toString(), "-Dmaven.repo.local=" + System.getProperty("maven.repo.local"),
        "-Pgpu,images", "-pl", "inference-service", "help:effective-pom", "-Doutput=" + effectivePom));
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(effectivePom.toFile());
    XPath xpath = XPathFactory.newInstance().newXPath();
    String execution = JIB + "/executions/execution[id='image-tarball']";

    assertThat(xpath.evaluate(execution + "/phase", pom)).isEqualTo("package");
    assertThat(xpath.evaluate(execution + "/goals/goal", pom)).isEqualTo("buildTar");
    assertThat(xpath.evaluate(execution + "/configuration/to/image", pom))
        .isEqualTo(System.getProperty("image.inference.gpu") + ":" + System.getProperty("project.version"));
    assertThat(xpath.evaluate(execution + "/configuration/from/image", pom)).isEqualTo(System.getProperty("image.base.gpu"));
    assertThat(xpath.evaluate(execution + "/configuration/container/mainClass", pom))
        .isEqualTo(ServiceImage.INFERENCE.mainClass);
    assertThat(xpath.evaluate(execution + "/configuration/container/ports/port", pom)).isEqualTo("8082");
    assertThat(xpath.evaluate(execution + "/configuration/container/user", pom)).isEqualTo("65532:65532");
    assertThat(xpath.evaluate("/project/dependencies/dependency[groupId='com.microsoft.onnxruntime']/artifactId", pom))
        .isEqualTo("onnxruntime_gpu");
  }
}
