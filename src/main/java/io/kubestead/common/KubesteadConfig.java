package io.kubestead.common;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Kubestead's own settings; each has a default that runs locally. */
@ConfigMapping(prefix = "kubestead")
public interface KubesteadConfig {

    /** Where embedded state (the embedded PostgreSQL) is kept. */
    @WithDefault("${user.home}/.kubestead")
    String dataDir();

    /**
     * The first admin's password, used only when no user exists yet (KUBESTEAD_ADMIN_PASSWORD); unset, a random
     * one is generated, logged once and written to {@code <data-dir>/initial-admin-password}.
     */
    Optional<String> adminPassword();

    Security security();

    Oidc oidc();

    Analysis analysis();

    RemoteCalls remoteCalls();

    Approval approval();

    Slack slack();

    Notifications notifications();

    interface Approval {
        /** The person who started a release (created a pipeline) cannot approve it alone. */
        @WithDefault("true")
        boolean fourEyes();

        /** Approver groups: {@code kubestead.approval.groups.sre=alice,bob} makes {@code group:sre} name them. */
        java.util.Map<String, java.util.List<String>> groups();
    }

    interface Slack {
        /** An Incoming Webhook URL to post approval requests and notifications to. */
        Optional<String> webhookUrl();

        /** A bot token (xoxb-...) for chat.postMessage; with {@link #channel()}. Preferred over the webhook. */
        Optional<String> botToken();

        /** The channel (id or #name) the bot posts to. */
        Optional<String> channel();

        /** The app's signing secret: interactions (button clicks) are refused without a valid signature. */
        Optional<String> signingSecret();

        /**
         * A Kubernetes Secret (in the cluster namespace) with any of the keys webhook-url, bot-token, channel and
         * signing-secret, for those not set above.
         */
        Optional<String> secret();

        /** Slack's Web API. */
        @WithDefault("https://slack.com/api")
        String apiUrl();

        /** Where interactions' response_url may point (anything else is never called). */
        @WithDefault("https://hooks.slack.com/")
        String responseUrlPrefix();

        /** How old a signed interaction may be (replays of older ones are refused). */
        @WithDefault("5m")
        Duration maxSkew();
    }

    interface Notifications {
        /** Whether this server delivers the outbox (several replicas may; they share the work). */
        @WithDefault("true")
        boolean enabled();

        /** Generic webhooks: {@code kubestead.notifications.webhooks.ops.url} and {@code .secret} (the HMAC-SHA256 key). */
        java.util.Map<String, Webhook> webhooks();

        /** Hosts, addresses and CIDRs notifications may be sent to beyond public addresses (as for analysis). */
        Optional<java.util.List<String>> allowedHosts();

        /** Deliveries are retried with exponential backoff from 1 s up to this. */
        @WithDefault("5m")
        Duration maxBackoff();

        /** After this many failed attempts a notification is given up (state Dead, logged once). */
        @WithDefault("25")
        int maxAttempts();

        /** Delivery workers. */
        @WithDefault("4")
        int threads();

        interface Webhook {
            String url();

            Optional<String> secret();
        }
    }

    interface RemoteCalls {
        /** Refuse (not only log and count) a remote call made inside a database transaction. */
        @WithDefault("false")
        boolean refuseInTransaction();
    }

    interface Analysis {
        /**
         * Hosts, addresses and CIDR ranges metric providers may reach. Unset: any address but loopback, link-local
         * (cloud metadata), unspecified and multicast ones; set: only these (loopback too, when named).
         */
        Optional<java.util.List<String>> allowedHosts();

        /** Whether templates may hold literal header values (unset: only on the sandbox cluster). */
        Optional<Boolean> literalHeaders();

        /** Where valueFrom.secretKeyRef Secrets are read (unset: kubestead.cluster.namespace). */
        Optional<String> secretsNamespace();

        /** The shortest interval a template may ask for. */
        @WithDefault("1s")
        Duration minInterval();

        /** The longest timeout of a web provider. */
        @WithDefault("30s")
        Duration maxTimeout();

        /** The most measurements a template may ask for. */
        @WithDefault("1000")
        int maxCount();

        /**
         * How many measurements of one analysis run are kept one by one; older ones are folded into one summary
         * row per hour (count, failures, min/max/mean), so a background analysis of weeks stays bounded.
         */
        @WithDefault("500")
        int keepMeasurements();
    }

    /**
     * Sign-in through an OpenID Connect provider (enabled with quarkus.oidc.tenant-enabled=true and the provider's
     * quarkus.oidc.auth-server-url, client-id and credentials.secret): how a person's ID token becomes a principal.
     */
    interface Oidc {
        /** The ID token claim that names the person in events ({@code oidc:<value>}); {@code sub} when absent. */
        @WithDefault("email")
        String nameClaim();

        /** The ID token claim that lists the person's groups (a list of strings, or one string). */
        @WithDefault("groups")
        String groupsClaim();

        /**
         * Group → role bindings, e.g. {@code kubestead.oidc.roles."payments-oncall"=operator@payments}; the group
         * {@code "*"} applies to every person the provider signs in. A person in no mapped group has no role.
         */
        java.util.Map<String, String> roles();
    }

    Engine engine();

    Cluster cluster();

    Sandbox sandbox();

    interface Security {
        /** A console session ends after this long without a request. */
        @WithDefault("30m")
        Duration sessionIdleTimeout();

        /** A console session ends this long after sign-in, however active. */
        @WithDefault("12h")
        Duration sessionMaxAge();

        /** How long a replica trusts a token it has looked up (revocation on another replica takes this long). */
        @WithDefault("10s")
        Duration tokenCacheTtl();

        /** Expiry of a token whose request names none. */
        @WithDefault("90d")
        Duration tokenDefaultLifetime();

        /** The longest a token may live. */
        @WithDefault("365d")
        Duration tokenMaxLifetime();

        /** Failed sign-ins of one user name before it is refused for a while. */
        @WithDefault("5")
        int userFailures();

        /** Failed sign-ins from one client address before it is refused for a while. */
        @WithDefault("20")
        int addressFailures();

        /** The first refusal lasts this long; each further failure doubles it. */
        @WithDefault("1s")
        Duration lockoutBase();

        /** The longest refusal. */
        @WithDefault("15m")
        Duration lockoutMax();

        /** Failures older than this are forgotten. */
        @WithDefault("15m")
        Duration failureWindow();

        /**
         * The Pod Security Standard hook Job templates must meet: baseline or restricted. A template may ask for
         * more with the annotation kubestead.io/pod-security; asking for less (or privileged) is an audited waiver.
         */
        @WithDefault("baseline")
        String podSecurity();

        /**
         * The address users reach Kubestead at (e.g. https://kubestead.example.com): cross-origin checks accept it
         * and links are built from it, never from the request's Host header.
         */
        Optional<String> publicUrl();
    }

    interface Engine {
        /** Whether this server runs the release engine (several replicas may; they share the work). */
        @WithDefault("true")
        boolean enabled();

        /** Worker threads that advance releases. */
        @WithDefault("4")
        int threads();

        /** How often a release that waits on the cluster (a Job, a rollout) is looked at again. */
        @WithDefault("1s")
        Duration pollInterval();

        /** The longest an idle worker sleeps before looking for due releases (other replicas' changes). */
        @WithDefault("1s")
        Duration idleWait();

        /** How long a hook Job may run when its template sets no activeDeadlineSeconds. */
        @WithDefault("30m")
        Duration hookDeadline();

        /** How many lines of a hook pod's log are kept in the event. */
        @WithDefault("40")
        int logTailLines();

        /**
         * How long a worker's claim on a release holds when the worker's process is alive but silent (a process
         * that dies frees its claims at once). Longer than any one move: a metric call, a cluster call, DDL retries.
         */
        @WithDefault("2m")
        Duration lease();

        /** Workers that only carry out aborts, so that no slow step can keep an abort waiting. */
        @WithDefault("1")
        int abortThreads();
    }

    interface Cluster {
        /** auto (sandbox when no kubeconfig and no in-cluster account is found), sandbox, or kubernetes. */
        @WithDefault("auto")
        String mode();

        /** The namespace of rollouts whose spec names none. */
        @WithDefault("default")
        String namespace();

        /**
         * The namespaces rollouts may target and hook Jobs run in; unset, only {@link #namespace()}. An entry ending
         * in {@code *} is a prefix ({@code team-*}); {@code *} alone allows any namespace but the cluster's own
         * (kube-system, kube-public, kube-node-lease), which must be named to be allowed.
         */
        Optional<java.util.List<String>> allowedNamespaces();

        /** The service accounts a hook Job may run as (its template's serviceAccountName); unset means the default. */
        @WithDefault("default")
        java.util.List<String> hookServiceAccounts();
    }

    interface Sandbox {
        /** Run the simulated controllers even against another cluster (only for tests against a mock API server). */
        @WithDefault("false")
        boolean simulate();

        /** How often the simulated controllers look at the cluster. */
        @WithDefault("200ms")
        Duration tick();

        /** How long a sandbox hook Job runs before it completes. */
        @WithDefault("3s")
        Duration jobDuration();

        /** How long a sandbox Deployment takes to report its replicas ready. */
        @WithDefault("1s")
        Duration readyDelay();
    }
}
