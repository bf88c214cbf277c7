/**
 * A projection as one declaration, applied the same way by the live projector and by the replay
 * (docs/ARCHITECTURE.md "Projections"):
 * - which inputs it handles (`eventTypes`: domain events, or facts another declaration emits) and
 *   the key each one evolves (`keyOf`: project + id);
 * - a pure `evolve(state | null, event, seq, context) → state | null` (returning the given state
 *   itself means "unchanged": nothing is written for it, and for a dedup projection "not new");
 * - optionally the facts it derives for later declarations (`emit`, pure: e.g. "this webhook event
 *   was new", "this delivery's counters move");
 * - how a state maps to rows (`rows`) and how those rows meet the stored ones (`upsert` per table,
 *   or `write` for a projection with its own rule);
 * - how the live store loads the states of some keys (`load`, usually {@link loadRowsByIds}; omitted
 *   when `evolve` never reads a stored state, e.g. "latest wins" or additive counters).
 *
 * The one evolve loop is {@link evolveInto}: the live store ({@link applyLive}, {@link applyLiveChain})
 * loads the batch's keys, evolves and upserts the changed states inside the batch transaction; the
 * replay's memory store keeps every state in a map ({@link evolveInMemory}, {@link evolveChain}) and
 * writes {@link rowsOf} all of them by `COPY`.
 */
import type { DomainEvent } from "@pulse/events";
import { READ_MODEL_DECLARATION_ENTRIES, type ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import { getOrCreate } from "../collections.js";
import { iso } from "../db-values.js";
import { type OnConflict, type RowOf, type WrittenTable, writeRows } from "../replay/table-writer.js";

/**
 * What a projection folds: a domain event, or a fact a declaration emits for later ones (a `type`
 * outside the events' types, e.g. `webhook.delivery_input`).
 */
export interface ProjectionInput {
  readonly type: string;
}

/** The key of one state: its project and its id inside the project (lead id, order id, kind …). */
export interface ProjectionKey<Id> {
  readonly projectId: string;
  readonly id: Id;
}

/** Rows of some read-model tables (table → rows). */
export type TableRows = { [T in WrittenTable]?: readonly RowOf<T>[] };

/** A decoded events-stream message with its stream position. */
export interface PositionedEvent {
  readonly seq: number;
  readonly event: DomainEvent;
}

/** An input (event or emitted fact) with the stream position it comes from. */
export interface PositionedInput {
  readonly seq: number;
  readonly event: ProjectionInput;
}

/**
 * One projection: the inputs it handles, the key it groups them by, its pure `evolve` and how its
 * state maps to rows. `E` is the union of the handled events (or facts), `S` the state of one key,
 * `Id` the id inside a project, `C` what `evolve` reads besides state and event (e.g. the project's
 * dictionary at the event's stream position; `unknown` when nothing).
 */
export interface Projection<E extends ProjectionInput, S, Id extends string | number, C = unknown> {
  /** Name (logs, tests). */
  readonly name: string;
  /** The event types handled; `keyOf` may still decline one (`null`: not this projection's). */
  readonly eventTypes: ReadonlySet<E["type"]>;
  /** The key an event evolves, or `null` when the event carries nothing for this projection. */
  keyOf(event: E): ProjectionKey<Id> | null;
  /**
   * Folds an event at stream position `seq` into the state of its key (pure). Returns the new state,
   * `state` itself when nothing changes, or `null` for "no state".
   */
  evolve(state: S | null, event: E, seq: number, ...context: EvolveContextArg<C>): S | null;
  /**
   * The facts folding `event` derives for the declarations after this one (pure; called whether or
   * not the state changed, `before === after` meaning unchanged). Omitted when it derives none.
   */
  emit?(before: S | null, after: S | null, event: E, seq: number): readonly ProjectionInput[];
  /** The rows of one state. */
  rows(state: S): TableRows;
  /** Live write of changed states: the upsert rule per table (ignored when `write` is given). */
  readonly upsert?: { readonly [T in WrittenTable]?: OnConflict };
  /** Live write of changed states when an upsert is not enough (e.g. replace a lead's contacts). */
  write?(db: Kysely<ReadModels>, schema: string, states: readonly S[]): Promise<void>;
  /** Live load of the stored states of `ids` in one project; omitted when `evolve` ignores them. */
  load?(db: Kysely<ReadModels>, projectId: string, ids: readonly Id[]): Promise<Map<Id, S>>;
}

/** The context argument of `evolve`: required when the declaration reads one, else optional. */
export type EvolveContextArg<C> = unknown extends C ? [context?: C] : [context: C];

/** Any projection (for lists of declarations). */
// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of declarations; each is typed where declared.
export type AnyProjection = Projection<any, any, any, any>;

/** The memory key of a state: `{projectId}\u0000{id}` (as `orderKey`, `dealKey`, `leadKey`). */
export function stateKey(projectId: string, id: string | number): string {
  return `${projectId}\u0000${id}`;
}

/** True when `p` handles events of `event`'s type. */
export function handles<E extends ProjectionInput>(
  // biome-ignore lint/suspicious/noExplicitAny: only `eventTypes` is read.
  p: Projection<E, any, string | number, any>,
  event: ProjectionInput,
): event is E {
  return p.eventTypes.has(event.type as E["type"]);
}

/**
 * The one evolve loop of both stores: folds `event` into `states` (memory key → state) with
 * `context` (the declaration's `C`; omitted when it reads none) and appends what `p.emit` derives
 * to `emitted`. Returns the memory key when the state changed, else `null` (an input `p` does not
 * handle changes nothing and emits nothing).
 */
export function evolveInto<E extends ProjectionInput, S, Id extends string | number, C = unknown>(
  p: Projection<E, S, Id, C>,
  states: Map<string, S>,
  event: ProjectionInput,
  seq: number,
  context?: C,
  emitted?: PositionedInput[],
): string | null {
  if (!handles(p, event)) return null;
  const key = p.keyOf(event);
  if (!key) return null;
  const k = stateKey(key.projectId, key.id);
  const before = states.get(k) ?? null;
  const after = (p.evolve as (s: S | null, e: E, seq: number, c: C | undefined) => S | null).call(
    p,
    before,
    event,
    seq,
    context,
  );
  if (p.emit && emitted) for (const f of p.emit(before, after, event, seq)) emitted.push({ seq, event: f });
  if (after === before) return null;
  if (after === null) states.delete(k);
  else states.set(k, after);
  return k;
}

/** Replay store: folds one event into the projection's in-memory states (see {@link evolveInto}). */
export function evolveInMemory<E extends ProjectionInput, S, Id extends string | number, C = unknown>(
  p: Projection<E, S, Id, C>,
  states: Map<string, S>,
  event: ProjectionInput,
  seq: number,
  context?: C,
  emitted?: PositionedInput[],
): boolean {
  return evolveInto(p, states, event, seq, context, emitted) !== null;
}

/** A declaration with the in-memory states the replay keeps for it. */
export interface MemoryStore {
  readonly projection: AnyProjection;
  readonly states: Map<string, unknown>;
}

/**
 * Replay store of a chain of declarations: folds `event` into each store in order; the facts a
 * declaration emits are folded into the declarations after it (at the same stream position), as
 * {@link applyLiveChain} does per batch; `onChange` hears each state that changed (store, memory key).
 * Returns the emitted facts (for a caller that counts them).
 */
export function evolveChain(
  stores: readonly MemoryStore[],
  event: ProjectionInput,
  seq: number,
  context?: unknown,
  onChange?: (store: MemoryStore, key: string) => void,
): PositionedInput[] {
  const inputs: PositionedInput[] = [{ seq, event }];
  const emitted: PositionedInput[] = [];
  for (const store of stores) {
    const n = inputs.length;
    for (let i = 0; i < n; i++) {
      const k = evolveInto(store.projection, store.states, inputs[i]!.event, seq, context, emitted);
      if (k !== null) onChange?.(store, k);
    }
    for (const f of emitted.splice(0)) inputs.push(f);
  }
  return inputs.slice(1);
}

/**
 * Every row of `states` per table, in state order — what the replay `COPY`s. Tables without rows
 * are absent.
 */
export function rowsOf<E extends ProjectionInput, S, Id extends string | number, C = unknown>(
  p: Projection<E, S, Id, C>,
  states: Iterable<S>,
): TableRows {
  const out = new Map<WrittenTable, unknown[]>();
  for (const s of states) {
    const rows = p.rows(s) as Partial<Record<WrittenTable, readonly unknown[]>>;
    for (const table of Object.keys(rows) as WrittenTable[]) {
      const acc = getOrCreate(out, table, () => []);
      for (const r of rows[table] ?? []) acc.push(r);
    }
  }
  return Object.fromEntries(out) as TableRows;
}

/** The changed states of a live apply: memory key → the state and the stream position that last changed it. */
export type ChangedStates<S, Id extends string | number = string | number> = Map<
  string,
  { readonly key: ProjectionKey<Id>; state: S; seq: number }
>;

/**
 * Options of a live apply: `context` handed to `evolve` (the declaration's `C`), and `emitted`, which
 * receives the facts `p.emit` derives (stream order).
 */
export interface LiveApplyOptions<C> {
  readonly context?: C;
  readonly emitted?: PositionedInput[];
}

/**
 * Live store: applies `items` (stream order) to projection `p` inside the caller's transaction —
 * loads the stored states of the keys they evolve (`p.load`, per project), folds them with
 * {@link evolveInto} and writes the changed states (`p.write`, or the rows upserted by `p.upsert`).
 * Returns the changed states.
 * @throws the Postgres error (the caller rolls the batch back).
 */
export async function applyLive<E extends ProjectionInput, S, Id extends string | number, C = unknown>(
  db: Kysely<ReadModels>,
  schema: string,
  p: Projection<E, S, Id, C>,
  items: readonly PositionedInput[],
  options: LiveApplyOptions<C> = {},
): Promise<ChangedStates<S, Id>> {
  const changed: ChangedStates<S, Id> = new Map();
  const mine: { seq: number; event: E; key: ProjectionKey<Id> }[] = [];
  for (const { seq, event } of items) {
    if (!handles(p, event)) continue;
    const key = p.keyOf(event);
    if (key) mine.push({ seq, event, key });
  }
  if (mine.length === 0) return changed;
  const states = new Map<string, S>();
  if (p.load) {
    const ids = new Map<string, Set<Id>>();
    for (const m of mine) getOrCreate(ids, m.key.projectId, () => new Set<Id>()).add(m.key.id);
    for (const [projectId, set] of ids) {
      for (const [id, s] of await p.load(db, projectId, [...set])) states.set(stateKey(projectId, id), s);
    }
  }
  for (const { seq, event, key } of mine) {
    const k = evolveInto(p, states, event, seq, options.context, options.emitted);
    if (k === null) continue;
    const state = states.get(k);
    if (state === undefined) changed.delete(k);
    else changed.set(k, { key, state, seq });
  }
  await writeStates(
    db,
    schema,
    p,
    [...changed.values()].map((c) => c.state),
  );
  return changed;
}

/** What {@link applyLiveChain} did: the facts emitted, and each declaration's changed states (by name). */
export interface LiveChainOutcome {
  readonly emitted: PositionedInput[];
  readonly changed: Map<string, ChangedStates<unknown>>;
}

/**
 * Live store of a chain of declarations: applies `items` to each in order ({@link applyLive}, with
 * `context`), the facts a declaration emits joining the inputs of the declarations after it (stream
 * order kept); the replay's {@link evolveChain} folds the same chain event by event.
 * @throws the Postgres error (the caller rolls the batch back).
 */
export async function applyLiveChain(
  db: Kysely<ReadModels>,
  schema: string,
  chain: readonly AnyProjection[],
  items: readonly PositionedInput[],
  context?: unknown,
): Promise<LiveChainOutcome> {
  let inputs: PositionedInput[] = [...items];
  const outcome: LiveChainOutcome = { emitted: [], changed: new Map() };
  for (const p of chain) {
    const emitted: PositionedInput[] = [];
    outcome.changed.set(p.name, await applyLive(db, schema, p, inputs, { context, emitted }));
    if (emitted.length === 0) continue;
    for (const f of emitted) outcome.emitted.push(f);
    inputs = [...inputs, ...emitted].sort((a, b) => a.seq - b.seq);
  }
  return outcome;
}

/** Writes changed states live: `p.write`, else each table's rows with `p.upsert` of that table. */
export async function writeStates<E extends ProjectionInput, S, Id extends string | number, C = unknown>(
  db: Kysely<ReadModels>,
  schema: string,
  p: Projection<E, S, Id, C>,
  states: readonly S[],
): Promise<void> {
  if (states.length === 0) return;
  if (p.write) {
    await p.write(db, schema, states);
    return;
  }
  const tables = rowsOf(p, states) as Partial<Record<WrittenTable, readonly RowOf<WrittenTable>[]>>;
  for (const table of Object.keys(tables) as WrittenTable[]) {
    await writeRows(db, schema, table, tables[table] ?? [], p.upsert?.[table]);
  }
}

/**
 * Folds `events` (stream positions 1, 2, … in the given order) into fresh in-memory states of `p`
 * — the replay store's fold of a short history; used by each projection's given/when/then tests.
 */
export function foldInMemory<E extends ProjectionInput, S, Id extends string | number, C = unknown>(
  p: Projection<E, S, Id, C>,
  events: readonly ProjectionInput[],
  context?: C,
): Map<string, S> {
  const states = new Map<string, S>();
  for (const [i, event] of events.entries()) evolveInto(p, states, event, i + 1, context);
  return states;
}

/** The `timestamptz` columns of each read-model table (what {@link loadRowsByIds} turns into ISO text). */
const INSTANT_COLUMNS = new Map<string, readonly string[]>(
  READ_MODEL_DECLARATION_ENTRIES.map(([table, declaration]) => [
    table,
    Object.entries(declaration.columns)
      .filter(([, c]) => c.type === "timestamptz")
      .map(([name]) => name),
  ]),
);

/** Ids per `IN (…)` list of {@link loadRowsByIds}. */
const LOAD_CHUNK = 1000;

/**
 * The shared live loader of the declarations: the rows of `table` (in the schema `db` is bound to)
 * of one project whose `idColumn` is one of `ids`, `IN` lists of 1,000 ids, with every `timestamptz`
 * column as ISO-8601 UTC text (`2026-10-12T04:27:45.000Z`, as the row builders write them; `null`
 * stays `null`). Other columns come as the driver reads them (`jsonb` parsed, `date` as `Date`).
 * @throws the Postgres error.
 */
export async function loadRowsByIds<T extends WrittenTable>(
  db: Kysely<ReadModels>,
  table: T,
  projectId: string,
  idColumn: keyof RowOf<T> & string,
  ids: readonly (string | number)[],
): Promise<RowOf<T>[]> {
  const out: RowOf<T>[] = [];
  const unique = [...new Set(ids)];
  const instants = INSTANT_COLUMNS.get(table) ?? [];
  // biome-ignore lint/suspicious/noExplicitAny: the table and id column are chosen at run time.
  const any = db as Kysely<any>;
  for (let i = 0; i < unique.length; i += LOAD_CHUNK) {
    const rows = await any
      .selectFrom(table)
      .selectAll()
      .where("project_id", "=", projectId)
      // biome-ignore lint/suspicious/noExplicitAny: ids of the column chosen at run time.
      .where(idColumn, "in", unique.slice(i, i + LOAD_CHUNK) as any[])
      .execute();
    for (const r of rows as Record<string, unknown>[]) {
      for (const c of instants) {
        const v = r[c] as Date | string | null;
        if (v !== null) r[c] = iso(v);
      }
      out.push(r as RowOf<T>);
    }
  }
  return out;
}
