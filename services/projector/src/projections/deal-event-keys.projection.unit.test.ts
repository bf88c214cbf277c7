import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { aDealDeleted, aDealEvent } from "@pulse/events/testing";
import { dealEventKeysProjection } from "./deal-event-keys.projection.js";
import { messagesProjection } from "./messages.projection.js";
import { evolveInto, foldInMemory, type PositionedInput, stateKey } from "./projection.js";
import { anEvent } from "./projection.testing.js";
import type { WebhookFact } from "./webhook-stats.projection.js";

const P = "amo-test";

/** The delivery outcomes the emitted facts report, in order. */
function outcomes(emitted: readonly PositionedInput[]): string[] {
  return emitted
    .map((f) => f.event as WebhookFact)
    .flatMap((f) => (f.type === "webhook.delivery_input" ? [f.input.outcome] : []));
}

describe("deal_event_keys projection (dedup of deal facts)", () => {
  test("given a deal update seen twice, when folded, then one key is stored and the second sight is no change", () => {
    const e = aDealEvent("deal.updated", { lead_id: 3, status_id: 5 }, P);
    const states = foldInMemory(dealEventKeysProjection, [e]);
    assert.deepEqual(states.get(stateKey(P, e.dedup_key)), { project_id: P, dedup_key: e.dedup_key });
    assert.equal(evolveInto(dealEventKeysProjection, states, e, 2), null);
  });

  test("given a lead's creation with a stage, when folded, then it is keyed by order_status_events, not here", () => {
    const created = aDealEvent("deal.created", { lead_id: 3, status_id: 5, pipeline_id: 1 }, P);
    assert.equal(foldInMemory(dealEventKeysProjection, [created, aDealDeleted(3, P)]).size, 1);
  });

  test("given a webhook deal event folded twice, when the facts are emitted, then the delivery is accepted then duplicate", () => {
    const e = { ...aDealDeleted(3, P), delivery: { id: "d1", source: "amocrm", events: 1 } };
    const states = new Map();
    const emitted: PositionedInput[] = [];
    evolveInto(dealEventKeysProjection, states, e, 1, undefined, emitted);
    evolveInto(dealEventKeysProjection, states, e, 2, undefined, emitted);
    assert.deepEqual(outcomes(emitted), ["accepted", "duplicate"]);
  });
});

describe("messages projection (first delivery wins)", () => {
  const message = (text: string) =>
    ({
      ...anEvent(
        "chat.message_received",
        {
          source: "evolution",
          message_id: "m1",
          chat_id: "c1",
          phone: "+380501112233",
          direction: "incoming",
          text,
          media: null,
          sent_at: "2026-10-12T06:00:00.000Z",
          sender_name: null,
          connection: null,
        } as never,
        "chat-test",
      ),
      delivery: { id: `d-${text}`, source: "evolution", events: 1 },
    }) as Parameters<typeof messagesProjection.evolve>[1];

  test("given the same message delivered twice, when folded, then the first row stays and the tally hears accepted then duplicate", () => {
    const states = new Map();
    const emitted: PositionedInput[] = [];
    evolveInto(messagesProjection, states, message("first"), 1, undefined, emitted);
    evolveInto(messagesProjection, states, message("second"), 2, undefined, emitted);
    assert.equal(states.size, 1);
    assert.equal([...states.values()][0].text, "first");
    assert.deepEqual(outcomes(emitted), ["accepted", "duplicate"]);
  });
});
