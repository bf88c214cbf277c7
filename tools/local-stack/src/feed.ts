import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One recorded webhook delivery of the fixture corpus (`webhooks.jsonl` line). */
interface Delivery {
  source: "keycrm" | "amocrm" | "evolution";
  project: string;
  receivedAt: string;
  contentType: string;
  headers: Record<string, string>;
  body: string;
}

/** Result of {@link feedFixtures}. */
export interface FeedResult {
  deliveries: number;
  rejected: number;
  seconds: number;
  bySource: Record<string, number>;
}

/**
 * Reads the KeyCRM, amoCRM (and, when present, Evolution) deliveries of the fixture corpus and
 * POSTs them to ingest in recorded delivery order (merged by `received_at`), with their recorded
 * headers, duplicates and late deliveries included. amoCRM deliveries go to the project
 * `demoacademy`, Evolution ones too (its chats belong to that account). A delivery answered 5xx is
 * retried like a CRM would; a 4xx is counted as rejected.
 * @throws when ingest cannot be reached.
 */
export async function feedFixtures(opts: {
  fixturesDir: string;
  ingestUrl: string;
  secret: string;
  log: (line: string) => void;
}): Promise<FeedResult> {
  const all = [...loadDeliveries(opts.fixturesDir)].sort((a, b) =>
    a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0,
  );
  const started = performance.now();
  let rejected = 0;
  let evolutionMissing = false;
  const bySource: Record<string, number> = {};
  for (const [i, d] of all.entries()) {
    if (d.source === "evolution" && evolutionMissing) continue;
    const url = `${opts.ingestUrl}/webhooks/${d.source}/${d.project}?secret=${encodeURIComponent(opts.secret)}`;
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(url, {
        method: "POST",
        headers: { ...d.headers, "content-type": d.contentType, "x-recorded-received-at": d.receivedAt },
        body: d.body,
      });
      await res.arrayBuffer();
      if (res.status === 404 && d.source === "evolution") {
        evolutionMissing = true;
        opts.log("  (the Evolution webhook endpoint is not available: chat deliveries skipped)");
        break;
      }
      if (res.status >= 500 && attempt < 5) {
        await new Promise((r) => setTimeout(r, 200 * attempt));
        continue;
      }
      if (res.status >= 400) rejected++;
      else bySource[d.source] = (bySource[d.source] ?? 0) + 1;
      break;
    }
    if ((i + 1) % 1000 === 0) opts.log(`  … ${i + 1}/${all.length} deliveries`);
  }
  return { deliveries: all.length, rejected, seconds: (performance.now() - started) / 1000, bySource };
}

function* loadDeliveries(dir: string): Generator<Delivery> {
  for (const line of lines(join(dir, "keycrm/webhooks.jsonl"))) {
    const r = JSON.parse(line) as {
      project: string;
      received_at: string;
      headers: Record<string, string>;
      body: unknown;
    };
    yield {
      source: "keycrm",
      project: r.project,
      receivedAt: r.received_at,
      contentType: r.headers["content-type"] ?? "application/json",
      headers: pick(r.headers),
      body: JSON.stringify(r.body),
    };
  }
  for (const line of lines(join(dir, "amocrm/webhooks.jsonl"))) {
    const r = JSON.parse(line) as { received_at: string; headers: Record<string, string>; body: string };
    yield {
      source: "amocrm",
      project: "demoacademy",
      receivedAt: r.received_at,
      contentType: r.headers["content-type"] ?? "application/x-www-form-urlencoded",
      headers: pick(r.headers),
      body: r.body,
    };
  }
  for (const line of lines(join(dir, "evolution/webhooks.jsonl"))) {
    const r = JSON.parse(line) as { date_time?: string };
    // Evolution's `date_time` is the host's local time (UTC+3) written with a false `Z`
    // (formats/evolution-api.md): shift it back to merge with the CRM deliveries.
    const ts = r.date_time ? new Date(Date.parse(r.date_time) - 3 * 3600_000).toISOString() : "";
    yield {
      source: "evolution",
      project: "demoacademy",
      receivedAt: ts,
      contentType: "application/json",
      headers: {},
      body: line,
    };
  }
}

function lines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim().length > 0);
}

function pick(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k !== "content-length" && k !== "host") out[k] = v;
  return out;
}
