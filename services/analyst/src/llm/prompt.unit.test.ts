import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  buildPromptMessages,
  buildUserPrompt,
  formatLocalTime,
  PROMPT_VERSION,
  SYSTEM_PROMPT,
} from "./prompt.js";

describe("prompt", () => {
  test("given the version, when read, then dialog-facts@<n>", () => {
    assert.match(PROMPT_VERSION, /^dialog-facts@\d+$/);
  });

  test("given instants and zones, when formatted, then local wall time in IANA zones (with DST) and fixed offsets", () => {
    assert.equal(formatLocalTime("2026-11-09T05:07:00.000Z", "Asia/Almaty"), "2026-11-09 10:07");
    assert.equal(formatLocalTime("2026-07-01T21:30:00.000Z", "Europe/Kyiv"), "2026-07-02 00:30");
    assert.equal(formatLocalTime("2026-01-01T21:30:00.000Z", "Europe/Kyiv"), "2026-01-01 23:30");
    assert.equal(formatLocalTime("2026-11-09T05:07:00.000Z", "+05:00"), "2026-11-09 10:07");
    assert.equal(formatLocalTime("2026-11-09T10:07:00+05:00", "UTC"), "2026-11-09 05:07");
    assert.equal(formatLocalTime("yesterday", "UTC"), "yesterday");
    assert.throws(() => formatLocalTime("2026-11-09T05:07:00.000Z", "Mars/Base"), RangeError);
  });

  test("given a multilingual dialog, when rendered, then numbered lines with local time, direction and role, texts untouched", () => {
    const user = buildUserPrompt({
      timeZone: "Asia/Almaty",
      questionnaire: [{ id: "niche", text: "Какой у вас бизнес?" }],
      messages: [
        {
          direction: "incoming",
          text: "Сәлеметсіз бе! Клиника бар,\nмен иесімін",
          sent_at: "2026-11-09T05:00:00.000Z",
        },
        { direction: "outgoing", text: "Добрий день! Який бюджет?", sent_at: "2026-11-09T05:03:00.000Z" },
        { direction: "incoming", text: "Around $2k a month", sent_at: "2026-11-09T05:04:00.000Z" },
      ],
    });
    assert.equal(
      user,
      [
        "Questionnaire (question id: question):",
        "- niche: Какой у вас бизнес?",
        "",
        "Dialog, 3 messages, local time Asia/Almaty:",
        "[1] 2026-11-09 10:00 · in · client: Сәлеметсіз бе! Клиника бар,",
        "    мен иесімін",
        "[2] 2026-11-09 10:03 · out · manager: Добрий день! Який бюджет?",
        "[3] 2026-11-09 10:04 · in · client: Around $2k a month",
      ].join("\n"),
    );
  });

  test("given a dialog, when the chat messages are built, then the system prompt then the user message; the default questionnaire has 4 questions", () => {
    const messages = buildPromptMessages({ messages: [] });
    assert.deepEqual(
      messages.map((m) => m.role),
      ["system", "user"],
    );
    assert.equal(messages[0]!.content, SYSTEM_PROMPT);
    for (const id of ["niche", "decision_maker", "budget", "start"])
      assert.ok(messages[1]!.content.includes(`- ${id}: `), id);
    for (const stage of [
      "new_lead",
      "not_qualified",
      "qualified",
      "consultation_booked",
      "consultation_completed",
      "deal_closed",
      "deal_lost",
    ])
      assert.ok(SYSTEM_PROMPT.includes(`${stage}:`), stage);
  });
});
