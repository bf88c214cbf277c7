/**
 * Slows down password guessing against one login: after {@link LoginThrottleOptions.freeFailures}
 * consecutive failed logins, the next attempt for that login is refused until a backoff has passed
 * — 1 s, then doubling per further failure, at most `maxBackoffMs`. A successful login clears the
 * count. Time comes from `clock`, so tests drive it. State is per process (memory), keyed by the
 * lower-cased login; at most `maxEntries` logins are tracked (the oldest are dropped).
 */
export interface LoginThrottleOptions {
  readonly clock: () => Date;
  /** Failures allowed before backoff starts (default 5). */
  readonly freeFailures?: number;
  /** Cap of the backoff, ms (default 15 minutes). */
  readonly maxBackoffMs?: number;
  /** Logins tracked at most (default 10 000). */
  readonly maxEntries?: number;
}

/** See {@link createLoginThrottle}. */
export interface LoginThrottle {
  /** Milliseconds until `login` may try again (0 = now). */
  waitMs(login: string): number;
  /** Records a failed attempt of `login`. */
  failed(login: string): void;
  /** Clears the failures of `login` (it signed in). */
  succeeded(login: string): void;
}

/** Creates a {@link LoginThrottle}. */
export function createLoginThrottle(opts: LoginThrottleOptions): LoginThrottle {
  const free = opts.freeFailures ?? 5;
  const cap = opts.maxBackoffMs ?? 15 * 60_000;
  const maxEntries = opts.maxEntries ?? 10_000;
  const state = new Map<string, { failures: number; until: number }>();
  const key = (login: string) => login.toLowerCase();
  return {
    waitMs(login) {
      const s = state.get(key(login));
      return s === undefined ? 0 : Math.max(0, s.until - opts.clock().getTime());
    },
    failed(login) {
      const k = key(login);
      const s = state.get(k) ?? { failures: 0, until: 0 };
      s.failures += 1;
      const over = s.failures - free;
      s.until = over > 0 ? opts.clock().getTime() + Math.min(cap, 1000 * 2 ** (over - 1)) : 0;
      state.delete(k);
      state.set(k, s);
      if (state.size > maxEntries) {
        const oldest = state.keys().next().value;
        if (oldest !== undefined) state.delete(oldest);
      }
    },
    succeeded(login) {
      state.delete(key(login));
    },
  };
}
