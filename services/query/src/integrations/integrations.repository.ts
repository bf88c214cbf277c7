/**
 * Reads of integration health for `GET /api/integrations/health`: the API health and notification
 * counts ingest writes to the KV bucket `{EVENTS_STREAM}_HEALTH` (`@pulse/events`
 * `integrations.ts`), and the public part of a project's Telegram settings from ingest's project
 * registry `{EVENTS_STREAM}_PROJECTS` (`chat_id`, `template`, `enabled`; the bot token is sealed
 * there and never read here — only whether one is set).
 */
import { type KV, Kvm } from "@nats-io/kv";
import {
  ApiHealth,
  apiHealthKey,
  healthBucketName,
  type IntegrationApi,
  NotificationStats,
  notificationStatsKey,
} from "@pulse/events";
import type { Nats } from "@pulse/infra";

/** The public Telegram settings of a project (no token: `bot_token_set` only). */
export interface TelegramSettingsView {
  chat_id: string;
  template: string | null;
  enabled: boolean;
  bot_token_set: boolean;
}

async function openBucket(nats: Nats, name: string): Promise<KV | null> {
  try {
    return await new Kvm(nats.js).open(name);
  } catch {
    return null; // not created yet: nothing recorded
  }
}

async function readJson(kv: KV | null, key: string): Promise<unknown> {
  if (!kv) return null;
  const entry = await kv.get(key).catch(() => null);
  if (!entry || entry.operation !== "PUT") return null;
  try {
    return entry.json();
  } catch {
    return null;
  }
}

/**
 * The health records of a project's APIs (`crm`, `radist`; an API never called has none) and its
 * notification counts (null when nothing was sent or failed yet).
 * @throws NATS errors other than a missing bucket or key.
 */
export async function readIntegrationHealth(
  nats: Nats,
  eventsStream: string,
  projectId: string,
): Promise<{ apis: Partial<Record<IntegrationApi, ApiHealth>>; notifications: NotificationStats | null }> {
  const kv = await openBucket(nats, healthBucketName(eventsStream));
  const apis: Partial<Record<IntegrationApi, ApiHealth>> = {};
  for (const api of ["crm", "radist"] as const) {
    const parsed = ApiHealth.safeParse(await readJson(kv, apiHealthKey(projectId, api)));
    if (parsed.success) apis[api] = parsed.data;
  }
  const stats = NotificationStats.safeParse(await readJson(kv, notificationStatsKey(projectId)));
  return { apis, notifications: stats.success ? stats.data : null };
}

/**
 * The public Telegram settings of a project from the registry record, or null when it has none.
 * Also tells whether the project has Radist access configured (the `radist` block exists).
 */
export async function readProjectIntegrations(
  nats: Nats,
  eventsStream: string,
  projectId: string,
): Promise<{ telegram: TelegramSettingsView | null; radist: boolean; crmApi: boolean }> {
  const kv = await openBucket(nats, `${eventsStream}_PROJECTS`);
  const raw = (await readJson(kv, projectId)) as Record<string, unknown> | null;
  const t = raw?.["telegram"] as Record<string, unknown> | undefined;
  const telegram =
    t && typeof t === "object"
      ? {
          chat_id: typeof t["chat_id"] === "string" ? t["chat_id"] : "",
          template: typeof t["template"] === "string" ? t["template"] : null,
          enabled: t["enabled"] === true,
          bot_token_set: t["bot_token"] !== null && t["bot_token"] !== undefined,
        }
      : null;
  return {
    telegram,
    radist: typeof raw?.["radist"] === "object" && raw?.["radist"] !== null,
    crmApi:
      raw?.["api_token"] !== null &&
      raw?.["api_token"] !== undefined &&
      typeof raw?.["base_url"] === "string",
  };
}
