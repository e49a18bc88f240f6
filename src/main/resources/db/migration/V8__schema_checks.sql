-- Schema checks: what a migration will lock and whom it will break, judged before it runs.
create table schema_check (
    id              bigserial primary key,
    database_name   text        not null,
    subject         text        not null check (subject in ('manual', 'pipeline', 'hook')),
    pipeline_name   text        references pipeline (name),
    phase           text,
    rollout_name    text,
    hook_name       text,
    -- the release whose hook this check was for (set when the release is created)
    release_id      bigint      references release (id),
    sql_text        text        not null,
    verdict         text        not null check (verdict in ('safe', 'needs-expand-migrate-contract', 'blocked')),
    report          jsonb       not null,
    created_at      timestamptz not null,
    created_by      text        not null,
    -- an admin may let a blocked phase or hook start anyway; who, why and when is kept with the report
    override_reason text,
    override_by     text,
    override_at     timestamptz
);
create index schema_check_pipeline on schema_check (pipeline_name, phase, id desc);
create index schema_check_database on schema_check (database_name, id desc);
create index schema_check_release on schema_check (release_id) where release_id is not null;

-- A contract phase waits until the old version is gone: its pods, and its queries of what the contract drops.
create table contract_watch (
    pipeline_name   text        primary key references pipeline (name),
    first_sampled_at timestamptz,
    sampled_at      timestamptz,
    -- queryid -> {calls, reads: whether the contract breaks it, query}
    queries         jsonb       not null default '{}'::jsonb,
    last_read_at    timestamptz,
    last_read_query text,
    pods_checked_at timestamptz,
    old_pods        jsonb       not null default '[]'::jsonb,
    note            text,
    updated_at      timestamptz not null
);
