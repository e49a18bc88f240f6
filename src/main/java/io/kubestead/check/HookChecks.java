package io.kubestead.check;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubestead.common.ApiException;
import io.kubestead.common.FieldError;
import io.kubestead.common.RemoteCall;
import io.kubestead.pipeline.TargetDatabases;
import io.kubestead.rollout.RolloutService;
import io.kubestead.rollout.spec.RolloutSpec;
import io.kubestead.security.Caller;

/**
 * The schema checks of a rollout's hooks that declare their SQL ({@code preDeployHooks[].migration}): run before a
 * release is created; a blocked one refuses the release unless an admin overrides it with a reason.
 */
@ApplicationScoped
public class HookChecks {

    @Inject
    Checks checks;

    @Inject
    RolloutService rollouts;

    @Inject
    TargetDatabases databases;

    @Inject
    Cluster cluster;

    /** Reads a ConfigMap's key in the rollout's namespace (the Kubernetes API: never inside a transaction). */
    @ApplicationScoped
    @RemoteCall
    public static class Cluster {
        @Inject
        KubernetesClient client;

        public String configMapValue(String namespace, String name, String key) {
            ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
            return cm == null || cm.getData() == null ? null : cm.getData().get(key);
        }
    }

    /**
     * Checks every hook's declared SQL of the rollout's current revision (remote calls: no transaction open). A
     * blocked check, a missing database or ConfigMap → 409 at the hook's path, unless {@code overrideReason} is set
     * (only for blocked checks: what cannot be checked cannot be overridden).
     */
    public List<CheckReport> before(String rollout, String overrideReason, Caller caller) {
        RolloutSpec spec = rollouts.currentSpec(rollout);
        if (spec == null) {
            return List.of(); // no such rollout: creating the release answers 404
        }
        String namespace = rollouts.namespaceOf(spec);
        List<CheckReport> reports = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < spec.preDeployHooks().size(); i++) {
            RolloutSpec.Hook hook = spec.preDeployHooks().get(i);
            RolloutSpec.Migration m = hook.migration();
            if (m == null) {
                continue;
            }
            String path = "preDeployHooks[" + i + "].migration";
            if (!databases.exists(m.database())) {
                errors.add(new FieldError(path + ".database", "there is no target database " + io.kubestead.common.Names.quote(m.database())
                        + " configured; configured: " + databases.names()));
                continue;
            }
            String sql = m.sql();
            if (sql == null) {
                try {
                    sql = cluster.configMapValue(namespace, m.configMapName(), m.configMapKey());
                } catch (KubernetesClientException e) {
                    errors.add(new FieldError(path + ".configMap", "cannot read ConfigMap " + namespace + "/" + m.configMapName()
                            + " (HTTP " + e.getCode() + ")"));
                    continue;
                }
                if (sql == null || sql.isBlank()) {
                    errors.add(new FieldError(path + ".configMap", "ConfigMap " + namespace + "/" + m.configMapName()
                            + " has no key " + io.kubestead.common.Names.quote(m.configMapKey())));
                    continue;
                }
            }
            CheckReport r = checks.check(new Checks.Request(m.database(), "hook", null, rollout, hook.name(),
                    List.of(new Checks.PhaseSql("hook", sql, false)), null, null, null, caller.actor())).get(0);
            reports.add(r);
            if (CheckReport.BLOCKED.equals(r.verdict()) && overrideReason == null) {
                errors.addAll(r.refusal(path + ".check", "hook " + hook.name() + "'s SQL", "the release"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.conflict("A release of " + rollout + " may not start: its hooks' SQL is not safe to run.", errors);
        }
        return reports;
    }

    /** Ties the checks to the release just created and records an override of the blocked ones (caller's transaction). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void attach(List<CheckReport> reports, long release, String overrideReason, Caller caller) {
        for (CheckReport r : reports) {
            SchemaCheck c = SchemaCheck.findById(r.id());
            c.releaseId = release;
            if (CheckReport.BLOCKED.equals(r.verdict()) && overrideReason != null) {
                checks.override(r.id(), overrideReason, caller);
            }
        }
    }
}
