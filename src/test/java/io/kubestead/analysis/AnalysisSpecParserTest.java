package io.kubestead.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.kubestead.common.ApiException;
import io.kubestead.common.Documents;
import io.kubestead.common.FieldError;

class AnalysisSpecParserTest {

    static AnalysisSpec parse(String yaml) {
        return AnalysisSpecParser.parse(Documents.read(yaml.getBytes(StandardCharsets.UTF_8), Documents.Format.YAML));
    }

    static List<FieldError> errors(String yaml) {
        try {
            parse(yaml);
        } catch (ApiException e) {
            return e.errors();
        }
        throw new AssertionError("expected errors");
    }

    static final String WEB = "analysisTemplate:\n  name: gate\n  provider:\n    web: {url: 'http://m.example.com/{{args.service}}', jsonPath: $.data.rate}\n";

    @Test
    void theShippedExampleParses() throws Exception {
        AnalysisSpec spec = parse(Files.readString(Path.of("examples/http-error-rate-gate.yaml")));
        assertThat(spec.name()).isEqualTo("http-error-rate-gate");
        assertThat(spec.provider()).isInstanceOf(AnalysisSpec.Prometheus.class);
        assertThat(spec.successCondition().test(0.002)).isTrue();
        assertThat(spec.failureCondition().test(0.02)).isTrue();
        assertThat(spec.count()).isEqualTo(3);
        assertThat(spec.args()).containsEntry("service", "users-service");
    }

    @Test
    void defaultsFollowArgoRollouts() {
        AnalysisSpec spec = parse(WEB + "  successCondition: result < 1\n");
        assertThat(spec.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(spec.failureLimit()).isZero();
        assertThat(spec.inconclusiveLimit()).isZero();
        assertThat(spec.consecutiveErrorLimit()).isEqualTo(4);
        assertThat(spec.initialDelay()).isZero();
        assertThat(spec.count()).isNull();
    }

    @Test
    void aBadConditionIsRefusedWhenStored() {
        assertThat(errors(WEB + "  successCondition: result <\n")).extracting(FieldError::path)
                .containsExactly("analysisTemplate.successCondition");
        assertThat(errors(WEB + "  failureCondition: system.exit(1)\n")).extracting(FieldError::path)
                .containsExactly("analysisTemplate.failureCondition");
    }

    @Test
    void aConditionIsRequired() {
        assertThat(errors(WEB)).extracting(FieldError::path).containsExactly("analysisTemplate.successCondition");
    }

    @Test
    void providersAreChecked() {
        assertThat(errors("analysisTemplate:\n  name: gate\n  successCondition: result < 1\n"))
                .extracting(FieldError::path).containsExactly("analysisTemplate.provider");
        assertThat(errors("analysisTemplate:\n  name: gate\n  provider: {prometheus: {address: 'ftp://x', query: up}}\n  successCondition: result < 1\n"))
                .extracting(FieldError::path).containsExactly("analysisTemplate.provider.prometheus.address");
        assertThat(errors("analysisTemplate:\n  name: gate\n  provider: {web: {url: 'http://x', jsonPath: 'data.rate'}}\n  successCondition: result < 1\n"))
                .extracting(FieldError::path).containsExactly("analysisTemplate.provider.web.jsonPath");
        assertThat(errors("analysisTemplate:\n  name: gate\n  provider: {prometheus: {address: 'http://x', query: '{{nope}}'}}\n  successCondition: result < 1\n"))
                .extracting(FieldError::path).containsExactly("analysisTemplate.provider.prometheus.query");
        assertThat(errors(WEB + "  successCondition: result < 1\n  interval: soon\n  failurelimit: 1\n"))
                .extracting(FieldError::path).containsExactlyInAnyOrder("analysisTemplate.interval", "analysisTemplate.failurelimit");
    }

    @Test
    void placeholdersAreSubstituted() {
        assertThat(AnalysisSpecParser.substitute("rate{service=\"{{args.service}}\",v=\"{{ version }}\"}",
                java.util.Map.of("args.service", "users", "version", "1.2"))).isEqualTo("rate{service=\"users\",v=\"1.2\"}");
    }
}
