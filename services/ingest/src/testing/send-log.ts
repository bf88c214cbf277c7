/**
 * Request spacing as the client produced it: a `fetch` that notes when each request was handed to
 * it. Tests assert the rate limiter on these send times, not on when the fake API saw the requests
 * (arrival times also carry the load of the machine: a request handled late and the next one on time
 * arrive closer together than they were sent).
 */

/** One request as handed to `fetch`: `at` = `Date.now()` (epoch ms) at the call, and its URL. */
export interface SentRequest {
  readonly at: number;
  readonly url: string;
}

/** A recording `fetch` and what it recorded, in call order. */
export interface SendLog {
  readonly fetch: typeof fetch;
  readonly sent: SentRequest[];
}

/** Wraps `inner` (default: the global `fetch`) so that every call is recorded before it is passed on. */
export function recordingFetch(inner: typeof fetch = globalThis.fetch): SendLog {
  const sent: SentRequest[] = [];
  const wrapped = ((input: string | URL | Request, init?: RequestInit) => {
    sent.push({ at: Date.now(), url: input instanceof Request ? input.url : String(input) });
    return inner(input, init);
  }) as typeof fetch;
  return { fetch: wrapped, sent };
}

/**
 * The gaps between consecutive `times` (epoch ms, in send order) shorter than `minMs`, as readable
 * strings (`"2→3: 998 ms"`); empty when every gap is long enough. A gap may read up to 2 ms short of
 * what the limiter waited: the limiter and this log read `Date.now()`, which counts whole
 * milliseconds, at slightly different instants. A busy machine only makes gaps longer.
 */
export function shortGaps(times: readonly number[], minMs: number): string[] {
  const out: string[] = [];
  for (let i = 1; i < times.length; i++) {
    const gap = (times[i] ?? 0) - (times[i - 1] ?? 0);
    if (gap < minMs - 2) out.push(`${i - 1}→${i}: ${gap} ms`);
  }
  return out;
}
