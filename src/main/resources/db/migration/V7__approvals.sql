-- Approvals (a canary step kind, and gates before pipeline phases), the decisions people take on them, and an
-- outbox of notifications written in the same transaction as the change they report.

-- who started a release or created a pipeline: the requester, who may not approve it alone (four eyes)
alter table release add column started_by text;
alter table pipeline
    add column created_by text,
    -- {migrate: {approvers, minApprovals, timeout, onTimeout}, ...}: the phases that need an approval to start
    add column approvals jsonb;
-- a Slack user id maps to one Kubestead user (who then decides under their own roles)
alter table app_user add column slack_user_id text unique;

create table approval (
    id             bigserial primary key,
    -- what waits: a release's approval step (release, attempt, step), or a pipeline phase's start
    release_id     bigint references release (id),
    attempt        integer,
    step           integer,
    pipeline_name  text references pipeline (name),
    phase          text check (phase in ('expand', 'migrate', 'contract')),
    rollout_name   text        not null,
    -- the namespace whose APPROVE permission a decision needs
    namespace      text        not null,
    -- {approvers: [...], minApprovals, timeout, onTimeout}
    policy         jsonb       not null,
    -- the user who asked (started the release, created the pipeline), or null
    requester      text,
    state          text        not null check (state in ('Pending', 'Approved', 'Rejected', 'Expired', 'Cancelled')),
    requested_at   timestamptz not null,
    expires_at     timestamptz not null,
    decided_at     timestamptz,
    outcome        text,
    -- a gate's onTimeout: abort has been carried out (the pipeline aborted)
    consequence_done boolean not null default false,
    -- where the bot posted the request (chat.postMessage), to update it
    slack_channel  text,
    slack_ts       text,
    lock_version   bigint      not null default 0,
    check ((release_id is not null) <> (pipeline_name is not null))
);
create unique index approval_of_step on approval (release_id, attempt, step) where release_id is not null;
create unique index approval_of_phase on approval (pipeline_name, phase) where pipeline_name is not null;
create index approval_pending on approval (expires_at) where state = 'Pending';

create table approval_decision (
    id          bigserial primary key,
    approval_id bigint      not null references approval (id),
    -- one decision per person: a second one (or the same Slack click delivered twice) is refused by the database
    user_name   text        not null,
    actor       text        not null,
    via         text        not null check (via in ('console', 'api', 'slack')),
    decision    text        not null check (decision in ('approve', 'reject')),
    comment     text,
    at          timestamptz not null,
    unique (approval_id, user_name)
);

create table outbox (
    id              bigserial primary key,
    -- what is reported × where: a notification is written once, whatever retries or replicas do
    idempotency_key text        not null unique,
    channel         text        not null,
    kind            text        not null,
    payload         jsonb       not null,
    state           text        not null check (state in ('Pending', 'Delivered', 'Dead')),
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null,
    last_error      text,
    created_at      timestamptz not null,
    delivered_at    timestamptz,
    claimed_by      text,
    claim_key       integer,
    lease_until     timestamptz,
    lock_version    bigint      not null default 0
);
create index outbox_due on outbox (next_attempt_at) where state = 'Pending';
