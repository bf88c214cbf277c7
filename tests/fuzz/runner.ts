/**
 * The fuzz run: case `i` of seed `s` is generated on its own (so any case replays alone, by
 * `pnpm fuzz --seed s --case i`), sent, and its answer checked:
 * - no answer is a 5xx;
 * - every 4xx is an RFC 9457 problem: `application/problem+json` with `type`, `title`, `status`
 *   (equal to the HTTP status), `detail` and the stable `code`;
 * - a rejected request (≥ 400) that could write (any method but GET/HEAD) leaves the events
 *   stream's message count where it was.
 */
import fc from "fast-check";
import { type QueryFuzzContext, queryCases } from "./query.cases.js";
import type { FuzzAnswer, FuzzRequest } from "./request.js";
import { FUZZ_ADMIN_TOKEN, FUZZ_PROJECTS, FUZZ_WEBHOOK_SECRET, type FuzzTargets } from "./targets.js";
import { webhookCases } from "./webhook.cases.js";

/** One case that broke a rule, with what is needed to replay it. */
export interface FuzzFailure {
  readonly seed: number;
  readonly index: number;
  readonly request: FuzzRequest;
  /** The answer's status, or null when the request failed without one. */
  readonly status: number | null;
  readonly violations: readonly string[];
  /** The start of the answer's body (or the error). */
  readonly answer: string;
}

/** What a run did: cases per route and status, and the failures. */
export interface FuzzReport {
  readonly seed: number;
  readonly runs: number;
  /** status → cases. */
  readonly byStatus: ReadonlyMap<number, number>;
  /** route → status → cases. */
  readonly byRoute: ReadonlyMap<string, ReadonlyMap<number, number>>;
  /** problem `code` → cases (4xx answers). */
  readonly byCode: ReadonlyMap<string, number>;
  readonly failures: readonly FuzzFailure[];
}

/** Options of {@link runFuzz}. */
export interface FuzzRunOptions {
  readonly seed: number;
  /** Cases to run. */
  readonly runs: number;
  /** First case index (default 0). */
  readonly from?: number;
  /** Share of cases sent to the query API (the rest go to the webhooks); default 0.7. */
  readonly queryShare?: number;
  /** Only cases whose route contains this text (others are generated and skipped). */
  readonly routeFilter?: string;
  /** Called after each case. */
  readonly onCase?: (index: number, request: FuzzRequest, answer: FuzzAnswer | null) => void;
}

/** The case generator of `targets`: a query case or a webhook case. */
export function fuzzCases(targets: FuzzTargets, queryShare = 0.7): fc.Arbitrary<FuzzRequest> {
  const ctx: QueryFuzzContext = {
    token: FUZZ_ADMIN_TOKEN,
    projects: [FUZZ_PROJECTS.keycrm, FUZZ_PROJECTS.amocrm],
    orderIds: targets.orderIds,
  };
  const query = queryCases(targets.openapi, ctx).cases;
  const webhooks = webhookCases(targets.corpus, {
    secret: FUZZ_WEBHOOK_SECRET,
    keycrmProject: FUZZ_PROJECTS.keycrm,
    amocrmProject: FUZZ_PROJECTS.amocrm,
  });
  const q = Math.round(queryShare * 100);
  return fc.oneof({ weight: q, arbitrary: query }, { weight: 100 - q, arbitrary: webhooks });
}

/**
 * Case `index` of `seed`: generated alone, so it is the same whichever cases ran before it. Even
 * cases use fast-check's bias toward small and boundary values (a first run is biased), odd ones
 * are drawn without it.
 */
export function caseAt(cases: fc.Arbitrary<FuzzRequest>, seed: number, index: number): FuzzRequest {
  const caseSeed = (Math.imul(index + 1, 0x9e3779b1) ^ seed) | 0;
  const [request] = fc.sample(index % 2 === 0 ? cases : fc.noBias(cases), { seed: caseSeed, numRuns: 1 });
  if (!request) throw new Error(`no case ${index} for seed ${seed}`);
  return request;
}

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * The rules an answer must keep (see the module comment); `eventsBefore`/`eventsAfter` are the
 * events stream's message counts around a writing request (null for reads).
 * @returns the broken rules, empty when the answer is fine.
 */
export function checkAnswer(
  request: FuzzRequest,
  answer: FuzzAnswer,
  eventsBefore: number | null,
  eventsAfter: number | null,
): string[] {
  const out: string[] = [];
  if (answer.status >= 500) out.push(`answered ${answer.status}`);
  if (answer.status >= 400 && request.method !== "HEAD") {
    const type = answer.headers["content-type"] ?? "";
    if (!type.startsWith("application/problem+json"))
      out.push(`content-type ${JSON.stringify(type)}, not application/problem+json`);
    let body: Record<string, unknown> | null = null;
    try {
      const parsed = JSON.parse(answer.body) as unknown;
      body =
        parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
          ? (parsed as Record<string, unknown>)
          : null;
    } catch {
      body = null;
    }
    if (body === null) out.push("the problem body is not a JSON object");
    else {
      for (const member of ["type", "title", "detail", "code"])
        if (typeof body[member] !== "string" || body[member] === "")
          out.push(`problem member ${member} missing or empty`);
      if (body["status"] !== answer.status)
        out.push(`problem status ${String(body["status"])} ≠ HTTP ${answer.status}`);
    }
  }
  if (answer.status >= 400 && eventsBefore !== null && eventsAfter !== null && eventsAfter !== eventsBefore) {
    out.push(`rejected, yet the events stream went from ${eventsBefore} to ${eventsAfter} messages`);
  }
  return out;
}

function bump<K>(m: Map<K, number>, k: K): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/** Runs cases `from … from + runs − 1` of `seed` against `targets`, one at a time. */
export async function runFuzz(targets: FuzzTargets, opts: FuzzRunOptions): Promise<FuzzReport> {
  const cases = fuzzCases(targets, opts.queryShare);
  const byStatus = new Map<number, number>();
  const byRoute = new Map<string, Map<number, number>>();
  const byCode = new Map<string, number>();
  const failures: FuzzFailure[] = [];
  const from = opts.from ?? 0;
  // Only the fuzzed requests write to the events stream (see targets.ts), so the count after one
  // writing request is the count before the next.
  let known: number | null = null;
  for (let index = from; index < from + opts.runs; index++) {
    const request = caseAt(cases, opts.seed, index);
    if (opts.routeFilter !== undefined && !request.route.includes(opts.routeFilter)) continue;
    const writes = WRITES.has(request.method);
    const before = writes ? (known ?? (await targets.eventCount())) : null;
    let answer: FuzzAnswer | null = null;
    try {
      answer = await targets.send(request);
    } catch (error) {
      known = null;
      failures.push({
        seed: opts.seed,
        index,
        request,
        status: null,
        violations: ["the request failed without an answer"],
        answer: String(error).slice(0, 500),
      });
      opts.onCase?.(index, request, null);
      continue;
    }
    const after = writes ? await targets.eventCount() : null;
    if (after !== null) known = after;
    bump(byStatus, answer.status);
    const route = byRoute.get(request.route) ?? new Map<number, number>();
    bump(route, answer.status);
    byRoute.set(request.route, route);
    if (answer.status >= 400 && answer.status < 500) {
      try {
        bump(byCode, String((JSON.parse(answer.body) as { code?: unknown }).code));
      } catch {
        bump(byCode, "(no JSON body)");
      }
    }
    const violations = checkAnswer(request, answer, before, after);
    if (violations.length > 0) {
      failures.push({
        seed: opts.seed,
        index,
        request,
        status: answer.status,
        violations,
        answer: answer.body.slice(0, 500),
      });
    }
    opts.onCase?.(index, request, answer);
  }
  return { seed: opts.seed, runs: opts.runs, byStatus, byRoute, byCode, failures };
}

/** A failure as text: the rules broken, the request (body cut at 2 000 characters) and how to replay it. */
export function formatFailure(f: FuzzFailure): string {
  const body =
    f.request.body === undefined
      ? ""
      : `\n  body (${f.request.body.length} chars): ${JSON.stringify(f.request.body.slice(0, 2000))}`;
  return (
    `case ${f.index} (seed ${f.seed}): ${f.violations.join("; ")}\n` +
    `  ${f.request.method} ${f.request.url.slice(0, 500)} → ${f.status ?? "no answer"}\n` +
    `  route ${f.request.route}; ${f.request.note}\n` +
    `  headers ${JSON.stringify(f.request.headers)}${body}\n` +
    `  answer ${JSON.stringify(f.answer)}\n` +
    `  replay: pnpm fuzz --seed ${f.seed} --case ${f.index}`
  );
}

/** The report's counts as text: per status, per route and status, per problem code. */
export function formatCounts(r: FuzzReport): string {
  const statuses = [...r.byStatus.entries()].sort((a, b) => a[0] - b[0]);
  const lines = [`statuses: ${statuses.map(([s, n]) => `${s}×${n}`).join(", ")}`];
  for (const [route, m] of [...r.byRoute.entries()].sort()) {
    lines.push(
      `  ${route}: ${[...m.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([s, n]) => `${s}×${n}`)
        .join(", ")}`,
    );
  }
  lines.push(
    `problem codes: ${[...r.byCode.entries()]
      .sort()
      .map(([c, n]) => `${c}×${n}`)
      .join(", ")}`,
  );
  return lines.join("\n");
}
