package io.kubestead.release;

import java.util.Locale;

/** What a person can ask of a release. */
public enum Action {
    PAUSE, RESUME, PROMOTE, PROMOTE_FULL, ABORT, RETRY;

    /** What a caller must hold, in the release's namespace, to do it. */
    public io.kubestead.security.Permission permission() {
        return this == PROMOTE_FULL ? io.kubestead.security.Permission.PROMOTE_FULL
                : io.kubestead.security.Permission.RELEASE_ACT;
    }

    public String path() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Action ofPath(String path) {
        for (Action a : values()) {
            if (a.path().equals(path)) {
                return a;
            }
        }
        return null;
    }
}
