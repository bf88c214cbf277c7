import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FUNNEL_STAGES, NICHES } from "@pulse/domain";
import { aDialog, aFactsAnswer } from "../testing/builders.js";
import {
  dialogFactsJsonSchema,
  dialogFactsSchema,
  locateQuote,
  toDomainFacts,
} from "./dialog-facts.schema.js";
import type { DialogMessage } from "./offline-extractor.js";

type Json = Record<string, unknown>;

/** Every object schema inside `node`, with its path. */
function objectSchemas(node: unknown, path = "$"): { path: string; schema: Json }[] {
  if (node === null || typeof node !== "object") return [];
  const out: { path: string; schema: Json }[] = [];
  const schema = node as Json;
  if (schema["type"] === "object") out.push({ path, schema });
  for (const [k, v] of Object.entries(schema)) out.push(...objectSchemas(v, `${path}.${k}`));
  return out;
}

describe("facts schema", () => {
  test("given the JSON Schema, when inspected, then OpenAI strict rules hold: every property required, no extra ones, no $schema", () => {
    const schema = dialogFactsJsonSchema();
    assert.equal(schema["$schema"], undefined);
    const objects = objectSchemas(schema);
    assert.ok(objects.length >= 3);
    for (const { path, schema: o } of objects) {
      assert.equal(o["additionalProperties"], false, path);
      assert.deepEqual(
        [...(o["required"] as string[])].sort(),
        Object.keys(o["properties"] as Json).sort(),
        path,
      );
    }
    const props = schema["properties"] as Record<string, Json>;
    assert.deepEqual(props["funnel_stage"]!["enum"], [...FUNNEL_STAGES]);
    assert.deepEqual(props["niche"]!["enum"], [...NICHES]);
    assert.equal(props["score"], undefined, "the model never gives a score");
    assert.ok(!JSON.stringify(schema).includes("9007199254740991"));
  });

  test("given a custom questionnaire, when the schema is built, then its ids are the questionnaire keys and evidence facts", () => {
    const questionnaire = [{ id: "city", text: "В каком вы городе?" }];
    const schema = dialogFactsJsonSchema(questionnaire);
    const props = schema["properties"] as Record<string, Json>;
    assert.deepEqual(Object.keys(props["questionnaire"]!["properties"] as Json), ["city"]);
    const answer = {
      ...aFactsAnswer(),
      questionnaire: { city: null },
      evidence: [{ fact: "questionnaire.city", quote: "x", message_index: 1 }],
    };
    assert.ok(dialogFactsSchema(questionnaire).safeParse(answer).success);
    assert.ok(!dialogFactsSchema().safeParse(answer).success);
  });

  test("given answers off the schema, when validated, then rejected", () => {
    const schema = dialogFactsSchema();
    assert.ok(schema.safeParse(aFactsAnswer()).success);
    assert.ok(!schema.safeParse({ ...aFactsAnswer(), funnel_stage: "hot" }).success);
    assert.ok(
      !schema.safeParse({ ...aFactsAnswer(), niche: "info-business" }).success,
      "the domain spells info_business",
    );
    assert.ok(!schema.safeParse({ ...aFactsAnswer(), budget_stated: "yes" }).success);
    assert.ok(!schema.safeParse({ ...aFactsAnswer(), questionnaire: { niche: "x" } }).success);
    assert.ok(!schema.safeParse({ ...aFactsAnswer(), extra: 1 }).success);
  });

  test("given model quotes, when located, then verbatim ones are found (case, ё, whitespace, added quotes ignored) and invented ones are not", () => {
    const messages: DialogMessage[] = [
      { direction: "incoming", text: "Ещё думаем.  Решает   директор", sent_at: "2026-11-09T05:00:00.000Z" },
      { direction: "outgoing", text: "Понял, «созвонимся» в пятницу", sent_at: "2026-11-09T05:01:00.000Z" },
    ];
    assert.deepEqual(locateQuote("решает директор", messages, 0), {
      message_index: 0,
      quote: "Решает   директор",
    });
    assert.deepEqual(locateQuote("«Еще думаем...»", messages, 5), { message_index: 0, quote: "Ещё думаем" });
    assert.deepEqual(locateQuote('"созвонимся" в пятницу', messages, 0), {
      message_index: 1,
      quote: "«созвонимся» в пятницу",
    });
    assert.equal(locateQuote("решает владелец", messages, 0), null);
    assert.equal(locateQuote(" … ", messages, 0), null);
    assert.equal(locateQuote(".", messages, 0), null, "a quote needs a letter or digit");
  });

  test("given a valid answer, when mapped to the domain, then facts as given, blank answers null, only verbatim quotes kept", () => {
    const dialog = aDialog();
    const { facts, evidence, droppedQuotes } = toDomainFacts(
      { ...aFactsAnswer(), questionnaire: { ...aFactsAnswer().questionnaire, start: "  " } },
      dialog.messages,
    );
    assert.equal(facts.funnel_stage, "consultation_booked");
    assert.equal(facts.questionnaire["start"], null);
    assert.equal(droppedQuotes, 1);
    assert.equal(evidence.length, 5);
    for (const e of evidence) assert.ok(dialog.messages[e.message_index]!.text.includes(e.quote));
  });
});
