/**
 * A real local HTTP server speaking the OpenAI chat completions protocol, for the analyst's
 * integration tests: `POST /v1/chat/completions` answers with what the test's handler decides (a
 * `chat.completion` object with `usage`, an HTTP error with headers, or a delayed answer), records
 * every request (headers and JSON body) and counts requests in flight. Listens on 127.0.0.1, port 0.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the stub received. `body` is the parsed JSON (or the raw text when not JSON). */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/**
 * What the stub answers to one request (after `delayMs`, default 0):
 * - `completion`: 200 with a `chat.completion` whose first choice has `content` (a string, typically
 *   JSON), `finish_reason` (default `stop`), `refusal` (default null) and `usage` (default 120 / 40);
 * - `status`: that HTTP status with `body` (default an OpenAI error object) and `headers`.
 */
export type StubReply =
  | {
      readonly kind: "completion";
      readonly content: string | null;
      readonly usage?: { readonly prompt_tokens: number; readonly completion_tokens: number };
      readonly finishReason?: "stop" | "length" | "content_filter";
      readonly refusal?: string | null;
      readonly delayMs?: number;
    }
  | {
      readonly kind: "status";
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: unknown;
      readonly delayMs?: number;
    };

/** Decides the reply to the `n`-th request (1-based). */
export type StubHandler = (request: RecordedRequest, n: number) => StubReply | Promise<StubReply>;

/** A running stub: `baseURL` ends in `/v1`; `close()` ends open connections and pending timers. */
export interface OpenAiStub {
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  /** Highest number of requests in flight at one moment since start. */
  maxInFlight(): number;
  setHandler(handler: StubHandler): void;
  close(): Promise<void>;
}

/** A 200 reply carrying `answer` as JSON content. */
export function jsonReply(
  answer: unknown,
  extra: Omit<Extract<StubReply, { kind: "completion" }>, "kind" | "content"> = {},
): StubReply {
  return { kind: "completion", content: JSON.stringify(answer), ...extra };
}

/** Starts the stub on 127.0.0.1 with an ephemeral port. The default handler answers 500. */
export async function startOpenAiStub(handler?: StubHandler): Promise<OpenAiStub> {
  let current: StubHandler = handler ?? (() => ({ kind: "status", status: 500 }));
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let maxInFlight = 0;

  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => {
    if (res.destroyed) return;
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(text);
  };

  const server = createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let done = false;
    const finish = (): void => {
      if (!done) {
        done = true;
        inFlight -= 1;
      }
    };
    res.on("close", finish);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body,
      };
      if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
        send(res, 404, { error: { message: "not found", type: "invalid_request_error", code: null } });
        return;
      }
      requests.push(recorded);
      const n = requests.length;
      void Promise.resolve(current(recorded, n)).then((reply) => {
        const answer = (): void => {
          if (reply.kind === "status") {
            send(
              res,
              reply.status,
              reply.body ?? {
                error: { message: `stub error ${reply.status}`, type: "server_error", code: null },
              },
              { ...reply.headers },
            );
            return;
          }
          const model = (body as { model?: unknown }).model;
          const usage = reply.usage ?? { prompt_tokens: 120, completion_tokens: 40 };
          send(res, 200, {
            id: `chatcmpl-stub-${n}`,
            object: "chat.completion",
            created: Math.floor(Date.now() / 1000),
            model: typeof model === "string" ? model : "stub",
            choices: [
              {
                index: 0,
                message: { role: "assistant", content: reply.content, refusal: reply.refusal ?? null },
                logprobs: null,
                finish_reason: reply.finishReason ?? "stop",
              },
            ],
            usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
            system_fingerprint: null,
          });
        };
        if ((reply.delayMs ?? 0) <= 0) return answer();
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, reply.delayMs);
        timers.add(timer);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    maxInFlight: () => maxInFlight,
    setHandler: (h) => {
      current = h;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
