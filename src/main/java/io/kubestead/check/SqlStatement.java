package io.kubestead.check;

public record SqlStatement(int index, String sql, String kind, String parser, boolean transactional) {
}
