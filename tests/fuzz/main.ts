/**
 * `pnpm fuzz [--runs N] [--seed S] [--case I] [--from I] [--route TEXT] [--query-share 0..1]`:
 * fuzzes every query route of `/openapi.json` and every webhook endpoint on a private environment
 * (see `targets.ts`), prints the seed, the answers per status and route, the problem codes, and
 * every failing case with the command that replays it. Exits 1 when a case failed.
 *
 * Defaults: `--runs` from `FUZZ_RUNS` (20 000), `--seed` from `FUZZ_SEED` (else random).
 * `--case I` runs case I alone (with its seed, it is the same request as in the full run).
 */
import { parseArgs } from "node:util";
import { formatCounts, formatFailure, runFuzz } from "./runner.js";
import { startFuzzTargets } from "./targets.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string" },
    seed: { type: "string" },
    case: { type: "string" },
    from: { type: "string" },
    route: { type: "string" },
    "query-share": { type: "string" },
  },
});

function integer(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) {
    console.error(`--${name} must be an integer, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return n;
}

const seed = integer("seed", values.seed ?? process.env["FUZZ_SEED"], Math.floor(Math.random() * 2 ** 31));
const single = values.case === undefined ? null : integer("case", values.case, 0);
const runs = single === null ? integer("runs", values.runs ?? process.env["FUZZ_RUNS"], 20_000) : 1;
const from = single ?? integer("from", values.from, 0);
const queryShare = values["query-share"] === undefined ? 0.7 : Number(values["query-share"]);

console.log(
  `fuzz seed ${seed}: cases ${from}…${from + runs - 1} (replay one with: pnpm fuzz --seed ${seed} --case N)`,
);
const targets = await startFuzzTargets("fuzzcli");
const started = Date.now();
let failed = 0;
try {
  const report = await runFuzz(targets, {
    seed,
    runs,
    from,
    queryShare,
    ...(values.route === undefined ? {} : { routeFilter: values.route }),
    onCase: (index, request, answer) => {
      if (single !== null) {
        console.log(
          `${request.method} ${request.url.slice(0, 300)} (${request.note})\n→ ${answer?.status ?? "no answer"} ${answer?.body.slice(0, 1000) ?? ""}`,
        );
      } else if ((index - from + 1) % 1000 === 0) {
        console.log(`… ${index - from + 1} cases, ${Math.round((Date.now() - started) / 1000)} s`);
      }
    },
  });
  console.log(formatCounts(report));
  for (const f of report.failures) console.log(`\n${formatFailure(f)}`);
  failed = report.failures.length;
  console.log(
    `\nfuzz seed ${seed}: ${runs} cases, ${failed} failed, ${Math.round((Date.now() - started) / 1000)} s`,
  );
} finally {
  await targets.close();
}
process.exit(failed > 0 ? 1 : 0);
