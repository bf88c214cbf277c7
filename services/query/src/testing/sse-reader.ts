/**
 * Test support (not exported by the package): a minimal SSE client over `fetch` that records every
 * event, parsed by `eventsource-parser`, so tests can assert ids, types and data exactly.
 */
import { waitFor } from "@pulse/infra/testing";
import { createParser, type EventSourceMessage } from "eventsource-parser";

/** An open SSE response being read in the background. */
export interface SseReader {
  readonly status: number;
  readonly contentType: string | null;
  /** Every event received so far, in order (comments and `retry` excluded). */
  readonly events: EventSourceMessage[];
  /** The `retry:` value the server sent, if any (ms). */
  readonly retry: number | undefined;
  /** Resolves when the server ended the stream (or `close()` aborted it). */
  readonly ended: Promise<void>;
  /** Waits until `n` events of type `type` were received and returns them. */
  take(type: string, n: number, timeoutMs?: number): Promise<EventSourceMessage[]>;
  /** Aborts the request (a client disconnect). */
  close(): void;
}

/**
 * Opens `url` as an SSE stream with `headers`; resolves once the response headers arrived (for the
 * query app: once its consumer exists). A non-2xx answer resolves too, with its body unread.
 */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: { accept: "text/event-stream", ...headers },
    signal: abort.signal,
  });
  const events: EventSourceMessage[] = [];
  let retry: number | undefined;
  const parser = createParser({
    onEvent: (e) => events.push(e),
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
