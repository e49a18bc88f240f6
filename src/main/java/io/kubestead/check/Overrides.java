package io.kubestead.check;

import io.kubestead.common.Node;

/** The optional {@code override: {reason}} of a request that starts something a schema check blocks. */
public final class Overrides {

    private Overrides() {
    }

    /** The reason under {@code override} of this mapping, or null when there is none (errors go to the node's list). */
    public static String reason(Node root) {
        if (!root.has("override")) {
            return null;
        }
        Node o = root.child("override");
        String reason = null;
        if (o.expectMap()) {
            reason = o.string("reason", true, 500);
            o.finish();
        }
        return reason;
    }
}
