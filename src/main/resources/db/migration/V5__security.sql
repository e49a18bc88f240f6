-- Who may do what: users (people and service accounts), role bindings scoped to namespaces, API tokens,
-- console sessions, sign-in throttling and the security audit trail.

create table app_user (
    name          text primary key,
    -- 'user' signs in with a password; 'service' (CI) only ever authenticates with tokens
    kind          text        not null check (kind in ('user', 'service')),
    password_hash text,
    created_at    timestamptz not null,
    created_by    text        not null,
    disabled_at   timestamptz,
    check (kind = 'user' or password_hash is null)
);

create table role_binding (
    id        bigserial primary key,
    user_name text not null references app_user (name),
    role      text not null check (role in ('viewer', 'operator', 'approver', 'admin')),
    -- null: every namespace
    namespace text,
    unique nulls not distinct (user_name, role, namespace)
);
create index role_binding_by_user on role_binding (user_name);

create table api_token (
    id           bigserial primary key,
    name         text        not null,
    user_name    text        not null references app_user (name),
    created_by   text        not null,
    -- SHA-256 of the secret: tokens carry 256 random bits, so a fast hash is enough and keeps bcrypt off
    -- the per-request path
    secret_hash  text        not null unique,
    -- the first characters of the secret, to recognise a token in a list
    prefix       text        not null,
    -- the token's own bindings ("operator@payments,viewer"): never more than its user holds when it is used
    bindings     text        not null,
    created_at   timestamptz not null,
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    revoked_by   text
);
create index api_token_by_user on api_token (user_name, id);

create table console_session (
    secret_hash  text primary key,
    -- a local user; null for a person signed in through OIDC, whose name and roles come from the provider
    user_name    text references app_user (name),
    actor        text        not null,
    -- the roles an OIDC sign-in mapped from its claims (local users' roles are read at each request)
    bindings     text,
    csrf_token   text        not null,
    created_at   timestamptz not null,
    last_seen_at timestamptz not null,
    expires_at   timestamptz not null,
    ended_at     timestamptz
);
create index console_session_by_user on console_session (user_name);

-- Failed sign-ins per user name and per client address; a key that failed too often is refused for a growing time.
create table sign_in_throttle (
    key          text primary key,
    failures     integer     not null,
    window_start timestamptz not null,
    locked_until timestamptz
);

create table audit_event (
    id      bigserial primary key,
    at      timestamptz not null,
    actor   text        not null,
    action  text        not null,
    subject text,
    outcome text        not null,
    client  text,
    details jsonb
);
create index audit_event_by_at on audit_event (id desc);
create index audit_event_by_action on audit_event (action, id desc);

-- one guard for every append-only table: it names the table it protects
create function refuse_change_of_history() returns trigger language plpgsql as $$
begin
    raise exception '% is append-only', tg_table_name using errcode = '55000';
end
$$;
create trigger audit_event_no_update before update or delete on audit_event
    for each row execute function refuse_change_of_history();
