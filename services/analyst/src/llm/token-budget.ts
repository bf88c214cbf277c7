/**
 * The per-project daily token budget of the LLM (prompt + completion tokens per project per UTC day).
 * Before a call the analyst reserves an estimate; after it, the reservation is settled with the real
 * `usage` of the answer (or released when no answer came). A reservation that does not fit means
 * `budget_exhausted`: no request is sent.
 */

/** `YYYY-MM-DD` of the UTC day containing `epochMs` (the budget's period key). */
export function utcDayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/**
 * Where the daily token spend of each project is kept. `day` is a UTC day `YYYY-MM-DD`
 * ({@link utcDayOf}); token counts are non-negative integers.
 */
export interface TokenBudget {
  /**
   * Reserves `tokens` for `projectId` on `day` when `used + reserved + tokens <= limit`; returns
   * whether it did. Atomic per project and day: concurrent reservations never overshoot the limit.
   */
  tryReserve(projectId: string, day: string, tokens: number): Promise<boolean>;
  /**
   * Replaces a reservation of `reserved` tokens with `actual` spent tokens (`actual` 0 releases it).
   * `actual` may exceed `reserved` (the estimate was low); the overshoot is booked, never refused.
   */
  settle(projectId: string, day: string, reserved: number, actual: number): Promise<void>;
  /** Tokens booked (spent + reserved) for `projectId` on `day`. */
  used(projectId: string, day: string): Promise<number>;
}

/**
 * A {@link TokenBudget} in process memory, keyed by project and UTC day, with one daily limit for every
 * project (`LLM_DAILY_TOKEN_BUDGET`) or a per-project override. Days other than the latest one seen
 * per project are dropped, so memory stays bounded. Lost on restart: a restarted process may spend
 * one more day's budget — acceptable for a cost guard; a shared store replaces it when several
 * analyst processes run.
 * @throws RangeError when a limit is negative or not an integer.
 */
export function createInMemoryTokenBudget(
  dailyLimit: number,
  perProject: Readonly<Record<string, number>> = {},
): TokenBudget {
  for (const limit of [dailyLimit, ...Object.values(perProject)])
    if (!Number.isSafeInteger(limit) || limit < 0)
      throw new RangeError(`token budget must be a non-negative integer, got ${limit}`);
  const books = new Map<string, { day: string; used: number }>();
  const limitOf = (projectId: string): number => perProject[projectId] ?? dailyLimit;
  const book = (projectId: string, day: string): { day: string; used: number } => {
    let entry = books.get(projectId);
    if (entry === undefined || entry.day < day) {
      entry = { day, used: 0 };
      books.set(projectId, entry);
    }
    return entry;
  };
  return {
    async tryReserve(projectId, day, tokens) {
      // A call that read the clock just before midnight while another already opened the new day is
      // booked on the new day: the old day's book is gone.
      const entry = book(projectId, day);
      if (entry.used + Math.max(0, tokens) > limitOf(projectId)) return false;
      entry.used += Math.max(0, tokens);
      return true;
    },
    async settle(projectId, day, reserved, actual) {
      const entry = books.get(projectId);
      // Settling a reservation of a day that has since ended: that day's book is gone, nothing to fix.
      if (entry === undefined || entry.day !== day) return;
      entry.used = Math.max(0, entry.used - Math.max(0, reserved) + Math.max(0, actual));
    },
    async used(projectId, day) {
      const entry = books.get(projectId);
      return entry !== undefined && entry.day === day ? entry.used : 0;
    },
  };
}
