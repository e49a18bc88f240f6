-- Engine moves no longer hold the release's row lock while they call the cluster, a metric provider or a target
-- database. A worker claims a due release with a committed lease, acts with no transaction open, and commits its
-- result only if lock_version (the fencing version, raised by the claim and by every other change) is still the
-- one it claimed at.
alter table release
    -- the engine (one of its runners) working on the release, and until when its claim holds
    add column claimed_by  text,
    -- the runner's liveness key: while the runner lives it holds advisory lock (19733, claim_key) on a session of
    -- its own, so a claim of a runner that died is void at once, not only when lease_until passes
    add column claim_key   integer,
    add column lease_until timestamptz;

create index release_abort_requested on release (due_at) where requested_action is not null;

-- An analysis keeps running counts, so a judgement reads one row instead of every measurement taken so far.
alter table analysis_run
    add column measurements  integer not null default 0,
    add column failed        integer not null default 0,
    add column inconclusive  integer not null default 0,
    add column errors        integer not null default 0,
    add column errors_in_row integer not null default 0,
    add column last_at       timestamptz;

update analysis_run r set
    measurements = c.total, failed = c.failed, inconclusive = c.inconclusive, errors = c.errors, last_at = c.last_at
from (select run_id, count(*) total, count(*) filter (where phase = 'Failed') failed,
             count(*) filter (where phase = 'Inconclusive') inconclusive,
             count(*) filter (where phase = 'Error') errors, max(at) last_at
      from analysis_measurement group by run_id) c
where c.run_id = r.id;

update analysis_run r set errors_in_row = (
    select count(*) from analysis_measurement m where m.run_id = r.id and m.phase = 'Error'
       and m.id > coalesce((select max(id) from analysis_measurement k where k.run_id = r.id and k.phase <> 'Error'), 0));

-- Measurements of a long analysis beyond the newest kubestead.analysis.keep-measurements are folded into one row
-- per run and hour, so storage stays bounded while a background analysis runs for weeks.
create table analysis_summary (
    run_id       bigint      not null references analysis_run (id),
    hour         timestamptz not null,
    measurements integer     not null,
    failed       integer     not null,
    inconclusive integer     not null,
    errors       integer     not null,
    min_value    double precision,
    max_value    double precision,
    sum_value    double precision,
    numeric      integer     not null,
    primary key (run_id, hour)
);

-- Backfill batches run on the target database with no Kubestead transaction open, under the same kind of lease.
alter table backfill
    add column claimed_by  text,
    add column claim_key   integer,
    add column lease_until timestamptz;
