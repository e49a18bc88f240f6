package io.kubestead.analysis;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;


import io.kubestead.common.KubesteadConfig;
import io.kubestead.kube.SandboxCluster;

/**
 * Where metric providers may connect. Loopback, link-local (cloud metadata), unspecified and multicast addresses
 * are refused unless kubestead.analysis.allowed-hosts names them; when that list is set, only what it names is
 * reachable. A host is resolved once and every address checked; a plain-http request then connects to the checked
 * address itself (the name goes in the Host header), so a second answer of the name server (DNS rebinding) is never
 * asked for. An https request connects by name (its certificate must match it) and gets the JVM's cached answer. In
 * sandbox mode Kubestead's own demo metric source is reachable.
 */
@ApplicationScoped
public class EgressPolicy {

    /** Resolves a host name; replaced in tests. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    @Inject
    KubesteadConfig config;

    /**
     * The port this server listens on. A configured port of 0 is replaced by the chosen one once the server listens
     * (Quarkus sets the property), so it is read when needed, not at injection.
     */
    static int ownPort() {
        String property = io.quarkus.runtime.LaunchMode.current() == io.quarkus.runtime.LaunchMode.TEST ? "quarkus.http.test-port"
                : "quarkus.http.port";
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getOptionalValue(property, Integer.class).orElse(8080);
    }

    private volatile Resolver resolver = InetAddress::getAllByName;

    /** Resolves names with this instead of the system's name service (tests play a name server with it). */
    void resolveWith(Resolver r) {
        resolver = r == null ? InetAddress::getAllByName : r;
    }

    /**
     * Refuses (an Error measurement, never a detail of the target) a URL this server may not reach; else the
     * checked address to connect to.
     */
    public InetAddress check(URI uri) {
        Decision d = decide(uri, resolver, config.analysis().allowedHosts().orElse(null), SandboxCluster.active() ? ownPort() : -1);
        if (d.refusal() != null) {
            throw new ExprException(d.refusal());
        }
        return d.address();
    }

    /**
     * The same policy for notifications (Slack, webhooks) with their own list, kubestead.notifications.allowed-hosts: the
     * checked address to connect to, or an IllegalArgumentException saying why not.
     */
    public InetAddress checkNotification(URI uri) {
        Decision d = decide(uri, resolver, config.notifications().allowedHosts().orElse(null), -1, "kubestead.notifications.allowed-hosts");
        if (d.refusal() != null) {
            throw new IllegalArgumentException(d.refusal());
        }
        return d.address();
    }

    private static volatile boolean hostHeaderRefused;

    /**
     * A request to the checked address: for plain http the connection goes to that address and the name travels in
     * the Host header (the JVM allows that with jdk.httpclient.allowRestrictedHeaders=host, set at start).
     */
    public static java.net.http.HttpRequest.Builder requestTo(URI uri, InetAddress address) {
        URI direct = pinned(uri, address);
        if (direct.equals(uri) || hostHeaderRefused) {
            return java.net.http.HttpRequest.newBuilder(uri);
        }
        try {
            return java.net.http.HttpRequest.newBuilder(direct).header("Host", uri.getRawAuthority());
        } catch (IllegalArgumentException e) {
            hostHeaderRefused = true;
            org.jboss.logging.Logger.getLogger(EgressPolicy.class).warn("This JVM refuses a Host header (start it with "
                    + "-Djdk.httpclient.allowRestrictedHeaders=host): outbound requests connect by name and rely on the "
                    + "JVM's address cache");
            return java.net.http.HttpRequest.newBuilder(uri);
        }
    }

    /** Either why the URL may not be reached, or the address it is to be reached at. */
    record Decision(String refusal, InetAddress address) {
    }

    /** Why the URL may not be reached, or null. {@code sandboxPort}: the port of the sandbox's demo source, or -1. */
    static String refusal(URI uri, Resolver resolver, List<String> allowed, int sandboxPort) {
        return decide(uri, resolver, allowed, sandboxPort).refusal();
    }

    static Decision decide(URI uri, Resolver resolver, List<String> allowed, int sandboxPort) {
        return decide(uri, resolver, allowed, sandboxPort, "kubestead.analysis.allowed-hosts");
    }

    static Decision decide(URI uri, Resolver resolver, List<String> allowed, int sandboxPort, String setting) {
        String why = refusalOrNull(uri);
        if (why != null) {
            return new Decision(why, null);
        }
        String host = uri.getHost();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException | RuntimeException e) {
            return new Decision("could not resolve " + host, null);
        }
        if (addresses == null || addresses.length == 0) {
            return new Decision("could not resolve " + host, null);
        }
        boolean sandboxSource = sandboxPort > 0 && uri.getPort() == sandboxPort && uri.getPath() != null
                && uri.getPath().startsWith("/sandbox/prometheus");
        for (InetAddress a : addresses) {
            boolean listed = allowed != null && allowed.stream().anyMatch(entry -> matches(entry.trim(), bare, a));
            if (allowed != null && !listed && !(sandboxSource && a.isLoopbackAddress())) {
                return new Decision(host + " is not in " + setting, null);
            }
            if (allowed == null && special(a) && !(sandboxSource && a.isLoopbackAddress())) {
                return new Decision(host + " is a loopback, link-local or otherwise internal address that may not be reached (unless " + setting
                        + " names it)", null);
            }
        }
        return new Decision(null, addresses[0]);
    }

    /** What is wrong with the URL before its host is even resolved, or null. */
    private static String refusalOrNull(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "only http and https URLs are allowed";
        }
        if (uri.getRawUserInfo() != null) {
            return "URLs with credentials are not allowed; use headers with valueFrom";
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return "the URL has no host";
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (bare.matches("[0-9.]+") && !bare.matches("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}")) {
            // 127.1, 2130706433, 0177.0.0.1: read differently by different clients, so never trusted
            return "the address " + host + " is not in dotted-quad form";
        }
        return null;
    }

    /**
     * The URL to send a plain-http request to: the same, with the checked address in place of the name. Https URLs
     * are sent as they are (the certificate names the host).
     */
    static URI pinned(URI uri, InetAddress address) {
        if (!"http".equalsIgnoreCase(uri.getScheme()) || address == null) {
            return uri;
        }
        String literal = address instanceof java.net.Inet6Address ? "[" + address.getHostAddress().replaceAll("%.*", "") + "]"
                : address.getHostAddress();
        return URI.create("http://" + literal + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                + (uri.getRawPath() == null ? "" : uri.getRawPath()) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    /** Loopback, unspecified, link-local (169.254/16 with cloud metadata, fe80::/10), multicast, and their mapped forms. */
    static boolean special(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            // 0.0.0.0/8 reaches this host on some systems; 100.100.100.200 is a cloud metadata address
            return first == 0 || (first == 100 && (b[1] & 0xff) == 100 && (b[2] & 0xff) == 100 && (b[3] & 0xff) == 200);
        }
        if (a instanceof Inet6Address) {
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            if (mapped) {
                try {
                    return special(InetAddress.getByAddress(new byte[] { b[12], b[13], b[14], b[15] }));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
            // fd00:ec2::254, a cloud metadata address in the unique-local range
            return (b[0] & 0xff) == 0xfd && (b[1] & 0xff) == 0x00 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2;
        }
        return false;
    }

    /** An allow-list entry: a host name, an address, or an address range in CIDR form. */
    static boolean matches(String entry, String host, InetAddress address) {
        if (entry.equalsIgnoreCase(host)) {
            return true;
        }
        int slash = entry.indexOf('/');
        try {
            if (slash < 0) {
                return isLiteral(entry) && InetAddress.getByName(entry).equals(address);
            }
            if (!isLiteral(entry.substring(0, slash))) {
                return false;
            }
            InetAddress net = InetAddress.getByName(entry.substring(0, slash));
            int bits = Integer.parseInt(entry.substring(slash + 1));
            byte[] n = net.getAddress();
            byte[] a = address.getAddress();
            if (n.length != a.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((n[i / 8] & mask) != (a[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return false;
        }
    }

    private static boolean isLiteral(String s) {
        return s.matches("[0-9.]+") || s.contains(":");
    }
}
