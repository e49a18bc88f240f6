-- The release engine's persisted state: where a release is inside its state, what a person asked for, and
-- what went wrong last.

alter table release
    -- hooks: the index of the hook being run; steps use current_step
    add column hook_index    integer not null default 0,
    -- each retry runs the steps (and a failed hook) again under a new attempt number
    add column attempt       integer not null default 1,
    -- inside Progressing: 'step' (running current_step), 'promote' (about to update the stable Deployment),
    -- 'stable-rollout' (stable Deployment updated, waiting for it), 'cleanup' (removing the canary)
    add column stage         text    not null default 'step',
    -- why a Paused release waits: 'step' (a pause step), 'manual' (a person), 'analysis' (inconclusive)
    add column pause_kind    text,
    -- the canary's share of traffic as last written to the cluster
    add column weight        integer not null default 0,
    -- an abort asked for and not yet carried out, with who asked and why
    add column requested_action text,
    add column requested_by  text,
    add column requested_reason text,
    add column requested_at  timestamptz,
    -- scratch data of the current step (e.g. the hook Job's name, when a step began waiting)
    add column step_data     jsonb,
    add column error_count   integer not null default 0,
    add column last_error    text;
