/**
 * The V8 flags each long-running service's Node process starts with. The local stack and the
 * ingest benchmark take them from here; `docker-compose.yml` repeats them in its `command`s, and the
 * root `package.json` scripts that replay (`replay`, `bench`) repeat the projector's.
 *
 * Both enlarge the young generation (semi-space, MiB) so short-lived garbage dies there:
 * - `projector` (64): a settings change replays the whole stream in this process; with the default
 *   semi-space a quarter of the replay went to garbage collection.
 * - `ingest` (32): every webhook allocates its body, parsed object, event and message; with the
 *   default semi-space collection was about a tenth of ingest's CPU (`pnpm bench ingest`: +8 % req/s).
 */
export const SERVICE_NODE_FLAGS = {
  ingest: ["--max-semi-space-size=32"],
  projector: ["--max-semi-space-size=64"],
} as const satisfies Record<string, readonly string[]>;
