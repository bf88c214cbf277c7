import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { DEFAULT_QUESTIONNAIRE } from "@pulse/domain";
import { canonicalJson, inputHash } from "./input-hash.js";
import type { DialogMessage } from "./offline-extractor.js";

const messages: DialogMessage[] = [
  { direction: "incoming", text: "Привет", sent_at: "2026-11-09T05:00:00.000Z" },
  { direction: "outgoing", text: "Здравствуйте!", sent_at: "2026-11-09T05:01:00.000Z" },
];
const parts = {
  messages,
  questionnaire: DEFAULT_QUESTIONNAIRE,
  promptVersion: "dialog-facts@1",
  model: "gpt-4o-mini",
  timeZone: "UTC",
};

describe("input hash", () => {
  test("given objects with other key orders, when made canonical, then the same text with sorted keys", () => {
    assert.equal(
      canonicalJson({ b: 1, a: [{ d: null, c: "x" }], e: undefined }),
      '{"a":[{"c":"x","d":null}],"b":1}',
    );
    assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
  });

  test("given the documented parts, when hashed, then sha256 hex of their canonical JSON", () => {
    const expected = createHash("sha256")
      .update(
        canonicalJson({
          messages: messages.map((m) => ({ direction: m.direction, sent_at: m.sent_at, text: m.text })),
          model: "gpt-4o-mini",
          prompt_version: "dialog-facts@1",
          questionnaire: DEFAULT_QUESTIONNAIRE.map((q) => ({ id: q.id, text: q.text })),
          time_zone: "UTC",
        }),
      )
      .digest("hex");
    assert.equal(inputHash(parts), expected);
    assert.match(inputHash(parts), /^[0-9a-f]{64}$/);
  });

  test("given any part changed, when hashed, then another hash; extra message fields do not count", () => {
    const base = inputHash(parts);
    assert.notEqual(inputHash({ ...parts, promptVersion: "dialog-facts@2" }), base);
    assert.notEqual(inputHash({ ...parts, model: null }), base);
    assert.notEqual(inputHash({ ...parts, timeZone: "Asia/Almaty" }), base);
    assert.notEqual(inputHash({ ...parts, questionnaire: DEFAULT_QUESTIONNAIRE.slice(0, 3) }), base);
    assert.notEqual(inputHash({ ...parts, messages: [...messages].reverse() }), base);
    assert.notEqual(
      inputHash({ ...parts, messages: [{ ...messages[0]!, text: "Привет!" }, messages[1]!] }),
      base,
    );
    const withExtra = messages.map((m) => ({ ...m, message_id: "x" }));
    assert.equal(inputHash({ ...parts, messages: withExtra }), base);
  });
});
