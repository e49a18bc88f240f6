package io.kubestead.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The recipes' SQL and the backfill batches on a real PostgreSQL, without the server around them. */
class RecipesTest {

    static String freshDatabase() throws SQLException {
        return TargetDatabase.create("recipes_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
    }

    /** Runs batches until none is left; returns how many rows were updated. */
    static long backfill(Connection c, Plan plan, int size) throws SQLException {
        List<Map<String, String>> key = BackfillBatches.primaryKey(c, plan.table());
        List<String> upper = BackfillBatches.greatestKey(c, plan.table(), key);
        c.commit();
        List<String> cursor = null;
        long updated = 0;
        while (true) {
            BackfillBatches.Result r = BackfillBatches.run(c, plan, key, cursor, upper, size, 5000);
            if (r.scanned() == 0) {
                return updated;
            }
            updated += r.updated();
            cursor = r.cursor();
        }
    }

    static void exec(Connection c, List<String> sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
        c.commit();
    }

    @Test
    void changeColumnTypeThroughANewColumnOnACompositeKey() throws Exception {
        String url = freshDatabase();
        TargetDatabase.exec(url, "create table orders (tenant text, id int, amount text, primary key (tenant, id))",
                "insert into orders select 't' || (g % 7), g, (g * 3)::text from generate_series(1, 5000) g");
        Plan plan = Recipes.plan(new SchemaChange.ChangeColumnType("orders", "amount", "bigint", "amount::bigint", "amount_cents"), null);
        try (Connection c = TargetDatabase.connect(url)) {
            c.setAutoCommit(false);
            assertThat(BackfillBatches.primaryKey(c, "orders")).extracting(k -> k.get("name")).containsExactly("tenant", "id");
            exec(c, plan.expand());
            exec(c, List.of("insert into orders (tenant, id, amount) values ('t9', 9999, '42')",
                    "update orders set amount = '7' where tenant = 't1' and id = 1"));
            assertThat(backfill(c, plan, 333)).isEqualTo(4999);
            assertThat(BackfillBatches.mismatches(c, plan)).isZero();
            assertThat(TargetDatabase.count(url, "select amount_cents from orders where tenant = 't9' and id = 9999")).isEqualTo(42);
            assertThat(TargetDatabase.count(url, "select amount_cents from orders where tenant = 't1' and id = 1")).isEqualTo(7);
            exec(c, plan.contract());
            assertThat(TargetDatabase.count(url, "select count(*) from information_schema.columns where table_name = 'orders' "
                    + "and column_name = 'amount'")).isZero();
            assertThat(TargetDatabase.count(url, "select sum(amount_cents) from orders"))
                    .isEqualTo(TargetDatabase.count(url, "select sum(g * 3) from generate_series(2, 5000) g") + 7 + 42);
        }
    }

    @Test
    void customSqlBackfillsWhereItsPredicateSays() throws Exception {
        String url = freshDatabase();
        TargetDatabase.exec(url, "create table accounts (id bigint primary key, email text)",
                "insert into accounts select g, 'User' || g || '@Example.com' from generate_series(1, 3000) g");
        Plan plan = Recipes.plan(new SchemaChange.Custom("accounts", "alter table accounts add column if not exists email_lower text",
                "email_lower = lower(email)", "email_lower is distinct from lower(email)",
                "alter table accounts drop column if exists email"), null);
        try (Connection c = TargetDatabase.connect(url)) {
            c.setAutoCommit(false);
            exec(c, plan.expand());
            assertThat(BackfillBatches.mismatches(c, plan)).isEqualTo(3000);
            assertThat(backfill(c, plan, 1000)).isEqualTo(3000);
            assertThat(BackfillBatches.mismatches(c, plan)).isZero();
            assertThat(backfill(c, plan, 1000)).as("a second pass changes nothing").isZero();
        }
    }

    @Test
    void theRenameTriggerKeepsBothColumnsEqualFromEitherSide() throws Exception {
        String url = freshDatabase();
        TargetDatabase.exec(url, "create table users (id bigserial primary key, user_name text)",
                "insert into users (user_name) values ('a'), ('b')");
        Plan plan = Recipes.plan(new SchemaChange.RenameColumn("users", "user_name", "display_name"), "text");
        try (Connection c = TargetDatabase.connect(url)) {
            c.setAutoCommit(false);
            exec(c, plan.expand());
            exec(c, plan.expand()); // idempotent: a move re-run after a crash changes nothing
            exec(c, List.of("insert into users (user_name) values ('old-style')",
                    "insert into users (display_name) values ('new-only')",
                    "update users set user_name = 'a2' where id = 1",
                    "update users set display_name = 'b2' where id = 2"));
            assertThat(TargetDatabase.count(url, "select count(*) from users where display_name is distinct from user_name "
                    + "and id > 2")).isZero();
            assertThat(TargetDatabase.count(url, "select count(*) from users where id = 1 and display_name = 'a2'")).isEqualTo(1);
            assertThat(TargetDatabase.count(url, "select count(*) from users where id = 2 and user_name = 'b2'")).isEqualTo(1);
        }
    }
}
