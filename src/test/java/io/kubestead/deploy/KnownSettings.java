package io.kubestead.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/**
 * The settings the server really reads, derived from the code rather than listed a second time: every property of
 * the {@code @ConfigMapping} interfaces in the compiled main classes (map keys are wildcards), every key of
 * application.properties, every {@code quarkus.*} / {@code kubestead.*} name the main sources spell out (the
 * embedded database and the sandbox set and read some before Quarkus starts), and the environment variables the
 * sources read themselves. An environment variable names a property the way SmallRye Config maps it: upper case,
 * every other character an underscore.
 */
public final class KnownSettings {

    private static final Path CLASSES = Manifests.ROOT.resolve("target/classes");
    private static final Path SOURCES = Manifests.ROOT.resolve("src/main/java");
    private static final Pattern PROPERTY_LITERAL = Pattern.compile("\"((?:quarkus|kubestead)\\.[a-z0-9.-]+)\"");
    private static final Pattern ENV_LITERAL = Pattern.compile("(?:getenv\\(|EarlySettings\\.get\\(\"[^\"]+\",\\s*)\"([A-Z][A-Z0-9_]*)\"");

    private final Collection<String> properties = new TreeSet<>();
    private final Collection<String> environment = new TreeSet<>();

    private KnownSettings() {
    }

    public static KnownSettings derive() {
        KnownSettings known = new KnownSettings();
        known.fromConfigMappings();
        known.fromApplicationProperties();
        known.fromSources();
        return known;
    }

    /** Property names; {@code *} stands for a map key. */
    public Collection<String> properties() {
        return properties;
    }

    /** Whether the server reads this environment variable. */
    public boolean readsEnv(String name) {
        if (environment.contains(name)) {
            return true;
        }
        return properties.stream().anyMatch(p -> envPattern(p).matcher(name).matches());
    }

    static Pattern envPattern(String property) {
        StringBuilder regex = new StringBuilder();
        for (String part : property.split("\\*", -1)) {
            if (regex.length() > 0) {
                regex.append("[A-Z0-9_]+");
            }
            regex.append(Pattern.quote(part.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_")));
        }
        return Pattern.compile(regex.toString());
    }

    private void fromConfigMappings() {
        try (Stream<Path> s = Files.walk(CLASSES)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = CLASSES.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, KnownSettings.class.getClassLoader());
                ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
                if (mapping != null) {
                    walk(mapping.prefix(), type);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private void walk(String prefix, Class<?> group) {
        for (Method m : group.getMethods()) {
            if (m.isDefault() || java.lang.reflect.Modifier.isStatic(m.getModifiers()) || m.getParameterCount() > 0) {
                continue;
            }
            String name = m.isAnnotationPresent(WithParentName.class) ? prefix
                    : prefix + "." + (m.isAnnotationPresent(WithName.class) ? m.getAnnotation(WithName.class).value()
                            : kebab(m.getName()));
            add(name, m.getGenericReturnType());
        }
    }

    private void add(String name, Type type) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (raw == Optional.class || List.class.isAssignableFrom(raw) || java.util.Set.class.isAssignableFrom(raw)) {
                add(name, p.getActualTypeArguments()[0]);
                return;
            }
            if (Map.class.isAssignableFrom(raw)) {
                add(name + ".*", p.getActualTypeArguments()[1]);
                return;
            }
        }
        if (type instanceof Class<?> c && c.isInterface() && !c.getName().startsWith("java.")) {
            walk(name, c);
            return;
        }
        properties.add(name);
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private void fromApplicationProperties() {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(Manifests.ROOT.resolve("src/main/resources/application.properties"))) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String key : props.stringPropertyNames()) {
            properties.add(key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key);
        }
    }

    private void fromSources() {
        try (Stream<Path> s = Files.walk(SOURCES)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(p);
                collect(PROPERTY_LITERAL.matcher(text), properties);
                collect(ENV_LITERAL.matcher(text), environment);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collect(Matcher m, Collection<String> into) {
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        into.addAll(found);
    }
}
