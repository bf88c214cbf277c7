import type { Database } from "@pulse/infra";
import type { Kysely } from "kysely";
import { monotonicFactory } from "ulid";

const nextId = monotonicFactory();

/** Keys whose values are secrets: masked in every audit row (`before`/`after`). */
const SECRET_KEYS =
  /(^|_)(password|password_hash|token|token_hash|secret|webhook_secret|api_key|api_token|bot_token|crm_token|csrf_token)$/i;

/** The mask written instead of a secret value. */
export const MASK = "***";

/**
 * A deep copy of `value` with every secret-named member (password, token, secret, api key, …)
 * replaced by {@link MASK} (`null` stays `null`, so "no secret" is still visible).
 */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEYS.test(k) && v !== null && v !== undefined ? MASK : maskSecrets(v);
    }
    return out;
  }
  return value;
}

/** One change, as {@link recordAudit} stores it. */
export interface AuditEntry {
  readonly at: Date;
  /** Login of the author (`cli` for the command line). */
  readonly actor: string;
  /** `user`, `membership`, `api_token`, `settings`, `overrides`, `project`. */
  readonly entity: string;
  readonly entityId: string;
  readonly projectId: string | null;
  /** `create`, `update`, `delete`, `revoke`, `change`. */
  readonly action: string;
  /** Values before/after the change (`null` for none); secrets are masked here. */
  readonly before: unknown;
  readonly after: unknown;
}

/**
 * Appends an audit row (secrets masked with {@link maskSecrets}).
 * @throws the Postgres error when the insert fails.
 */
export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(maskSecrets(v)));
  await db
    .insertInto("auth.audit")
    .values({
      id: nextId(entry.at.getTime()),
      at: entry.at,
      actor: entry.actor,
      entity: entry.entity,
      entity_id: entry.entityId,
      project_id: entry.projectId,
      action: entry.action,
      before: json(entry.before),
      after: json(entry.after),
    })
    .execute();
}

/** Filter of {@link listAudit}. */
export interface AuditFilter {
  /** Projects the caller may audit, or `'*'` (the owner: everything, rows without project too). */
  readonly visible: "*" | readonly string[];
  readonly projectId?: string | undefined;
  readonly actor?: string | undefined;
  readonly entity?: string | undefined;
  /** `[from, to)`. */
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly limit: number;
}

/** One audit row as `GET /api/audit` returns it. */
export interface AuditItem {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly entity: string;
  readonly entity_id: string;
  readonly project_id: string | null;
  readonly action: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** Audit rows matching `filter`, newest first, at most `filter.limit`. */
export async function listAudit(db: Kysely<Database>, filter: AuditFilter): Promise<AuditItem[]> {
  if (filter.visible !== "*" && filter.visible.length === 0) return [];
  const rows = await db
    .selectFrom("auth.audit")
    .selectAll()
    .$if(filter.visible !== "*", (qb) => qb.where("project_id", "in", filter.visible as readonly string[]))
    .$if(filter.projectId !== undefined, (qb) => qb.where("project_id", "=", filter.projectId as string))
    .$if(filter.actor !== undefined, (qb) => qb.where("actor", "=", filter.actor as string))
    .$if(filter.entity !== undefined, (qb) => qb.where("entity", "=", filter.entity as string))
    .$if(filter.from !== undefined, (qb) => qb.where("at", ">=", filter.from as Date))
    .$if(filter.to !== undefined, (qb) => qb.where("at", "<", filter.to as Date))
    .orderBy("at", "desc")
    .orderBy("id", "desc")
    .limit(filter.limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actor,
    entity: r.entity,
    entity_id: r.entity_id,
    project_id: r.project_id,
    action: r.action,
    before: maskSecrets(r.before),
    after: maskSecrets(r.after),
  }));
}
