package io.kubestead.pipeline;

/** A schema change that an expand-migrate-contract pipeline carries out. */
public sealed interface SchemaChange {

    String table();

    /** Rename a column: a new column kept equal to the old one by a trigger, in both directions. */
    record RenameColumn(String table, String from, String to) implements SchemaChange {
    }

    /** Change a column's type through a new column filled by a conversion expression over the old one. */
    record ChangeColumnType(String table, String column, String newType, String using, String newColumn)
            implements SchemaChange {
    }

    /** Hand-written SQL: expand, a backfill (SET ... for rows WHERE ...), contract. */
    record Custom(String table, String expandSql, String set, String where, String contractSql) implements SchemaChange {
    }
}
