/**
 * Fuzz: ≥ 1 000 definitely-malformed bodies per endpoint through `app.inject`. Every answer must be
 * 4xx (never 2xx, never 5xx), the app must still answer /health, and the events stream must not
 * grow. Bodies are built so that they are invalid by the rules of the wire formats, without
 * asking the code under test: required fields broken, JSON truncated, random bytes without an
 * entity group, wrong types, deep or huge keys.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import qs from "qs";
import { MAX_BODY_DEPTH } from "../crm/crm-values.js";
import { defaultFixturesDir } from "../testing/index.js";
import { createIngestTestEnv, type IngestTestEnv } from "../testing/ingest-test-env.js";
import { buildWebhookTestApp } from "../testing/webhook-test-app.js";
import { AMOCRM_ENTITY_GROUPS } from "./amocrm.normalizer.js";

const RUNS = 1200;
// A fixed seed keeps CI reproducible; FUZZ_SEED explores others.
const SEED = Number(process.env["FUZZ_SEED"] ?? 20261021);
const SECRET = "fuzz-secret-0001";
const fixtures = defaultFixturesDir();
const keycrmBodies = readFileSync(join(fixtures, "keycrm/webhooks.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.includes('"order.change_order_status"'))
  .slice(0, 300)
  .map((l) => (JSON.parse(l) as { body: { event: string; context: Record<string, unknown> } }).body);
const amoBodies = readFileSync(join(fixtures, "amocrm/webhooks.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.length > 0)
  .map((l) => (JSON.parse(l) as { body: string }).body);

const evolutionBodies = readFileSync(join(fixtures, "evolution/webhooks.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.includes('"messages.upsert"') && !l.includes("@g.us") && !l.includes("@broadcast"))
  .slice(0, 300);

let t: IngestTestEnv;
let app: FastifyInstance;

before(async () => {
  t = await createIngestTestEnv("ingestfuzz");
  app = await buildWebhookTestApp(t, SECRET);
});

after(async () => {
  await app?.close();
  await t?.close();
});

// ---- KeyCRM: JSON bodies that break the {event, context{id, status_id, …}} contract -------------

const badId = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(""),
  fc.integer({ max: -1 }),
  fc.double({ noInteger: true, noNaN: true }),
  fc.string().filter((s) => !/^\d{1,16}$/.test(s)),
  fc.object(),
  fc.array(fc.integer()),
  fc.boolean(),
  fc.constant(2 ** 60),
);
const badDate = fc.oneof(
  fc.constantFrom(
    "2026-02-30T00:00:00Z",
    "2026-13-01 00:00:00",
    "yesterday",
    "1792494035",
    "2026-10-12",
    "32.10.2026 10:00",
    "0000-00-00 00:00:00",
  ),
  fc.integer(),
  fc.object(),
  fc.string().filter((s) => !/^\d{4}-\d{2}-\d{2}[T ]/.test(s) && s !== ""),
);
const keycrmMutation = fc.tuple(fc.constantFrom(...keycrmBodies), fc.nat()).chain(([body, n]) =>
  fc.oneof(
    badId.map((v) => JSON.stringify({ ...body, context: { ...body.context, id: v } })),
    badId.map((v) => JSON.stringify({ ...body, context: { ...body.context, status_id: v } })),
    badDate.map((v) => JSON.stringify({ ...body, context: { ...body.context, status_changed_at: v } })),
    fc.constant(JSON.stringify({ event: body.event })),
    fc
      .oneof(fc.constant(null), fc.string(), fc.integer(), fc.array(fc.anything()))
      .map((c) => JSON.stringify({ ...body, context: c })),
    fc
      .oneof(fc.constant(null), fc.integer(), fc.object(), fc.constant(""))
      .map((e) => JSON.stringify({ ...body, event: e })),
    fc.constant(JSON.stringify([body])),
    // A strict prefix of a JSON object is never valid JSON.
    fc
      .constant(JSON.stringify(body))
      .map((s) => s.slice(0, n % (s.length - 1))),
  ),
);
const keycrmStructural = fc.oneof(
  fc
    .uint8Array({ minLength: 0, maxLength: 300 })
    .map((b) => Buffer.from(b).toString("latin1"))
    .filter((s) => !looksLikeValidKeycrm(s)),
  fc
    .jsonValue()
    .filter((v) => typeof v !== "object" || v === null || Array.isArray(v))
    .map((v) => JSON.stringify(v)),
  fc
    .integer({ min: 50, max: 5000 })
    .map(
      (d) =>
        `{"event":"order.change_order_status","context":{"id":${"[".repeat(d)}1${"]".repeat(d)},"status_id":1}}`,
    ),
  fc.integer({ min: 100, max: 2000 }).map((k) =>
    JSON.stringify({
      event: "order.change_order_status",
      context: Object.fromEntries(Array.from({ length: k }, (_, i) => [`k${i}_${"x".repeat(40)}`, i])),
    }),
  ),
);

function looksLikeValidKeycrm(text: string): boolean {
  try {
    const v = JSON.parse(text) as unknown;
    return (
      typeof v === "object" &&
      v !== null &&
      !Array.isArray(v) &&
      typeof (v as { event?: unknown }).event === "string"
    );
  } catch {
    return false;
  }
}

// ---- amoCRM: form bodies that break leads[action][N][id|status_id|…] --------------------------

const leadBodies = amoBodies.filter((b) => b.includes("leads%5B"));
function pairs(raw: string): [string, string][] {
  return [...new URLSearchParams(raw)];
}
function encode(ps: [string, string][]): string {
  return ps.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
}
const firstLead = (k: string) => /^leads\[(add|update|status)\]\[0\]/.exec(k);
const badIdText = fc.oneof(
  fc.constantFrom("", "abc", "-1", "1.5", "1e3", " 1", "0x1F", "99999999999999999999"),
  fc.string({ minLength: 1 }).filter((s) => !/^\d{1,16}$/.test(s)),
);
const amoMutation = fc.tuple(fc.constantFrom(...leadBodies), fc.nat()).chain(([raw, n]) => {
  const ps = pairs(raw);
  const field = (name: string) => (k: string) =>
    firstLead(k) !== null && k.endsWith(`[0][${name}]`) && k.split("[").length === 4;
  const replace = (name: string, value: string) =>
    encode(ps.map(([k, v]) => [k, field(name)(k) ? value : v]));
  const drop = (name: string) => encode(ps.filter(([k]) => !field(name)(k)));
  const asObject = (name: string) => encode(ps.map(([k, v]) => [field(name)(k) ? `${k}[x]` : k, v]));
  const statusKey = raw.indexOf("status_id%5D=");
  return fc.oneof(
    fc.constant(drop("id")),
    fc.constant(drop("status_id")),
    badIdText.map((v) => replace("id", v)),
    badIdText.map((v) => replace("status_id", v)),
    fc.constant(asObject("id")),
    fc.constant(asObject("status_id")),
    fc
      .constantFrom("yesterday", "-5", "1.5", "99999999999999")
      .map(
        (v) =>
          `${raw}&${encodeURIComponent(ps.find(([k]) => firstLead(k))?.[0].replace(/\[[^\]]*\]$/, "[last_modified]") ?? "leads[status][0][last_modified]")}=${v}`,
      ),
    // Cut before the first status_id value: the first lead has no status left.
    fc.constant(statusKey > 0 ? raw.slice(0, n % (statusKey + "status_id%5D=".length)) : ""),
  );
});
const amoStructural = fc.oneof(
  fc
    .uint8Array({ minLength: 0, maxLength: 300 })
    .map((b) => Buffer.from(b).toString("latin1"))
    .filter((s) => !hasEntityGroup(s)),
  fc.constantFrom(
    "leads=1",
    "leads[]=1",
    "leads[status]=x",
    "contacts=1",
    "account[id]=1",
    "leads[add][0]=1",
  ),
  fc
    .integer({ min: 20, max: 400 })
    .map((d) => `leads[status][0][id]${"[a]".repeat(d)}=1&leads[status][0][status_id]=2`),
  fc.integer({ min: 1000, max: 100_000 }).map((k) => `${"a".repeat(k)}=1`),
  fc.constant(Array.from({ length: 10_050 }, (_, i) => `p${i}=1`).join("&")),
);

// ---- Evolution: message deliveries that break the {event, data{key{remoteJid, id, fromMe}, messageTimestamp}} contract

type EvoBody = { event: unknown; data: Record<string, unknown> & { key: Record<string, unknown> } };
const evoMutation = fc.nat({ max: evolutionBodies.length - 1 }).chain((i) => {
  const raw = evolutionBodies[i] ?? "{}";
  const with_ = (mutate: (b: EvoBody) => void) => {
    const b = JSON.parse(raw) as EvoBody;
    mutate(b);
    return JSON.stringify(b);
  };
  const badMessageId = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.constant(""),
    fc.integer(),
    fc.object(),
    fc.constant("id with spaces"),
    fc.constant("line\nbreak"),
    fc.constant("x".repeat(201)),
  );
  const badTimestamp = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.constant(-1),
    fc.double({ noInteger: true, noNaN: true, min: 1, max: 2e9 }),
    fc.constant(40_000_000_000),
    fc.string().filter((v) => !/^\d{1,12}$/.test(v) && v !== ""),
    fc.object(),
    fc.boolean(),
  );
  return fc.oneof(
    badMessageId.map((v) =>
      with_((b) => {
        b.data.key["id"] = v;
      }),
    ),
    fc.oneof(fc.constant(undefined), fc.constant("false"), fc.integer(), fc.constant(null)).map((v) =>
      with_((b) => {
        b.data.key["fromMe"] = v;
      }),
    ),
    badTimestamp.map((v) =>
      with_((b) => {
        b.data["messageTimestamp"] = v;
      }),
    ),
    fc
      .oneof(
        fc.constant(undefined),
        fc.string().filter((v) => !v.includes("@")),
        fc.integer(),
      )
      .map((v) =>
        with_((b) => {
          b.data.key["remoteJid"] = v;
        }),
      ),
    fc.oneof(fc.constant(null), fc.string(), fc.integer(), fc.constant([])).map((v) =>
      with_((b) => {
        (b as { data: unknown }).data = v;
      }),
    ),
    fc.oneof(fc.constant(null), fc.string(), fc.array(fc.integer())).map((v) =>
      with_((b) => {
        b.data["key"] = v as never;
      }),
    ),
    fc.oneof(fc.constant(undefined), fc.constant(""), fc.integer(), fc.object()).map((v) =>
      with_((b) => {
        b.event = v;
      }),
    ),
    fc.integer({ min: 1, max: raw.length - 1 }).map((n) => raw.slice(0, n)),
    // Nested deeper than MAX_BODY_DEPTH where the normalizer would walk or copy it.
    fc
      .integer({ min: MAX_BODY_DEPTH, max: 100_000 })
      .map((d) => raw.replace('"data":', `"data":${"[".repeat(d)}1${"]".repeat(d)},"x":`)),
  );
});

function hasEntityGroup(raw: string): boolean {
  const parsed = qs.parse(raw, { depth: 10 });
  return Object.keys(parsed).some((k) => (AMOCRM_ENTITY_GROUPS as readonly string[]).includes(k));
}

// ---- the properties -------------------------------------------------------------------------

async function assertRejected(url: string, contentType: string, payload: string): Promise<void> {
  const res = await app.inject({ method: "POST", url, payload, headers: { "content-type": contentType } });
  if (res.statusCode < 400 || res.statusCode >= 500) {
    assert.fail(
      `answer ${res.statusCode} ${res.body.slice(0, 200)} for body ${JSON.stringify(payload.slice(0, 300))}`,
    );
  }
}

describe("webhook fuzz", () => {
  test("given ≥ 1 000 malformed KeyCRM bodies, when posted, then every answer is 4xx and the stream does not grow", async () => {
    const before = await t.eventCount();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(keycrmMutation, keycrmStructural), async (body) => {
        runs++;
        await assertRejected(`/webhooks/keycrm/shop?secret=${SECRET}`, "application/json", body);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    assert.equal(runs, RUNS);
    assert.equal((await app.inject("/health")).statusCode, 200);
    assert.equal(await t.eventCount(), before);
  });

  test("given ≥ 1 000 malformed amoCRM bodies, when posted, then every answer is 4xx and the stream does not grow", async () => {
    const before = await t.eventCount();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(amoMutation, amoStructural), async (body) => {
        runs++;
        await assertRejected(
          `/webhooks/amocrm/amo?secret=${SECRET}`,
          "application/x-www-form-urlencoded",
          body,
        );
      }),
      { numRuns: RUNS, seed: SEED },
    );
    assert.equal(runs, RUNS);
    assert.equal((await app.inject("/health")).statusCode, 200);
    assert.equal(await t.eventCount(), before);
  });

  test("given ≥ 1 000 malformed Evolution bodies, when posted, then every answer is 4xx and the stream does not grow", async () => {
    const before = await t.eventCount();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(evoMutation, async (body) => {
        runs++;
        await assertRejected(`/webhooks/evolution/amo?secret=${SECRET}`, "application/json", body);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    assert.equal(runs, RUNS);
    assert.equal((await app.inject("/health")).statusCode, 200);
    assert.equal(await t.eventCount(), before);
  });

  test("given the unmodified corpus bodies (control), when posted, then they are accepted — the fuzzed ones failed for their mutation", async () => {
    const k = await app.inject({
      method: "POST",
      url: `/webhooks/keycrm/shop?secret=${SECRET}`,
      payload: JSON.stringify(keycrmBodies[0]),
      headers: { "content-type": "application/json" },
    });
    assert.equal(k.statusCode, 200);
    const a = await app.inject({
      method: "POST",
      url: `/webhooks/amocrm/amo?secret=${SECRET}`,
      payload: leadBodies[0] ?? "",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(a.statusCode, 200);
    const e = await app.inject({
      method: "POST",
      url: `/webhooks/evolution/amo?secret=${SECRET}`,
      payload: evolutionBodies[0] ?? "",
      headers: { "content-type": "application/json" },
    });
    assert.equal(e.statusCode, 200);
    assert.equal(e.json().accepted, 1);
  });
});
