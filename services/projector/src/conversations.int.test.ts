import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { shiftOf } from "@pulse/domain";
import { type DomainEvent, type EventOfType, encodeEvent, eventSubject } from "@pulse/events";
import { sequentialIds } from "@pulse/events/testing";
import { createLogger } from "@pulse/infra";
import { createTestEnv, type TestEnv, waitFor } from "@pulse/infra/testing";
import type { DeliveryContext } from "@pulse/ingest";
import { normalizeAmocrmWebhook, normalizeEvolutionWebhook, parseAmocrmForm } from "@pulse/ingest";
import { sql } from "kysely";
import { loadProjectorConfig } from "./projector.config.js";
import { createProjector, type Projector } from "./projector.js";
import { compareReadModels } from "./replay/read-models.compare.js";
import { replayReadModels } from "./replay/replay.js";

const P = "demoacademy";
const FIXTURES = new URL("../../../../shared/fixtures/", import.meta.url);
/** Deterministic, distinct ULIDs for the normalizers. */
const newId = sequentialIds();

function lines(path: string): unknown[] {
  return readFileSync(new URL(path, FIXTURES), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as unknown);
}

function ctx(rawBody: string, receivedAt: Date, contentType: string): DeliveryContext {
  return { projectId: P, receivedAt, contentType, rawBody, newId };
}

/** The Evolution fixture deliveries as events (duplicates included: the projector must dedup them). */
function chatEvents(): EventOfType<"chat.message_received">[] {
  const out: EventOfType<"chat.message_received">[] = [];
  for (const body of lines("evolution/webhooks.jsonl")) {
    const raw = JSON.stringify(body);
    const n = normalizeEvolutionWebhook(
      body,
      ctx(raw, new Date("2026-11-07T00:00:00.000Z"), "application/json"),
    );
    for (const e of n.events) if (e.type === "chat.message_received") out.push(e);
  }
  return out;
}

/** The amoCRM fixture webhooks as events. */
function amocrmEvents(): DomainEvent[] {
  const out: DomainEvent[] = [];
  for (const line of lines("amocrm/webhooks.jsonl") as { received_at: string; body: string }[]) {
    const form = parseAmocrmForm(line.body);
    const n = normalizeAmocrmWebhook(
      form,
      ctx(line.body, new Date(line.received_at), "application/x-www-form-urlencoded"),
    );
    out.push(...n.events);
  }
  return out;
}

interface DialogIndex {
  phone_e164: string | null;
  amocrm_lead_ids: number[];
  first_at: string;
  last_at: string;
  crosses_22_00_shift_boundary: boolean;
  crosses_22_00_within_3h: boolean;
}

function contactsLinked(leadId: number, phones: string[], at: string): EventOfType<"deal.contacts_linked"> {
  return {
    id: newId(),
    type: "deal.contacts_linked",
    version: 1,
    project_id: P,
    occurred_at: at,
    recorded_at: at,
    dedup_key: `contacts:${P}:${leadId}:${phones.join(",")}`,
    source: "amocrm",
    raw: null,
    data: {
      lead_id: leadId,
      contacts: [
        { contact_id: 900_000 + leadId, name: null, is_main: true, phones, raw_phones: phones, emails: [] },
      ],
      fetched_at: at,
    },
  };
}

function analysis(
  kind: "scored" | "failed",
  dialogKey: string,
  recordedAt: string,
): EventOfType<"analysis.dialog_scored"> | EventOfType<"analysis.dialog_failed"> {
  const ref = {
    dialog_key: dialogKey,
    lead_id: 41203146,
    phone: null,
    shift_id: "2026-10-26",
    window_start: "2026-10-26T17:00:00.000Z",
    window_end: "2026-10-27T17:00:00.000Z",
    manager_id: 11840239,
    input_hash: "abcdef0123456789",
    prompt_version: "v1",
    mode: "llm" as const,
    model: "m",
  };
  const envelope = {
    id: newId(),
    version: 1 as const,
    project_id: P,
    occurred_at: recordedAt,
    recorded_at: recordedAt,
    source: "analyst" as const,
    raw: null,
  };
  if (kind === "failed") {
    return {
      ...envelope,
      type: "analysis.dialog_failed",
      dedup_key: `analysis-failed:${P}:${dialogKey}`,
      data: {
        ...ref,
        code: "timeout",
        message: "timed out",
        attempts: 3,
        usage: { prompt_tokens: 7, completion_tokens: 0 },
      },
    };
  }
  return {
    ...envelope,
    type: "analysis.dialog_scored",
    dedup_key: `analysis:${P}:${dialogKey}`,
    data: {
      ...ref,
      facts: { funnel_stage: "qualified", questionnaire: { niche: "clinic", budget: "500k", start: null } },
      evidence: [],
      score: 40,
      interest: "warm",
      reasons: [{ rule: "stage:qualified", points: 30 }],
      incoming: 4,
      outgoing: 3,
      usage: { prompt_tokens: 100, completion_tokens: 20 },
      duration_ms: 1200,
    },
  };
}

describe("conversations and shift deal tables over the fixture corpus", () => {
  let env: TestEnv;
  let projector: Projector;
  let lastSeq = 0;
  const chats = chatEvents();
  const amo = amocrmEvents();
  const dialogs = lines("evolution/dialogs.index.jsonl") as DialogIndex[];
  const expected = JSON.parse(readFileSync(new URL("evolution/expected-counts.json", FIXTURES), "utf8")) as {
    messages: { distinct: number; incoming: number; outgoing: number };
  };
  // A linked dialog crossing 22:00 (+05:00) within 3 h: its messages fall into two shifts.
  const crossing = dialogs.find(
    (d) => d.crosses_22_00_within_3h && d.phone_e164 !== null && d.amocrm_lead_ids.length === 1,
  )!;
  const crossingLead = crossing.amocrm_lead_ids[0]!;

  const publish = async (event: DomainEvent): Promise<number> => {
    // msgID = event id: duplicate deliveries get through, as after the stream's duplicate window.
    const ack = await env.nats.js.publish(
      eventSubject({ root: env.subjectRoot }, event),
      encodeEvent(event),
      {
        msgID: event.id,
      },
    );
    lastSeq = ack.seq;
    return ack.seq;
  };
  const waitApplied = () =>
    waitFor(
      `events checkpoint ${lastSeq}`,
      async () => {
        const row = await env.db
          .selectFrom("rm.checkpoints")
          .select("stream_seq")
          .where("name", "=", "events")
          .executeTakeFirst();
        return (row?.stream_seq ?? 0) >= lastSeq;
      },
      60_000,
    );
  const deps = () => ({
    nats: env.nats,
    db: env.db,
    config: loadProjectorConfig({ ...env.env, PROJECTOR_RETRY_MAX_MS: "200" }),
    logger: createLogger("projector-test", env.env["LOG_LEVEL"]),
  });
  const rowsOf = (dialogKey: string) =>
    env.db
      .selectFrom("rm.shift_deals")
      .selectAll()
      .where("project_id", "=", P)
      .where("dialog_key", "=", dialogKey)
      .orderBy("shift_start")
      .execute();

  before(async () => {
    env = await createTestEnv("conv");
    projector = createProjector(deps());
    await projector.start();
    // Chats first (no contacts yet), then the amoCRM corpus.
    for (const e of chats) await publish(e);
    for (const e of amo) await publish(e);
    await waitApplied();
  });

  after(async () => {
    await projector?.stop();
    await env?.close();
  });

  test("given every Evolution delivery including 24 duplicates, when projected, then rm.messages holds the distinct messages with the first delivery's time", async () => {
    const counts = await sql<{ n: number; incoming: number; outgoing: number }>`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE direction = 'incoming')::int AS incoming,
             count(*) FILTER (WHERE direction = 'outgoing')::int AS outgoing
      FROM rm.messages WHERE project_id = ${P}`.execute(env.db);
    assert.ok(chats.length > expected.messages.distinct, "the corpus carries duplicates");
    assert.deepEqual(counts.rows[0], {
      n: expected.messages.distinct,
      incoming: expected.messages.incoming,
      outgoing: expected.messages.outgoing,
    });
    // A duplicate with another timestamp: the stored time is the first delivery's.
    const firstById = new Map<string, string>();
    let dup: { id: string; first: string } | undefined;
    for (const e of chats) {
      const seen = firstById.get(e.data.message_id);
      if (seen === undefined) firstById.set(e.data.message_id, e.data.sent_at);
      else if (seen !== e.data.sent_at) dup ??= { id: e.data.message_id, first: seen };
    }
    assert.ok(dup, "the corpus has a duplicate with another timestamp");
    const stored = await env.db
      .selectFrom("rm.messages")
      .select("sent_at")
      .where("message_id", "=", dup.id)
      .executeTakeFirstOrThrow();
    assert.equal(stored.sent_at.toISOString(), dup.first);
  });

  test("given a chat-only dialog crossing 22:00 +05:00, when projected, then it has a phone row in each of the two shifts", async () => {
    const rows = await rowsOf(`phone:${crossing.phone_e164}`);
    const first = shiftOf(crossing.first_at);
    const last = shiftOf(crossing.last_at);
    assert.notEqual(first.shiftId, last.shiftId);
    assert.deepEqual(
      rows.map((r) => r.shift_id),
      [first.shiftId, last.shiftId],
    );
    for (const r of rows) {
      assert.equal(r.lead_id, null);
      assert.equal(r.messaged_in_window, true);
      assert.equal(r.dialog_text.split("\n").length, r.incoming + r.outgoing);
      assert.match(r.dialog_text, /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\] (client|manager): /);
      assert.ok(r.first_message_at! >= r.shift_start && r.last_message_at! < r.shift_end);
    }
  });

  test("given a lead whose stage changed after a shift, when projected, then that shift's row has the stage at the window's end", async () => {
    const status = amo.filter(
      (e): e is EventOfType<"order.status_changed"> => e.type === "order.status_changed",
    );
    const byLead = new Map<number, EventOfType<"order.status_changed">[]>();
    for (const e of status) byLead.set(e.data.order_id, [...(byLead.get(e.data.order_id) ?? []), e]);
    let checked = 0;
    for (const [leadId, events] of byLead) {
      const sorted = [...events].sort((a, b) =>
        a.data.status_changed_at < b.data.status_changed_at ? -1 : 1,
      );
      const lastEvent = sorted[sorted.length - 1]!;
      const early = sorted.find(
        (e) => shiftOf(e.occurred_at).shiftId !== shiftOf(lastEvent.occurred_at).shiftId,
      );
      if (!early) continue;
      const shift = shiftOf(early.occurred_at);
      const atEnd = sorted.filter((e) => e.data.status_changed_at < shift.end).at(-1)!;
      if (atEnd.data.status_id === lastEvent.data.status_id) continue;
      const current = await env.db
        .selectFrom("rm.deals_current")
        .select(["status_id", "updated_at"])
        .where("project_id", "=", P)
        .where("lead_id", "=", leadId)
        .executeTakeFirstOrThrow();
      if (current.updated_at === null || current.updated_at.toISOString() < shift.end) continue;
      const row = (await rowsOf(`lead:${leadId}`)).find((r) => r.shift_id === shift.shiftId);
      assert.ok(row, `lead ${leadId} has a row in shift ${shift.shiftId}`);
      assert.equal(row.updated_in_window, true);
      assert.equal(row.status_id, atEnd.data.status_id);
      assert.equal(row.pipeline_id, atEnd.data.status_group_id);
      assert.notEqual(row.status_id, current.status_id, "not the deal's current stage");
      if (++checked >= 3) break;
    }
    assert.ok(checked > 0, "the corpus has a lead whose stage changed after a shift");
  });

  test("given contacts linked to leads, when projected, then the chat-only rows become lead rows, and a replay equals the live tables", async () => {
    const phone = crossing.phone_e164!;
    const before = await rowsOf(`phone:${phone}`);
    const linked = dialogs.filter((d) => d.phone_e164 !== null && d.amocrm_lead_ids.length > 0).slice(0, 5);
    if (!linked.includes(crossing)) linked.push(crossing);
    for (const d of linked)
      for (const leadId of d.amocrm_lead_ids)
        await publish(contactsLinked(leadId, [d.phone_e164!], "2026-11-07T05:00:00.000Z"));
    await waitApplied();

    assert.deepEqual(await rowsOf(`phone:${phone}`), []);
    const leadRows = await rowsOf(`lead:${crossingLead}`);
    const messaged = leadRows.filter((r) => r.messaged_in_window);
    assert.deepEqual(
      messaged.map((r) => [r.shift_id, r.incoming, r.outgoing, r.dialog_text, r.phone]),
      before.map((r) => [r.shift_id, r.incoming, r.outgoing, r.dialog_text, phone]),
    );
    for (const r of leadRows) assert.deepEqual(r.phones, [phone]);
    const phones = await env.db
      .selectFrom("rm.deal_phones")
      .select("phone")
      .where("project_id", "=", P)
      .where("lead_id", "=", crossingLead)
      .execute();
    assert.deepEqual(
      phones.map((p) => p.phone),
      [phone],
    );

    // Analysis results: a score replaces an earlier failure; a later failure never replaces a score.
    await publish(analysis("failed", "lead:41203146@2026-10-26", "2026-11-07T06:00:00.000Z"));
    await publish(analysis("scored", "lead:41203146@2026-10-26", "2026-11-07T06:01:00.000Z"));
    await publish(analysis("scored", "lead:41203175@2026-10-26", "2026-11-07T06:00:00.000Z"));
    await waitApplied();
    await publish(analysis("failed", "lead:41203175@2026-10-26", "2026-11-07T06:02:00.000Z"));
    await waitApplied();
    const results = await env.db
      .selectFrom("rm.analysis_results")
      .select([
        "dialog_key",
        "status",
        "funnel_stage",
        "qualification_complete",
        "prompt_tokens",
        "error_code",
        "recorded_at",
      ])
      .where("project_id", "=", P)
      .orderBy("dialog_key")
      .execute();
    assert.deepEqual(
      results.map((r) => [
        r.dialog_key,
        r.status,
        r.funnel_stage,
        r.qualification_complete,
        r.prompt_tokens,
        r.error_code,
      ]),
      [
        ["lead:41203146@2026-10-26", "scored", "qualified", false, 100, null],
        ["lead:41203175@2026-10-26", "scored", "qualified", false, 100, null],
      ],
    );
    assert.equal(results[1]!.recorded_at.toISOString(), "2026-11-07T06:00:00.000Z");

    const replay = await replayReadModels(deps(), { swap: false });
    try {
      const cmp = await compareReadModels(env.db, "rm", replay.schema);
      assert.deepEqual(cmp.differences, []);
      const n = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM ${sql.id(replay.schema, "shift_deals")}`.execute(env.db);
      assert.ok(n.rows[0]!.n > 100, "the replay built the shift table");
    } finally {
      await sql`DROP SCHEMA IF EXISTS ${sql.id(replay.schema)} CASCADE`.execute(env.db);
    }
  });
});
