package io.kubestead.approval;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One person's answer to an approval request: who, when, how (console, API, Slack), what and why. */
@Entity
@Immutable
@Table(name = "approval_decision")
public class ApprovalDecision extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "approval_id", nullable = false)
    public long approvalId;

    @Column(name = "user_name", nullable = false)
    public String userName;

    @Column(nullable = false)
    public String actor;

    @Column(nullable = false)
    public String via;

    @Column(nullable = false)
    public String decision;

    public String comment;

    @Column(nullable = false)
    public Instant at;
}
