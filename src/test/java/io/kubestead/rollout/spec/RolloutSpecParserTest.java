package io.kubestead.rollout.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.kubestead.common.ApiException;
import io.kubestead.common.Documents;
import io.kubestead.common.FieldError;
import io.kubestead.rollout.spec.RolloutSpec.FailureAction;

class RolloutSpecParserTest {

    static RolloutSpec yaml(String text) {
        return RolloutSpecParser.parse(Documents.read(text.getBytes(StandardCharsets.UTF_8), Documents.Format.YAML));
    }

    static RolloutSpec json(String text) {
        return RolloutSpecParser.parse(Documents.read(text.getBytes(StandardCharsets.UTF_8), Documents.Format.JSON));
    }

    static List<FieldError> errorsOf(String text) {
        try {
            yaml(text);
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(400);
            return e.errors();
        }
        throw new AssertionError("expected a validation error for:\n" + text);
    }

    static FieldError only(String text) {
        List<FieldError> errors = errorsOf(text);
        assertThat(errors).hasSize(1);
        return errors.get(0);
    }

    static String withSteps(String steps) {
        return "rollout:\n  name: svc\n  canarySteps:\n" + steps;
    }

    @Test
    void theDesignDocumentParsesVerbatim() throws Exception {
        RolloutSpec spec = yaml(Files.readString(Path.of("examples/users-service.yaml")));
        assertThat(spec.name()).isEqualTo("users-service");
        assertThat(spec.preDeployHooks()).containsExactly(
                new RolloutSpec.Hook("run-expand-migration", "db-migration-job", FailureAction.ABORT));
        assertThat(spec.canarySteps()).containsExactly(
                new Step.SetWeight(5),
                new Step.Pause(Duration.ofMinutes(5)),
                new Step.Analysis("http-error-rate-gate", java.util.Map.of()),
                new Step.SetWeight(100));
        assertThat(spec.target()).isNull();
        assertThat(spec.trafficRouting()).isNull();
    }

    @Test
    void theEquivalentJsonGivesTheSameSpec() throws Exception {
        String json = """
                {"rollout": {"name": "users-service",
                  "preDeployHooks": [{"name": "run-expand-migration", "jobTemplate": "db-migration-job", "failureAction": "abort"}],
                  "canarySteps": [{"setWeight": 5}, {"pause": {"duration": "5m"}},
                                  {"analysis": {"template": "http-error-rate-gate"}}, {"setWeight": 100}]}}
                """;
        assertThat(json(json)).isEqualTo(yaml(Files.readString(Path.of("examples/users-service.yaml"))));
    }

    @Test
    void theCanonicalDocumentParsesBackToTheSameSpec() {
        RolloutSpec spec = yaml("""
                rollout:
                  name: svc
                  target: {namespace: prod, deployment: svc-api}
                  trafficRouting:
                    gatewayAPI: {httpRoute: svc-route, stableService: svc-stable, canaryService: svc-canary}
                  preDeployHooks:
                    - {name: a, jobTemplate: t}
                    - {name: b, jobTemplate: t, failureAction: continue}
                  canarySteps:
                    - setWeight: 0
                    - pause: {}
                    - pause:
                    - pause: {duration: 1h30m}
                    - pause: {duration: 90}
                    - analysis: {template: gate, args: {service: svc, threshold: 0.5}}
                """);
        assertThat(RolloutSpecParser.parse(RolloutSpecParser.toDocument(spec))).isEqualTo(spec);
        assertThat(spec.preDeployHooks().get(0).failureAction()).isEqualTo(FailureAction.ABORT);
        assertThat(spec.preDeployHooks().get(1).failureAction()).isEqualTo(FailureAction.CONTINUE);
        assertThat(spec.canarySteps().get(1)).isEqualTo(new Step.Pause(null));
        assertThat(spec.canarySteps().get(2)).isEqualTo(new Step.Pause(null));
        assertThat(spec.canarySteps().get(3)).isEqualTo(new Step.Pause(Duration.ofMinutes(90)));
        assertThat(spec.canarySteps().get(4)).isEqualTo(new Step.Pause(Duration.ofSeconds(90)));
        assertThat(((Step.Analysis) spec.canarySteps().get(5)).args()).containsEntry("threshold", "0.5");
        assertThat(spec.trafficRouting()).isEqualTo(new TrafficRouting.GatewayApi("svc-route", "svc-stable", "svc-canary"));
    }

    @Test
    void stepsAndHooksAreOptional() {
        RolloutSpec spec = yaml("rollout:\n  name: svc\n");
        assertThat(spec.canarySteps()).isEmpty();
        assertThat(spec.preDeployHooks()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "Users", "users_service", "-users", "users-", "a.b", "" })
    void nameMustBeADnsLabel(String name) {
        FieldError e = only("rollout:\n  name: \"" + name + "\"\n");
        assertThat(e.path()).isEqualTo("name");
    }

    @Test
    void nameOfSixtyFourCharactersIsTooLong() {
        assertThat(only("rollout:\n  name: " + "a".repeat(64) + "\n").path()).isEqualTo("name");
        assertThat(yaml("rollout:\n  name: " + "a".repeat(63) + "\n").name()).hasSize(63);
    }

    @Test
    void nameIsRequired() {
        assertThat(only("rollout:\n  canarySteps: []\n")).isEqualTo(new FieldError("name", "is required"));
    }

    @Test
    void hookNamesAreUnique() {
        FieldError e = only("""
                rollout:
                  name: svc
                  preDeployHooks:
                    - {name: migrate, jobTemplate: a}
                    - {name: migrate, jobTemplate: b}
                """);
        assertThat(e.path()).isEqualTo("preDeployHooks[1].name");
        assertThat(e.message()).contains("duplicate").contains("preDeployHooks[0]");
    }

    @Test
    void hookNeedsAJobTemplate() {
        assertThat(only("rollout:\n  name: svc\n  preDeployHooks:\n    - name: m\n"))
                .isEqualTo(new FieldError("preDeployHooks[0].jobTemplate", "is required"));
    }

    @Test
    void failureActionIsAbortOrContinue() {
        FieldError e = only("rollout:\n  name: svc\n  preDeployHooks:\n    - {name: m, jobTemplate: t, failureAction: retry}\n");
        assertThat(e.path()).isEqualTo("preDeployHooks[0].failureAction");
        assertThat(e.message()).contains("'abort' or 'continue'").contains("\"retry\"");
    }

    @Test
    void setWeightIsAnIntegerFrom0To100() {
        assertThat(only(withSteps("    - setWeight: 101\n")).path()).isEqualTo("canarySteps[0].setWeight");
        assertThat(only(withSteps("    - setWeight: -1\n")).path()).isEqualTo("canarySteps[0].setWeight");
        assertThat(only(withSteps("    - setWeight: 5.5\n")).message()).contains("must be an integer");
        assertThat(only(withSteps("    - setWeight: \"5\"\n")).message()).contains("must be an integer");
        assertThat(only(withSteps("    - setWeight: 99999999999999999999999\n")).path()).isEqualTo("canarySteps[0].setWeight");
        assertThat(only(withSteps("    - setWeight:\n")).message()).isEqualTo("is required");
    }

    @Test
    void pauseDurationIsLike30s5m1h30m() {
        FieldError e = only(withSteps("    - setWeight: 5\n    - setWeight: 6\n    - pause:\n        duration: 5 minutes\n"));
        assertThat(e.path()).isEqualTo("canarySteps[2].pause.duration");
        assertThat(e.toString()).startsWith(
                "canarySteps[2].pause.duration: \"5 minutes\" is not a duration like 30s, 5m, 1h30m");
        assertThat(only(withSteps("    - pause: {duration: 0s}\n")).path()).isEqualTo("canarySteps[0].pause.duration");
        assertThat(only(withSteps("    - pause: {duration: 5M}\n")).path()).isEqualTo("canarySteps[0].pause.duration");
        assertThat(only(withSteps("    - pause: {duration: [5m]}\n")).path()).isEqualTo("canarySteps[0].pause.duration");
        assertThat(yaml(withSteps("    - pause: {duration: 30s}\n")).canarySteps().get(0))
                .isEqualTo(new Step.Pause(Duration.ofSeconds(30)));
    }

    @Test
    void analysisNeedsATemplate() {
        assertThat(only(withSteps("    - analysis: {}\n")))
                .isEqualTo(new FieldError("canarySteps[0].analysis.template", "is required"));
        assertThat(only(withSteps("    - analysis: gate\n")).path()).isEqualTo("canarySteps[0].analysis");
    }

    @Test
    void aStepHasExactlyOneKind() {
        assertThat(only(withSteps("    - {}\n")).message()).contains("exactly one of setWeight, pause, analysis");
        FieldError two = only(withSteps("    - setWeight: 5\n      pause: {}\n"));
        assertThat(two.path()).isEqualTo("canarySteps[0]");
        assertThat(two.message()).contains("setWeight and pause");
        assertThat(only(withSteps("    - 5\n")).path()).isEqualTo("canarySteps[0]");
    }

    @Test
    void unknownFieldsAreErrorsWithASuggestion() {
        List<FieldError> errors = errorsOf(withSteps("    - setweight: 5\n"));
        assertThat(errors).contains(new FieldError("canarySteps[0].setweight", "unknown field; did you mean 'setWeight'?"));
        assertThat(only("rollout:\n  name: svc\n  canarysteps: []\n").path()).isEqualTo("canarysteps");
        assertThat(only("rollout:\n  name: svc\n  preDeployHooks:\n    - {name: m, jobTemplate: t, onFailure: x}\n").path())
                .isEqualTo("preDeployHooks[0].onFailure");
        assertThat(only(withSteps("    - pause: {duration: 5m, until: x}\n")).path()).isEqualTo("canarySteps[0].pause.until");
        assertThat(only("rollout:\n  name: svc\nextra: 1\n").path()).isEqualTo("extra");
    }

    @Test
    void theDocumentNeedsTheRolloutKey() {
        assertThat(only("name: svc\n").path()).isEqualTo("rollout");
        assertThat(only("rollout: svc\n").path()).isEqualTo("rollout");
        assertThat(only("- rollout\n").path()).isEqualTo("rollout");
    }

    @Test
    void targetAndRoutingAreChecked() {
        assertThat(only("rollout:\n  name: svc\n  target: {namespace: Prod}\n").path()).isEqualTo("target.namespace");
        assertThat(only("rollout:\n  name: svc\n  trafficRouting: {}\n").path()).isEqualTo("trafficRouting");
        assertThat(only("rollout:\n  name: svc\n  trafficRouting: {gatewayAPI: {httpRoute: r, stableService: s}}\n").path())
                .isEqualTo("trafficRouting.gatewayAPI.canaryService");
        assertThat(only("rollout:\n  name: svc\n  trafficRouting: {gatewayAPI: {httpRoute: r, stableService: s, canaryService: s}}\n")
                .path()).isEqualTo("trafficRouting.gatewayAPI.canaryService");
        assertThat(yaml("rollout:\n  name: svc\n  trafficRouting: {replicas: {}}\n").trafficRouting())
                .isEqualTo(new TrafficRouting.Replicas());
    }

    @Test
    void everyProblemIsReportedNotOnlyTheFirst() {
        List<FieldError> errors = errorsOf("""
                rollout:
                  name: BAD
                  preDeployHooks:
                    - {name: m}
                  canarySteps:
                    - setWeight: 200
                    - pause: {duration: soon}
                """);
        assertThat(errors).extracting(FieldError::path).containsExactlyInAnyOrder("name", "preDeployHooks[0].jobTemplate",
                "canarySteps[0].setWeight", "canarySteps[1].pause.duration");
    }

    @Test
    void yamlSpecialFloatsAreRefused() {
        assertThatThrownBy(() -> yaml(withSteps("    - setWeight: .nan\n")))
                .isInstanceOf(ApiException.class).extracting("status").isEqualTo(400);
    }
}
