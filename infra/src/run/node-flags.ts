/**
 * The V8 flags each long-running service's Node process starts with. The local stack and the
 * ingest benchmark take them from here; `docker-compose.yml` repeats them in its `command`s, and the
 * root `package.json` scripts that replay (`replay`, `bench`) repeat the projector's.
 *
 * Both enlarge the young generation (semi-space, MiB) so short-lived garbage dies there instead of
 * being promoted and collected again (measured gains: docs/PERFORMANCE.md):
 * - `projector` (64): a settings change replays the whole stream in this process, allocating rows
 *   for every event;
 * - `ingest` (32): every webhook allocates its body, parsed object, event and message.
 */
export const SERVICE_NODE_FLAGS = {
  ingest: ["--max-semi-space-size=32"],
  projector: ["--max-semi-space-size=64"],
} as const satisfies Record<string, readonly string[]>;
