package io.kubestead.common;

/** Names in addresses: DNS-1123 labels, checked before anything is looked up. */
public final class Names {

    private Names() {
    }

    public static void requireLabel(String path, String name) {
        if (name == null || name.length() > 63 || !Node.DNS_LABEL.matcher(name).matches()) {
            throw ApiException.invalid(path, quote(name == null ? "" : name)
                    + " is not a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)");
        }
    }

    public static String quote(String s) {
        return Node.quote(s);
    }
}
