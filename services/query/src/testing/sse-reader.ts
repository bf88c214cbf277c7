/**
 * Test support (exported by `@pulse/query/testing` for the end-to-end tests): a minimal SSE client over `fetch` that records every
 * event, parsed by `eventsource-parser`, so tests can assert ids, types and data exactly.
 */
import { waitFor } from "@pulse/infra/testing";
import { createParser, type EventSourceMessage } from "eventsource-parser";

/** An open SSE response being read in the background. */
export interface SseReader {
  readonly status: number;
  readonly contentType: string | null;
  /**
   * Every event received so far, in order (comments and `retry` excluded); stays empty when the
   * reader was opened with `record: false`.
   */
  readonly events: EventSourceMessage[];
  /** How many events of `type` were received so far (counted whether recorded or not). */
  count(type: string): number;
  /** The `retry:` value the server sent, if any (ms). */
  readonly retry: number | undefined;
  /** Resolves when the server ended the stream (or `close()` aborted it). */
  readonly ended: Promise<void>;
  /** Waits until `n` events of type `type` were received and returns them (recorded readers only). */
  take(type: string, n: number, timeoutMs?: number): Promise<EventSourceMessage[]>;
  /** Waits until {@link count} of `type` reaches `n`. */
  waitCount(type: string, n: number, timeoutMs?: number): Promise<void>;
  /** Aborts the request (a client disconnect). */
  close(): void;
}

/** Options of {@link openSse}. */
export interface OpenSseOptions {
  /** Keep every event in `events` (default true); false only counts them (long streams). */
  readonly record?: boolean;
}

/**
 * Opens `url` as an SSE stream with `headers`; resolves once the response headers arrived (for the
 * query app: once its consumer exists). A non-2xx answer resolves too, with its body unread.
 */
export async function openSse(
  url: string,
  headers: Record<string, string> = {},
  { record = true }: OpenSseOptions = {},
): Promise<SseReader> {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: { accept: "text/event-stream", ...headers },
    signal: abort.signal,
  });
  const events: EventSourceMessage[] = [];
  const counts = new Map<string, number>();
  let retry: number | undefined;
  const parser = createParser({
    onEvent: (e) => {
      const type = e.event ?? "message";
      counts.set(type, (counts.get(type) ?? 0) + 1);
      if (record) events.push(e);
    },
    onRetry: (ms) => {
      retry = ms;
    },
  });
  const ended = (async () => {
    if (!res.ok || res.body === null) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    } catch {
      // aborted by close()
    }
  })();
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    events,
    get retry() {
      return retry;
    },
    ended,
    count: (type) => counts.get(type) ?? 0,
    async waitCount(type, n, timeoutMs = 10_000) {
      await waitFor(`${n} ${type} events`, async () => (counts.get(type) ?? 0) >= n, timeoutMs);
    },
    async take(type, n, timeoutMs = 10_000) {
      return await waitFor(
        `${n} ${type} events`,
        async () => {
          const got = events.filter((e) => e.event === type);
          return got.length >= n ? got : undefined;
        },
        timeoutMs,
      );
    },
    close() {
      abort.abort();
    },
  };
}
