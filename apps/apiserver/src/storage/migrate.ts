import type pg from 'pg';

/** Arbitrary but fixed: the advisory lock keys of the API server. */
export const MIGRATE_LOCK = 7_245_000;
export const WRITE_LOCK = 7_245_001;
export const COMPACT_LOCK = 7_245_002;
export const EVENTS_CHANNEL = 'apiserver_events';
export const TOKENS_CHANNEL = 'apiserver_tokens';

/**
 * The storage schema, kine-shaped: `objects` holds the current state (fast
 * get, uniqueness), `events` is the revision log (watch resume, consistent
 * paged lists at an old revision). Compaction deletes superseded revisions
 * older than a window, so `events` always still holds the newest revision of
 * every live key.
 *
 * Every write goes through `apiserver.put`, one round trip. It takes a
 * transaction-scoped advisory lock before allocating the revision, so the
 * revision order is the commit order: a reader who has seen revision N has
 * seen every revision below N. This is what makes watch-from-revision and
 * list-then-watch gap-free without kine's gap-filling poll.
 */
const SCHEMA_SQL = `
create schema if not exists apiserver;

create table if not exists apiserver.meta (
  id int primary key check (id = 1),
  rv bigint not null,
  compact_rv bigint not null
);
insert into apiserver.meta (id, rv, compact_rv) values (1, 0, 0) on conflict (id) do nothing;

create table if not exists apiserver.logical_clusters (
  name text primary key,
  path text not null unique,
  parent text,
  uid uuid not null,
  owner text,
  phase text not null default 'Ready',
  created_at timestamptz not null default now()
);

create table if not exists apiserver.objects (
  cluster text not null,
  resource text not null,
  namespace text not null,
  name text not null,
  rv bigint not null,
  value text not null,
  primary key (cluster, resource, namespace, name)
);
create index if not exists objects_cluster_namespace on apiserver.objects (cluster, namespace);
create index if not exists objects_resource on apiserver.objects (resource, cluster, namespace, name);

create table if not exists apiserver.events (
  rv bigint primary key,
  cluster text not null,
  resource text not null,
  namespace text not null,
  name text not null,
  type text not null,
  value text not null
);
create index if not exists events_key on apiserver.events (cluster, resource, namespace, name, rv desc);

-- Objects per logical cluster, kept by apiserver.put: the per-cluster cap reads one row, not a count(*).
create table if not exists apiserver.cluster_object_counts (
  cluster text primary key,
  objects bigint not null
);

create table if not exists apiserver.tokens (
  token_hash text primary key,
  username text not null,
  groups text[] not null default '{}',
  -- Logical cluster paths this token may use; null means every cluster (system identities only).
  clusters text[],
  wildcard boolean not null default false,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

create or replace function apiserver.tokens_changed() returns trigger language plpgsql as $fn$
begin
  perform pg_notify('${TOKENS_CHANNEL}', coalesce(new.token_hash, old.token_hash));
  return null;
end $fn$;
drop trigger if exists tokens_changed on apiserver.tokens;
create trigger tokens_changed after insert or update or delete on apiserver.tokens
  for each row execute function apiserver.tokens_changed();

-- p_expect: null = must not exist (create); >= 0 = current revision must equal it.
-- p_max_objects: a create is refused (-4) when the logical cluster already holds that many objects;
-- checked here, under the write lock, so no two creates can both pass the last free slot and the
-- cap costs no round trip of its own. null = no cap.
-- Returns {revision or code, objects in the cluster after a create (else null)}; codes: -1 exists,
-- -2 missing, -3 revision mismatch, -4 over the object cap (second element: the count).
create or replace function apiserver.put(
  p_cluster text, p_resource text, p_namespace text, p_name text,
  p_expect bigint, p_value text, p_delete boolean, p_max_objects bigint
) returns bigint[] language plpgsql as $fn$
declare
  cur bigint;
  nrv bigint;
  etype text;
  cnt bigint;
begin
  perform pg_advisory_xact_lock(${WRITE_LOCK});
  select rv into cur from apiserver.objects
    where cluster = p_cluster and resource = p_resource and namespace = p_namespace and name = p_name;
  if p_expect is null then
    if cur is not null then return array[-1, null]::bigint[]; end if;
  else
    if cur is null then return array[-2, null]::bigint[]; end if;
    if cur <> p_expect then return array[-3, null]::bigint[]; end if;
  end if;
  if p_max_objects is not null and cur is null and not p_delete then
    select objects into cnt from apiserver.cluster_object_counts where cluster = p_cluster;
    if coalesce(cnt, 0) >= p_max_objects then return array[-4, coalesce(cnt, 0)]::bigint[]; end if;
  end if;
  update apiserver.meta set rv = rv + 1 where id = 1 returning rv into nrv;
  if p_delete then
    delete from apiserver.objects
      where cluster = p_cluster and resource = p_resource and namespace = p_namespace and name = p_name;
    etype := 'DELETED';
    update apiserver.cluster_object_counts set objects = objects - 1 where cluster = p_cluster;
  elsif cur is null then
    insert into apiserver.objects (cluster, resource, namespace, name, rv, value)
      values (p_cluster, p_resource, p_namespace, p_name, nrv, p_value);
    etype := 'ADDED';
    insert into apiserver.cluster_object_counts (cluster, objects) values (p_cluster, 1)
      on conflict (cluster) do update set objects = apiserver.cluster_object_counts.objects + 1
      returning objects into cnt;
  else
    update apiserver.objects set rv = nrv, value = p_value
      where cluster = p_cluster and resource = p_resource and namespace = p_namespace and name = p_name;
    etype := 'MODIFIED';
  end if;
  insert into apiserver.events (rv, cluster, resource, namespace, name, type, value)
    values (nrv, p_cluster, p_resource, p_namespace, p_name, etype, p_value);
  perform pg_notify('${EVENTS_CHANNEL}', nrv::text);
  return array[nrv, cnt];
end $fn$;

-- A logical cluster and the objects made with it, as one statement (atomic without a transaction of
-- its own: no BEGIN/COMMIT round trips). revisions = {-2} when the parent path does not exist, {-1}
-- when the path or name is taken (nothing written); otherwise each object's revision, in order, and
-- parent_name the parent's name. An object whose precondition fails raises SQLSTATE AP409, which
-- undoes the whole statement.
create or replace function apiserver.create_cluster(
  p_name text, p_path text, p_parent_path text, p_uid uuid, p_owner text, p_created timestamptz,
  k_cluster text[], k_resource text[], k_namespace text[], k_name text[], k_expect bigint[], k_value text[],
  out parent_name text, out revisions bigint[]
) language plpgsql as $fn$
declare
  r bigint[];
begin
  revisions := '{}';
  if p_parent_path is not null then
    select name into parent_name from apiserver.logical_clusters where path = p_parent_path;
    if parent_name is null then revisions := array[-2]::bigint[]; return; end if;
  end if;
  insert into apiserver.logical_clusters (name, path, parent, uid, owner, created_at)
    values (p_name, p_path, parent_name, p_uid, p_owner, p_created) on conflict do nothing;
  if not found then revisions := array[-1]::bigint[]; return; end if;
  for i in 1 .. coalesce(array_length(k_name, 1), 0) loop
    r := apiserver.put(k_cluster[i], k_resource[i], k_namespace[i], k_name[i], k_expect[i], k_value[i], false, null::bigint);
    if r[1] <= 0 then
      raise exception 'logical cluster %: writing %/% failed its precondition (%)', p_path, k_resource[i], k_name[i], r[1]
        using errcode = 'AP409';
    end if;
    revisions := revisions || r[1];
  end loop;
end $fn$;

-- The earlier signature (no cap, the revision or code alone), kept for replicas of the previous
-- version that share this database during an upgrade.
create or replace function apiserver.put(
  p_cluster text, p_resource text, p_namespace text, p_name text,
  p_expect bigint, p_value text, p_delete boolean
) returns bigint language sql as $fn$
  select (apiserver.put(p_cluster, p_resource, p_namespace, p_name, p_expect, p_value, p_delete, null::bigint))[1];
$fn$;
`;

/** Creates or upgrades the `apiserver` schema; safe to run from several replicas at once. */
export async function migrateApiserverSchema(client: pg.ClientBase): Promise<void> {
  await client.query('begin');
  try {
    await client.query('select pg_advisory_xact_lock($1)', [MIGRATE_LOCK]);
    await client.query(SCHEMA_SQL);
    await client.query('commit');
  } catch (e) {
    await client.query('rollback');
    throw e;
  }
}
