import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sendTelegramMessage, TelegramApiError, telegramRetryDecision } from "./telegram.client.js";

describe("telegramRetryDecision", () => {
  test("given 429 with retry_after, then retry after that many seconds, capped", () => {
    assert.deepEqual(telegramRetryDecision(new TelegramApiError(429, "Too Many Requests", 7), 60_000), {
      retry: true,
      waitMs: 7000,
    });
    assert.deepEqual(telegramRetryDecision(new TelegramApiError(429, "Too Many Requests", 600), 60_000), {
      retry: true,
      waitMs: 60_000,
    });
  });
  test("given 5xx or no answer, then retry with the backoff's own delay", () => {
    for (const status of [500, 502, 503, null])
      assert.deepEqual(telegramRetryDecision(new TelegramApiError(status, "x", null), 60_000), {
        retry: true,
        waitMs: null,
      });
  });
  test("given 400, 401 or 403, then never retry (sending again cannot help)", () => {
    for (const status of [400, 401, 403, 404])
      assert.equal(telegramRetryDecision(new TelegramApiError(status, "x", 5), 60_000).retry, false);
  });
});

/** A fetch answering the given responses in order and recording the URLs and bodies it was given. */
function scripted(answers: { status: number; body: unknown }[]) {
  const calls: { url: string; body: string }[] = [];
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), body: String(init?.body) });
    const next = answers.shift() ?? { status: 500, body: { ok: false, description: "exhausted" } };
    return new Response(JSON.stringify(next.body), { status: next.status });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

describe("sendTelegramMessage", () => {
  test("given 429 then 500 then 200, then it retries and returns the message id", async () => {
    const { calls, fetchImpl } = scripted([
      { status: 429, body: { ok: false, description: "Too Many Requests", parameters: { retry_after: 0 } } },
      { status: 500, body: { ok: false, description: "Internal" } },
      { status: 200, body: { ok: true, result: { message_id: 77 } } },
    ]);
    const id = await sendTelegramMessage({
      apiUrl: "http://bot.test/",
      token: "1:token",
      chatId: "-100",
      text: "hi",
      minRetryDelayMs: 1,
      fetch: fetchImpl,
    });
    assert.equal(id, 77);
    assert.equal(calls.length, 3);
    assert.equal(calls[0]?.url, "http://bot.test/bot1:token/sendMessage");
    assert.deepEqual(JSON.parse(calls[0]?.body ?? "{}"), {
      chat_id: "-100",
      text: "hi",
      disable_web_page_preview: true,
    });
  });
  test("given 403 (bot blocked), then it fails at once with the description and without the token in the message", async () => {
    const { calls, fetchImpl } = scripted([
      { status: 403, body: { ok: false, description: "Forbidden: bot was blocked" } },
    ]);
    await assert.rejects(
      sendTelegramMessage({
        apiUrl: "http://bot.test",
        token: "1:secret",
        chatId: "1",
        text: "x",
        fetch: fetchImpl,
      }),
      (e: unknown) =>
        e instanceof TelegramApiError &&
        e.status === 403 &&
        /blocked/.test(e.message) &&
        !e.message.includes("secret"),
    );
    assert.equal(calls.length, 1);
  });
  test("given 5xx on every attempt, then it gives up after the retries", async () => {
    const { calls, fetchImpl } = scripted([]);
    await assert.rejects(
      sendTelegramMessage({
        apiUrl: "http://bot.test",
        token: "1:t",
        chatId: "1",
        text: "x",
        retries: 2,
        minRetryDelayMs: 1,
        fetch: fetchImpl,
      }),
      (e: unknown) => e instanceof TelegramApiError && e.status === 500,
    );
    assert.equal(calls.length, 3);
  });
});
