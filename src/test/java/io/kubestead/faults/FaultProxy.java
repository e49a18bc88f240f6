package io.kubestead.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 proxy in front of a Kubernetes API server that, while faults are on, answers a share of requests with
 * 500, holds some past the client's timeout, and resets some connections. One request per connection (the answer
 * says {@code Connection: close}); WebSocket upgrades (watches) are relayed byte for byte once they pass.
 */
public final class FaultProxy implements AutoCloseable {

    private final int upstreamPort;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private volatile CountDownLatch hang = new CountDownLatch(1);
    private volatile boolean faults;
    private final double errorShare;
    private final double hangShare;
    private final double resetShare;

    final AtomicLong requests = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong hangs = new AtomicLong();
    final AtomicLong resets = new AtomicLong();

    public FaultProxy(int upstreamPort, double errorShare, double hangShare, double resetShare) throws IOException {
        this.upstreamPort = upstreamPort;
        this.errorShare = errorShare;
        this.hangShare = hangShare;
        this.resetShare = resetShare;
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public void faults(boolean on) {
        faults = on;
        if (!on) {
            hang.countDown();
            hang = new CountDownLatch(1);
        }
    }

    public String counts() {
        return String.format("%d requests: %d answered 500, %d held past the client's timeout, %d connections reset",
                requests.get(), errors.get(), hangs.get(), resets.get());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            if (head == null) {
                return;
            }
            String headText = new String(head, StandardCharsets.ISO_8859_1);
            boolean upgrade = headText.toLowerCase(Locale.ROOT).contains("\r\nupgrade:");
            requests.incrementAndGet();
            if (faults) {
                double r = ThreadLocalRandom.current().nextDouble();
                if (r < errorShare) {
                    errors.incrementAndGet();
                    byte[] body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"injected fault\",\"code\":500}"
                            .getBytes(StandardCharsets.UTF_8);
                    OutputStream out = client.getOutputStream();
                    out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body);
                    out.flush();
                    return;
                }
                if (r < errorShare + hangShare) {
                    hangs.incrementAndGet();
                    // past the client's timeout (1 s), then the connection is dropped
                    hang.await(1500, TimeUnit.MILLISECONDS);
                    return;
                }
                if (r < errorShare + hangShare + resetShare) {
                    resets.incrementAndGet();
                    client.setSoLinger(true, 0);
                    return;
                }
            }
            try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
                OutputStream up = upstream.getOutputStream();
                if (upgrade) {
                    up.write(head);
                    up.flush();
                    // a watch: both directions relayed as they are until either side closes
                    threads.execute(() -> relay(in, up));
                    relay(upstream.getInputStream(), client.getOutputStream());
                    return;
                }
                up.write(withConnectionClose(headText).getBytes(StandardCharsets.ISO_8859_1));
                long length = contentLength(headText);
                if (length > 0) {
                    up.write(in.readNBytes((int) length));
                }
                up.flush();
                InputStream down = upstream.getInputStream();
                byte[] responseHead = readHead(down);
                if (responseHead == null) {
                    return;
                }
                String responseText = new String(responseHead, StandardCharsets.ISO_8859_1);
                OutputStream out = client.getOutputStream();
                out.write(withConnectionClose(responseText).getBytes(StandardCharsets.ISO_8859_1));
                // the upstream closes after its answer: whatever framing it used reaches the client unchanged
                down.transferTo(out);
                out.flush();
            }
        } catch (IOException e) {
            // a side went away: nothing to tell anyone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void relay(InputStream from, OutputStream to) {
        try {
            byte[] buf = new byte[8192];
            for (int n; (n = from.read(buf)) >= 0;) {
                to.write(buf, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** The bytes up to and including the blank line that ends an HTTP head, or null at end of stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; (b = in.read()) >= 0;) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
            if (matched == 4) {
                return head.toByteArray();
            }
        }
        return null;
    }

    private static String withConnectionClose(String head) {
        StringBuilder out = new StringBuilder();
        for (String line : head.split("\r\n")) {
            if (!line.isEmpty() && !line.toLowerCase(Locale.ROOT).startsWith("connection:")
                    && !line.toLowerCase(Locale.ROOT).startsWith("keep-alive:")) {
                out.append(line).append("\r\n");
            }
        }
        return out.append("Connection: close\r\n\r\n").toString();
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring(15).trim());
            }
        }
        return 0;
    }

    @Override
    public void close() {
        faults(false);
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        threads.shutdownNow();
    }
}
