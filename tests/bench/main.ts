/**
 * `pnpm bench <name>`: benchmark scripts that print their figures (never timed tests).
 *   ingest     — webhook ingest vs raw JetStream publish and a no-op Fastify POST
 *   replay     — rebuild of all read models from ≥ 1M events vs a raw batched Postgres insert
 *   recompute  — an SLA change recomputed over ≥ 1M events vs a raw batched Postgres insert
 *   live       — webhook 2xx → SSE frame at 1 and 1,000 clients, 100 and 500 deliveries/s
 *   query      — board, filtered pages, timeline, analytics and shift report p50/p99 at 10 clients
 */
const name = process.argv[2];
const benches: Record<string, () => Promise<void>> = {
  ingest: async () => (await import("./ingest.bench.js")).benchIngest(),
  replay: async () => (await import("./replay.bench.js")).benchReplay(),
  recompute: async () => (await import("./replay.bench.js")).benchRecompute(),
  live: async () => (await import("./live.bench.js")).benchLive(),
  query: async () => (await import("./query.bench.js")).benchQuery(),
};
const run = name ? benches[name] : undefined;
if (!run) {
  console.error(`usage: pnpm bench <${Object.keys(benches).join("|")}>`);
  process.exit(2);
}
await run();
process.exit(0);
