import { randomFillSync } from "node:crypto";
import { monotonicFactory } from "ulid";

/**
 * A monotonic ULID factory for event ids: `(epochMs) => ULID` (26 Crockford base-32 chars, time
 * first, strictly increasing within a process). Its randomness comes from a pool of
 * `crypto.randomFillSync` bytes refilled 4 KiB at a time — the default PRNG of `ulid` asks the
 * kernel for one byte per character, which showed up in webhook profiles.
 */
export function eventIdFactory(): (epochMs: number) => string {
  const pool = new Uint8Array(4096);
  let next = pool.length;
  const prng = () => {
    if (next >= pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    return (pool[next++] ?? 0) / 256;
  };
  const factory = monotonicFactory(prng);
  return (epochMs) => factory(epochMs);
}
