import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { natsServers } from "./connection.js";

describe("natsServers: NATS_URL credentials (the nats.js client ignores them in a URL)", () => {
  test("given a URL with user and password, then they become options and leave the server URL", () => {
    assert.deepEqual(natsServers("nats://ingest:s3cret@nats:4222"), {
      servers: ["nats://nats:4222"],
      user: "ingest",
      pass: "s3cret",
    });
  });

  test("given percent-encoded credentials and several servers, then they are decoded and set once", () => {
    assert.deepEqual(natsServers("nats://a%40b:p%3Aw@h1:4222, nats://h2:4222"), {
      servers: ["nats://h1:4222", "nats://h2:4222"],
      user: "a@b",
      pass: "p:w",
    });
  });

  test("given no credentials, then only the servers", () => {
    assert.deepEqual(natsServers("nats://127.0.0.1:4222,127.0.0.1:4223"), {
      servers: ["nats://127.0.0.1:4222", "127.0.0.1:4223"],
    });
  });

  test("given a user without password (a token-less user), then user only", () => {
    assert.deepEqual(natsServers("nats://dev@127.0.0.1:4222"), {
      servers: ["nats://127.0.0.1:4222"],
      user: "dev",
    });
  });
});
