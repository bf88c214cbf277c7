/**
 * Test builders for the projection unit tests (`*.projection.unit.test.ts`): event envelopes of the
 * types `@pulse/events/testing` has no builder for. Not for production code.
 */
import type { DomainEventType, EventOfType } from "@pulse/events";

let clock = Date.UTC(2026, 9, 20, 8, 0, 0);

/**
 * An event of `type` in `projectId` with `data` as given (not validated: the projections receive
 * decoded events); `occurred_at`/`recorded_at` advance one second per call unless `at` is given.
 */
export function anEvent<T extends DomainEventType>(
  type: T,
  data: EventOfType<T>["data"],
  projectId = "shop-test",
  at?: string,
): EventOfType<T> {
  clock += 1000;
  const when = at ?? new Date(clock).toISOString();
  return {
    id: `01TEST${clock}`,
    type,
    version: 1,
    project_id: projectId,
    occurred_at: when,
    recorded_at: when,
    dedup_key: `${type}:${projectId}:${clock}`,
    source: "api",
    raw: null,
    data,
  } as unknown as EventOfType<T>;
}
