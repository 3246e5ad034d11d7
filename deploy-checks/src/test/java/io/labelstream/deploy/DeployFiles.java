package io.labelstream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.labelstream.testsupport.RequiredTool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Reads what deploy/ holds: its YAML documents (as written, or rendered by {@code kubectl kustomize}), the alert
 * rules, the dashboard, the metric names they use, and the image names and version in the parent pom. Shared by
 * {@link DeployManifestsTest} and {@link DeployMetricsIT}.
 */
final class DeployFiles {

  static final Path ROOT = Path.of(System.getProperty("labelstream.root", "..")).toAbsolutePath().normalize();
  static final Path DEPLOY = ROOT.resolve("deploy");
  static final Path BASE = DEPLOY.resolve("base");
  /** Where generated files (rules extracted for promtool) go: this module's target folder. */
  static final Path OUT = Path.of("target", "deploy").toAbsolutePath();

  static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  private DeployFiles() {}

  /** Every document of a YAML file, empty ones (a file of comments, a trailing ---) left out. */
  static List<JsonNode> readYaml(Path file) {
    try (var parser = YAML.getFactory().createParser(file.toFile())) {
      List<JsonNode> docs = new ArrayList<>();
      var values = YAML.readValues(parser, JsonNode.class);
      while (values.hasNextValue()) {
        JsonNode doc = values.nextValue();
        if (doc != null && !doc.isNull() && !doc.isMissingNode() && !(doc.isObject() && doc.isEmpty())) {
          docs.add(doc);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + ROOT.relativize(file) + ": " + e.getMessage(), e);
    }
  }

  static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + ROOT.relativize(file) + ": " + e.getMessage(), e);
    }
  }

  /** The base as written: every document of every file its kustomization lists under resources. */
  static List<JsonNode> rawBase() {
    JsonNode kustomization = readYaml(BASE.resolve("kustomization.yaml")).get(0);
    List<JsonNode> docs = new ArrayList<>();
    kustomization.path("resources").forEach(r -> docs.addAll(readYaml(BASE.resolve(r.asText()))));
    return docs;
  }

  /** {@code kubectl kustomize deploy/<dir>}; without kubectl the test fails on CI and is skipped elsewhere. */
  static List<JsonNode> render(String dir) {
    Path kubectl = RequiredTool.KUBECTL.path();
    Run run = run(List.of(kubectl.toString(), "kustomize", DEPLOY.resolve(dir).toString()));
    if (run.exitCode() != 0) {
      throw new AssertionError("kubectl kustomize deploy/" + dir + " failed:\n" + run.output());
    }
    try {
      Path rendered = Files.createDirectories(OUT).resolve(dir.replace('/', '-') + ".rendered.yaml");
      Files.writeString(rendered, run.output());
      return readYaml(rendered);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The PrometheusRule's spec (its rule groups), as promtool reads a rules file. */
  static JsonNode ruleGroups() {
    return rawBase().stream().filter(d -> d.path("kind").asText().equals("PrometheusRule")).findFirst()
        .orElseThrow(() -> new AssertionError("no PrometheusRule in deploy/base")).path("spec");
  }

  static JsonNode dashboard() {
    return readJson(BASE.resolve("monitoring/labelstream-dashboard.json"));
  }

  /** Every query of the dashboard, by panel title and refId. */
  static Map<String, String> dashboardQueries() {
    Map<String, String> queries = new LinkedHashMap<>();
    dashboard().path("panels").forEach(panel -> panel.path("targets").forEach(target ->
        queries.put(panel.path("title").asText() + " / " + target.path("refId").asText(), target.path("expr").asText())));
    return queries;
  }

  /** Every alert expression, by alert name. */
  static Map<String, String> alertExpressions() {
    Map<String, String> alerts = new LinkedHashMap<>();
    ruleGroups().path("groups").forEach(group -> group.path("rules").forEach(rule ->
        alerts.put(rule.path("alert").asText(rule.path("record").asText()), rule.path("expr").asText())));
    return alerts;
  }

  /** The metric names the alerts and the dashboard query. */
  static Set<String> metricNamesUsed() {
    Set<String> names = new LinkedHashSet<>();
    alertExpressions().values().forEach(expr -> names.addAll(PromQl.metricNames(expr)));
    dashboardQueries().values().forEach(expr -> names.addAll(PromQl.metricNames(expr)));
    return names;
  }

  /** The parent pom's project version and properties (image names among them). */
  static Map<String, String> pomProperties() {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Element project = factory.newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile()).getDocumentElement();
      Map<String, String> properties = new LinkedHashMap<>();
      NodeList children = project.getChildNodes();
      for (int i = 0; i < children.getLength(); i++) {
        Node child = children.item(i);
        if (child.getNodeName().equals("version")) {
          properties.put("project.version", child.getTextContent().strip());
        }
        if (child.getNodeName().equals("properties")) {
          NodeList props = child.getChildNodes();
          for (int j = 0; j < props.getLength(); j++) {
            if (props.item(j) instanceof Element property) {
              properties.put(property.getTagName(), property.getTextContent().strip());
            }
          }
        }
      }
      return properties;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + ROOT.resolve("pom.xml") + ": " + e.getMessage(), e);
    }
  }

  record Run(int exitCode, String output) {}

  /** Runs a command to completion (at most two minutes), stdout and stderr together. */
  static Run run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (InputStream in = process.getInputStream()) {
        in.transferTo(out);
      }
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in 2 minutes");
      }
      return new Run(process.exitValue(), out.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
