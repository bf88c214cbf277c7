/**
 * The per-project daily token budget that survives restarts: the first time a project's day is
 * touched, its book starts from the tokens `rm.analysis_results` already records for that UTC day
 * (`tokensUsedOnDay`), then reservations and settlements are booked in memory exactly like
 * `createInMemoryTokenBudget`. Reading the table once per project and day — not on every call — keeps
 * this process's own results, which the projector writes later, from being counted twice.
 *
 * Limits: results published by a previous process but not yet projected when the day's book is opened
 * are not counted (the projector's lag, normally well under a second); several analyst processes each
 * keep their own book (a shared store would replace this one then).
 */
import type { Database, Logger } from "@pulse/infra";
import type { Kysely } from "kysely";
import { tokensUsedOnDay } from "../analysis/analysis-results.repository.js";
import type { TokenBudget } from "./token-budget.js";

/** Options of {@link createPgTokenBudget}. */
export interface PgTokenBudgetOptions {
  /** Per-project daily limits that override the common one. */
  readonly perProject?: Readonly<Record<string, number>>;
  readonly logger?: Logger;
}

interface Book {
  readonly day: string;
  used: number;
  /** Resolves once `used` holds the day's recorded usage; rejects when it could not be read. */
  readonly ready: Promise<void>;
}

/**
 * Creates the durable budget over `db` with `dailyLimit` tokens per project per UTC day
 * (`LLM_DAILY_TOKEN_BUDGET`). Memory holds one book per project (its latest day).
 * `tryReserve` rejects with the Postgres error when the day's usage cannot be read; the next call
 * tries the read again.
 * @throws RangeError when a limit is negative or not an integer.
 */
export function createPgTokenBudget(
  db: Kysely<Database>,
  dailyLimit: number,
  options: PgTokenBudgetOptions = {},
): TokenBudget {
  const perProject = options.perProject ?? {};
  for (const limit of [dailyLimit, ...Object.values(perProject)])
    if (!Number.isSafeInteger(limit) || limit < 0)
      throw new RangeError(`token budget must be a non-negative integer, got ${limit}`);
  const books = new Map<string, Book>();
  const limitOf = (projectId: string): number => perProject[projectId] ?? dailyLimit;

  const open = (projectId: string, day: string): Book => {
    const current = books.get(projectId);
    // A call for a day older than the open book (a clock read just before midnight) is booked on the
    // open day, as the in-memory budget does.
    if (current !== undefined && current.day >= day) return current;
    const book: Book = {
      day,
      used: 0,
      ready: tokensUsedOnDay(db, projectId, day).then(
        (recorded) => {
          book.used += recorded;
          options.logger?.debug(
            { project_id: projectId, day, recorded_tokens: recorded },
            "token budget opened",
          );
        },
        (error: unknown) => {
          if (books.get(projectId) === book) books.delete(projectId);
          throw error;
        },
      ),
    };
    books.set(projectId, book);
    return book;
  };

  return {
    async tryReserve(projectId, day, tokens) {
      const book = open(projectId, day);
      await book.ready;
      const amount = Math.max(0, tokens);
      if (book.used + amount > limitOf(projectId)) return false;
      book.used += amount;
      return true;
    },
    async settle(projectId, day, reserved, actual) {
      const book = books.get(projectId);
      if (book === undefined || book.day !== day) return;
      await book.ready.catch(() => undefined);
      book.used = Math.max(0, book.used - Math.max(0, reserved) + Math.max(0, actual));
    },
    async used(projectId, day) {
      const current = books.get(projectId);
      if (current !== undefined && current.day > day) return 0;
      const book = open(projectId, day);
      await book.ready;
      return book.used;
    },
  };
}
