package io.kubestead.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One role of a user, in every namespace or in one. */
@Entity
@Table(name = "role_binding")
public class RoleBinding extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "user_name", nullable = false)
    public String userName;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Role role;

    public String namespace;

    public Binding binding() {
        return new Binding(role, namespace);
    }
}
