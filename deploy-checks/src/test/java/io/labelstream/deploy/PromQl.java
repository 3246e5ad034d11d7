package io.labelstream.deploy;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the metric names a PromQL expression reads. Not a parser: label matchers, strings, ranges and grouping
 * clauses are blanked out first, then every remaining identifier that is not a function, an aggregation or a
 * keyword is a metric name. Enough for the expressions deploy/ writes; {@link PromQlTest} pins what it handles.
 */
final class PromQl {

  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
      "ignoring", "group_left", "group_right", "inf", "nan");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private PromQl() {}

  static Set<String> metricNames(String expr) {
    String blanked = GROUPING.matcher(RANGE.matcher(MATCHERS.matcher(STRING.matcher(expr).replaceAll(" "))
        .replaceAll(" ")).replaceAll(" ")).replaceAll(" ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(blanked);
    while (m.find()) {
      int before = m.start() - 1;
      if (before >= 0 && (Character.isDigit(blanked.charAt(before)) || blanked.charAt(before) == '.')) {
        continue; // the exponent or unit of a number: 1e3, 5m
      }
      int after = m.end();
      while (after < blanked.length() && Character.isWhitespace(blanked.charAt(after))) {
        after++;
      }
      boolean call = after < blanked.length() && blanked.charAt(after) == '(';
      if (!call && !KEYWORDS.contains(m.group())) {
        names.add(m.group());
      }
    }
    return names;
  }
}
