package io.kubestead.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubestead.kube.KubeNames;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Crash harness: the packaged server runs as a process of its own against a PostgreSQL and a Kubernetes API server
 * (a CRUD mock) that outlive it; while releases with hooks and pipelines with backfills run, the server is killed
 * with SIGKILL at random moments and started again. Afterwards every release and pipeline must have reached its
 * end, every history must be one unbroken chain with each step done once, and no hook Job may exist twice.
 * Runs after package in ./mvnw verify (5 kills, 5 releases, 1 pipeline); bench/crash.sh runs it with 50 kills.
 */
class CrashHarnessIT {

    static final int KILLS = Integer.getInteger("crash.kills", 50);
    static final int RELEASES = Integer.getInteger("crash.releases", 50);
    static final int PIPELINES = Integer.getInteger("crash.pipelines", 5);
    static final int ROWS = 20_000;
    static final String PASSWORD = "crash-admin-password-1";
    static final String NS = "crash";

    final HttpClient http = HttpClient.newHttpClient();
    Process server;
    int port;
    Path logs;

    @Test
    void killNineAtRandomMomentsLosesAndDoublesNothing() throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("run ./mvnw package -DskipTests first (bench/crash.sh does)").exists();
        logs = Files.createDirectories(Path.of("target/crash"));
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("fsync", "on").start()) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("create database kubestead");
                s.execute("create database crashtarget");
            }
            String target = pg.getJdbcUrl("postgres", "crashtarget");
            try (Connection c = DriverManager.getConnection(target); Statement s = c.createStatement()) {
                for (int i = 0; i < PIPELINES; i++) {
                    s.execute("create table users_" + i + " (id bigserial primary key, user_name varchar(255))");
                    s.execute("insert into users_" + i + " (user_name) select 'user-' || g from generate_series(1, " + ROWS + ") g");
                    s.execute("analyze users_" + i);
                }
            }
            KubernetesMockServer cluster = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(),
                    new io.fabric8.mockwebserver.MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
            cluster.init(java.net.InetAddress.getLoopbackAddress(), 0);
            KubernetesClient k = cluster.createClient();
            try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                port = free.getLocalPort();
            }
            List<String> command = List.of(System.getProperty("java.home") + "/bin/java",
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.datasource.jdbc.url=" + pg.getJdbcUrl("postgres", "kubestead"),
                    "-Dquarkus.datasource.username=postgres",
                    "-Dkubestead.cluster.mode=kubernetes",
                    "-Dquarkus.kubernetes-client.api-server-url=http://127.0.0.1:" + cluster.getPort(),
                    "-Dquarkus.kubernetes-client.trust-certs=true",
                    "-Dkubestead.cluster.allowed-namespaces=*",
                    "-Dkubestead.sandbox.simulate=true",
                    "-Dkubestead.sandbox.job-duration=2s",
                    "-Dkubestead.sandbox.ready-delay=200ms",
                    "-Dkubestead.sandbox.tick=100ms",
                    "-Dkubestead.engine.poll-interval=200ms",
                    "-Dkubestead.admin-password=" + PASSWORD,
                    "-Dkubestead.databases.crash.jdbc-url=" + target,
                    "-Dkubestead.databases.crash.username=postgres",
                    "-jar", jar.toString());
            int kills = 0;
            try {
                start(command, 0);
                seed(k);
                List<Long> releases = new ArrayList<>();
                for (int cycle = 0; cycle < KILLS; cycle++) {
                    int toCreate = Math.max(0, Math.min(RELEASES - releases.size(),
                            (RELEASES - releases.size() + (KILLS - cycle) - 1) / (KILLS - cycle)));
                    for (int i = 0; i < toCreate; i++) {
                        releases.add(release("r" + releases.size()));
                    }
                    advancePipelines();
                    // a random moment: somewhere in a hook, a step, a DDL, a batch or a commit
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextLong(200, 2_500)));
                    server.destroyForcibly().waitFor();
                    kills++;
                    start(command, kills);
                }
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    advancePipelines();
                    return count(pg, "select count(*) from release where state not in ('Promoted', 'Aborted', 'Failed')") == 0
                            && count(pg, "select count(*) from pipeline where state <> 'Completed'") == 0;
                });
                String report = verify(pg, k, kills);
                System.out.println("CRASH " + report);
                Files.writeString(Path.of("target/bench-crash.txt"), report + System.lineSeparator());
            } finally {
                if (server != null) {
                    server.destroyForcibly().waitFor();
                }
                k.close();
                cluster.destroy();
            }
        }
    }

    private void start(List<String> command, int n) throws Exception {
        File log = logs.resolve("server-" + n + ".log").toFile();
        server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> call("GET", "/q/health/ready", null, null).statusCode() == 200);
    }

    private void seed(KubernetesClient k) throws Exception {
        expect(call("PUT", "/api/v1/job-templates/crash-migration", "application/yaml", """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: crash-migration
                  annotations: {kubestead.io/sandbox-duration: 2s}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - {name: migrate, image: migrations:1}
                """), 200, 201);
        for (int i = 0; i < RELEASES; i++) {
            String name = "r" + i;
            deployment(k, name);
            expect(call("PUT", "/api/v1/rollouts/" + name, "application/yaml", """
                    rollout:
                      name: %s
                      target: {namespace: %s}
                      preDeployHooks:
                        - {name: migrate, jobTemplate: crash-migration}
                      canarySteps:
                        - setWeight: 25
                        - pause: {duration: 2s}
                        - setWeight: 75
                    """.formatted(name, NS)), 200, 201);
        }
        for (int i = 0; i < PIPELINES; i++) {
            String name = "p" + i;
            deployment(k, name);
            expect(call("PUT", "/api/v1/rollouts/" + name, "application/yaml", """
                    rollout:
                      name: %s
                      target: {namespace: %s}
                      canarySteps:
                        - setWeight: 50
                    """.formatted(name, NS)), 200, 201);
            expect(call("POST", "/api/v1/pipelines", "application/json", """
                    {"name": "%s", "rollout": "%s", "database": "crash",
                     "change": {"renameColumn": {"table": "users_%d", "from": "user_name", "to": "display_name"}},
                     "expand": {"version": "2.0.0", "image": "img/%s:2.0.0"},
                     "migrate": {"version": "2.1.0", "image": "img/%s:2.1.0"},
                     "contract": {"version": "2.2.0", "image": "img/%s:2.2.0"},
                     "backfill": {"batchSize": 500, "pause": "20ms"},
                     "confidenceWindow": "1s"}
                    """.formatted(name, name, i, name, name, name)), 201);
        }
    }

    private static void deployment(KubernetesClient k, String name) {
        k.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder().withNewMetadata().withName(name)
                .withNamespace(NS).endMetadata().withNewSpec().withReplicas(4).withNewSelector().addToMatchLabels("app", name)
                .endSelector().withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec()
                .addNewContainer().withName(name).withImage("img/" + name + ":1").endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
    }

    private long release(String rollout) throws Exception {
        HttpResponse<String> r = call("POST", "/api/v1/rollouts/" + rollout + "/releases", "application/json",
                "{\"version\": \"2.0.0\", \"image\": \"img/" + rollout + ":2.0.0\"}");
        expect(r, 201);
        return Long.parseLong(r.body().replaceAll("(?s).*?\"id\"\\s*:\\s*(\\d+).*", "$1"));
    }

    /** Starts whichever phase of each pipeline may start now (a 409 says a gate is still closed). */
    private void advancePipelines() throws Exception {
        for (int i = 0; i < PIPELINES; i++) {
            for (String phase : List.of("expand", "migrate", "contract")) {
                call("POST", "/api/v1/pipelines/p" + i + "/phases/" + phase + "/start", null, null);
            }
        }
    }

    private String verify(EmbeddedPostgres pg, KubernetesClient k, int kills) throws Exception {
        long events = 0;
        long broken = 0;
        long doubled = 0;
        try (Connection c = pg.getDatabase("postgres", "kubestead").getConnection(); Statement s = c.createStatement()) {
            Map<Long, String> last = new HashMap<>();
            Map<String, Integer> once = new HashMap<>();
            try (ResultSet rs = s.executeQuery("select e.release_id, e.type, e.from_state, e.to_state, r.attempt, "
                    + "e.details ->> 'step', e.details ->> 'hook' from release_event e join release r on r.id = e.release_id "
                    + "order by e.id")) {
                while (rs.next()) {
                    events++;
                    long id = rs.getLong(1);
                    String type = rs.getString(2);
                    if (last.containsKey(id) && !Objects.equals(last.get(id), rs.getString(3))) {
                        broken++;
                    }
                    last.put(id, rs.getString(4));
                    if (List.of("StepCompleted", "HookStarted", "HookSucceeded", "Promoted", "SchemaChanged").contains(type)) {
                        String key = id + "/" + type + "/" + rs.getString(6) + "/" + rs.getString(7);
                        if (once.merge(key, 1, Integer::sum) > 1) {
                            doubled++;
                        }
                    }
                }
            }
            assertThat(broken).as("events that do not start where the previous one ended").isZero();
            assertThat(doubled).as("steps, hooks, schema changes or ends recorded twice").isZero();
            assertThat(count(pg, "select count(*) from release where rollout_name like 'r%' and state = 'Promoted'"))
                    .isEqualTo(RELEASES);
            assertThat(count(pg, "select count(*) from pipeline where state = 'Completed'")).isEqualTo(PIPELINES);
            assertThat(count(pg, "select count(*) from backfill where mismatches = 0")).isEqualTo(PIPELINES);
        }
        var jobList = k.batch().v1().jobs().inNamespace(NS).list().getItems();
        long jobs = jobList.size();
        Map<String, Long> perRelease = new HashMap<>();
        jobList.forEach(j -> perRelease.merge(j.getMetadata().getLabels().get(KubeNames.LABEL_RELEASE), 1L, Long::sum));
        assertThat(perRelease.values()).as("hook Jobs per release").allMatch(n -> n == 1);
        assertThat(jobs).isEqualTo(RELEASES);
        try (Connection c = pg.getDatabase("postgres", "crashtarget").getConnection(); Statement s = c.createStatement()) {
            for (int i = 0; i < PIPELINES; i++) {
                try (ResultSet rs = s.executeQuery("select count(*), count(display_name) from users_" + i)) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(ROWS);
                    assertThat(rs.getLong(2)).isEqualTo(ROWS);
                }
            }
        }
        return String.format("%d kills -9 survived; %d releases (a hook and 3 steps each) promoted, %d pipelines completed "
                + "(%d rows each backfilled, 0 mismatches); %d events checked: 0 broken chains, 0 recorded twice; %d hook Jobs, "
                + "one per release", kills, RELEASES, PIPELINES, ROWS, events, jobs);
    }

    private static long count(EmbeddedPostgres pg, String sql) throws Exception {
        try (Connection c = pg.getDatabase("postgres", "kubestead").getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private HttpResponse<String> call(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + PASSWORD)
                        .getBytes(StandardCharsets.UTF_8)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> r, int... statuses) {
        for (int s : statuses) {
            if (r.statusCode() == s) {
                return;
            }
        }
        throw new AssertionError(r.request().method() + " " + r.request().uri() + " answered " + r.statusCode() + ": " + r.body());
    }
}
