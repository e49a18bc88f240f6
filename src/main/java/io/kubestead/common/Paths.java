package io.kubestead.common;

/** Field paths in the style {@code canarySteps[2].pause.duration}. */
public final class Paths {

    private Paths() {
    }

    public static String key(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public static String index(String path, int i) {
        return path + "[" + i + "]";
    }
}
