package io.kubestead.check;

public final class Lint {
    public record Result(java.util.List<SqlStatement> statements, java.util.List<Finding> findings) {
    }

    public static Result lint(String sql) {
        java.util.List<SqlStatement> out = new java.util.ArrayList<>();
        int i = 1;
        for (String s : sql.split(";")) {
            if (!s.isBlank()) {
                String t = s.strip();
                String kind = t.split("\\s+")[0].toUpperCase();
                boolean tx = !t.toLowerCase().contains("concurrently") && !kind.equals("VACUUM");
                out.add(new SqlStatement(i++, t, kind, "lexer", tx));
            }
        }
        return new Result(out, java.util.List.of());
    }
}
