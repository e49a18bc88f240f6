package io.kubestead.check;

public enum Severity { info, warning, error }
