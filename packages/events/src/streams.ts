/**
 * Stream configuration, as plain data (the infra package maps it to the nats.js types).
 *
 * - **events** (`{name}`): the source of truth. File storage, limits retention, no age/size/count
 *   limit (`max_age` 0), one replica on a single node. Duplicate window 24 h: JetStream drops a
 *   re-published `Nats-Msg-Id` within it; later duplicates (KeyCRM re-sends after days) are
 *   dropped by the projector, which is idempotent on the dedup key too.
 * - **receipts** (`{name}_RECEIPTS`): small batched records of webhook requests that stored no
 *   event, for `webhook_stats`. File storage, kept 400 days: statistics, not facts (requests that
 *   stored events are counted from the events stream, kept forever). Duplicate window 24 h: ingest
 *   retries a receipts message under its msg id while JetStream fails, so a publish that timed out
 *   but was stored is not stored twice however long the outage lasted (within a day).
 * - **updates** (`{name}_UPDATES`): `order_updated` notices the projector publishes after commit;
 *   SSE clients resume from them by stream sequence (`Last-Event-ID`). Kept 7 days.
 */
export interface StreamPlan {
  readonly name: string;
  readonly subjects: string[];
  /** Max age in nanoseconds; 0 = forever. */
  readonly maxAgeNanos: number;
  /** Duplicate window in nanoseconds. */
  readonly duplicateWindowNanos: number;
}

const SECOND_NS = 1_000_000_000;
const DAY_NS = 86_400 * SECOND_NS;

/** The three streams of one deployment, named from `baseName` (default `CRM_EVENTS`) and `root`. */
export function streamPlans(
  baseName: string,
  root: string,
): { events: StreamPlan; receipts: StreamPlan; updates: StreamPlan } {
  return {
    events: { name: baseName, subjects: [`${root}.events.>`], maxAgeNanos: 0, duplicateWindowNanos: DAY_NS },
    receipts: {
      name: `${baseName}_RECEIPTS`,
      subjects: [`${root}.receipts.>`],
      maxAgeNanos: 400 * DAY_NS,
      duplicateWindowNanos: DAY_NS,
    },
    updates: {
      name: `${baseName}_UPDATES`,
      subjects: [`${root}.updates.>`],
      maxAgeNanos: 7 * DAY_NS,
      duplicateWindowNanos: 120 * SECOND_NS,
    },
  };
}
