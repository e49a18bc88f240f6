package io.kubestead.check;

public final class Lint {
    public record Result(java.util.List<SqlStatement> statements, java.util.List<Finding> findings) {
    }

    public static Result lint(String sql) {
        if (sql.length() > 100_000) {
            throw io.kubestead.common.ApiException.invalid("sql", "too long");
        }
        java.util.List<SqlStatement> out = new java.util.ArrayList<>();
        java.util.List<String> parts = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        String dollar = null;
        boolean quote = false;
        for (int i = 0; i < sql.length(); i++) {
            char ch = sql.charAt(i);
            if (dollar != null) {
                if (sql.startsWith(dollar, i)) {
                    cur.append(dollar);
                    i += dollar.length() - 1;
                    dollar = null;
                    continue;
                }
            } else if (quote) {
                if (ch == '\'') {
                    quote = false;
                }
            } else if (ch == '\'') {
                quote = true;
            } else if (ch == '$') {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$[A-Za-z_]*\\$").matcher(sql).region(i, sql.length());
                if (m.lookingAt()) {
                    dollar = m.group();
                    cur.append(dollar);
                    i += dollar.length() - 1;
                    continue;
                }
            } else if (ch == ';') {
                parts.add(cur.toString());
                cur.setLength(0);
                continue;
            }
            cur.append(ch);
        }
        parts.add(cur.toString());
        int i = 1;
        for (String s : parts) {
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
