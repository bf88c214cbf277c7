import { type Kysely, sql } from "kysely";

// Accounts and access (schema `auth`): users, per-project memberships with a role, server-side
// sessions, API tokens and the audit log. They live outside the read models (`rm`), so a replay or
// a read-model rebuild never touches them. Secrets are stored only as hashes: passwords as argon2id
// PHC strings, session ids and API tokens as SHA-256 hex of their high-entropy values.
// Migrations never import application code.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SCHEMA IF NOT EXISTS auth`.execute(db);
  await sql`
    CREATE TABLE auth.users (
      id text PRIMARY KEY,
      login text NOT NULL,
      display_name text NOT NULL,
      password_hash text NOT NULL,
      is_owner boolean NOT NULL DEFAULT false,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      updated_at timestamptz NOT NULL,
      updated_by text NOT NULL
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX users_login ON auth.users (lower(login))`.execute(db);
  await sql`
    CREATE TABLE auth.memberships (
      user_id text NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
      project_id text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'viewer')),
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      PRIMARY KEY (user_id, project_id)
    )`.execute(db);
  await sql`CREATE INDEX memberships_project ON auth.memberships (project_id)`.execute(db);
  await sql`
    CREATE TABLE auth.sessions (
      id_hash text PRIMARY KEY,
      user_id text NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX sessions_user ON auth.sessions (user_id)`.execute(db);
  await sql`
    CREATE TABLE auth.api_tokens (
      id text PRIMARY KEY,
      user_id text NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
      name text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      role text NOT NULL CHECK (role IN ('admin', 'viewer')),
      projects text[] NOT NULL,
      created_at timestamptz NOT NULL,
      last_used_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX api_tokens_user ON auth.api_tokens (user_id)`.execute(db);
  await sql`
    CREATE TABLE auth.audit (
      id text PRIMARY KEY,
      at timestamptz NOT NULL,
      actor text NOT NULL,
      entity text NOT NULL,
      entity_id text NOT NULL,
      project_id text,
      action text NOT NULL,
      before jsonb,
      after jsonb
    )`.execute(db);
  await sql`CREATE INDEX audit_at ON auth.audit (at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX audit_project ON auth.audit (project_id, at DESC)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SCHEMA auth CASCADE`.execute(db);
}
