import type { ColumnType } from "kysely";

/** `auth.users`: a person who signs in (migration `0004_accounts`). */
export interface UsersTable {
  /** ULID. */
  id: string;
  /** Unique case-insensitively. */
  login: string;
  display_name: string;
  /** argon2id PHC string; never returned by any API. */
  password_hash: string;
  /** The instance owner: manages projects and users, admin of every project. */
  is_owner: boolean;
  /** An inactive user cannot sign in; its sessions and tokens stop working. */
  active: boolean;
  created_at: ColumnType<Date, Date | string, never>;
  /** Login of the author (`cli` for the command line). */
  created_by: string;
  updated_at: ColumnType<Date, Date | string, Date | string>;
  updated_by: string;
}

/** `auth.memberships`: a user's role in one project. */
export interface MembershipsTable {
  user_id: string;
  project_id: string;
  role: "admin" | "viewer";
  created_at: ColumnType<Date, Date | string, Date | string>;
  created_by: string;
}

/** `auth.sessions`: a signed-in browser; the cookie holds the id, the table its SHA-256 hex. */
export interface SessionsTable {
  id_hash: string;
  user_id: string;
  /** Token the session's writes must echo in `X-CSRF-Token`. */
  csrf_token: string;
  created_at: ColumnType<Date, Date | string, never>;
  last_seen_at: ColumnType<Date, Date | string, Date | string>;
}

/** `auth.api_tokens`: a machine credential of a user, scoped to projects and a role. */
export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** SHA-256 hex of the token value (the value is shown once, never stored). */
  token_hash: string;
  role: "admin" | "viewer";
  /** Project ids, or `['*']` for every project of the user. */
  projects: string[];
  created_at: ColumnType<Date, Date | string, never>;
  last_used_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  revoked_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

/** `auth.audit`: who changed what and when, with masked before/after values. */
export interface AuditTable {
  /** ULID (sortable by time). */
  id: string;
  at: ColumnType<Date, Date | string, never>;
  /** Login of the author (`cli` for the command line). */
  actor: string;
  /** `user`, `membership`, `api_token`, `settings`, `overrides`, `project`, `session`. */
  entity: string;
  entity_id: string;
  project_id: string | null;
  /** `create`, `update`, `delete`, `revoke`, `change`, … */
  action: string;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
}

/** The tables of schema `auth`, merged into `Database`. */
export interface AuthTables {
  "auth.users": UsersTable;
  "auth.memberships": MembershipsTable;
  "auth.sessions": SessionsTable;
  "auth.api_tokens": ApiTokensTable;
  "auth.audit": AuditTable;
}
