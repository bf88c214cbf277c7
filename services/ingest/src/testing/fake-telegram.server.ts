/**
 * A local HTTP server speaking the Telegram Bot API's `sendMessage`
 * (`POST /bot{token}/sendMessage`, JSON `{chat_id, text}` → `{ok, result: {message_id}}`), for the
 * sale notification tests and the demo. Answers can be scripted per call (429 with
 * `parameters.retry_after`, 500, 401 for an unknown token …); every request is recorded.
 */
import { createServer, type IncomingMessage } from "node:http";

/** One request the server received: the token from the path, the chat and text, and the status it answered. */
export interface TelegramRequest {
  token: string;
  chatId: string;
  text: string;
  status: number;
}

/** A scripted answer: a status (with `retry_after` seconds for 429), or a hook run before answering 200. */
export type TelegramScript =
  | { status: 429; retryAfter: number }
  | { status: 400 | 401 | 403 | 500 | 502; description?: string }
  | { status: 200; before?: () => Promise<void> };

/** The running server. */
export interface FakeTelegram {
  /** `http://127.0.0.1:{port}` — the `TELEGRAM_API_URL`. */
  readonly url: string;
  /** Every request in arrival order. */
  readonly requests: TelegramRequest[];
  /** Messages answered 200 (delivered). */
  delivered(): TelegramRequest[];
  /** Queues answers for the next requests whose text matches `match` (in order; then 200). */
  script(match: RegExp, answers: TelegramScript[]): void;
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * Starts the server on 127.0.0.1 (any free port). Tokens in `validTokens` are accepted; any other
 * token is answered 401 `Unauthorized` like the Bot API does.
 */
export async function startFakeTelegram(validTokens: readonly string[]): Promise<FakeTelegram> {
  const requests: TelegramRequest[] = [];
  const scripts: { match: RegExp; answers: TelegramScript[] }[] = [];
  let nextId = 1;
  const server = createServer((req, res) => {
    void (async () => {
      const m = /^\/bot([^/]+)\/sendMessage$/.exec(req.url ?? "");
      const body = await bodyOf(req);
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(json));
      };
      if (!m || req.method !== "POST")
        return send(404, { ok: false, error_code: 404, description: "Not Found" });
      const token = decodeURIComponent(m[1] ?? "");
      const text = String(body["text"] ?? "");
      const record = (status: number) =>
        requests.push({ token, chatId: String(body["chat_id"]), text, status });
      if (!validTokens.includes(token)) {
        record(401);
        return send(401, { ok: false, error_code: 401, description: "Unauthorized" });
      }
      const answer = scripts.find((s) => s.match.test(text) && s.answers.length > 0)?.answers.shift();
      if (answer && answer.status === 429) {
        record(429);
        return send(429, {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${answer.retryAfter}`,
          parameters: { retry_after: answer.retryAfter },
        });
      }
      if (answer && answer.status !== 200) {
        record(answer.status);
        return send(answer.status, {
          ok: false,
          error_code: answer.status,
          description: answer.description ?? "Internal Server Error",
        });
      }
      if (answer?.status === 200 && answer.before) await answer.before();
      record(200);
      send(200, { ok: true, result: { message_id: nextId++, chat: { id: body["chat_id"] }, text } });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    delivered: () => requests.filter((r) => r.status === 200),
    script(match, answers) {
      scripts.push({ match, answers: [...answers] });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
