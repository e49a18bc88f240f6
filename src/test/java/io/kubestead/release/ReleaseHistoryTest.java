package io.kubestead.release;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.UserTransaction;

import org.junit.jupiter.api.Test;

import io.kubestead.testing.ApiTest;
import io.quarkus.test.junit.QuarkusTest;

/** Persistence on the real PostgreSQL: a state change and its event commit together, and history is append-only. */
@QuarkusTest
class ReleaseHistoryTest extends ApiTest {

    @Inject
    ReleaseService releases;

    @Inject
    UserTransaction tx;

    @Inject
    EntityManager em;

    long newRelease() throws Exception {
        String name = unique("hist");
        String spec = Files.readString(Path.of("examples/users-service.yaml")).replace("name: users-service", "name: " + name);
        given().contentType(YAML).body(spec).put("/api/v1/rollouts/" + name).then().statusCode(201);
        return given().contentType("application/json").body("{\"version\": \"1\", \"image\": \"a:1\"}")
                .post("/api/v1/rollouts/" + name + "/releases").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    @Test
    void aStateChangeAndItsEventCommitTogether() throws Exception {
        long id = newRelease();
        tx.begin();
        Release r = Release.findById(id);
        releases.record(r, "Aborted", ReleaseState.Aborted, "api:bob", "bad canary", Map.of("step", 0));
        tx.commit();

        tx.begin();
        r = Release.findById(id);
        assertThat(r.state).isEqualTo(ReleaseState.Aborted);
        assertThat(r.finishedAt).isNotNull();
        ReleaseEvent last = ReleaseEvent.<ReleaseEvent>find("releaseId = ?1 order by id desc", id).firstResult();
        assertThat(last.type).isEqualTo("Aborted");
        assertThat(last.fromState).isEqualTo(ReleaseState.Pending);
        assertThat(last.toState).isEqualTo(ReleaseState.Aborted);
        assertThat(last.actor).isEqualTo("api:bob");
        assertThat(last.reason).isEqualTo("bad canary");
        assertThat(last.details).containsEntry("step", 0);
        tx.commit();
    }

    @Test
    void aRolledBackChangeLeavesNeitherStateNorEvent() throws Exception {
        long id = newRelease();
        long eventsBefore = ReleaseEvent.count("releaseId", id);
        tx.begin();
        Release r = Release.findById(id);
        releases.record(r, "Aborted", ReleaseState.Aborted, "api:bob", "changed my mind", null);
        em.flush();
        tx.rollback();

        assertThat(ReleaseEvent.count("releaseId", id)).isEqualTo(eventsBefore);
        tx.begin();
        assertThat(Release.<Release>findById(id).state).isEqualTo(ReleaseState.Pending);
        tx.commit();
    }

    @Test
    void theDatabaseRefusesToRewriteHistory() throws Exception {
        long id = newRelease();
        tx.begin();
        try {
            assertThatThrownBy(() -> em.createNativeQuery("update release_event set reason = 'x' where release_id = " + id)
                    .executeUpdate()).hasStackTraceContaining("append-only");
        } finally {
            tx.rollback();
        }
        tx.begin();
        try {
            assertThatThrownBy(() -> em.createNativeQuery("delete from release_event where release_id = " + id)
                    .executeUpdate()).hasStackTraceContaining("append-only");
        } finally {
            tx.rollback();
        }
    }

    @Test
    void theDatabaseAllowsOneActiveReleasePerRollout() throws Exception {
        long id = newRelease();
        tx.begin();
        try {
            Release first = Release.findById(id);
            assertThatThrownBy(() -> em.createNativeQuery("insert into release (rollout_name, revision, version, image, "
                    + "state, created_at, updated_at) values ('" + first.rolloutName + "', 1, '2', 'a:2', 'Pending', now(), now())")
                    .executeUpdate()).hasStackTraceContaining("release_one_active_per_rollout");
        } finally {
            tx.rollback();
        }
    }
}
