package io.kubestead.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.kubestead.deploy.Manifests.Kustomization;

/**
 * The files that run Kubestead elsewhere — k8s/ (kustomize base, overlay, component) and docker-compose.yml — read
 * with the fabric8 model and checked against what the server really is: its image name, port, health paths, the
 * settings it reads, and a container that runs non-root on a read-only root filesystem.
 */
class ManifestsTest {

    static Properties app = new Properties();
    static KnownSettings known;
    static Kustomization base;
    static Kustomization overlay;

    @BeforeAll
    static void read() throws IOException {
        try (InputStream in = Files.newInputStream(Manifests.ROOT.resolve("src/main/resources/application.properties"))) {
            app.load(in);
        }
        known = KnownSettings.derive();
        base = Manifests.kustomization(Manifests.BASE);
        overlay = Manifests.kustomization(Manifests.OVERLAY);
    }

    /** The image the build makes: quarkus.container-image.group/name and the project version as its tag. */
    static String image() throws IOException {
        Matcher m = Pattern.compile("<artifactId>kubestead</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Manifests.ROOT.resolve("pom.xml")));
        assertThat(m.find()).isTrue();
        return app.getProperty("quarkus.container-image.group") + "/" + app.getProperty("quarkus.container-image.name")
                + ":" + m.group(1);
    }

    static Container kubestead(Deployment d) {
        return Manifests.kubestead(d);
    }

    @Test
    void everyFileInK8sIsTakenInByAKustomizationAndParsesAsKubernetesObjects() {
        List<Path> taken = new ArrayList<>(base.files());
        taken.addAll(overlay.files());
        assertThat(Manifests.k8sFiles()).allSatisfy(f -> assertThat(taken).as("files kustomize takes in").contains(f));
        for (Path f : Manifests.k8sFiles()) {
            if (f.getFileName().toString().equals("kustomization.yaml")) {
                assertThat(Manifests.yamlMap(f)).containsKey("apiVersion");
                continue;
            }
            assertThat(Manifests.objects(f)).as(f.toString()).isNotEmpty().allSatisfy(o -> {
                assertThat(o.getMetadata().getName()).isNotBlank();
                // the fabric8 model knows every Kubernetes kind used, so a field's misspelt name is seen; only the
                // Prometheus Operator's ServiceMonitor is outside it (checked below)
                if (!o.getApiVersion().startsWith("monitoring.coreos.com/")) {
                    assertThat(o.getClass().getName()).as(o.getKind()).doesNotEndWith("GenericKubernetesResource");
                }
            });
        }
        assertThat(base.objects()).extracting(HasMetadata::getKind).contains("Namespace", "ServiceAccount", "ClusterRole",
                "ClusterRoleBinding", "Role", "RoleBinding", "Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy");
        assertThat(overlay.objects()).extracting(HasMetadata::getKind).contains("ServiceMonitor");
    }

    @Test
    void theDeploymentRunsTheBuiltImageTwiceOnTheServersPortWithItsHealthProbes() throws IOException {
        Deployment d = base.one(Deployment.class);
        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
        Container c = kubestead(d);
        assertThat(c.getImage()).isEqualTo(image());
        // the overlay's image override names the base's image, or kustomize leaves it unchanged
        assertThat(overlay.images()).allSatisfy(i -> assertThat(image()).startsWith(i.get("name") + ":"));
        assertThat(c.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getContainerPort()).isEqualTo(Integer.valueOf(app.getProperty("quarkus.http.port")));
            assertThat(p.getName()).isEqualTo("http");
        });
        assertThat(Manifests.env(c, "QUARKUS_HTTP_HOST")).contains("0.0.0.0");
        for (Probe probe : List.of(c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe())) {
            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
        }
        // ClusterRbacTest asks the running server for each of these paths
        assertThat(Manifests.probePaths(d)).containsExactly("/q/health/ready", "/q/health/live", "/q/health/started");
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).containsKey("memory");
    }

    @Test
    void thePodRunsNonRootWithoutPrivilegesOnAReadOnlyRootWithVolumesForTmpAndData() {
        Deployment d = base.one(Deployment.class);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        Container c = kubestead(d);
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
        String dataDir = Manifests.env(c, "KUBESTEAD_DATA_DIR").orElseThrow();
        assertThat(c.getVolumeMounts()).extracting(VolumeMount::getMountPath).contains("/tmp", dataDir);
        assertThat(c.getVolumeMounts()).allSatisfy(m -> assertThat(pod.getVolumes())
                .anySatisfy(v -> assertThat(v.getName()).isEqualTo(m.getName())));
        // the image's own idea of where its data lives is the same directory
        assertThat(app.getProperty("quarkus.jib.environment-variables.\"KUBESTEAD_DATA_DIR\"")).isEqualTo(dataDir);
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(Long.valueOf(app.getProperty("quarkus.jib.user")));
        // and it is a namespace that enforces the restricted standard
        assertThat(base.one(Namespace.class).getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    }

    @Test
    void everyEnvironmentVariableInTheManifestsAndComposeIsOneTheServerReads() {
        List<String> names = new ArrayList<>();
        for (Kustomization k : List.of(base, overlay)) {
            k.containers().forEach(c -> c.getEnv().stream().map(EnvVar::getName).forEach(names::add));
        }
        names.addAll(composeKubestead().environment().keySet());
        composeKubestead().envFileNames().stream().filter(n -> !n.startsWith("POSTGRES_")).forEach(names::add);
        assertThat(names).contains("QUARKUS_DATASOURCE_JDBC_URL", "KUBESTEAD_ADMIN_PASSWORD", "KUBESTEAD_CLUSTER_MODE")
                .allSatisfy(n -> assertThat(known.readsEnv(n)).as("%s is read by the server", n).isTrue());
    }

    @Test
    void theDerivedSettingsKnowMapKeysAndRefuseAMisspelling() {
        assertThat(known.readsEnv("KUBESTEAD_CLUSTER_ALLOWED_NAMESPACES")).isTrue();
        assertThat(known.readsEnv("KUBESTEAD_DATABASES_USERS_DB_JDBC_URL")).isTrue();
        assertThat(known.readsEnv("KUBESTEAD_NOTIFICATIONS_WEBHOOKS_OPS_SECRET")).isTrue();
        assertThat(known.readsEnv("QUARKUS_DATASOURCE_PASSWORD")).isTrue();
        assertThat(known.readsEnv("KUBESTEAD_CLUSTER_NAMESPCE")).isFalse();
        assertThat(known.readsEnv("KUBESTEAD_ADMIN_PASSWD")).isFalse();
        assertThat(known.readsEnv("QUARKUS_DATASOURCE_URL")).isFalse();
    }

    @Test
    void secretsComeFromTheSecretTheReadmeMakes() {
        Container c = kubestead(base.one(Deployment.class));
        List<EnvVar> fromSecrets = c.getEnv().stream().filter(e -> e.getValueFrom() != null).toList();
        assertThat(fromSecrets).extracting(EnvVar::getName).containsExactlyInAnyOrder("QUARKUS_DATASOURCE_JDBC_URL",
                "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD", "KUBESTEAD_ADMIN_PASSWORD");
        assertThat(fromSecrets).allSatisfy(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("kubestead"));
        // no literal secret anywhere in k8s/
        assertThat(base.all(io.fabric8.kubernetes.api.model.Secret.class)).isEmpty();
        assertThat(overlay.all(io.fabric8.kubernetes.api.model.Secret.class)).isEmpty();
    }

    @Test
    void serviceBudgetPolicyAndBindingsAllPointAtThePodsAndTheirAccount() {
        Deployment d = base.one(Deployment.class);
        Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
        Service svc = base.one(Service.class);
        assertThat(podLabels).containsAllEntriesOf(svc.getSpec().getSelector());
        assertThat(svc.getSpec().getPorts()).singleElement()
                .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("http"));
        assertThat(podLabels).containsAllEntriesOf(base.one(PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels());
        assertThat(base.one(PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        NetworkPolicy np = base.one(NetworkPolicy.class);
        assertThat(podLabels).containsAllEntriesOf(np.getSpec().getPodSelector().getMatchLabels());
        assertThat(np.getSpec().getIngress()).anySatisfy(r -> assertThat(r.getPorts())
                .anySatisfy(p -> assertThat(p.getPort().getStrVal()).isEqualTo("http")));
        ServiceAccount sa = base.one(ServiceAccount.class);
        assertThat(d.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(sa.getMetadata().getName());
        assertThat(d.getMetadata().getNamespace()).isEqualTo(sa.getMetadata().getNamespace());
        List<io.fabric8.kubernetes.api.model.rbac.Subject> subjects = new ArrayList<>();
        base.all(RoleBinding.class).forEach(b -> subjects.addAll(b.getSubjects()));
        overlay.all(RoleBinding.class).forEach(b -> subjects.addAll(b.getSubjects()));
        base.all(ClusterRoleBinding.class).forEach(b -> subjects.addAll(b.getSubjects()));
        assertThat(subjects).isNotEmpty().allSatisfy(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(sa.getMetadata().getName());
            assertThat(s.getNamespace()).isEqualTo(sa.getMetadata().getNamespace());
        });
        // every namespace Kubestead may deliver to has the delivery role bound
        for (Kustomization k : List.of(base, overlay)) {
            String allowed = k.containers().stream().map(c -> Manifests.env(c, "KUBESTEAD_CLUSTER_ALLOWED_NAMESPACES"))
                    .flatMap(java.util.Optional::stream).reduce((a, b) -> b).orElseThrow();
            for (String ns : allowed.split(",")) {
                assertThat(k.all(RoleBinding.class)).as("RoleBinding kubestead-deliver in %s", ns).anySatisfy(b -> {
                    assertThat(b.getMetadata().getNamespace()).isEqualTo(ns.trim());
                    assertThat(b.getRoleRef().getName()).isEqualTo("kubestead-deliver");
                });
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theServiceMonitorScrapesTheMetricsPathOfTheServicesPortWithAToken() {
        var monitor = (io.fabric8.kubernetes.api.model.GenericKubernetesResource) overlay.objects().stream()
                .filter(o -> "ServiceMonitor".equals(o.getKind())).findFirst().orElseThrow();
        Map<String, Object> spec = (Map<String, Object>) monitor.getAdditionalProperties().get("spec");
        Map<String, Object> endpoint = ((List<Map<String, Object>>) spec.get("endpoints")).get(0);
        assertThat(endpoint.get("path")).isEqualTo(app.getProperty("quarkus.micrometer.export.prometheus.path"));
        assertThat(endpoint.get("port")).isEqualTo(base.one(Service.class).getSpec().getPorts().get(0).getName());
        assertThat(endpoint).containsKey("authorization");
        // Services carry the kustomization's common labels: the monitor's selector must be among them
        Map<String, Object> labels = ((List<Map<String, Object>>) Manifests.yamlMap(Manifests.BASE.resolve("kustomization.yaml"))
                .get("labels")).get(0);
        assertThat((Map<String, Object>) labels.get("pairs"))
                .containsAllEntriesOf((Map<String, Object>) ((Map<String, Object>) spec.get("selector")).get("matchLabels"));
    }

    /** The kubestead service of docker-compose.yml: its environment and the names its env file example sets. */
    record ComposeService(Map<String, Object> service, Map<String, String> environment, List<String> envFileNames) {
    }

    @SuppressWarnings("unchecked")
    static ComposeService composeKubestead() {
        Map<String, Object> services = (Map<String, Object>) Manifests.yamlMap(Manifests.COMPOSE).get("services");
        Map<String, Object> s = (Map<String, Object>) services.get("kubestead");
        Map<String, String> env = new java.util.LinkedHashMap<>();
        ((Map<String, Object>) s.get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
        List<String> fromFile = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Manifests.ROOT.resolve(s.get("env_file") + ".example"))) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    fromFile.add(line.substring(0, line.indexOf('=')));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new ComposeService(s, env, fromFile);
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeRunsTheImageInSandboxModeOnPostgres17WithHealthChecksAVolumeAndAnEnvFile() throws IOException {
        Map<String, Object> compose = Manifests.yamlMap(Manifests.COMPOSE);
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        ComposeService k = composeKubestead();
        assertThat((String) k.service().get("image")).endsWith(":-" + image() + "}");
        assertThat(k.environment()).containsEntry("KUBESTEAD_CLUSTER_MODE", "sandbox")
                .containsEntry("QUARKUS_HTTP_HOST", "0.0.0.0")
                .containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://postgres:5432/kubestead");
        assertThat(k.envFileNames()).contains("KUBESTEAD_ADMIN_PASSWORD", "QUARKUS_DATASOURCE_PASSWORD");
        assertThat(k.environment()).doesNotContainKeys("KUBESTEAD_ADMIN_PASSWORD", "QUARKUS_DATASOURCE_PASSWORD");
        assertThat(Files.readString(Manifests.ROOT.resolve(".gitignore")).lines()).contains((String) k.service().get("env_file"));
        assertThat(k.service()).containsEntry("read_only", true).containsEntry("user", app.getProperty("quarkus.jib.user"));
        assertThat(((Map<String, Object>) k.service().get("healthcheck")).get("test").toString()).contains("/q/health/ready");
        assertThat(((Map<String, Map<String, String>>) k.service().get("depends_on")).get("postgres"))
                .containsEntry("condition", "service_healthy");
        Map<String, Object> pg = (Map<String, Object>) services.get("postgres");
        assertThat((String) pg.get("image")).matches(".*postgres:17(\\.[0-9]+)?");
        assertThat(pg).containsKey("healthcheck");
        assertThat((List<String>) pg.get("volumes")).singleElement().satisfies(v -> {
            String volume = v.substring(0, v.indexOf(':'));
            assertThat((Map<String, Object>) compose.get("volumes")).containsKey(volume);
        });
        Map<String, Object> prometheus = (Map<String, Object>) services.get("prometheus");
        assertThat((List<String>) prometheus.get("profiles")).containsExactly("prometheus");
        for (String mount : (List<String>) prometheus.get("volumes")) {
            assertThat(Manifests.ROOT.resolve(mount.substring(0, mount.indexOf(':')))).exists();
        }
    }
}
