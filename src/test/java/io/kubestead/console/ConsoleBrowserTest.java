package io.kubestead.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestead.engine.EngineFixture;
import io.kubestead.engine.EngineProfile;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** The console in a real headless Chromium: live updates without reload, and an abort with a reason. */
@QuarkusTest
@TestProfile(EngineProfile.class)
@WithKubernetesTestServer(crud = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest extends EngineFixture {

    static final Path SCREENSHOTS = Path.of("target/screenshots");
    static final LocatorAssertions.HasTextOptions SOON = new LocatorAssertions.HasTextOptions().setTimeout(15_000);

    @TestHTTPResource("/")
    URL base;

    @Inject
    KubernetesClient client;

    Playwright playwright;
    Browser browser;

    @BeforeAll
    void launch() {
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setHeadless(true)
                .setExecutablePath(Path.of("/usr/bin/chromium"))
                .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run")));
    }

    @AfterAll
    void close() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @Test
    void watchAReleaseLiveThenAbortItWithAReason() {
        String ns = unique("ui");
        String name = unique("shop");
        stable(client, ns, name, 3, "img/" + name + ":1");
        rollout(name, "  target: {namespace: " + ns + "}\n  canarySteps:\n    - setWeight: 20\n    - pause: {}\n");

        Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1280, 800));
        page.navigate(base.toString());
        assertThat(page.locator("h1").last()).hasText("Releases");
        // the page is open before the release exists: it must appear and advance with no reload
        page.evaluate("window.__marker = 'same page'");
        long id = release(name, "2.0.0");
        var row = page.locator("tr[data-release='" + id + "']");
        assertThat(row.locator(".badge")).hasText("Paused", SOON);
        assertThat(row).containsText("80 / 20", new LocatorAssertions.ContainsTextOptions().setTimeout(15_000));
        org.assertj.core.api.Assertions.assertThat(page.evaluate("window.__marker")).isEqualTo("same page");
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("overview.png")).setFullPage(true));

        row.locator("a").click();
        assertThat(page.locator("#state")).hasText("Paused");
        assertThat(page.locator(".chip.done")).hasText("weight 20%");
        assertThat(page.locator("button", new Page.LocatorOptions().setHasText("retry"))).isDisabled();
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("release.png")).setFullPage(true));

        page.locator("button[data-dialog='dialog-abort']").click();
        page.locator("#dialog-abort textarea[name=reason]").fill("p99 latency doubled on the canary");
        page.locator("#dialog-abort input[name=actor]").fill("oncall-ann");
        page.locator("#dialog-abort button[type=submit]").click();
        assertThat(page.locator("#state")).hasText("Aborted", SOON);
        var aborted = page.locator("#timeline li", new Page.LocatorOptions().setHasText("Aborted")).first();
        assertThat(aborted).containsText("console:oncall-ann");
        assertThat(aborted).containsText("p99 latency doubled on the canary");
        assertThat(page.locator("button", new Page.LocatorOptions().setHasText("retry"))).isEnabled();
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("release-aborted.png")).setFullPage(true));

        // a change made elsewhere (the API) shows up on the open page
        given().post("/api/v1/releases/" + id + "/retry").then().statusCode(200);
        assertThat(page.locator("#state")).not().hasText("Aborted", new LocatorAssertions.HasTextOptions().setTimeout(15_000));

        Page phone = browser.newPage(new Browser.NewPageOptions().setViewportSize(390, 844));
        phone.navigate(base.toString());
        assertThat(phone.locator("tr[data-release='" + id + "']")).isVisible();
        phone.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("overview-phone.png")).setFullPage(true));
    }

    @Inject
    io.kubestead.pipeline.TargetDatabases databases;

    @Test
    void aPipelineShowsItsLanesGatesSqlAndBackfillLive() throws Exception {
        String db = "console_" + unique("p").substring(2).replace("-", "");
        try (var c = java.sql.DriverManager.getConnection(io.kubestead.testing.PostgresResource.jdbcUrl(), "postgres", null);
                var s = c.createStatement()) {
            s.execute("create database " + db);
        }
        String url = io.kubestead.testing.PostgresResource.postgres().getJdbcUrl("postgres", db);
        try (var c = java.sql.DriverManager.getConnection(url, "postgres", null); var s = c.createStatement()) {
            s.execute("create table users (id bigserial primary key, user_name text)");
            s.execute("insert into users (user_name) select 'u' || g from generate_series(1, 5000) g");
        }
        databases.register(db, url, "postgres", null);
        String ns = unique("uip");
        String rollout = unique("users");
        stable(client, ns, rollout, 2, "img/" + rollout + ":1");
        rollout(rollout, "  target: {namespace: " + ns + "}\n  canarySteps:\n    - setWeight: 50\n");
        String name = unique("pl");
        given().contentType("application/json").body("""
                {"name": "%s", "rollout": "%s", "database": "%s",
                 "change": {"renameColumn": {"table": "users", "from": "user_name", "to": "display_name"}},
                 "expand": {"version": "2", "image": "app:2"}, "migrate": {"version": "3", "image": "app:3"},
                 "contract": {"version": "4", "image": "app:4"}}""".formatted(name, rollout, db))
                .post("/api/v1/pipelines").then().statusCode(201);

        Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1280, 900));
        page.navigate(base + "pipelines/" + name);
        var migrate = page.locator("section[data-phase=migrate]");
        assertThat(migrate.locator(".gates")).containsText("expandPromoted");
        assertThat(migrate.locator(".gates .unmet").first()).isVisible();
        page.locator("section[data-phase=migrate] button", new Page.LocatorOptions().setHasText("start migrate")).click();
        assertThat(page.locator("#error")).containsText("gates.expandPromoted");

        page.locator("section[data-phase=expand] button", new Page.LocatorOptions().setHasText("start expand")).click();
        assertThat(page.locator("section[data-phase=expand] .badge").first()).hasText("Promoted", SOON);
        assertThat(page.locator(".backfill .badge").first()).hasText("Completed", SOON);
        assertThat(migrate.locator(".gates .unmet")).hasCount(0, new LocatorAssertions.HasCountOptions().setTimeout(15_000));
        page.locator("section[data-phase=expand] details summary").click();
        assertThat(page.locator("section[data-phase=expand] details pre").first()).containsText("add column if not exists");
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("pipeline.png")).setFullPage(true));

        page.navigate(base.toString());
        assertThat(page.locator("tr[data-pipeline='" + name + "']")).containsText("expand");
    }

    @Test
    void aRolloutShowsItsSpecAndTheDiffBetweenRevisions() {
        String name = unique("spec");
        rollout(name, "  canarySteps:\n    - setWeight: 10\n");
        rollout(name, "  canarySteps:\n    - setWeight: 25\n    - pause: {duration: 5m}\n");
        Page page = browser.newPage();
        page.navigate(base + "rollouts/" + name + "?from=1&to=2");
        assertThat(page.locator("#spec")).containsText("setWeight: 25");
        assertThat(page.locator("#diff .added").first()).containsText("25");
        assertThat(page.locator("#diff .removed").first()).containsText("10");
        page.navigate(base + "rollouts");
        assertThat(page.locator("a[href='/rollouts/" + name + "']")).isVisible();
    }

    @Test
    void aTimedPauseCountsDown() {
        String name = unique("wait");
        rollout(name, "  canarySteps:\n    - pause: {duration: 5m}\n");
        long id = release(name, "1.0.0");
        awaitState(id, "Paused");
        Page page = browser.newPage();
        page.navigate(base + "releases/" + id);
        assertThat(page.locator(".chip.current")).containsText("pause 5m");
        assertThat(page.locator(".chip.current .countdown")).containsText("left");
    }

    @Test
    void plainRequestsGetFullPagesAndHtmxGetsFragments() {
        String name = unique("frag");
        rollout(name, "  canarySteps:\n    - pause: {}\n");
        long id = release(name, "1.0.0");
        given().get("/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("<!DOCTYPE html>")).body(containsString("htmx.min.js"));
        given().header("HX-Request", "true").get("/").then().statusCode(200)
                .body(not(containsString("<!DOCTYPE html>"))).body(containsString("data-release=\"" + id + "\""));
        given().get("/releases/" + id).then().statusCode(200).body(containsString("<!DOCTYPE html>"))
                .body(containsString("Timeline"));
        given().header("HX-Request", "true").get("/releases/" + id).then().statusCode(200)
                .body(not(containsString("<!DOCTYPE html>"))).body(containsString("Timeline"));
        given().get("/webjars/htmx.org/2.0.4/dist/htmx.min.js").then().statusCode(200);
        given().get("/ui/console.css").then().statusCode(200);
        given().get("/releases/999999").then().statusCode(404);
    }
}
