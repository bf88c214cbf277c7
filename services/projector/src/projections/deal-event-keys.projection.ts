import type { EventOfType } from "@pulse/events";
import type { RowOf } from "../replay/table-writer.js";
import { statusEventOf } from "./order-status.projection.js";
import { loadRowsByIds, type Projection } from "./projection.js";
import { storedEventFacts } from "./webhook-stats.projection.js";

/** A `rm.deal_event_keys` row: the dedup key of a deal event no other read model keys. */
export type DealEventKeyRow = RowOf<"deal_event_keys">;

/** The deal events whose facts `deal_event_keys` remembers. */
type DealEvent = EventOfType<"deal.created" | "deal.updated" | "deal.deleted">;

/**
 * The `rm.deal_event_keys` projection — the dedup of deal events (SPEC "Webhook statistics count
 * deliveries": a delivery is `accepted` when one of its facts is new): one state per dedup key, the
 * first sight wins. A `deal.created` that is a lead's first status event is keyed by
 * `order_status_events` instead ({@link statusEventOf}). It emits whether each event was new for the
 * webhook tally ({@link storedEventFacts}).
 */
export const dealEventKeysProjection: Projection<DealEvent, DealEventKeyRow, string> = {
  name: "deal_event_keys",
  eventTypes: new Set(["deal.created", "deal.updated", "deal.deleted"]),
  keyOf: (event) => (statusEventOf(event) ? null : { projectId: event.project_id, id: event.dedup_key }),
  evolve: (row, event) => row ?? { project_id: event.project_id, dedup_key: event.dedup_key },
  emit: (before, after, event) => storedEventFacts(event, after !== before),
  rows: (row) => ({ deal_event_keys: [row] }),
  upsert: { deal_event_keys: { keys: ["project_id", "dedup_key"], action: "nothing" } },
  load: async (db, projectId, ids) =>
    new Map(
      (await loadRowsByIds(db, "deal_event_keys", projectId, "dedup_key", ids)).map((r) => [r.dedup_key, r]),
    ),
};
