package io.kubestead.bench;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.approval.Approval;
import io.kubestead.approval.OutboxDelivery;
import io.kubestead.approval.OutboxMessage;
import io.kubestead.approval.SlackClicks;
import io.kubestead.engine.EngineFixture;
import io.kubestead.kube.KubeNames;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Two figures. (1) An approval click: from a signed Slack interaction sent to the canary's next weight arriving at
 * the Kubernetes API server (seen through a watch), one click at a time over releases waiting at an approval step.
 * (2) Outbox throughput: 1,000 releases each leave a notification for a local webhook while delivery is stopped;
 * delivery is started and timed until all are delivered (and none twice).
 * Run: bench/approvals.sh
 */
@QuarkusTest
@TestProfile(ApprovalBenchProfile.class)
@WithKubernetesTestServer(crud = true)
class ApprovalBench extends EngineFixture {

    static final int CLICKS = 200;
    static final int NOTIFIED = 1000;

    @Inject
    KubernetesClient client;

    @Inject
    OutboxDelivery delivery;

    @Test
    void approvalsAndOutbox() throws Exception {
        StringBuilder report = new StringBuilder();
        report.append(clickToMovingOn());
        report.append(outboxThroughput());
        System.out.println("BENCH " + report);
        Files.writeString(Path.of("target/bench-approvals.txt"), report.toString());
    }

    private String clickToMovingOn() throws Exception {
        String ns = "bench-approve";
        SlackClicks.person("bench-approver", "U0BENCH", "approver");
        List<Long> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < CLICKS; i++) {
            String name = "apb-" + i;
            // 10 stable replicas: 20% is 2 canary replicas, 50% is 5
            stable(client, ns, name, 10, "img/" + name + ":1");
            rollout(name, "  target: {namespace: " + ns + "}\n  canarySteps:\n    - setWeight: 20\n    - approval: {}\n"
                    + "    - setWeight: 50\n    - pause: {}\n  notifications: []\n");
            ids.add(release(name, "2.0.0"));
            names.add(name);
        }
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> Approval.count("releaseId in ?1 and state = 'Pending'", ids)) == CLICKS);
        Map<Long, Long> approvalOf = QuarkusTransaction.requiringNew().call(() -> {
            Map<Long, Long> m = new java.util.HashMap<>();
            for (Approval a : Approval.<Approval>list("releaseId in ?1", ids)) {
                m.put(a.releaseId, a.id);
            }
            return m;
        });
        List<Double> moved = new ArrayList<>();
        List<Double> answered = new ArrayList<>();
        try (CanaryZeroWatch fiveSeen = new CanaryZeroWatch(client, ns, 5)) {
            for (int i = 0; i < CLICKS; i++) {
                String canary = KubeNames.canary(names.get(i));
                String body = SlackClicks.payload("U0BENCH", approvalOf.get(ids.get(i)), "kubestead-approve",
                        LocalHooks.base + "/actions/" + i);
                long now = io.kubestead.testing.MutableClock.INSTANCE.instant().getEpochSecond();
                long t0 = System.nanoTime();
                SlackClicks.click(body, now, LocalHooks.SIGNING_SECRET).then().statusCode(200);
                answered.add((System.nanoTime() - t0) / 1e6);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> fiveSeen.seen(canary));
                moved.add((fiveSeen.nanos(canary) - t0) / 1e6);
            }
        }
        return String.format("approval click (signed Slack interaction) -> answered 200, decision committed (%d clicks): %s%n"
                + "approval click -> next canary weight (50%%) at the API server: %s%n", CLICKS, Stats.summary(answered),
                Stats.summary(moved));
    }

    private String outboxThroughput() throws Exception {
        String ns = "bench-outbox";
        delivery.stop();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < NOTIFIED; i++) {
            String name = "obx-" + i;
            stable(client, ns, name, 2, "img/" + name + ":1");
            rollout(name, "  target: {namespace: " + ns + "}\n  canarySteps:\n    - pause: {}\n"
                    + "  notifications: [{events: [paused], channel: \"webhook:bench\"}]\n");
            ids.add(release(name, "2.0.0"));
        }
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> OutboxMessage.count("channel = 'webhook:bench' and state = 'Pending'")) == NOTIFIED);
        int before = LocalHooks.REQUESTS.get();
        long t0 = System.nanoTime();
        delivery.start();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(5)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> OutboxMessage.count("channel = 'webhook:bench' and state = 'Delivered'")) == NOTIFIED);
        double seconds = (System.nanoTime() - t0) / 1e9;
        int sent = LocalHooks.REQUESTS.get() - before;
        return String.format("outbox: %d notifications of %d releases delivered to a local webhook in %.2f s = %.0f/s "
                + "(4 delivery workers, one instance); requests %d, distinct delivery keys %d%n", NOTIFIED, NOTIFIED, seconds,
                NOTIFIED / seconds, sent, LocalHooks.KEYS.size());
    }
}
