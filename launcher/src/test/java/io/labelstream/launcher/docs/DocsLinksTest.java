package io.labelstream.launcher.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and the pages it leads to point at things that exist: every relative Markdown link names a file or
 * folder of the repository (and, with {@code #anchor}, a heading of that page), and every repository path the README
 * and docs/ quote in backticks is there. Files move; this says which sentence to fix.
 */
class DocsLinksTest {

  private static final Path ROOT = Path.of(System.getProperty("labelstream.root", "..")).toAbsolutePath().normalize();
  /** Pages whose links are checked. */
  private static final List<String> PAGES = List.of("README.md", "CHANGELOG.md", "deploy/README.md", "model/README.md");
  /** Written by the configuration registry's generator, whose own test fails while the committed page is stale. */
  private static final Set<String> GENERATED = Set.of("docs/configuration.md");

  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern CODE = Pattern.compile("`([^`\\s]+)`");
  /** A quoted repository path: has a folder and a file type we keep in the repository, and no placeholder in it. */
  private static final Pattern REPO_PATH = Pattern.compile(
      "[\\w.-]+(/[\\w.-]+)+\\.(java|md|ya?ml|json|sh|avsc|onnx|csv|properties|py|xml|html|js|css)");
  private static final Pattern HEADING = Pattern.compile("^#+\\s+(.*)$", Pattern.MULTILINE);

  @Test
  void shouldLinkOnlyToFilesAndHeadingsThatExist() {
    List<String> broken = new ArrayList<>();
    for (Path page : pages()) {
      Matcher link = LINK.matcher(read(page));
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("^[a-z]+:.*")) {
          continue; // https:, mailto:: not ours to check offline
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        String where = ROOT.relativize(page) + " -> " + target;
        if (GENERATED.contains(ROOT.relativize(resolved).toString())) {
          continue;
        }
        if (!Files.exists(resolved)) {
          broken.add(where + " (no such file)");
        } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
          broken.add(where + " (no such heading; headings: " + anchors(resolved) + ")");
        }
      }
    }
    assertThat(broken).as("links in the README and docs/ that lead nowhere").isEmpty();
  }

  @Test
  void shouldQuoteOnlyRepositoryPathsThatExist() {
    List<String> missing = new ArrayList<>();
    for (Path page : pages()) {
      if (page.startsWith(ROOT.resolve("deploy")) || page.startsWith(ROOT.resolve("model"))) {
        continue; // their paths are relative to their own folders and subfolders
      }
      Matcher code = CODE.matcher(read(page));
      while (code.find()) {
        String quoted = code.group(1);
        if (REPO_PATH.matcher(quoted).matches() && !quoted.contains("target/")
            && !Files.exists(ROOT.resolve(quoted)) && !Files.exists(page.getParent().resolve(quoted))) {
          missing.add(ROOT.relativize(page) + ": `" + quoted + "`");
        }
      }
    }
    assertThat(missing).as("paths the README and docs/ quote that are not in the repository").isEmpty();
  }

  @Test
  void shouldKeepTheReadmeShort() {
    assertThat(read(ROOT.resolve("README.md")).lines().count()).as("README.md lines: a newcomer reads it in five minutes")
        .isLessThanOrEqualTo(150);
  }

  private static List<Path> pages() {
    List<Path> pages = new ArrayList<>(PAGES.stream().map(ROOT::resolve).toList());
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pages;
  }

  /** The heading anchors GitHub makes: lower case, punctuation dropped, spaces as hyphens. */
  private static Set<String> anchors(Path page) {
    Matcher heading = HEADING.matcher(read(page));
    Set<String> anchors = new TreeSet<>();
    while (heading.find()) {
      anchors.add(heading.group(1).trim().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
          .replace(' ', '-'));
    }
    return anchors;
  }

  private static String read(Path page) {
    try {
      return Files.readString(page);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + page, e);
    }
  }
}
