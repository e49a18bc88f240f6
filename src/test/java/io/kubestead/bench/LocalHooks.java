package io.kubestead.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A local webhook receiver (and Slack response URL) for benchmarks: counts deliveries and the distinct delivery keys
 * (a key seen twice is a notification sent twice).
 */
public class LocalHooks implements QuarkusTestResourceLifecycleManager {

    static final String SIGNING_SECRET = "bench-signing-secret";
    static final AtomicInteger REQUESTS = new AtomicInteger();
    static volatile String base;
    static final Set<String> KEYS = ConcurrentHashMap.newKeySet();
    private HttpServer server;
    private ExecutorService executor;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        executor = Executors.newFixedThreadPool(8);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            String key = exchange.getRequestHeaders().getFirst("X-Kubestead-Delivery");
            if (key != null) {
                KEYS.add(key);
            }
            REQUESTS.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of("kubestead.notifications.webhooks.bench.url", base + "/hook",
                "kubestead.notifications.allowed-hosts", "127.0.0.1",
                "kubestead.slack.signing-secret", SIGNING_SECRET,
                "kubestead.slack.response-url-prefix", base + "/actions/");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
