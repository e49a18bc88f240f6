-- Rollout plans, their revisions, templates, releases and the append-only event history.

create table rollout (
    name             text primary key,
    current_revision integer     not null,
    created_at       timestamptz not null,
    updated_at       timestamptz not null,
    -- deleting a rollout hides it; its releases and their history are kept
    deleted_at       timestamptz
);

create table rollout_revision (
    id           bigserial primary key,
    rollout_name text        not null references rollout (name),
    revision     integer     not null,
    spec         jsonb       not null,
    created_at   timestamptz not null,
    unique (rollout_name, revision)
);

-- Job templates (a batch/v1 Job manifest) and analysis templates, one table, told apart by kind.
create table template (
    id         bigserial primary key,
    kind       text        not null check (kind in ('job', 'analysis')),
    name       text        not null,
    -- the validated document as JSON, and the text the client sent (comments and all)
    document   jsonb       not null,
    source     text        not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (kind, name)
);

create table release (
    id              bigserial primary key,
    rollout_name    text        not null references rollout (name),
    revision        integer     not null,
    version         text        not null,
    image           text        not null,
    state           text        not null check (state in
        ('Pending', 'RunningHooks', 'Progressing', 'Paused', 'Promoted', 'Aborted', 'Failed')),
    current_step    integer     not null default 0,
    step_started_at timestamptz,
    -- when the engine should next look at the release; null when nothing is due
    due_at          timestamptz,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    finished_at     timestamptz,
    lock_version    bigint      not null default 0,
    foreign key (rollout_name, revision) references rollout_revision (rollout_name, revision)
);

-- One workload can run one release at a time: the database, not a race, decides.
create unique index release_one_active_per_rollout on release (rollout_name)
    where state in ('Pending', 'RunningHooks', 'Progressing', 'Paused');
create index release_by_rollout on release (rollout_name, id desc);
create index release_by_state on release (state, id desc);
create index release_due on release (due_at) where due_at is not null;

create table release_event (
    id         bigserial primary key,
    release_id bigint      not null references release (id),
    type       text        not null,
    from_state text,
    to_state   text,
    actor      text        not null,
    reason     text,
    details    jsonb,
    at         timestamptz not null
);
create index release_event_by_release on release_event (release_id, id);

-- History is append-only: the database refuses to change or remove it.
create function release_event_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'release_event is append-only' using errcode = '55000';
end
$$;
create trigger release_event_no_update before update or delete on release_event
    for each row execute function release_event_append_only();
