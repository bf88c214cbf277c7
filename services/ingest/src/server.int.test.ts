import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort, waitFor } from "@pulse/infra/testing";
import { startIngest } from "./server.js";
import { createIngestTestEnv, type IngestTestEnv } from "./testing/ingest-test-env.js";

let t: IngestTestEnv;

before(async () => {
  t = await createIngestTestEnv("ingestsrv");
});

after(async () => {
  await t?.close();
});

describe("ingest process", () => {
  test("given an empty project registry, when started in-process, then it listens, is ready, answers 401 to webhooks, and closes", async () => {
    const running = await startIngest({
      env: { ...t.env.env, PORT: "0", INGEST_HOST: "127.0.0.1", DICTIONARY_SYNC_ON_START: "false" },
      logger: t.logger,
    });
    try {
      assert.equal(running.registry.list().length, 0);
      assert.equal((await fetch(`${running.url}/ready`)).status, 200);
      const res = await fetch(`${running.url}/webhooks/keycrm/shop?secret=x`, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8" },
        body: "{}",
      });
      assert.equal(res.status, 401);
      assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
    } finally {
      await running.close();
    }
  });

  test("given default flags, when started, then the items and contacts consumers exist; with the flags off, no workers and no Evolution route", async () => {
    const base = { ...t.env.env, PORT: "0", INGEST_HOST: "127.0.0.1", DICTIONARY_SYNC_ON_START: "false" };
    const on = await startIngest({ env: base, logger: t.logger });
    try {
      assert.ok(on.itemsWorker && on.contactsWorker);
      const names = [];
      for await (const c of t.env.nats.jsm.consumers.list(t.env.streamName))
        names.push(c.config.durable_name);
      assert.deepEqual(names.sort(), ["contacts-worker", "items-worker"]);
      const evo = await fetch(`${on.url}/webhooks/evolution/shop?secret=x`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      assert.equal(evo.status, 401);
    } finally {
      await on.close();
    }
    const off = await startIngest({
      env: {
        ...base,
        ITEMS_WORKER_ENABLED: "false",
        CONTACTS_WORKER_ENABLED: "0",
        EVOLUTION_WEBHOOK_ENABLED: "false",
      },
      logger: t.logger,
    });
    try {
      assert.equal(off.itemsWorker, null);
      assert.equal(off.contactsWorker, null);
      const evo = await fetch(`${off.url}/webhooks/evolution/shop?secret=x`, { method: "POST", body: "{}" });
      assert.equal(evo.status, 404);
    } finally {
      await off.close();
    }
  });

  test("given server.ts run as a process, when it gets SIGTERM, then it stops cleanly with exit code 0", async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./server.ts", import.meta.url))],
      {
        env: {
          ...process.env,
          ...t.env.env,
          PORT: String(port),
          INGEST_HOST: "127.0.0.1",
          LOG_LEVEL: "silent",
          DICTIONARY_SYNC_ON_START: "false",
        },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await waitFor(
        "ingest /health",
        async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.ok,
        30_000,
      );
      child.kill("SIGTERM");
      assert.equal(await exited, 0, stderr);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
