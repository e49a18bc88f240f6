package io.kubestead.security;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.kubestead.common.ApiException;
import io.kubestead.common.Documents;
import io.kubestead.common.Durations;
import io.kubestead.common.FieldError;
import io.kubestead.common.Node;

/** The request bodies of users, role bindings and tokens, read strictly with exact paths. */
public final class Requests {

    /** User names: what a person or a CI job is called; also the key of sign-in throttling. */
    public static final Pattern USER_NAME = Pattern.compile("[a-z0-9]([a-z0-9._@-]{0,62}[a-z0-9])?");

    public record NewUser(String name, String kind, String password, List<Binding> bindings) {
    }

    public record NewToken(String name, String user, Duration expiresIn, List<Binding> bindings) {
    }

    public record PasswordChange(String current, String password) {
    }

    private Requests() {
    }

    static NewUser newUser(byte[] body, String contentType) {
        return newUser(Documents.read(body, contentType));
    }

    /** The same from a document already read (the console builds one from its form). */
    public static NewUser newUser(Object document) {
        List<FieldError> errors = new ArrayList<>();
        Node root = Node.root(document, errors);
        String name = null;
        String kind = AppUser.PERSON;
        String password = null;
        List<Binding> bindings = List.of();
        if (root.expectMap()) {
            name = userName(root, "name", true);
            String k = root.string("kind", false, 20);
            if (k != null) {
                if (!k.equals(AppUser.PERSON) && !k.equals(AppUser.SERVICE)) {
                    root.error("kind", "must be 'user' or 'service'");
                } else {
                    kind = k;
                }
            }
            password = root.string("password", false, Passwords.MAX_LENGTH);
            bindings = bindings(root, "bindings");
            root.finish();
        }
        if (AppUser.PERSON.equals(kind) && password == null && errors.isEmpty()) {
            errors.add(new FieldError("password", "is required for a user who signs in (kind 'service' has none)"));
        }
        if (AppUser.SERVICE.equals(kind) && password != null) {
            errors.add(new FieldError("password", "a service account has no password; it uses tokens"));
        }
        throwIfAny(errors);
        if (password != null) {
            Passwords.requireAcceptable("password", password);
        }
        return new NewUser(name, kind, password, bindings);
    }

    static final java.util.regex.Pattern SLACK_ID = java.util.regex.Pattern.compile("[UW][A-Z0-9]{2,20}");

    /** {slackUserId: "U123ABC" | null}: a Slack member id, or null to remove the mapping. */
    static String slackIdDocument(byte[] body, String contentType) {
        List<FieldError> errors = new ArrayList<>();
        Node root = Node.root(Documents.read(body, contentType), errors);
        String id = null;
        if (root.expectMap()) {
            if (!root.has("slackUserId")) {
                root.error("slackUserId", "is required (null removes the mapping)");
            }
            id = root.string("slackUserId", false, 22);
            if (id != null && !SLACK_ID.matcher(id).matches()) {
                root.error("slackUserId", Node.quote(id) + " is not a Slack member id like U024BE7LH");
                id = null;
            }
            root.finish();
        }
        throwIfAny(errors);
        return id;
    }

    static List<Binding> bindingsDocument(byte[] body, String contentType) {
        return bindingsDocument(Documents.read(body, contentType));
    }

    /** The same from a document already read (the console builds one from its form). */
    public static List<Binding> bindingsDocument(Object document) {
        List<FieldError> errors = new ArrayList<>();
        Node root = Node.root(document, errors);
        List<Binding> bindings = List.of();
        if (root.expectMap()) {
            if (!root.has("bindings")) {
                root.error("bindings", "is required (an empty list removes every role)");
            }
            bindings = bindings(root, "bindings");
            root.finish();
        }
        throwIfAny(errors);
        return bindings;
    }

    static NewToken newToken(byte[] body, String contentType) {
        return newToken(Documents.read(body, contentType));
    }

    /** The same from a document already read (the console builds one from its form). */
    public static NewToken newToken(Object document) {
        List<FieldError> errors = new ArrayList<>();
        Node root = Node.root(document, errors);
        String name = null;
        String user = null;
        Duration expiresIn = null;
        List<Binding> bindings = null;
        if (root.expectMap()) {
            name = root.string("name", true, 63);
            if (name != null && !USER_NAME.matcher(name).matches()) {
                root.error("name", "must be lowercase letters, digits and . _ @ -, at most 64 characters");
            }
            user = userName(root, "user", false);
            String e = root.string("expiresIn", false, 20);
            if (e != null) {
                expiresIn = Durations.parse(e);
                if (expiresIn == null) {
                    root.error("expiresIn", "must be a duration such as 30d or 12h (every token expires)");
                }
            }
            if (root.has("bindings")) {
                bindings = bindings(root, "bindings");
            }
            root.finish();
        }
        throwIfAny(errors);
        return new NewToken(name, user, expiresIn, bindings);
    }

    static PasswordChange passwordChange(byte[] body, String contentType) {
        return passwordChange(Documents.read(body, contentType));
    }

    /** The same from a document already read (the console builds one from its form). */
    public static PasswordChange passwordChange(Object document) {
        List<FieldError> errors = new ArrayList<>();
        Node root = Node.root(document, errors);
        String current = null;
        String password = null;
        if (root.expectMap()) {
            current = root.string("current", false, Passwords.MAX_LENGTH);
            password = root.string("password", true, Passwords.MAX_LENGTH);
            root.finish();
        }
        throwIfAny(errors);
        Passwords.requireAcceptable("password", password);
        return new PasswordChange(current, password);
    }

    private static String userName(Node root, String key, boolean required) {
        String s = root.string(key, required, 64);
        if (s != null && !USER_NAME.matcher(s).matches()) {
            root.error(key, Node.quote(s) + " is not a user name (lowercase letters, digits and . _ @ -, at most 64)");
            return null;
        }
        return s;
    }

    private static List<Binding> bindings(Node root, String key) {
        List<Binding> out = new ArrayList<>();
        for (Node item : root.list(key, false)) {
            if (!item.expectMap()) {
                continue;
            }
            String role = item.string("role", true, 20);
            String ns = item.string("namespace", false, 63);
            item.finish();
            if (role != null) {
                try {
                    out.add(Binding.of(item.path(), role, ns));
                } catch (ApiException e) {
                    item.errors().addAll(e.errors());
                }
            }
        }
        return out.stream().distinct().toList();
    }

    private static void throwIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }

    static Instant expiry(NewToken t, Instant now, Duration dflt, Duration max) {
        Duration d = t.expiresIn() == null ? dflt : t.expiresIn();
        if (d.compareTo(max) > 0) {
            throw ApiException.invalid("expiresIn", "must be at most " + Durations.format(max));
        }
        return now.plus(d);
    }
}
