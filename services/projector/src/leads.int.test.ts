/**
 * `rm.leads` / `rm.sales` over the amoCRM fixture corpus: every webhook delivery, the events-API
 * pages (the catch-up), the contacts of every lead and the users — checked against
 * `expected-counts.json` (`sales`, `utm_sources`) and against qualification figures derived here
 * from the raw events pages; then a replay equals the live tables, and settings changes (qualified
 * stages, ad teams) recompute the project with a diff of the changed leads.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import type { DomainEvent, DomainEventType, EventOfType } from "@pulse/events";
import { aUsersSynced, sequentialIds } from "@pulse/events/testing";
import { createLogger } from "@pulse/infra";
import {
  createTestEnv,
  publishTestEvent,
  type TestEnv,
  waitFor,
  waitForCheckpoint,
} from "@pulse/infra/testing";
import {
  amocrmDealContact,
  amocrmEventsPage,
  amocrmLeadContacts,
  amocrmLeadLossReason,
  amocrmStatusEvent,
  dealContactsEvent,
  normalizeAmocrmWebhook,
  parseAmocrmForm,
} from "@pulse/ingest";
import { sql } from "kysely";
import { loadProjectorConfig } from "./projector.config.js";
import { createProjector, type Projector } from "./projector.js";
import { compareReadModels } from "./replay/read-models.compare.js";
import { replayReadModels } from "./replay/replay.js";
import type { ReplayDiff } from "./replay/replay-diff.js";

const P = "demoacademy";
const FIXTURES = new URL("../../../../shared/fixtures/amocrm/", import.meta.url);
const SNAPSHOT = new Date("2026-11-07T04:00:00.000Z");
const EXPRESS = 10350882;
const FLAGSHIP = 10418746;
const FLAGSHIP_QUALIFIED = 83010178;
const newId = sequentialIds();

const json = (path: string): unknown => JSON.parse(readFileSync(new URL(path, FIXTURES), "utf8"));

interface Expected {
  sales: {
    count: number;
    revenue_kzt: number;
    by_pipeline: Record<"flagship" | "express", { count: number; revenue_kzt: number }>;
    by_manager: Record<string, number>;
  };
  utm_sources: Record<string, { leads: number; won: number; intended: string }>;
}
const expected = json("expected-counts.json") as Expected;

/** Every webhook delivery as events, in delivery order (duplicates included). */
function webhookEvents(): DomainEvent[] {
  const out: DomainEvent[] = [];
  for (const line of readFileSync(new URL("webhooks.jsonl", FIXTURES), "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const d = JSON.parse(line) as { received_at: string; body: string };
    const n = normalizeAmocrmWebhook(parseAmocrmForm(d.body), {
      projectId: P,
      receivedAt: new Date(d.received_at),
      contentType: "application/x-www-form-urlencoded",
      rawBody: d.body,
      newId,
    });
    out.push(...n.events);
  }
  return out;
}

interface RawStatusEvent {
  entity_id: number;
  created_at: number;
  value_after: { lead_status: { id: number; pipeline_id: number } }[];
}

/** The raw events-API items of all pages. */
function rawStatusEvents(): RawStatusEvent[] {
  const out: RawStatusEvent[] = [];
  for (let page = 1; page <= 8; page++)
    out.push(...(amocrmEventsPage(json(`events.page-${page}.json`)).items as RawStatusEvent[]));
  return out;
}

/** The events-API items as `order.status_changed` (the ingest catch-up's mapping). */
function catchUpEvents(): DomainEvent[] {
  return rawStatusEvents().map((item) => {
    const r = amocrmStatusEvent(P, item, { fetchedAt: SNAPSHOT, newId });
    if (!r.ok) throw new Error(`events-API item not mapped: ${r.reason}`);
    return r.event;
  });
}

/** `deal.contacts_linked` of every lead from its lead and contact files (the contacts worker's mapping). */
function contactEvents(): DomainEvent[] {
  return readdirSync(new URL("leads/", FIXTURES)).map((file) => {
    const lead = json(`leads/${file}`) as { id: number };
    const contacts = amocrmLeadContacts(lead).map((ref) =>
      amocrmDealContact(
        json(`contacts/${ref.id}.json`),
        ref,
        "KZ" as Parameters<typeof amocrmDealContact>[2],
      ),
    );
    return dealContactsEvent(P, lead.id, contacts, SNAPSHOT, newId(), amocrmLeadLossReason(lead));
  });
}

/** A settings event of this project (`api` source, as the query's settings routes publish it). */
function settingsEvent<T extends Extract<DomainEventType, `settings.${string}`>>(
  type: T,
  kind: string,
  data: EventOfType<T>["data"],
): EventOfType<T> {
  const at = new Date().toISOString();
  return {
    id: newId(),
    type,
    version: 1,
    project_id: P,
    occurred_at: at,
    recorded_at: at,
    dedup_key: `settings:${P}:${kind}:${data.version}`,
    source: "api",
    raw: null,
    data,
  } as unknown as EventOfType<T>;
}

/**
 * Qualified leads derived from the raw events pages alone: lead → the first time (ISO) it entered a
 * stage that `qualifies` (the pages hold every status change, 722).
 */
function qualifiedFromPages(
  qualifies: (pipelineId: number, statusId: number) => boolean,
): Map<number, string> {
  const out = new Map<number, string>();
  for (const e of rawStatusEvents()) {
    const s = e.value_after[0]!.lead_status;
    if (!qualifies(s.pipeline_id, s.id)) continue;
    const at = new Date(e.created_at * 1000).toISOString();
    const known = out.get(e.entity_id);
    if (known === undefined || at < known) out.set(e.entity_id, at);
  }
  return out;
}

/** What an `intended` text of `utm_sources` says: team, confidence and rule (or none / ambiguous / trap). */
function intendedOf(text: string): {
  team: string | null;
  confidence: string;
  rule: string | null;
  ambiguous: boolean;
} {
  if (text.startsWith("AMBIGUOUS"))
    return { team: null, confidence: "low", rule: "pattern", ambiguous: true };
  if (text.startsWith("no team")) return { team: null, confidence: "low", rule: null, ambiguous: false };
  // The trap value must NOT go to the team a plain substring search would give: no team at all.
  if (text.startsWith("TRAP")) return { team: null, confidence: "low", rule: null, ambiguous: false };
  const m = /^(\w+): (.*)\((high|medium)\)/.exec(text)!;
  const rule = m[2]!.startsWith("exact")
    ? "exact_utm_source"
    : m[2]!.startsWith("fb_")
      ? "fb_team"
      : "pattern";
  return { team: m[1]!, confidence: m[3]!, rule, ambiguous: false };
}

describe("amoCRM leads and sales over the fixture corpus", () => {
  let env: TestEnv;
  let projector: Projector;
  const logger = createLogger("leads-test", process.env["TEST_LOG_LEVEL"] ?? "silent");
  const deps = () => ({
    nats: env.nats,
    db: env.db,
    config: loadProjectorConfig({ ...env.env, PROJECTOR_RETRY_MAX_MS: "200" }),
    logger,
  });
  let last = 0;
  const publish = async (e: DomainEvent) => {
    last = await publishTestEvent(env, e);
    return last;
  };
  const replayRow = (id: string) =>
    waitFor(
      `ops.replays ${id} finished`,
      async () => {
        const r = await env.db.selectFrom("ops.replays").selectAll().where("id", "=", id).executeTakeFirst();
        return r && r.status !== "running" ? r : null;
      },
      120_000,
    );
  const leads = () => env.db.selectFrom("rm.leads").selectAll().where("project_id", "=", P).execute();
  const sales = () => env.db.selectFrom("rm.sales").selectAll().where("project_id", "=", P).execute();

  before(async () => {
    env = await createTestEnv("leads");
    projector = createProjector(deps());
    await projector.start();
    const users = json("users.json") as { _embedded: { users: { id: number; name: string }[] } };
    await publish(
      aUsersSynced(
        users._embedded.users.map((u) => ({ user_id: u.id, name: u.name })),
        P,
      ),
    );
    await publish(
      settingsEvent("settings.pipeline_products_changed", "pipeline_products", {
        version: 1,
        changed_by: "admin@test",
        default_currency: "KZT",
        products: [
          { pipeline_id: EXPRESS, name: "Express course", price: 5000, currency: "KZT" },
          { pipeline_id: FLAGSHIP, name: "Flagship course", price: 490000, currency: "KZT" },
        ],
      }),
    );
    for (const e of webhookEvents()) await publish(e);
    for (const e of catchUpEvents()) await publish(e);
    for (const e of contactEvents()) await publish(e);
    await waitForCheckpoint(env.db, last);
    await projector.recomputesIdle();
  });

  after(async () => {
    await projector?.stop();
    await env?.close();
  });

  test("given the corpus and the two products, when projected, then 46 sales worth 3 140 000 KZT, per pipeline and per manager as expected", async () => {
    const rows = await sales();
    assert.equal(rows.length, expected.sales.count);
    assert.equal(
      rows.reduce((s, r) => s + r.amount, 0),
      expected.sales.revenue_kzt,
    );
    assert.ok(rows.every((r) => r.currency === "KZT"));
    for (const [name, id] of [
      ["express", EXPRESS],
      ["flagship", FLAGSHIP],
    ] as const) {
      const mine = rows.filter((r) => r.pipeline_id === id);
      assert.equal(mine.length, expected.sales.by_pipeline[name].count, name);
      assert.equal(
        mine.reduce((s, r) => s + r.amount, 0),
        expected.sales.by_pipeline[name].revenue_kzt,
        name,
      );
    }
    const byManager: Record<string, number> = {};
    for (const r of rows) byManager[String(r.manager_id)] = (byManager[String(r.manager_id)] ?? 0) + 1;
    assert.deepEqual(byManager, expected.sales.by_manager);
    assert.equal(rows.filter((r) => r.price_source === "product").length, 1, "one won lead with price 0");
    assert.ok(rows.every((r) => r.manager_name !== null && r.product !== null));
    const withContact = rows.filter((r) => r.contact_phone !== null);
    assert.ok(withContact.length > 0 && withContact.every((r) => /^\+\d{10,15}$/.test(r.contact_phone!)));
  });

  test("given every utm_sources entry, when projected, then its leads, wins and attribution are as intended", async () => {
    const rows = await leads();
    assert.equal(rows.length, 200);
    for (const [source, want] of Object.entries(expected.utm_sources)) {
      const mine = rows.filter((r) => r.utm_source === source);
      assert.equal(mine.length, want.leads, `${source}: leads`);
      assert.equal(mine.filter((r) => r.is_won).length, want.won, `${source}: won`);
      const intended = intendedOf(want.intended);
      for (const r of mine) {
        assert.deepEqual(
          { team: r.team, confidence: r.confidence, rule: r.matched_rule, ambiguous: r.is_ambiguous },
          intended,
          `${source}: ${want.intended}`,
        );
        if (intended.ambiguous) assert.deepEqual(r.candidate_teams, ["Kenesary", "Traf4"]);
      }
    }
    assert.equal(rows.filter((r) => r.utm_source === null).length, 30, "30 leads without UTM");
    const conflicts = rows.filter((r) => (r.utm_conflicts as unknown[]).length > 0);
    assert.equal(conflicts.length, 3, "3 leads whose duplicate utm_source differs");
  });

  test("given the default qualified stages, when projected, then qualified leads and qualified_at equal the entries into 142 in the raw events pages", async () => {
    const want = qualifiedFromPages((_p, s) => s === 142);
    const rows = await leads();
    const got = new Map(
      rows.filter((r) => r.is_qualified).map((r) => [r.lead_id, r.qualified_at!.toISOString()]),
    );
    assert.deepEqual(got, want);
    assert.equal(rows.filter((r) => r.is_won).length, 46);
    assert.equal(rows.filter((r) => r.is_lost).length, 54);
    // The loss reason as the lead files give it (every lost lead has one there).
    for (const r of rows) {
      const file = json(`leads/${r.lead_id}.json`) as { loss_reason_id: number | null };
      assert.equal(r.loss_reason_id, file.loss_reason_id, `lead ${r.lead_id}`);
    }
    assert.ok(rows.filter((r) => r.is_lost).every((r) => r.loss_reason_id !== null));
  });

  test("given the live tables, when replayed, then the replay equals them row for row", async () => {
    const replay = await replayReadModels(deps(), { swap: false });
    try {
      const cmp = await compareReadModels(env.db, "rm", replay.schema);
      assert.deepEqual(cmp.differences, []);
      const n = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM ${sql.id(replay.schema, "sales")}`.execute(env.db);
      assert.equal(n.rows[0]!.n, 46);
    } finally {
      await sql`DROP SCHEMA IF EXISTS ${sql.id(replay.schema)} CASCADE`.execute(env.db);
    }
  });

  test("given Flagship «Квалифицирован» made qualified, when the setting changes, then the project is recomputed and the diff lists exactly the leads whose qualification moved", async () => {
    const before = new Map((await leads()).map((r) => [r.lead_id, r]));
    const change = settingsEvent("settings.qualified_stages_changed", "qualified_stages", {
      version: 1,
      changed_by: "admin@test",
      stages: [{ pipeline_id: FLAGSHIP, status_id: FLAGSHIP_QUALIFIED, is_qualified: true }],
    });
    await publish(change);
    const row = await replayRow(change.id);
    assert.equal(row.status, "done", String(row.error));
    const want = qualifiedFromPages((p, s) => s === 142 || (p === FLAGSHIP && s === FLAGSHIP_QUALIFIED));
    const after = await leads();
    assert.deepEqual(
      new Map(after.filter((r) => r.is_qualified).map((r) => [r.lead_id, r.qualified_at!.toISOString()])),
      want,
    );
    const moved = after.filter(
      (r) => before.get(r.lead_id)?.qualified_at?.getTime() !== r.qualified_at?.getTime(),
    );
    assert.ok(moved.length > 0, "some Flagship leads were qualified before they won, or never won");
    const diff = row.diff as ReplayDiff;
    assert.equal(diff.leads_changed, moved.length);
    assert.deepEqual(
      [...new Set(diff.lead_changes!.map((c) => c.lead_id))].sort((a, b) => a - b),
      moved.map((r) => r.lead_id).sort((a, b) => a - b),
    );
    assert.ok(diff.lead_changes!.every((c) => c.field === "is_qualified" || c.field === "qualified_at"));
    assert.equal((await sales()).length, 46, "sales do not depend on qualification");
  });

  test("given pb_agency removed from Traf4, when the teams change, then its leads and sales go to Kenesary (medium) and the diff lists them", async () => {
    const teams = [
      {
        name: "Kenesary",
        utm_source: "kenesary",
        patterns: [
          "tripwire",
          "nutcab",
          "kenesary",
          "nutrients",
          "kab3",
          "1day",
          "kenji",
          "kenes",
          "pb_agency",
        ],
        colour: "#2e7d32",
        emoji: "🦅",
      },
      {
        name: "Arystan",
        utm_source: "arystan",
        patterns: ["arystan", "ar_", "ast_", "rm almaty", "rm_almaty"],
        colour: "#c62828",
        emoji: "🦁",
      },
      {
        name: "Muha",
        utm_source: "muha",
        patterns: [
          "onai",
          "on ai",
          "запуск",
          "muha",
          "yourmarketolog",
          "maqtakyz",
          "residence",
          "yourteam",
          "tima",
        ],
        colour: "#6a1b9a",
        emoji: "🪰",
      },
      {
        name: "Traf4",
        utm_source: "traf4",
        patterns: ["alex", "traf4", "proftest", "smmmcwin", "3-1"],
        colour: "#1565c0",
        emoji: "🚀",
      },
    ];
    const change = settingsEvent("settings.ad_teams_changed", "ad_teams", {
      version: 1,
      changed_by: "admin@test",
      teams,
    });
    await publish(change);
    const row = await replayRow(change.id);
    assert.equal(row.status, "done", String(row.error));
    const pb = (await leads()).filter((r) => r.utm_source === "pb_agency");
    assert.equal(pb.length, expected.utm_sources["pb_agency"]!.leads);
    assert.ok(pb.every((r) => r.team === "Kenesary" && r.confidence === "medium" && !r.is_ambiguous));
    const pbSales = (await sales()).filter((r) => r.utm_source === "pb_agency");
    assert.equal(pbSales.length, expected.utm_sources["pb_agency"]!.won);
    assert.ok(pbSales.every((r) => r.team === "Kenesary"));
    const diff = row.diff as ReplayDiff;
    assert.equal(diff.leads_changed, pb.length);
    assert.deepEqual([...new Set(diff.lead_changes!.map((c) => c.field))].sort(), [
      "confidence",
      "is_ambiguous",
      "team",
    ]);
  });
});
