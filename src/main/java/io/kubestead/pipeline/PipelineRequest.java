package io.kubestead.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kubestead.common.ApiException;
import io.kubestead.common.Documents;
import io.kubestead.common.Durations;
import io.kubestead.common.FieldError;
import io.kubestead.common.Node;

/** A pipeline as asked for: POST /api/v1/pipelines, checked strictly with exact paths. */
public record PipelineRequest(String name, String rollout, String database, SchemaChange change,
        Map<String, Map<String, String>> phases, Map<String, Object> backfill, Duration confidenceWindow,
        Map<String, io.kubestead.rollout.spec.ApprovalPolicy> approvals) {

    public static final List<String> PHASES = List.of("expand", "migrate", "contract");

    public static PipelineRequest parse(byte[] body, String contentType) {
        List<FieldError> errors = new ArrayList<>();
        Node root = Node.root(Documents.read(body, contentType), errors);
        if (!root.expectMap()) {
            throw ApiException.invalid(errors);
        }
        String name = root.dnsLabel("name", true);
        String rollout = root.dnsLabel("rollout", true);
        String database = root.string("database", true, 63);
        SchemaChange change = change(root.child("change"));
        Map<String, Map<String, String>> phases = new LinkedHashMap<>();
        for (String phase : PHASES) {
            Node p = root.child(phase);
            if (p.isNull()) {
                p.error("is required: {version, image}");
                continue;
            }
            if (p.expectMap()) {
                String version = p.string("version", true, 128);
                String image = p.string("image", true, 512);
                p.finish();
                phases.put(phase, Map.of("version", version == null ? "" : version, "image", image == null ? "" : image));
            }
        }
        Map<String, Object> backfill = backfill(root.child("backfill"));
        Duration window = Durations.field(root, "confidenceWindow", false);
        Map<String, io.kubestead.rollout.spec.ApprovalPolicy> approvals = new LinkedHashMap<>();
        Node a = root.child("approvals");
        if (!a.isNull() && a.expectMap()) {
            for (String phase : PHASES) {
                if (a.has(phase)) {
                    io.kubestead.rollout.spec.ApprovalPolicy policy = io.kubestead.rollout.spec.ApprovalPolicy.parse(a.child(phase));
                    if (policy != null) {
                        approvals.put(phase, policy);
                    }
                }
            }
            a.finish();
        }
        root.finish();
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return new PipelineRequest(name, rollout, database, change, phases, backfill,
                window == null ? Duration.ofHours(48) : window, approvals);
    }

    private static SchemaChange change(Node c) {
        if (c.isNull()) {
            c.error("is required: renameColumn, changeColumnType or custom");
            return null;
        }
        if (!c.expectMap()) {
            return null;
        }
        List<String> kinds = List.of("renameColumn", "changeColumnType", "custom");
        c.known(kinds);
        if (kinds.stream().filter(c::has).count() != 1) {
            c.error("must have exactly one of " + kinds);
        }
        SchemaChange result = null;
        if (c.has("renameColumn")) {
            Node r = c.child("renameColumn");
            if (r.expectMap()) {
                String table = identifier(r, "table", true);
                String from = identifier(r, "from", false);
                String to = identifier(r, "to", false);
                if (from != null && from.equals(to)) {
                    r.error("to", "must differ from 'from'");
                }
                r.finish();
                result = new SchemaChange.RenameColumn(table, from, to);
            }
        }
        if (c.has("changeColumnType")) {
            Node r = c.child("changeColumnType");
            if (r.expectMap()) {
                String table = identifier(r, "table", true);
                String column = identifier(r, "column", false);
                String newType = r.string("newType", true, 200);
                // both are written into generated SQL (using inside a trigger's dollar-quoted body): one type name,
                // one expression, nothing that could end either
                fragment(r, "newType", newType, SqlFragments::requireTypeName);
                String using = r.string("using", true, 2000);
                fragment(r, "using", using, SqlFragments::requireExpression);
                String newColumn = r.has("newColumn") ? identifier(r, "newColumn", false) : column == null ? null : column + "_new";
                r.finish();
                result = new SchemaChange.ChangeColumnType(table, column, newType, using, newColumn);
            }
        }
        if (c.has("custom")) {
            Node r = c.child("custom");
            if (r.expectMap()) {
                String table = identifier(r, "table", true);
                String expand = r.string("expandSql", true, 100_000);
                String contract = r.string("contractSql", true, 100_000);
                Node b = r.child("backfill");
                String set = null;
                String where = null;
                if (b.isNull()) {
                    b.error("is required: {set, where}; 'where' selects the rows that still need the change");
                } else if (b.expectMap()) {
                    set = b.string("set", true, 10_000);
                    where = b.string("where", true, 10_000);
                    fragment(b, "set", set, SqlFragments::requireAssignments);
                    fragment(b, "where", where, SqlFragments::requireCondition);
                    b.finish();
                }
                r.finish();
                result = new SchemaChange.Custom(table, expand, set, where, contract);
            }
        }
        c.finish();
        return result;
    }

    /** Checks a SQL fragment, reporting its refusal at the fragment's own path among the other errors. */
    private static void fragment(Node n, String key, String sql, java.util.function.BiConsumer<String, String> check) {
        if (sql == null) {
            return;
        }
        try {
            check.accept(io.kubestead.common.Paths.key(n.path(), key), sql);
        } catch (io.kubestead.common.ApiException e) {
            n.errors().addAll(e.errors());
        }
    }

    /** Schemas of PostgreSQL itself: a pipeline never changes them. */
    static final java.util.Set<String> SYSTEM_SCHEMAS = java.util.Set.of("pg_catalog", "information_schema", "pg_toast");

    private static String identifier(Node n, String key, boolean qualified) {
        String s = n.string(key, true, 127);
        String pattern = qualified ? "([a-z_][a-z0-9_$]*\\.)?[a-z_][a-z0-9_$]*" : "[a-z_][a-z0-9_$]*";
        if (s != null && !s.matches(pattern)) {
            n.error(key, Node.quote(s) + " is not a lowercase SQL identifier" + (qualified ? " (optionally schema.table)" : ""));
            return null;
        }
        if (qualified && s != null) {
            int dot = s.indexOf('.');
            String schema = dot < 0 ? null : s.substring(0, dot);
            String table = dot < 0 ? s : s.substring(dot + 1);
            if ((schema != null && (SYSTEM_SCHEMAS.contains(schema) || schema.startsWith("pg_")))
                    || (schema == null && table.startsWith("pg_"))) {
                n.error(key, Node.quote(s) + " is a table of PostgreSQL itself; pipelines change application tables only");
                return null;
            }
        }
        return s;
    }

    private static Map<String, Object> backfill(Node b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batchSize", 1000);
        m.put("pause", "0ms");
        m.put("statementTimeout", "30s");
        m.put("maxReplicationLag", "5s");
        m.put("targetBatchTime", "200ms");
        if (b.isNull() || !b.expectMap()) {
            return m;
        }
        Integer size = b.integer("batchSize", false, 1, 10_000);
        if (size != null) {
            m.put("batchSize", size);
        }
        for (String key : List.of("pause", "statementTimeout", "maxReplicationLag", "targetBatchTime")) {
            // only the pause between batches may be zero
            Duration d = Durations.field(b, key, false, key.equals("pause"));
            if (d != null) {
                m.put(key, Durations.format(d));
            }
        }
        b.finish();
        return m;
    }
}
