/**
 * The recorded KeyCRM and amoCRM webhook deliveries of the fixture corpus as POSTable deliveries,
 * in recorded delivery order, each carrying its original receive time in `X-Recorded-Received-At`
 * (ingest trusts it when `TRUST_RECORDED_RECEIVED_AT` is on, so time-less deliveries get the time
 * they were originally received, whatever the order or moment of the import).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Delivery } from "./stack.js";

/** Loads the deliveries of `sources` for `projects`, sorted by recorded receive time. */
export function loadDeliveries(
  fixturesDir: string,
  projects: Set<string>,
): (Delivery & { receivedAt: string })[] {
  const out: (Delivery & { receivedAt: string })[] = [];
  for (const line of readFileSync(join(fixturesDir, "keycrm/webhooks.jsonl"), "utf8").split("\n")) {
    if (!line) continue;
    const r = JSON.parse(line) as { project: string; received_at: string; body: unknown };
    if (!projects.has(r.project)) continue;
    out.push({
      path: `/webhooks/keycrm/${r.project}`,
      contentType: "application/json",
      headers: { "x-recorded-received-at": r.received_at },
      body: JSON.stringify(r.body),
      receivedAt: r.received_at,
    });
  }
  if (projects.has("demoacademy")) {
    for (const line of readFileSync(join(fixturesDir, "amocrm/webhooks.jsonl"), "utf8").split("\n")) {
      if (!line) continue;
      const r = JSON.parse(line) as { received_at: string; body: string };
      out.push({
        path: "/webhooks/amocrm/demoacademy",
        contentType: "application/x-www-form-urlencoded",
        headers: { "x-recorded-received-at": r.received_at },
        body: r.body,
        receivedAt: r.received_at,
      });
    }
  }
  return out.sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0));
}

/**
 * The recorded Evolution API (WhatsApp) deliveries of `demoacademy`'s chats
 * (`evolution/webhooks.jsonl`, one body per line), in recorded order.
 */
export function loadEvolutionDeliveries(fixturesDir: string): Delivery[] {
  return readFileSync(join(fixturesDir, "evolution/webhooks.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line.trim().length > 0)
    .map((line) => ({
      path: "/webhooks/evolution/demoacademy",
      contentType: "application/json",
      headers: {},
      body: line,
    }));
}

/** A deterministic shuffle (mulberry32 + Fisher–Yates). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const a = [...items];
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

/** POSTs `deliveries` with `concurrency` requests in flight; returns the statuses seen. */
export async function feed(
  post: (d: Delivery) => Promise<number>,
  deliveries: readonly Delivery[],
  concurrency: number,
): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      const d = deliveries[i];
      if (!d) return;
      const status = await post(d);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}
