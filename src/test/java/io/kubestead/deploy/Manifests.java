package io.kubestead.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The deployment files of the repository as the fabric8 model reads them: a kustomization's objects (its
 * {@code resources} and {@code components}, followed into directories), its patches and image overrides, and
 * docker-compose.yml. No kustomize binary: what is read is what the files say.
 */
public final class Manifests {

    public static final Path ROOT = Path.of("").toAbsolutePath();
    public static final Path K8S = ROOT.resolve("k8s");
    public static final Path BASE = K8S.resolve("base");
    public static final Path OVERLAY = K8S.resolve("overlays/example");
    public static final Path COMPOSE = ROOT.resolve("docker-compose.yml");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** One kustomization, read: every file it takes in (followed), its objects, patches and image overrides. */
    public record Kustomization(Path dir, Set<Path> files, List<HasMetadata> objects, List<HasMetadata> patches,
            List<Map<String, Object>> images) {

        public <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        public <T extends HasMetadata> T one(Class<T> type) {
            List<T> found = all(type);
            if (found.size() != 1) {
                throw new AssertionError("expected one " + type.getSimpleName() + " in " + dir + ", found " + found.size());
            }
            return found.get(0);
        }

        /** Every container of every Deployment here and in the patches. */
        public List<Container> containers() {
            return Stream.concat(objects.stream(), patches.stream()).filter(Deployment.class::isInstance)
                    .map(Deployment.class::cast).flatMap(d -> d.getSpec().getTemplate().getSpec().getContainers().stream())
                    .toList();
        }
    }

    private Manifests() {
    }

    public static Kustomization kustomization(Path dir) {
        Set<Path> files = new LinkedHashSet<>();
        List<HasMetadata> objects = new ArrayList<>();
        List<HasMetadata> patches = new ArrayList<>();
        List<Map<String, Object>> images = new ArrayList<>();
        read(dir, files, objects, patches, images);
        return new Kustomization(dir, files, objects, patches, images);
    }

    @SuppressWarnings("unchecked")
    private static void read(Path dir, Set<Path> files, List<HasMetadata> objects, List<HasMetadata> patches,
            List<Map<String, Object>> images) {
        Path file = dir.resolve("kustomization.yaml");
        files.add(file.normalize());
        Map<String, Object> k = yamlMap(file);
        for (String key : List.of("resources", "components")) {
            for (String entry : (List<String>) k.getOrDefault(key, List.of())) {
                Path p = dir.resolve(entry).normalize();
                if (Files.isDirectory(p)) {
                    read(p, files, objects, patches, images);
                } else {
                    files.add(p);
                    objects.addAll(objects(p));
                }
            }
        }
        for (Map<String, Object> patch : (List<Map<String, Object>>) k.getOrDefault("patches", List.of())) {
            Path p = dir.resolve((String) patch.get("path")).normalize();
            files.add(p);
            patches.addAll(objects(p));
        }
        images.addAll((List<Map<String, Object>>) k.getOrDefault("images", List.of()));
    }

    /** The objects of a (multi-document) YAML file, each as its fabric8 model class. */
    public static List<HasMetadata> objects(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Object read = SERIALIZATION.unmarshal(in);
            if (read instanceof List<?> list) {
                return list.stream().map(HasMetadata.class::cast).toList();
            }
            return List.of((HasMetadata) read);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> yamlMap(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every YAML file under k8s/. */
    public static List<Path> k8sFiles() {
        try (Stream<Path> s = Files.walk(K8S)) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).map(Path::normalize)
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's container of a Deployment. */
    public static Container kubestead(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> "kubestead".equals(c.getName())).findFirst().orElseThrow();
    }

    /** The paths of its readiness, liveness and start-up probes. */
    public static List<String> probePaths(Deployment d) {
        Container c = kubestead(d);
        return Stream.of(c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe())
                .map(p -> p.getHttpGet().getPath()).toList();
    }

    /** An environment variable's literal value in a container, if it has one. */
    public static Optional<String> env(Container c, String name) {
        return c.getEnv() == null ? Optional.empty()
                : c.getEnv().stream().filter(e -> name.equals(e.getName()) && e.getValue() != null).map(e -> e.getValue())
                        .findFirst();
    }
}
