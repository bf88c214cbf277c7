/** One step of {@link withHeartbeats}: the source's next item, or a heartbeat that fell due. */
export type HeartbeatStep<T> = { readonly kind: "item"; readonly item: T } | { readonly kind: "heartbeat" };

/** The outcome of the one read of the source in flight, once it settled. */
type Settled<T> =
  | { readonly ok: true; readonly result: IteratorResult<T> }
  | { readonly ok: false; readonly error: unknown };

/**
 * Interleaves the items of `source` with heartbeats: yields `{kind: "item"}` for each item as it
 * comes and `{kind: "heartbeat"}` every `everyMs` milliseconds whatever the traffic (the next beat is
 * timed from when the consumer took the previous one, so a slow consumer never gets beats queued up;
 * an item and a due beat at once: the item first). Ends when `source` ends or `signal` aborts — at
 * once, even while a read of `source` is pending; a failed read is thrown to the consumer.
 *
 * Memory stays constant however long it runs (an SSE connection lives for hours): `source` has at
 * most one read in flight, with one reaction on it; each wait is a fresh promise that only the
 * in-flight read, the beat timer or the abort listener can wake, and that nothing refers to once
 * it resolved. Racing each read against a promise that lives as long as `signal` would instead add
 * a reaction to that promise per step, keeping every item reachable until the abort.
 *
 * Ending (source done, abort, error, or the consumer's `return()`) clears the timer and removes the
 * abort listener. It does not end `source`: the caller closes it (a pending read then settles).
 */
export async function* withHeartbeats<T>(
  source: AsyncIterator<T>,
  everyMs: number,
  signal: AbortSignal,
): AsyncGenerator<HeartbeatStep<T>, void, undefined> {
  const state: { settled: Settled<T> | null; reading: boolean; beatDue: boolean } = {
    settled: null,
    reading: false,
    beatDue: false,
  };
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const onBeat = () => {
    state.beatDue = true;
    notify();
  };
  const settle = (settled: Settled<T>) => {
    state.settled = settled;
    state.reading = false;
    notify();
  };
  let timer = setTimeout(onBeat, everyMs);
  signal.addEventListener("abort", notify, { once: true });
  try {
    for (;;) {
      if (signal.aborted) return;
      if (state.settled === null && !state.reading) {
        state.reading = true;
        source.next().then(
          (result) => settle({ ok: true, result }),
          (error: unknown) => settle({ ok: false, error }),
        );
      }
      const settled = state.settled;
      if (settled !== null) {
        state.settled = null;
        if (!settled.ok) throw settled.error;
        if (settled.result.done) return;
        yield { kind: "item", item: settled.result.value };
      } else if (state.beatDue) {
        state.beatDue = false;
        yield { kind: "heartbeat" };
        timer = setTimeout(onBeat, everyMs);
      } else {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    }
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", notify);
  }
}
