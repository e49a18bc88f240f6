package io.kubestead.console;

import io.kubestead.rollout.RolloutService;
import io.kubestead.security.Caller;
import io.kubestead.security.CurrentCaller;
import io.kubestead.security.Permission;
import io.quarkus.arc.Arc;
import io.quarkus.qute.TemplateGlobal;

/**
 * Who is looking at a console page: their name, the CSRF token the page sends with every change, and which
 * actions to offer (the server enforces the same rules whatever the page shows).
 */
public record Viewer(Caller caller) {

    public boolean signedIn() {
        return caller != null;
    }

    public String actor() {
        return caller == null ? "" : caller.actor();
    }

    public String csrf() {
        return caller == null || caller.csrfToken() == null ? "" : caller.csrfToken();
    }

    /** Whether to offer an action on a rollout's resources ("RELEASE_ACT", "CONFIGURE", ...). */
    public boolean mayOn(String permission, String rollout) {
        if (caller == null) {
            return false;
        }
        Permission p = Permission.valueOf(permission);
        return caller.can(p, p.namespaced() ? Arc.container().instance(RolloutService.class).get().namespaceOf(rollout) : null);
    }

    public boolean admin() {
        return caller != null && caller.can(Permission.ADMINISTER, null);
    }

    /** The viewer of the page being rendered (pages render while their request is active). */
    @TemplateGlobal(name = "viewer")
    public static Viewer current() {
        var request = Arc.container().requestContext();
        if (!request.isActive()) {
            return new Viewer(null);
        }
        return new Viewer(Arc.container().instance(CurrentCaller.class).get().orNull());
    }
}
