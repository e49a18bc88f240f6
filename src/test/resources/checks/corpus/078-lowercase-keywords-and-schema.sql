-- expect-rules: none
-- expect-verdict: safe
set lock_timeout to '5s';
alter table public.users add column if not exists nickname varchar(30);
create index concurrently if not exists users_nickname_idx on public.users (nickname);
