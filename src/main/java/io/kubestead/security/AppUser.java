package io.kubestead.security;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A person who signs in, or a service account (CI) that only uses tokens. */
@Entity
@Table(name = "app_user")
public class AppUser extends PanacheEntityBase {

    public static final String PERSON = "user";
    public static final String SERVICE = "service";

    @Id
    public String name;

    @Column(nullable = false)
    public String kind;

    @Column(name = "password_hash")
    public String passwordHash;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    /** The user's Slack member id (U...): their clicks on Slack buttons count as theirs. */
    @Column(name = "slack_user_id")
    public String slackUserId;

    @Column(name = "disabled_at")
    public Instant disabledAt;
}
