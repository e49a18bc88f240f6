-- Expand-migrate-contract pipelines, their phases' releases, and resumable backfills.

create table pipeline (
    name              text primary key,
    rollout_name      text        not null references rollout (name),
    database_name     text        not null,
    change            jsonb       not null,
    -- the SQL each phase runs, generated when the pipeline is created (shown before it runs)
    plan              jsonb       not null,
    phases            jsonb       not null,
    confidence_window text        not null,
    state             text        not null check (state in ('Active', 'Completed', 'Aborted')),
    -- 'expanded', 'contracted' ...: what the schema is now, as far as Kubestead changed it
    schema_state      text        not null,
    created_at        timestamptz not null,
    updated_at        timestamptz not null,
    lock_version      bigint      not null default 0
);

alter table release
    add column pipeline_name text references pipeline (name),
    add column pipeline_phase text check (pipeline_phase in ('expand', 'migrate', 'contract')),
    -- the phase's schema work ran (it runs once, before the release's hooks)
    add column schema_done boolean not null default false;
create unique index release_pipeline_phase on release (pipeline_name, pipeline_phase, attempt)
    where pipeline_name is not null;
create index release_by_pipeline on release (pipeline_name, id) where pipeline_name is not null;
create index release_finished on release (finished_at) where finished_at is not null;

create table backfill (
    pipeline_name   text primary key references pipeline (name),
    state           text        not null check (state in ('Pending', 'Running', 'Paused', 'Completed', 'Cancelled', 'Failed')),
    table_name      text        not null,
    key_columns     jsonb       not null,
    -- the last primary key done, as text values in key order; null before the first batch
    cursor          jsonb,
    -- the greatest key when the backfill began: rows inserted later were written under the expand schema
    -- (its trigger fills them), so the backfill stops here instead of chasing inserts
    upper_bound     jsonb,
    rows_done       bigint      not null default 0,
    rows_scanned    bigint      not null default 0,
    batches         bigint      not null default 0,
    batch_size      integer     not null,
    -- batchSize, pause, statementTimeout, maxReplicationLag, targetBatchTime as given (with defaults)
    settings        jsonb       not null,
    mismatches      bigint,
    verified_at     timestamptz,
    estimated_rows  bigint,
    active_millis   bigint      not null default 0,
    throttled       boolean     not null default false,
    last_lag_millis bigint,
    message         text,
    -- when the runner should look at it next (the pause between batches, a throttle wait)
    next_at         timestamptz,
    started_at      timestamptz,
    finished_at     timestamptz,
    updated_at      timestamptz not null,
    lock_version    bigint      not null default 0
);
