import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { REDACT_PATHS } from "@pulse/infra";
import { pino } from "pino";
import type { ProjectRecord } from "./project-registry.js";
import { sha256Hex } from "./project-registry.js";
import { openStoredProjectRecord, sealProjectRecord } from "./project-secrets.js";
import {
  decryptSecret,
  developmentSecretsKey,
  encryptSecret,
  SecretDecryptError,
  type SecretsKeyring,
  sealedWithOldKey,
  secretsKey,
  secretsKeyringFromEnv,
} from "./secrets.js";

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const ringA: SecretsKeyring = { current: secretsKey(keyA), previous: null, source: "env" };
const ringB: SecretsKeyring = { current: secretsKey(keyB), previous: null, source: "env" };
const ringBafterA: SecretsKeyring = { current: secretsKey(keyB), previous: secretsKey(keyA), source: "env" };
const AAD = "project:shop-kyiv:api_token";
const TOKEN = "keycrm-token-ZmFrZS10b2tlbg";

const record: ProjectRecord = {
  project_id: "shop-kyiv",
  name: "Kyiv",
  kind: "keycrm",
  base_url: "https://openapi.keycrm.app/v1",
  time_zone: "Europe/Kyiv",
  active: true,
  webhook_secret_sha256: sha256Hex("kyiv-webhook-secret"),
  api_token: TOKEN,
  radist: {
    base_url: "https://api.radist.online/v2",
    company_id: 271845,
    api_key: "radist-key-c2VjcmV0",
    connection_ids: [40977],
  },
};

describe("AES-256-GCM envelope", () => {
  test("given a secret, when sealed and opened with the same key and AAD, then it round-trips; two seals differ (fresh IV)", () => {
    const a = encryptSecret(ringA, TOKEN, AAD);
    const b = encryptSecret(ringA, TOKEN, AAD);
    assert.equal(decryptSecret(ringA, a, AAD), TOKEN);
    assert.notEqual(a.iv, b.iv);
    assert.notEqual(a.ct, b.ct);
    assert.equal(a.kid, ringA.current.id);
    assert.ok(!JSON.stringify(a).includes(TOKEN));
    assert.equal(decryptSecret(ringA, encryptSecret(ringA, "", AAD), AAD), "");
    assert.equal(decryptSecret(ringA, encryptSecret(ringA, "ключ ✓", AAD), AAD), "ключ ✓");
  });

  test("given an envelope, when opened with another key, then it fails (unknown key id, or a forged id)", () => {
    const sealed = encryptSecret(ringA, TOKEN, AAD);
    assert.throws(() => decryptSecret(ringB, sealed, AAD), SecretDecryptError);
    assert.throws(
      () => decryptSecret(ringB, { ...sealed, kid: ringB.current.id }, AAD),
      /failed authentication/,
    );
  });

  test("given an envelope, when its ciphertext, tag, IV or AAD is altered, then it fails authentication", () => {
    const sealed = encryptSecret(ringA, TOKEN, AAD);
    const flip = (b64: string) => {
      const buf = Buffer.from(b64, "base64");
      buf[0] = (buf[0] ?? 0) ^ 1;
      return buf.toString("base64");
    };
    assert.throws(
      () => decryptSecret(ringA, { ...sealed, ct: flip(sealed.ct) }, AAD),
      /failed authentication/,
    );
    assert.throws(
      () => decryptSecret(ringA, { ...sealed, tag: flip(sealed.tag) }, AAD),
      /failed authentication/,
    );
    assert.throws(
      () => decryptSecret(ringA, { ...sealed, iv: flip(sealed.iv) }, AAD),
      /failed authentication/,
    );
    assert.throws(() => decryptSecret(ringA, sealed, "project:shop-lviv:api_token"), /failed authentication/);
    assert.throws(() => decryptSecret(ringA, { ...sealed, tag: "AAAA" }, AAD), /malformed/);
  });

  test("given a rotation (new current, old previous), when opening, then old and new envelopes open, new ones are sealed with the new key", () => {
    const old = encryptSecret(ringA, TOKEN, AAD);
    assert.equal(decryptSecret(ringBafterA, old, AAD), TOKEN);
    assert.ok(sealedWithOldKey(ringBafterA, old));
    const fresh = encryptSecret(ringBafterA, TOKEN, AAD);
    assert.equal(fresh.kid, ringB.current.id);
    assert.ok(!sealedWithOldKey(ringBafterA, fresh));
    assert.throws(() => decryptSecret(ringA, fresh, AAD), SecretDecryptError);
  });
});

describe("keyring from the environment", () => {
  const b64A = keyA.toString("base64");
  test("given SECRETS_KEY and SECRETS_KEY_PREVIOUS, when read, then both keys are used by id", () => {
    const ring = secretsKeyringFromEnv({ SECRETS_KEY: b64A, SECRETS_KEY_PREVIOUS: keyB.toString("base64") });
    assert.equal(ring.current.id, ringA.current.id);
    assert.equal(ring.previous?.id, ringB.current.id);
    assert.equal(ring.source, "env");
  });

  test("given production without SECRETS_KEY, when read, then it fails with a clear message", () => {
    assert.throws(
      () => secretsKeyringFromEnv({ NODE_ENV: "production" }),
      /SECRETS_KEY is required in production/,
    );
    assert.equal(secretsKeyringFromEnv({ NODE_ENV: "production", SECRETS_KEY: b64A }).source, "env");
  });

  test("given no SECRETS_KEY outside production, when read, then the fixed development key is used, the same in every process", () => {
    const ring = secretsKeyringFromEnv({ NODE_ENV: "test" });
    assert.equal(ring.source, "development");
    assert.equal(ring.current.id, developmentSecretsKey().id);
    assert.equal(secretsKeyringFromEnv({}).current.id, ring.current.id);
  });

  test("given a malformed key, when read, then the variable is named and the value is not echoed", () => {
    for (const bad of ["short", Buffer.alloc(16).toString("base64"), "not base64 at all!!"]) {
      assert.throws(
        () => secretsKeyringFromEnv({ SECRETS_KEY: bad }),
        (e: Error) =>
          /SECRETS_KEY must be the base64 of 32 bytes/.test(e.message) && !e.message.includes(bad),
      );
    }
    assert.throws(
      () => secretsKeyringFromEnv({ SECRETS_KEY: b64A, SECRETS_KEY_PREVIOUS: "x" }),
      /SECRETS_KEY_PREVIOUS/,
    );
  });
});

describe("sealed project records", () => {
  test("given a record, when sealed, then the stored JSON holds no token, digest or API key, and opens back to the record", () => {
    const stored = JSON.parse(JSON.stringify(sealProjectRecord(ringA, record))) as Record<string, unknown>;
    const text = JSON.stringify(stored);
    for (const secret of [TOKEN, record.webhook_secret_sha256, "radist-key-c2VjcmV0"])
      assert.ok(!text.includes(secret), "no secret in clear");
    assert.equal(stored["name"], "Kyiv");
    const opened = openStoredProjectRecord(ringA, stored);
    assert.deepEqual(opened.record, record);
    assert.equal(opened.stale, false);
    assert.equal(openStoredProjectRecord(ringBafterA, stored).stale, true);
    assert.throws(() => openStoredProjectRecord(ringB, stored), SecretDecryptError);
  });

  test("given an envelope moved to another project or field, when opened, then it fails", () => {
    const kyiv = sealProjectRecord(ringA, record);
    const lviv = sealProjectRecord(ringA, { ...record, project_id: "shop-lviv", api_token: "other" });
    assert.throws(
      () => openStoredProjectRecord(ringA, { ...lviv, api_token: kyiv["api_token"] }),
      SecretDecryptError,
    );
    assert.throws(
      () => openStoredProjectRecord(ringA, { ...kyiv, webhook_secret_sha256: kyiv["api_token"] }),
      SecretDecryptError,
    );
  });

  test("given a record written before sealing (secrets in clear), when opened, then it reads as is and is stale", () => {
    const opened = openStoredProjectRecord(ringA, JSON.parse(JSON.stringify(record)));
    assert.deepEqual(opened.record, record);
    assert.equal(opened.stale, true);
    const noToken = sealProjectRecord(ringA, { ...record, api_token: null });
    assert.equal(openStoredProjectRecord(ringA, noToken).record.api_token, null);
  });
});

describe("fail fast without a key in production", () => {
  test("given NODE_ENV=production and no SECRETS_KEY, when ingest or the CLI starts, then it stops with a clear message before connecting", async () => {
    const { startIngest } = await import("../server.js");
    const { runCli } = await import("../cli.js");
    // An unroutable NATS URL: reaching the connection step would fail differently (and slowly).
    const env = { NODE_ENV: "production", NATS_URL: "nats://127.0.0.1:1", LOG_LEVEL: "silent" };
    await assert.rejects(startIngest({ env }), /SECRETS_KEY is required in production/);
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      stderr.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      assert.equal(await runCli(["project", "list"], env), 1);
    } finally {
      process.stderr.write = write;
    }
    assert.match(stderr.join(""), /SECRETS_KEY is required in production/);
  });
});

describe("log redaction", () => {
  test("given a project record, a registry entry and the ingest config, when logged, then no secret appears", () => {
    const lines: string[] = [];
    const log = pino(
      { redact: { paths: REDACT_PATHS, censor: "[redacted]" } },
      { write: (line: string) => lines.push(line) },
    );
    const key = randomBytes(32).toString("base64");
    log.info({ record }, "record");
    log.info({ entry: { record } }, "entry");
    log.info(
      { config: { SECRETS_KEY: key, SECRETS_KEY_PREVIOUS: key, EVENTS_STREAM: "CRM_EVENTS" } },
      "config",
    );
    const text = lines.join("");
    for (const secret of [TOKEN, record.webhook_secret_sha256, "radist-key-c2VjcmV0", key])
      assert.ok(!text.includes(secret), `${secret.slice(0, 6)}… is redacted`);
    assert.ok(text.includes("CRM_EVENTS") && text.includes("shop-kyiv"));
  });
});
