package io.kubestead.check;

public record Finding(String rule, Severity severity, String category, Integer statement, String sql, String relation,
        String message, String fix, java.util.Map<String, Object> recipe) {
}
