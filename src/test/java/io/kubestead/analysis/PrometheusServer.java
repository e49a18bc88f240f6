package io.kubestead.analysis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;

/**
 * A real Prometheus (the Debian package's binary) scraping, every second, a small exporter whose canary error
 * ratio the test sets. Both listen on 127.0.0.1 only.
 */
public final class PrometheusServer implements AutoCloseable {

    public static final String BINARY = "/usr/bin/prometheus";

    private final HttpServer exporter;
    private final ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
    private final Process prometheus;
    private final int port;
    private final Path dir;
    private volatile double errorRatio;
    private double ok;
    private double errors;
    private final String service;

    public PrometheusServer(String service, double errorRatio) throws IOException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: .ci/run installs the Debian package 'prometheus'");
        }
        this.service = service;
        this.errorRatio = errorRatio;
        exporter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        exporter.createContext("/metrics", exchange -> {
            byte[] body = metrics().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        exporter.start();
        // 100 requests every 100 ms, the given share of them answered 5xx
        traffic.scheduleAtFixedRate(this::serve, 0, 100, TimeUnit.MILLISECONDS);
        port = freePort();
        dir = Files.createTempDirectory("prometheus");
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: canary
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(exporter.getAddress().getPort()));
        prometheus = new ProcessBuilder(BINARY, "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> http.send(
                HttpRequest.newBuilder(URI.create(address() + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() == 200);
    }

    /** Waits until Prometheus has scraped enough for a rate over 5 s to exist. */
    public void awaitData() {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create(address() + "/api/v1/query?query=" + java.net.URLEncoder.encode(
                "sum(rate(http_requests_total[5s]))", StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> http.send(
                HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body().contains("\"value\""));
    }

    public String address() {
        return "http://127.0.0.1:" + port;
    }

    /** Sets the canary's error ratio and waits until Prometheus's 5 s rate shows it (within 20%). */
    public void errorRatio(double ratio) {
        this.errorRatio = ratio;
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create(address() + "/api/v1/query?query=" + java.net.URLEncoder.encode(
                "sum(rate(http_requests_total{code=\"500\"}[5s])) / sum(rate(http_requests_total[5s]))", StandardCharsets.UTF_8));
        java.util.regex.Pattern value = java.util.regex.Pattern.compile("\"value\":\\[[^,]+,\"([^\"]+)\"");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            java.util.regex.Matcher m = value.matcher(http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            return m.find() && Math.abs(Double.parseDouble(m.group(1)) - ratio) <= ratio * 0.2;
        });
    }

    private synchronized void serve() {
        errors += 100 * errorRatio;
        ok += 100 * (1 - errorRatio);
    }

    private synchronized String metrics() {
        return "# TYPE http_requests_total counter\n"
                + "http_requests_total{service=\"" + service + "\",track=\"canary\",code=\"200\"} " + ok + "\n"
                + "http_requests_total{service=\"" + service + "\",track=\"canary\",code=\"500\"} " + errors + "\n";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        prometheus.destroy();
        try {
            prometheus.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        prometheus.destroyForcibly();
        traffic.shutdownNow();
        exporter.stop(0);
    }
}
