package io.kubestead.template;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.kubestead.common.FieldError;
import io.kubestead.common.Node;
import io.kubestead.common.Paths;

/**
 * Checks the pod of a hook Job manifest against the Kubernetes Pod Security Standards, so a template that a
 * namespace's Pod Security Admission would refuse is caught before a release depends on it. Works on the plain
 * maps {@link io.kubestead.common.Documents} produces; any section that is missing or of the wrong shape is
 * simply not checked here, because {@link JobManifests} reports malformed manifests.
 */
public final class PodSecurity {

    public enum Level {
        BASELINE, RESTRICTED
    }

    private static final String POD = "spec.template.spec";
    private static final List<String> CONTAINER_KINDS = List.of("containers", "initContainers", "ephemeralContainers");

    private static final Set<String> BASELINE_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER",
            "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
    // container_engine_t joined the allowed types in Kubernetes 1.31; clusters that admit it should not be refused here.
    private static final Set<String> SELINUX_TYPES = Set.of("container_t", "container_init_t", "container_kvm_t",
            "container_engine_t");
    private static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");
    private static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir",
            "ephemeral", "persistentVolumeClaim", "projected", "secret");
    private static final Set<String> GOOD_PROFILES = Set.of("RuntimeDefault", "Localhost");
    private static final String APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

    /** Whether a pod-or-container setting satisfies a restricted rule; BAD ones have already been reported. */
    private enum Setting {
        GOOD, BAD, UNSET
    }

    private record Scoped(String path, Setting setting) {
    }

    private final Level level;
    private final List<FieldError> errors = new ArrayList<>();
    private final List<Scoped> nonRoot = new ArrayList<>();
    private final List<Scoped> seccomp = new ArrayList<>();
    private boolean windows;

    private PodSecurity(Level level) {
        this.level = level;
    }

    /** Every way the Job's pod template breaks the given level, each at the path of the offending field. */
    public static List<FieldError> violations(Map<String, Object> jobDocument, Level level) {
        PodSecurity check = new PodSecurity(level);
        Map<?, ?> template = map(jobDocument == null ? null : map(jobDocument.get("spec")), "template");
        Map<?, ?> pod = map(template, "spec");
        if (pod != null) {
            check.pod(pod, map(map(template, "metadata"), "annotations"));
        }
        return List.copyOf(check.errors);
    }

    /** The level's name as the Kubernetes documentation spells it. */
    public static String describe(Level level) {
        return level.name().toLowerCase(Locale.ROOT);
    }

    private void pod(Map<?, ?> pod, Map<?, ?> annotations) {
        windows = "windows".equals(string(map(pod, "os"), "name"));
        hostNamespace(pod, "hostNetwork", "sharing the host's network namespace");
        hostNamespace(pod, "hostPID", "sharing the host's process namespace");
        hostNamespace(pod, "hostIPC", "sharing the host's IPC namespace");
        Map<?, ?> context = map(pod, "securityContext");
        String contextPath = POD + ".securityContext";
        securityContext(context, contextPath);
        sysctls(context, contextPath);
        appArmorAnnotations(annotations);
        volumes(pod);
        Setting podNonRoot = nonRootSetting(context, contextPath);
        runAsUser(context, contextPath);
        Setting podSeccomp = seccompSetting(context, contextPath);
        for (String kind : CONTAINER_KINDS) {
            if (pod.get(kind) instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) instanceof Map<?, ?> container) {
                        container(container, Paths.index(Paths.key(POD, kind), i));
                    }
                }
            }
        }
        if (level == Level.RESTRICTED) {
            everyContainer(podNonRoot, contextPath + ".runAsNonRoot", nonRoot, "running as root is not ruled out, as the "
                    + "restricted Pod Security Standard requires; set runAsNonRoot: true");
            if (!windows) {
                everyContainer(podSeccomp, contextPath + ".seccompProfile.type", seccomp, "a seccomp profile is required "
                        + "by the restricted Pod Security Standard; set seccompProfile.type: RuntimeDefault (or Localhost)");
            }
        }
    }

    private void container(Map<?, ?> container, String path) {
        if (container.get("ports") instanceof List<?> ports) {
            for (int i = 0; i < ports.size(); i++) {
                Object hostPort = ports.get(i) instanceof Map<?, ?> port ? port.get("hostPort") : null;
                if (hostPort != null && !isZero(hostPort)) {
                    baseline(Paths.index(path + ".ports", i) + ".hostPort", "host ports are not allowed", "remove hostPort "
                            + "or set 0, and reach the container through a Service instead");
                }
            }
        }
        Map<?, ?> context = map(container, "securityContext");
        String contextPath = path + ".securityContext";
        if (context != null && isTrue(context.get("privileged"))) {
            baseline(contextPath + ".privileged", "privileged containers are not allowed", "remove it or set false");
        }
        securityContext(context, contextPath);
        Object procMount = value(context, "procMount");
        if (procMount != null && !"Default".equals(procMount)) {
            baseline(contextPath + ".procMount", "procMount " + Node.describe(procMount) + " is not allowed",
                    "remove it or set Default");
        }
        capabilities(map(context, "capabilities"), contextPath + ".capabilities");
        if (level != Level.RESTRICTED) {
            return;
        }
        if (!windows && (context == null || !isFalse(context.get("allowPrivilegeEscalation")))) {
            restricted(contextPath + ".allowPrivilegeEscalation", "privilege escalation must be ruled out explicitly "
                    + "under the restricted Pod Security Standard; set allowPrivilegeEscalation: false");
        }
        runAsUser(context, contextPath);
        nonRoot.add(new Scoped(contextPath + ".runAsNonRoot", nonRootSetting(context, contextPath)));
        seccomp.add(new Scoped(contextPath + ".seccompProfile.type", seccompSetting(context, contextPath)));
    }

    /** Rules the pod-level and container-level security contexts share. */
    private void securityContext(Map<?, ?> context, String path) {
        Map<?, ?> seLinux = map(context, "seLinuxOptions");
        if (seLinux != null) {
            Object type = seLinux.get("type");
            if (type != null && !"".equals(type) && !SELINUX_TYPES.contains(type)) {
                baseline(path + ".seLinuxOptions.type", "SELinux type " + Node.describe(type) + " is not allowed",
                        "use container_t, container_init_t, container_kvm_t or container_engine_t, or leave it unset");
            }
            for (String key : List.of("user", "role")) {
                Object value = seLinux.get(key);
                if (value != null && !"".equals(value)) {
                    baseline(path + ".seLinuxOptions." + key, "setting a custom SELinux " + key + " is not allowed",
                            "remove it");
                }
            }
        }
        if ("Unconfined".equals(string(map(context, "seccompProfile"), "type"))) {
            baseline(path + ".seccompProfile.type", "the Unconfined seccomp profile is not allowed",
                    "use RuntimeDefault or Localhost");
        }
        Object appArmor = value(map(context, "appArmorProfile"), "type");
        if (appArmor != null && !GOOD_PROFILES.contains(appArmor)) {
            baseline(path + ".appArmorProfile.type", "AppArmor profile type " + Node.describe(appArmor) + " is not allowed",
                    "use RuntimeDefault or Localhost, or leave it unset");
        }
        if (isTrue(value(map(context, "windowsOptions"), "hostProcess"))) {
            baseline(path + ".windowsOptions.hostProcess", "Windows HostProcess containers are not allowed",
                    "remove hostProcess or set false");
        }
    }

    private void hostNamespace(Map<?, ?> pod, String key, String what) {
        if (isTrue(pod.get(key))) {
            baseline(Paths.key(POD, key), what + " (" + key + ") is not allowed", "remove it or set false");
        }
    }

    private void sysctls(Map<?, ?> context, String path) {
        if (context != null && context.get("sysctls") instanceof List<?> sysctls) {
            for (int i = 0; i < sysctls.size(); i++) {
                Object name = sysctls.get(i) instanceof Map<?, ?> sysctl ? sysctl.get("name") : null;
                if (name != null && !SAFE_SYSCTLS.contains(name)) {
                    baseline(Paths.index(path + ".sysctls", i) + ".name", "sysctl " + Node.describe(name)
                            + " is not allowed", "set only " + String.join(", ", sorted(SAFE_SYSCTLS)));
                }
            }
        }
    }

    private void appArmorAnnotations(Map<?, ?> annotations) {
        if (annotations == null) {
            return;
        }
        for (Map.Entry<?, ?> e : annotations.entrySet()) {
            if (e.getKey() instanceof String key && key.startsWith(APPARMOR_ANNOTATION)
                    && !(e.getValue() instanceof String v && (v.equals("runtime/default") || v.startsWith("localhost/")))) {
                // Kubernetes writes map keys in brackets, since annotation keys contain dots and slashes.
                baseline("spec.template.metadata.annotations[" + key + "]", "AppArmor profile "
                        + Node.describe(e.getValue()) + " is not allowed", "use runtime/default or localhost/<profile>, "
                        + "or remove the annotation");
            }
        }
    }

    private void volumes(Map<?, ?> pod) {
        if (!(pod.get("volumes") instanceof List<?> volumes)) {
            return;
        }
        for (int i = 0; i < volumes.size(); i++) {
            if (!(volumes.get(i) instanceof Map<?, ?> volume)) {
                continue;
            }
            String path = Paths.index(POD + ".volumes", i);
            for (Object key : volume.keySet()) {
                if ("hostPath".equals(key)) {
                    baseline(path + ".hostPath", "hostPath volumes are not allowed", "use an emptyDir, configMap, "
                            + "secret or persistentVolumeClaim volume instead");
                } else if (level == Level.RESTRICTED && !"name".equals(key) && !RESTRICTED_VOLUMES.contains(key)) {
                    restricted(path + "." + key, key + " volumes are not allowed by the restricted Pod Security Standard; "
                            + "use " + String.join(", ", sorted(RESTRICTED_VOLUMES)) + " volumes only");
                }
            }
        }
    }

    private void capabilities(Map<?, ?> capabilities, String path) {
        boolean restrictedLinux = level == Level.RESTRICTED && !windows;
        if (capabilities != null && capabilities.get("add") instanceof List<?> add) {
            for (int i = 0; i < add.size(); i++) {
                String name = add.get(i) instanceof String s ? capability(s) : null;
                String at = Paths.index(path + ".add", i);
                if (name == null || !BASELINE_CAPABILITIES.contains(name)) {
                    baseline(at, "adding capability " + Node.describe(add.get(i)) + " is not allowed", "add only "
                            + String.join(", ", sorted(BASELINE_CAPABILITIES)) + ", or remove it");
                } else if (restrictedLinux && !name.equals("NET_BIND_SERVICE")) {
                    restricted(at, "adding capability " + Node.describe(add.get(i)) + " is not allowed by the restricted "
                            + "Pod Security Standard; only NET_BIND_SERVICE may be added");
                }
            }
        }
        if (restrictedLinux && !(capabilities != null && capabilities.get("drop") instanceof List<?> drop
                && drop.stream().anyMatch(c -> c instanceof String s && "ALL".equals(capability(s))))) {
            restricted(path + ".drop", "the restricted Pod Security Standard requires dropping every capability; "
                    + "include ALL in capabilities.drop");
        }
    }

    private void runAsUser(Map<?, ?> context, String path) {
        if (level == Level.RESTRICTED && context != null && isZero(context.get("runAsUser"))) {
            restricted(path + ".runAsUser", "running as user 0 (root) is not allowed by the restricted Pod Security "
                    + "Standard; use a non-zero user ID");
        }
    }

    private Setting nonRootSetting(Map<?, ?> context, String path) {
        Object runAsNonRoot = value(context, "runAsNonRoot");
        if (isTrue(runAsNonRoot)) {
            return Setting.GOOD;
        }
        if (runAsNonRoot == null) {
            return Setting.UNSET;
        }
        if (level == Level.RESTRICTED) {
            restricted(path + ".runAsNonRoot", "running as root is not allowed by the restricted Pod Security "
                    + "Standard; set runAsNonRoot: true");
        }
        return Setting.BAD;
    }

    /** Classifies a seccomp profile for the restricted rule; reports values the baseline check does not. */
    private Setting seccompSetting(Map<?, ?> context, String path) {
        Object type = value(map(context, "seccompProfile"), "type");
        if (type == null) {
            return Setting.UNSET;
        }
        if (GOOD_PROFILES.contains(type)) {
            return Setting.GOOD;
        }
        if (level == Level.RESTRICTED && !windows && !"Unconfined".equals(type)) {
            restricted(path + ".seccompProfile.type", "seccomp profile " + Node.describe(type) + " is not allowed by the "
                    + "restricted Pod Security Standard; use RuntimeDefault or Localhost");
        }
        return Setting.BAD;
    }

    /**
     * A restricted setting may sit on the pod or on every container. When the pod says nothing, one error at the pod
     * level is the clearest fix if no container says anything either; otherwise each silent container is named.
     */
    private void everyContainer(Setting pod, String podPath, List<Scoped> containers, String message) {
        if (pod != Setting.UNSET) {
            return;
        }
        boolean allSilent = containers.stream().allMatch(c -> c.setting() == Setting.UNSET);
        if (allSilent) {
            restricted(podPath, message + " here, or on every container");
            return;
        }
        containers.stream().filter(c -> c.setting() == Setting.UNSET)
                .forEach(c -> restricted(c.path(), message + " here, or on the pod's securityContext"));
    }

    private void baseline(String path, String what, String alternative) {
        errors.add(new FieldError(path, what + " by the baseline Pod Security Standard; " + alternative));
    }

    private void restricted(String path, String message) {
        errors.add(new FieldError(path, message));
    }

    /** Capability names are matched the way container runtimes read them: any case, with or without CAP_. */
    private static String capability(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        return upper.startsWith("CAP_") ? upper.substring(4) : upper;
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }

    private static Map<?, ?> map(Object value) {
        return value instanceof Map<?, ?> m ? m : null;
    }

    private static Map<?, ?> map(Map<?, ?> parent, String key) {
        return parent == null ? null : map(parent.get(key));
    }

    private static Object value(Map<?, ?> parent, String key) {
        return parent == null ? null : parent.get(key);
    }

    private static String string(Map<?, ?> parent, String key) {
        return parent != null && parent.get(key) instanceof String s ? s : null;
    }

    // Jackson, which turns a stored manifest into the Job sent to the cluster, accepts "true" and "0" as text too.
    private static boolean isTrue(Object value) {
        return Boolean.TRUE.equals(value) || value instanceof String s && s.trim().equalsIgnoreCase("true");
    }

    private static boolean isFalse(Object value) {
        return Boolean.FALSE.equals(value) || value instanceof String s && s.trim().equalsIgnoreCase("false");
    }

    private static boolean isZero(Object value) {
        BigInteger integer = Node.asInteger(value);
        if (integer != null) {
            return integer.signum() == 0;
        }
        if (value instanceof BigDecimal d) {
            return d.signum() == 0;
        }
        if (value instanceof Number n) {
            return n.doubleValue() == 0;
        }
        return value instanceof String s && s.trim().matches("[-+]?0+");
    }
}
