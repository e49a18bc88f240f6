package io.kubestead.security;

import java.util.EnumSet;
import java.util.Set;

/** The four roles. Every role can read everything; the others add what they name. */
public enum Role {
    viewer(EnumSet.of(Permission.READ)),
    operator(EnumSet.of(Permission.READ, Permission.RELEASE_START, Permission.RELEASE_ACT)),
    approver(EnumSet.of(Permission.READ, Permission.APPROVE)),
    admin(EnumSet.of(Permission.READ, Permission.RELEASE_START, Permission.RELEASE_ACT, Permission.PROMOTE_FULL,
            Permission.APPROVE, Permission.CONFIGURE, Permission.ADMINISTER));

    private final Set<Permission> permissions;

    Role(Set<Permission> permissions) {
        this.permissions = permissions;
    }

    public Set<Permission> permissions() {
        return permissions;
    }

    public boolean includes(Role other) {
        return permissions.containsAll(other.permissions);
    }
}
