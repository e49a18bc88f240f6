package io.kubestead.check;

/** How much a finding matters; lowercase on purpose, as it is serialized. */
public enum Severity {
    info, warning, error
}
