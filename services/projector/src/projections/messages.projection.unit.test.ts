import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { messagesProjection } from "./messages.projection.js";
import { foldInMemory } from "./projection.js";
import { anEvent } from "./projection.testing.js";

const message = (id: string, sentAt: string) =>
  anEvent("chat.message_received", {
    source: "evolution",
    message_id: id,
    chat_id: "c1",
    phone: "+380501112233",
    direction: "incoming",
    text: "hi",
    media: null,
    sent_at: sentAt,
    sender_name: null,
    connection: null,
  });

describe("messages projection", () => {
  test("given the same message delivered twice with another time, when folded, then the first delivery wins", () => {
    const states = foldInMemory(messagesProjection, [
      message("m1", "2026-10-20T10:00:00.000Z"),
      message("m1", "2026-10-20T11:00:00.000Z"),
      message("m2", "2026-10-20T12:00:00.000Z"),
    ]);
    const m1 = states.get("shop-test\u0000evolution\u0000m1");
    assert.equal(states.size, 2);
    assert.equal(m1?.sent_at, "2026-10-20T10:00:00.000Z");
    assert.equal(m1?.stream_seq, 1);
  });
});
