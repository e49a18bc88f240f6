package io.kubestead.template;

import static io.kubestead.template.PodSecurity.Level.BASELINE;
import static io.kubestead.template.PodSecurity.Level.RESTRICTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.kubestead.common.Documents;
import io.kubestead.common.FieldError;

class PodSecurityTest {

    static final String P = "spec.template.spec";

    static final String MINIMAL = """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: hook
            spec:
              backoffLimit: 0
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: migrate
                      image: registry.example.com/migrate:1.0.0
            """;

    // Every container kind is present so a single change can target any of them without breaking other rules.
    static final String RESTRICTED_JOB = """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: hook
            spec:
              backoffLimit: 0
              template:
                metadata:
                  annotations:
                    example.com/owner: payments
                spec:
                  restartPolicy: Never
                  securityContext:
                    runAsNonRoot: true
                    runAsUser: 1000
                    seccompProfile:
                      type: RuntimeDefault
                  containers:
                    - name: migrate
                      image: registry.example.com/migrate:1.0.0
                      ports:
                        - containerPort: 8080
                      securityContext: &locked
                        allowPrivilegeEscalation: false
                        capabilities:
                          drop: [ALL]
                    - name: report
                      image: registry.example.com/report:1.0.0
                      securityContext: *locked
                  initContainers:
                    - name: wait
                      image: registry.example.com/wait:1.0.0
                      securityContext: *locked
                  ephemeralContainers:
                    - name: debug
                      image: registry.example.com/debug:1.0.0
                      securityContext: *locked
                  volumes:
                    - name: scratch
                      emptyDir: {}
                    - name: config
                      configMap:
                        name: migrate-config
            """;

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(String text) {
        return (Map<String, Object>) Documents.read(text.getBytes(StandardCharsets.UTF_8), "application/yaml");
    }

    static Map<String, Object> minimal() {
        return yaml(MINIMAL);
    }

    static Map<String, Object> restrictedJob() {
        return yaml(RESTRICTED_JOB);
    }

    private static final Pattern STEP = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

    /** Sets a value at a path like {@code spec.containers[0].ports}, creating maps and list slots on the way. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> set(Map<String, Object> doc, String path, Object value) {
        List<Object> steps = new ArrayList<>();
        Matcher m = STEP.matcher(path);
        while (m.find()) {
            steps.add(m.group(1) != null ? m.group(1) : Integer.valueOf(m.group(2)));
        }
        Object node = doc;
        for (int i = 0; i < steps.size(); i++) {
            Object step = steps.get(i);
            boolean last = i == steps.size() - 1;
            Object fresh = !last && steps.get(i + 1) instanceof Integer ? new ArrayList<>() : new LinkedHashMap<>();
            if (step instanceof String key) {
                Map<String, Object> map = (Map<String, Object>) node;
                if (last) {
                    map.put(key, value);
                } else {
                    node = map.computeIfAbsent(key, k -> fresh);
                }
            } else {
                List<Object> list = (List<Object>) node;
                int index = (Integer) step;
                if (index == list.size()) {
                    list.add(fresh);
                }
                if (last) {
                    list.set(index, value);
                } else {
                    node = list.get(index);
                }
            }
        }
        return doc;
    }

    /** Removes the last key of a path, if everything before it exists. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> remove(Map<String, Object> doc, String path) {
        int dot = path.lastIndexOf('.');
        Object node = doc;
        Matcher m = STEP.matcher(path.substring(0, dot));
        while (m.find() && node != null) {
            node = m.group(1) != null ? ((Map<String, Object>) node).get(m.group(1))
                    : ((List<Object>) node).get(Integer.parseInt(m.group(2)));
        }
        if (node != null) {
            ((Map<String, Object>) node).remove(path.substring(dot + 1));
        }
        return doc;
    }

    static List<String> paths(List<FieldError> errors) {
        return errors.stream().map(FieldError::path).toList();
    }

    // --- clean documents -------------------------------------------------------------------------------------

    @Test
    void aMinimalJobMeetsTheBaselineButNotTheRestrictedStandard() {
        assertThat(PodSecurity.violations(minimal(), BASELINE)).isEmpty();
        assertThat(paths(PodSecurity.violations(minimal(), RESTRICTED))).containsExactlyInAnyOrder(
                P + ".containers[0].securityContext.allowPrivilegeEscalation",
                P + ".containers[0].securityContext.capabilities.drop",
                P + ".securityContext.runAsNonRoot",
                P + ".securityContext.seccompProfile.type");
    }

    @Test
    void aLockedDownJobMeetsBothStandards() {
        assertThat(PodSecurity.violations(restrictedJob(), BASELINE)).isEmpty();
        assertThat(PodSecurity.violations(restrictedJob(), RESTRICTED)).isEmpty();
    }

    @Test
    void aMinimalJobWithTheRestrictedSettingsMeetsBothStandards() {
        Map<String, Object> doc = set(minimal(), P + ".containers[0].securityContext", Map.of(
                "runAsNonRoot", true,
                "allowPrivilegeEscalation", false,
                "seccompProfile", Map.of("type", "Localhost", "localhostProfile", "profiles/migrate.json"),
                "capabilities", Map.of("drop", List.of("ALL"))));
        assertThat(PodSecurity.violations(doc, BASELINE)).isEmpty();
        assertThat(PodSecurity.violations(doc, RESTRICTED)).isEmpty();
    }

    // --- baseline, one violation at a time --------------------------------------------------------------------

    static Stream<Arguments> baselineViolations() {
        String c0 = P + ".containers[0].securityContext";
        return Stream.of(
                Arguments.of(P + ".hostPID", true, P + ".hostPID"),
                Arguments.of(P + ".hostNetwork", true, P + ".hostNetwork"),
                Arguments.of(P + ".hostIPC", true, P + ".hostIPC"),
                Arguments.of(c0 + ".privileged", true, c0 + ".privileged"),
                Arguments.of(P + ".containers[1].securityContext.privileged", true,
                        P + ".containers[1].securityContext.privileged"),
                Arguments.of(P + ".initContainers[0].securityContext.privileged", true,
                        P + ".initContainers[0].securityContext.privileged"),
                Arguments.of(P + ".ephemeralContainers[0].securityContext.privileged", true,
                        P + ".ephemeralContainers[0].securityContext.privileged"),
                Arguments.of(P + ".volumes[0]", Map.of("name", "host", "hostPath", Map.of("path", "/")),
                        P + ".volumes[0].hostPath"),
                Arguments.of(P + ".containers[0].ports[0]", Map.of("containerPort", 80, "hostPort", 80),
                        P + ".containers[0].ports[0].hostPort"),
                Arguments.of(P + ".initContainers[0].ports[0]", Map.of("containerPort", 80, "hostPort", BigInteger.TEN),
                        P + ".initContainers[0].ports[0].hostPort"),
                Arguments.of(c0 + ".capabilities.add", List.of("SYS_ADMIN"), c0 + ".capabilities.add[0]"),
                Arguments.of(c0 + ".capabilities.add", List.of("CAP_SYS_ADMIN"), c0 + ".capabilities.add[0]"),
                Arguments.of(c0 + ".capabilities.add", List.of("sys_admin"), c0 + ".capabilities.add[0]"),
                Arguments.of(c0 + ".capabilities.add", List.of("NET_RAW"), c0 + ".capabilities.add[0]"),
                Arguments.of(P + ".initContainers[0].securityContext.capabilities.add",
                        List.of("NET_BIND_SERVICE", "cap_net_bind_service", "Cap_Sys_Ptrace"),
                        P + ".initContainers[0].securityContext.capabilities.add[2]"),
                Arguments.of(P + ".securityContext.sysctls", List.of(Map.of("name", "kernel.msgmax", "value", "65536")),
                        P + ".securityContext.sysctls[0].name"),
                Arguments.of(P + ".securityContext.sysctls",
                        List.of(Map.of("name", "net.ipv4.tcp_syncookies", "value", "1"),
                                Map.of("name", "net.core.somaxconn", "value", "1024")),
                        P + ".securityContext.sysctls[1].name"),
                Arguments.of(P + ".securityContext.seccompProfile.type", "Unconfined",
                        P + ".securityContext.seccompProfile.type"),
                Arguments.of(c0 + ".seccompProfile.type", "Unconfined", c0 + ".seccompProfile.type"),
                Arguments.of(P + ".ephemeralContainers[0].securityContext.procMount", "Unmasked",
                        P + ".ephemeralContainers[0].securityContext.procMount"),
                Arguments.of(c0 + ".seLinuxOptions.type", "spc_t", c0 + ".seLinuxOptions.type"),
                Arguments.of(P + ".securityContext.seLinuxOptions.type", "unconfined_t",
                        P + ".securityContext.seLinuxOptions.type"),
                Arguments.of(c0 + ".seLinuxOptions.user", "system_u", c0 + ".seLinuxOptions.user"),
                Arguments.of(P + ".securityContext.seLinuxOptions.role", "sysadm_r",
                        P + ".securityContext.seLinuxOptions.role"),
                Arguments.of(c0 + ".appArmorProfile.type", "Unconfined", c0 + ".appArmorProfile.type"),
                Arguments.of(P + ".securityContext.appArmorProfile.type", "Unconfined",
                        P + ".securityContext.appArmorProfile.type"),
                Arguments.of(P + ".securityContext.windowsOptions.hostProcess", true,
                        P + ".securityContext.windowsOptions.hostProcess"),
                Arguments.of(P + ".containers[1].securityContext.windowsOptions.hostProcess", true,
                        P + ".containers[1].securityContext.windowsOptions.hostProcess"),
                // Jackson turns the text "true" into true when the Job is sent, so it is not a way around the rule.
                Arguments.of(P + ".hostNetwork", "true", P + ".hostNetwork"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("baselineViolations")
    void eachBaselineViolationIsReportedOnceAtItsPath(String path, Object value, String expected) {
        List<FieldError> onMinimal = PodSecurity.violations(set(minimal(), path, value), BASELINE);
        assertThat(paths(onMinimal)).containsExactly(expected);
        assertThat(onMinimal.get(0).message()).contains("not allowed by the baseline Pod Security Standard; ");

        // The restricted standard includes the baseline one, and says so once, not twice.
        for (PodSecurity.Level level : PodSecurity.Level.values()) {
            assertThat(paths(PodSecurity.violations(set(restrictedJob(), path, value), level)))
                    .as(level.toString()).containsExactly(expected);
        }
    }

    @Test
    void messagesSayWhatIsRefusedAndWhatToDoInstead() {
        String path = P + ".containers[1].securityContext.privileged";
        assertThat(PodSecurity.violations(set(minimal(), path, true), BASELINE)).containsExactly(new FieldError(path,
                "privileged containers are not allowed by the baseline Pod Security Standard; remove it or set false"));
        String add = P + ".containers[0].securityContext.capabilities.add";
        assertThat(PodSecurity.violations(set(minimal(), add, List.of("CAP_SYS_ADMIN")), BASELINE).get(0).message())
                .contains("\"CAP_SYS_ADMIN\"").contains("NET_BIND_SERVICE").contains("SYS_CHROOT");
        assertThat(PodSecurity.violations(set(minimal(), P + ".volumes[0].hostPath", Map.of("path", "/")), BASELINE)
                .get(0).message()).contains("hostPath volumes").contains("emptyDir");
        assertThat(PodSecurity.violations(set(minimal(), P + ".hostPID", true), BASELINE).get(0).toString())
                .startsWith(P + ".hostPID: ").contains("hostPID").contains("set false");
        assertThat(PodSecurity.describe(BASELINE)).isEqualTo("baseline");
        assertThat(PodSecurity.describe(RESTRICTED)).isEqualTo("restricted");
    }

    @Test
    void anUnconfinedAppArmorAnnotationIsReportedUnderItsKey() {
        String key = "container.apparmor.security.beta.kubernetes.io/migrate";
        Map<String, Object> doc = set(restrictedJob(), "spec.template.metadata.annotations", Map.of(key, "unconfined",
                "example.com/owner", "payments"));
        for (PodSecurity.Level level : PodSecurity.Level.values()) {
            List<FieldError> errors = PodSecurity.violations(doc, level);
            assertThat(paths(errors)).containsExactly("spec.template.metadata.annotations[" + key + "]");
            assertThat(errors.get(0).message()).contains("\"unconfined\"").contains("runtime/default");
        }
        Map<String, Object> good = set(minimal(), "spec.template.metadata.annotations", Map.of(
                "container.apparmor.security.beta.kubernetes.io/migrate", "runtime/default",
                "container.apparmor.security.beta.kubernetes.io/report", "localhost/k8s-report",
                "example.com/apparmor", "unconfined"));
        assertThat(PodSecurity.violations(good, BASELINE)).isEmpty();
    }

    // --- baseline, what stays allowed -------------------------------------------------------------------------

    static Stream<Arguments> allowedEverywhere() {
        String c0 = P + ".containers[0].securityContext";
        return Stream.of(
                Arguments.of(c0 + ".capabilities.add", List.of("NET_BIND_SERVICE")),
                Arguments.of(c0 + ".capabilities.add", List.of("cap_net_bind_service")),
                Arguments.of(P + ".containers[0].ports[0]", Map.of("containerPort", 8080, "hostPort", 0)),
                Arguments.of(P + ".containers[0].ports[0]", Map.of("containerPort", 8080, "hostPort", 0L)),
                Arguments.of(P + ".containers[0].ports[0]", Map.of("containerPort", 8080, "hostPort", BigInteger.ZERO)),
                Arguments.of(P + ".securityContext.sysctls", List.of(
                        Map.of("name", "net.ipv4.ip_unprivileged_port_start", "value", "0"),
                        Map.of("name", "kernel.shm_rmid_forced", "value", "1"),
                        Map.of("name", "net.ipv4.tcp_keepalive_probes", "value", "5"))),
                Arguments.of(c0 + ".seccompProfile.type", "RuntimeDefault"),
                Arguments.of(c0 + ".seccompProfile", Map.of("type", "Localhost", "localhostProfile", "p.json")),
                Arguments.of(c0 + ".privileged", false),
                Arguments.of(P + ".hostPID", false),
                Arguments.of(P + ".hostNetwork", false),
                Arguments.of(c0 + ".procMount", "Default"),
                Arguments.of(c0 + ".seLinuxOptions", Map.of("type", "container_init_t", "level", "s0:c123,c456")),
                Arguments.of(P + ".securityContext.seLinuxOptions.type", "container_t"),
                Arguments.of(c0 + ".appArmorProfile.type", "RuntimeDefault"),
                Arguments.of(P + ".securityContext.appArmorProfile", Map.of("type", "Localhost", "localhostProfile", "x")),
                Arguments.of(c0 + ".windowsOptions.hostProcess", false));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("allowedEverywhere")
    void safeSettingsPassBothStandards(String path, Object value) {
        assertThat(PodSecurity.violations(set(minimal(), path, value), BASELINE)).isEmpty();
        assertThat(PodSecurity.violations(set(restrictedJob(), path, value), RESTRICTED)).isEmpty();
    }

    // --- restricted, one violation at a time ------------------------------------------------------------------

    static Stream<Arguments> restrictedViolations() {
        String c0 = P + ".containers[0].securityContext";
        return Stream.of(
                Arguments.of(P + ".volumes[2]", Map.of("name", "share", "nfs", Map.of("server", "n", "path", "/")),
                        P + ".volumes[2].nfs"),
                Arguments.of(P + ".volumes[0]", Map.of("name", "disk", "gcePersistentDisk", Map.of("pdName", "d")),
                        P + ".volumes[0].gcePersistentDisk"),
                Arguments.of(c0 + ".allowPrivilegeEscalation", true, c0 + ".allowPrivilegeEscalation"),
                Arguments.of(P + ".initContainers[0].securityContext.allowPrivilegeEscalation", null,
                        P + ".initContainers[0].securityContext.allowPrivilegeEscalation"),
                Arguments.of(P + ".securityContext.runAsNonRoot", false, P + ".securityContext.runAsNonRoot"),
                Arguments.of(P + ".securityContext.runAsNonRoot", null, P + ".securityContext.runAsNonRoot"),
                Arguments.of(P + ".containers[1].securityContext.runAsNonRoot", false,
                        P + ".containers[1].securityContext.runAsNonRoot"),
                Arguments.of(P + ".securityContext.runAsUser", BigInteger.ZERO, P + ".securityContext.runAsUser"),
                Arguments.of(c0 + ".runAsUser", 0, c0 + ".runAsUser"),
                Arguments.of(P + ".ephemeralContainers[0].securityContext.runAsUser", 0L,
                        P + ".ephemeralContainers[0].securityContext.runAsUser"),
                Arguments.of(P + ".securityContext.seccompProfile", null, P + ".securityContext.seccompProfile.type"),
                Arguments.of(c0 + ".capabilities.drop", null, c0 + ".capabilities.drop"),
                Arguments.of(c0 + ".capabilities.drop", List.of("NET_RAW", "SYS_ADMIN"), c0 + ".capabilities.drop"),
                Arguments.of(c0 + ".capabilities", null, c0 + ".capabilities.drop"),
                Arguments.of(P + ".containers[1].securityContext.capabilities.add", List.of("NET_BIND_SERVICE", "CHOWN"),
                        P + ".containers[1].securityContext.capabilities.add[1]"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("restrictedViolations")
    void eachRestrictedViolationIsReportedOnceAtItsPathAndOnlyWhenAskedFor(String path, Object value, String expected) {
        Map<String, Object> doc = value == null ? remove(restrictedJob(), path) : set(restrictedJob(), path, value);
        List<FieldError> errors = PodSecurity.violations(doc, RESTRICTED);
        assertThat(paths(errors)).containsExactly(expected);
        assertThat(errors.get(0).message()).contains("restricted Pod Security Standard");
        assertThat(PodSecurity.violations(doc, BASELINE)).isEmpty();
    }

    @Test
    void withoutAPodLevelSettingEveryContainerMustCarryItsOwn() {
        Map<String, Object> doc = remove(remove(restrictedJob(), P + ".securityContext.runAsNonRoot"),
                P + ".securityContext.seccompProfile");
        set(doc, P + ".containers[0].securityContext.runAsNonRoot", true);
        set(doc, P + ".containers[0].securityContext.seccompProfile.type", "RuntimeDefault");
        set(doc, P + ".initContainers[0].securityContext.seccompProfile.type", "Localhost");
        assertThat(paths(PodSecurity.violations(doc, RESTRICTED))).containsExactlyInAnyOrder(
                P + ".containers[1].securityContext.runAsNonRoot",
                P + ".initContainers[0].securityContext.runAsNonRoot",
                P + ".ephemeralContainers[0].securityContext.runAsNonRoot",
                P + ".containers[1].securityContext.seccompProfile.type",
                P + ".ephemeralContainers[0].securityContext.seccompProfile.type");

        for (String c : List.of("containers[1]", "initContainers[0]", "ephemeralContainers[0]")) {
            set(doc, P + "." + c + ".securityContext.runAsNonRoot", true);
            set(doc, P + "." + c + ".securityContext.seccompProfile.type", "RuntimeDefault");
        }
        assertThat(PodSecurity.violations(doc, RESTRICTED)).isEmpty();
    }

    @Test
    void anUnknownSeccompTypeIsRefusedByTheRestrictedStandardOnly() {
        Map<String, Object> doc = set(restrictedJob(), P + ".containers[0].securityContext.seccompProfile.type", "Custom");
        assertThat(PodSecurity.violations(doc, BASELINE)).isEmpty();
        assertThat(paths(PodSecurity.violations(doc, RESTRICTED)))
                .containsExactly(P + ".containers[0].securityContext.seccompProfile.type");
    }

    @Test
    void windowsPodsAreExemptFromTheLinuxOnlyRestrictedRules() {
        Map<String, Object> doc = yaml(MINIMAL.replace("restartPolicy: Never", """
                restartPolicy: Never
                      os: {name: windows}
                      securityContext:
                        runAsNonRoot: true"""));
        assertThat(PodSecurity.violations(doc, RESTRICTED)).isEmpty();
        // Host processes stay forbidden: that rule is not Linux-only.
        set(doc, P + ".securityContext.windowsOptions.hostProcess", true);
        assertThat(paths(PodSecurity.violations(doc, RESTRICTED)))
                .containsExactly(P + ".securityContext.windowsOptions.hostProcess");
    }

    @Test
    void theRestrictedStandardAcceptsOnlyItsVolumeTypes() {
        List<Object> volumes = new ArrayList<>();
        for (String type : List.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
                "projected", "secret")) {
            volumes.add(Map.of("name", type.toLowerCase(), type, Map.of()));
        }
        volumes.add(Map.of("name", "defaulted"));
        assertThat(PodSecurity.violations(set(restrictedJob(), P + ".volumes", volumes), RESTRICTED)).isEmpty();
    }

    // --- everything at once -----------------------------------------------------------------------------------

    @Test
    void aDocumentWithEverythingWrongReportsEveryViolation() {
        Map<String, Object> doc = yaml("""
                apiVersion: batch/v1
                kind: Job
                spec:
                  template:
                    metadata:
                      annotations:
                        container.apparmor.security.beta.kubernetes.io/bad: unconfined
                    spec:
                      hostNetwork: true
                      hostPID: true
                      hostIPC: true
                      securityContext:
                        runAsUser: 0
                        seccompProfile: {type: Unconfined}
                        seLinuxOptions: {type: spc_t, user: root, role: sysadm_r}
                        sysctls:
                          - {name: kernel.msgmax, value: "1"}
                        windowsOptions: {hostProcess: true}
                      volumes:
                        - {name: root, hostPath: {path: /}}
                        - {name: share, nfs: {server: nas, path: /}}
                      containers:
                        - name: bad
                          image: bad
                          ports: [{containerPort: 80, hostPort: 80}]
                          securityContext:
                            privileged: true
                            allowPrivilegeEscalation: true
                            runAsNonRoot: false
                            procMount: Unmasked
                            appArmorProfile: {type: Unconfined}
                            capabilities: {add: [SYS_ADMIN, CHOWN]}
                      initContainers:
                        - name: init
                          image: init
                          securityContext: {privileged: true}
                """);
        String c0 = P + ".containers[0]";
        String i0 = P + ".initContainers[0]";
        List<String> baseline = List.of(
                "spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/bad]",
                P + ".hostNetwork", P + ".hostPID", P + ".hostIPC",
                P + ".securityContext.seccompProfile.type",
                P + ".securityContext.seLinuxOptions.type",
                P + ".securityContext.seLinuxOptions.user",
                P + ".securityContext.seLinuxOptions.role",
                P + ".securityContext.sysctls[0].name",
                P + ".securityContext.windowsOptions.hostProcess",
                P + ".volumes[0].hostPath",
                c0 + ".ports[0].hostPort",
                c0 + ".securityContext.privileged",
                c0 + ".securityContext.procMount",
                c0 + ".securityContext.appArmorProfile.type",
                c0 + ".securityContext.capabilities.add[0]",
                i0 + ".securityContext.privileged");
        assertThat(paths(PodSecurity.violations(doc, BASELINE))).containsExactlyInAnyOrderElementsOf(baseline);

        List<String> restricted = new ArrayList<>(baseline);
        restricted.addAll(List.of(
                P + ".securityContext.runAsUser",
                P + ".volumes[1].nfs",
                c0 + ".securityContext.allowPrivilegeEscalation",
                c0 + ".securityContext.runAsNonRoot",
                c0 + ".securityContext.capabilities.add[1]",
                c0 + ".securityContext.capabilities.drop",
                i0 + ".securityContext.allowPrivilegeEscalation",
                i0 + ".securityContext.capabilities.drop",
                i0 + ".securityContext.runAsNonRoot"));
        assertThat(paths(PodSecurity.violations(doc, RESTRICTED))).containsExactlyInAnyOrderElementsOf(restricted);
    }

    // --- odd shapes -------------------------------------------------------------------------------------------

    static Stream<Map<String, Object>> oddDocuments() {
        Map<String, Object> nullValues = new LinkedHashMap<>();
        nullValues.put("spec", null);
        return Stream.of(
                Map.of(),
                nullValues,
                Map.of("spec", "not a mapping"),
                Map.of("spec", Map.of("template", List.of())),
                Map.of("spec", Map.of("template", Map.of("spec", "pod"))),
                Map.of("spec", Map.of("template", Map.of("metadata", "x", "spec", Map.of()))),
                Map.of("spec", Map.of("template", Map.of("metadata", Map.of("annotations", List.of("a")),
                        "spec", Map.of("containers", "not a list", "volumes", Map.of(), "initContainers", 7,
                                "securityContext", List.of(), "os", "windows")))),
                Map.of("spec", Map.of("template", Map.of("spec", Map.of(
                        "containers", List.of("a string", 12, List.of(),
                                Map.of("securityContext", "x", "ports", "y"),
                                Map.of("ports", List.of("p", Map.of()), "securityContext", Map.of(
                                        "capabilities", Map.of("add", "SYS_ADMIN", "drop", "ALL"),
                                        "seLinuxOptions", List.of(), "seccompProfile", "Unconfined",
                                        "windowsOptions", 1, "appArmorProfile", List.of()))),
                        "volumes", List.of("v", 3, Map.of()),
                        "securityContext", Map.of("sysctls", List.of("s", Map.of(), Map.of("value", "1")),
                                "seccompProfile", Map.of()))))));
    }

    @ParameterizedTest
    @MethodSource("oddDocuments")
    void oddOrMissingSectionsNeverThrow(Map<String, Object> doc) {
        for (PodSecurity.Level level : PodSecurity.Level.values()) {
            assertThatCode(() -> PodSecurity.violations(doc, level)).as(level.toString()).doesNotThrowAnyException();
        }
        assertThat(PodSecurity.violations(doc, BASELINE)).isEmpty();
    }

    @Test
    void aMissingDocumentHasNothingToReport() {
        assertThat(PodSecurity.violations(null, RESTRICTED)).isEmpty();
    }

    @Test
    void oddEntriesThatCouldStillGrantPrivilegeAreReported() {
        Map<String, Object> doc = set(minimal(), P + ".containers[0].securityContext.capabilities.add",
                List.of(42, "NET_BIND_SERVICE"));
        set(doc, P + ".containers[0].ports", List.of(Map.of("hostPort", "8080"), Map.of("hostPort", "0")));
        set(doc, P + ".containers[0].securityContext.privileged", "TRUE");
        assertThat(paths(PodSecurity.violations(doc, BASELINE))).containsExactlyInAnyOrder(
                P + ".containers[0].securityContext.capabilities.add[0]",
                P + ".containers[0].ports[0].hostPort",
                P + ".containers[0].securityContext.privileged");
    }
}
