package io.labelstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

  @Test
  void shouldFindMetricNamesButNotFunctionsLabelsOrKeywords() {
    String expr = """
        sum by (namespace) (rate(labelstream_inference_frames_dead_lettered_total{reason=~"a|b",job!="x"}[10m]))
        / on (namespace) group_left max(up{job="labelstream-review"} offset 5m) > bool 1e-3
        and on (namespace) deriv(sum by (namespace) (labelstream_inference_consumer_lag)[15m:1m]) > 0
        """;

    assertThat(PromQl.metricNames(expr))
        .containsExactlyInAnyOrder("labelstream_inference_frames_dead_lettered_total", "up", "labelstream_inference_consumer_lag");
  }

  @Test
  void shouldReadGrafanaQueriesWithTemplateVariables() {
    String expr = "max by (class) (labelstream_review_policy_threshold{namespace=\"$namespace\"}) * on (pod) "
        + "sum(rate(process_cpu_usage{namespace=\"$namespace\"}[$__rate_interval])) without (id)";

    assertThat(PromQl.metricNames(expr)).containsExactlyInAnyOrder("labelstream_review_policy_threshold", "process_cpu_usage");
  }
}
