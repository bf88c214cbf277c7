import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { DomainEvent } from "@pulse/events";
import { anOrderStatusChanged } from "@pulse/events/testing";
import { createLogger, type Nats } from "@pulse/infra";
import type { ProjectRecord, ProjectRegistry } from "../projects/project-registry.js";
import { createPoller, type PollRun } from "./poller.js";
import type { PollerCheckpoint, PollerCheckpoints } from "./poller-checkpoints.store.js";

const NOW = new Date("2026-12-07T12:00:00.000Z");
const record = { project_id: "p1", active: true } as ProjectRecord;
const registry: ProjectRegistry = {
  get: (id) => (id === "p1" ? { record, secretDigest: Buffer.alloc(32) } : undefined),
  list: () => [record],
  onChange: () => () => undefined,
  close: async () => undefined,
};

/** Checkpoints in memory. */
function memoryCheckpoints(initial: Record<string, PollerCheckpoint> = {}): PollerCheckpoints & {
  saved: Record<string, PollerCheckpoint>;
} {
  const saved = { ...initial };
  return {
    saved,
    get: async (poller, project) => saved[`${poller}.${project}`] ?? null,
    put: async (poller, project, c) => {
      saved[`${poller}.${project}`] = c;
    },
  };
}

/** A JetStream stand-in that stores every msgID once and answers duplicates after that. */
function fakeNats(): Nats {
  const ids = new Set<string>();
  return {
    js: {
      publish: async (_subject: string, _data: Uint8Array, opts?: { msgID?: string }) => {
        const duplicate = ids.has(opts?.msgID ?? "");
        ids.add(opts?.msgID ?? "");
        return { seq: ids.size, duplicate, stream: "S", domain: "" };
      },
    },
  } as unknown as Nats;
}

const config = { SUBJECT_ROOT: "crm", PUBLISH_TIMEOUT_MS: 1000, WEBHOOK_RETRY_AFTER_SECONDS: 30 };
const logger = createLogger("poller-unit", "silent");

function event(id: number): DomainEvent {
  return anOrderStatusChanged({ order_id: id, status_id: 1, status_changed_at: NOW.toISOString() }, "p1");
}

describe("createPoller", () => {
  test("given a checkpoint, when a run completes, then it read from checkpoint − lookback, its counts come from the publishes and skips, and the checkpoint becomes the run's start", async () => {
    const checkpoints = memoryCheckpoints({
      "demo.p1": {
        last_run_started_at: "2026-12-07T10:00:00.000Z",
        last_run_finished_at: "2026-12-07T10:00:05.000Z",
        published: 1,
        duplicates: 0,
      },
    });
    let seenFrom = 0;
    const poller = createPoller(
      {
        name: "demo",
        intervalSeconds: 0,
        lookbackHours: 2,
        eligible: (r): r is ProjectRecord => !!r?.active,
        requirement: "active",
        skippedMessage: "skipped",
        poll: async (run: PollRun) => {
          seenFrom = run.fromMs;
          await run.publish([event(1), event(2)]);
          await run.publish([event(2), event(3)]);
          run.skip("malformed", "item 7");
          return { ...run.counts };
        },
        summary: (r) => r,
      },
      { nats: fakeNats(), config, logger, registry, checkpoints, clock: () => NOW },
    );
    const result = await poller.runOnce("p1");
    assert.equal(new Date(seenFrom).toISOString(), "2026-12-07T08:00:00.000Z");
    assert.deepEqual(result, { published: 3, duplicates: 1, skipped: 1 });
    assert.deepEqual(checkpoints.saved["demo.p1"], {
      last_run_started_at: NOW.toISOString(),
      last_run_finished_at: NOW.toISOString(),
      published: 3,
      duplicates: 1,
    });
  });

  test("given a run that fails half way, then the checkpoint does not move; given `since`, then the window starts there", async () => {
    const checkpoints = memoryCheckpoints();
    let fail = true;
    let seenFrom = 0;
    const poller = createPoller(
      {
        name: "demo",
        intervalSeconds: 0,
        lookbackHours: 1,
        eligible: (r): r is ProjectRecord => !!r?.active,
        requirement: "active",
        skippedMessage: "skipped",
        poll: async (run: PollRun) => {
          seenFrom = run.fromMs;
          await run.publish([event(1)]);
          if (fail) throw new Error("page 2 failed");
          return run.counts.published;
        },
        summary: () => ({}),
      },
      { nats: fakeNats(), config, logger, registry, checkpoints, clock: () => NOW },
    );
    await assert.rejects(poller.runOnce("p1"), /page 2 failed/);
    const stored = () => checkpoints.saved["demo.p1"];
    assert.equal(stored(), undefined, "no checkpoint after a failed run");
    assert.equal(new Date(seenFrom).toISOString(), "2026-12-07T11:00:00.000Z", "first run: now − lookback");
    fail = false;
    await poller.runOnce("p1", { since: new Date("2026-12-01T00:00:00.000Z") });
    assert.equal(new Date(seenFrom).toISOString(), "2026-12-01T00:00:00.000Z");
    assert.equal(stored()?.last_run_started_at, NOW.toISOString());
  });

  test("given an unknown or ineligible project, then runOnce fails naming the requirement", async () => {
    const poller = createPoller(
      {
        name: "demo",
        intervalSeconds: 0,
        lookbackHours: 1,
        eligible: (r): r is ProjectRecord => false && !!r,
        requirement: "an active demo project",
        skippedMessage: "skipped",
        poll: async () => 0,
        summary: () => ({}),
      },
      { nats: fakeNats(), config, logger, registry, checkpoints: memoryCheckpoints(), clock: () => NOW },
    );
    await assert.rejects(poller.runOnce("p1"), /project p1 is not an active demo project/);
    await assert.rejects(poller.runOnce("nope"), /project nope is not an active demo project/);
    await poller.close();
  });
});
