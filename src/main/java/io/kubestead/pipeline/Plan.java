package io.kubestead.pipeline;

import java.util.List;

/**
 * The SQL of a pipeline, generated before anything runs: expand DDL, the backfill's SET and the predicate of rows
 * that still need it (which is also the verification: it must find none), and contract DDL.
 */
public record Plan(String table, List<String> expand, String backfillSet, String needsBackfill, List<String> contract,
        String schemaAfterExpand, String schemaAfterContract) {

    public String verifySql() {
        return "select count(*) from " + table + " where " + needsBackfill;
    }
}
