-- Analysis runs of releases and every measurement taken, kept as evidence.

create table analysis_run (
    id          bigserial primary key,
    release_id  bigint      not null references release (id),
    attempt     integer     not null,
    -- 'step' (an analysis step, at index step) or 'background' (rollout-level, step = index of the template)
    kind        text        not null check (kind in ('step', 'background')),
    step        integer     not null,
    template    text        not null,
    status      text        not null check (status in ('Running', 'Successful', 'Failed', 'Inconclusive', 'Error')),
    message     text,
    started_at  timestamptz not null,
    finished_at timestamptz,
    unique (release_id, attempt, kind, step)
);

create table analysis_measurement (
    id      bigserial primary key,
    run_id  bigint      not null references analysis_run (id),
    phase   text        not null check (phase in ('Successful', 'Failed', 'Inconclusive', 'Error')),
    value   jsonb,
    message text,
    query   text        not null,
    at      timestamptz not null
);
create index analysis_measurement_by_run on analysis_measurement (run_id, id);
