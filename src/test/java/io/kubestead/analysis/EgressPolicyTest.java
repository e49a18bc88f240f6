package io.kubestead.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Server-side request forgery: what a metric provider may not reach, whatever form the address takes. */
class EgressPolicyTest {

    /** A resolver without DNS: literals as Java reads them, and a few names with fixed answers. */
    static final EgressPolicy.Resolver DNS = host -> {
        Map<String, String> names = Map.of("metrics.example.com", "10.1.2.3", "rebind.example.com", "127.0.0.1",
                "both.example.com", "10.1.2.3", "prometheus.monitoring", "10.96.0.15");
        if (host.equals("both.example.com")) {
            return new InetAddress[] { InetAddress.getByName("10.1.2.3"), InetAddress.getByName("169.254.169.254") };
        }
        if (names.containsKey(host)) {
            return new InetAddress[] { InetAddress.getByName(names.get(host)) };
        }
        if (host.matches("[0-9.]+") || host.contains(":")) {
            return InetAddress.getAllByName(host);
        }
        throw new UnknownHostException(host);
    };

    static String refusal(String url) {
        return EgressPolicy.refusal(URI.create(url), DNS, null, -1);
    }

    @Test
    void internalAddressesInEveryFormAreRefused() {
        for (String url : List.of("http://127.0.0.1:8080/q/health", "http://localhost.:1/", "http://169.254.169.254/latest/meta-data",
                "http://[::1]:9090/", "http://2130706433/", "http://127.1/", "http://0.0.0.0:5432/", "http://0/",
                "http://[::ffff:127.0.0.1]/", "http://[fe80::1]/", "http://rebind.example.com/", "http://both.example.com/",
                "http://100.100.100.200/", "http://[fd00:ec2::254]/", "http://224.0.0.1/")) {
            assertThat(refusal(url)).as(url).isNotNull();
        }
        // forms Java does not read as addresses are names, and names that do not resolve are refused too
        assertThat(refusal("http://0x7f000001/")).contains("could not resolve");
        assertThat(refusal("http://0177.0.0.1/")).isNotNull();
    }

    @Test
    void credentialsAndOtherSchemesAreRefusedWithoutRepeatingThem() {
        String why = refusal("http://admin:hunter2@metrics.example.com/");
        assertThat(why).contains("credentials").doesNotContain("hunter2");
        assertThat(refusal("file:///etc/passwd")).contains("http");
        assertThat(refusal("gopher://metrics.example.com/")).contains("http");
    }

    @Test
    void ordinaryServicesAreReachable() {
        assertThat(refusal("http://prometheus.monitoring:9090/api/v1/query")).isNull();
        assertThat(refusal("https://metrics.example.com/errors")).isNull();
        assertThat(refusal("http://10.0.0.7:9090/")).isNull();
    }

    @Test
    void anAllowListNamesWhatIsReachable() {
        List<String> allowed = List.of("prometheus.monitoring", "10.1.0.0/16", "127.0.0.1");
        assertThat(EgressPolicy.refusal(URI.create("http://prometheus.monitoring/"), DNS, allowed, -1)).isNull();
        assertThat(EgressPolicy.refusal(URI.create("http://metrics.example.com/"), DNS, allowed, -1)).isNull();
        assertThat(EgressPolicy.refusal(URI.create("http://127.0.0.1:9090/"), DNS, allowed, -1)).isNull();
        assertThat(EgressPolicy.refusal(URI.create("http://10.0.0.7/"), DNS, allowed, -1)).contains("allowed-hosts");
        assertThat(EgressPolicy.refusal(URI.create("http://both.example.com/"), DNS, allowed, -1)).isNotNull();
    }

    @Test
    void theSandboxReachesOnlyItsOwnDemoSource() {
        assertThat(EgressPolicy.refusal(URI.create("http://localhost:8080/sandbox/prometheus/api/v1/query"),
                host -> new InetAddress[] { InetAddress.getLoopbackAddress() }, null, 8080)).isNull();
        assertThat(EgressPolicy.refusal(URI.create("http://localhost:8080/q/health"),
                host -> new InetAddress[] { InetAddress.getLoopbackAddress() }, null, 8080)).isNotNull();
        assertThat(EgressPolicy.refusal(URI.create("http://localhost:9090/sandbox/prometheus"),
                host -> new InetAddress[] { InetAddress.getLoopbackAddress() }, null, 8080)).isNotNull();
    }
}
