/**
 * A projection as one declaration, applied the same way by the live projector and by the replay
 * (docs/ARCHITECTURE.md "Projections: one declaration, two stores"):
 * - which events it handles (`eventTypes`) and the key each one evolves (`keyOf`: project + id);
 * - a pure `evolve(state | null, event, seq) → state | null` (returning the given state itself means
 *   "unchanged": nothing is written for it);
 * - how a state maps to rows (`rows`) and how those rows meet the stored ones (`upsert` per table,
 *   or `write` for a projection with its own rule);
 * - how the live store loads the states of some keys (`load`; omitted when `evolve` never reads a
 *   stored state, e.g. "latest wins").
 *
 * The one evolve loop is {@link evolveInto}: the live store ({@link applyLive}) loads the batch's keys,
 * evolves and upserts the changed states inside the batch transaction; the replay's memory store
 * keeps every state in a map ({@link evolveInMemory}) and writes {@link rowsOf} all of them by `COPY`.
 */
import type { DomainEvent } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import { getOrCreate } from "../collections.js";
import { type OnConflict, type RowOf, type WrittenTable, writeRows } from "../replay/table-writer.js";

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

/**
 * One projection: the events it handles, the key it groups them by, its pure `evolve` and how its
 * state maps to rows. `E` is the union of the handled events, `S` the state of one key, `Id` the id
 * inside a project.
 */
export interface Projection<E extends DomainEvent, S, Id extends string | number> {
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
  evolve(state: S | null, event: E, seq: number): S | null;
  /** The rows of one state. */
  rows(state: S): TableRows;
  /** Live write of changed states: the upsert rule per table (ignored when `write` is given). */
  readonly upsert?: { readonly [T in WrittenTable]?: OnConflict };
  /** Live write of changed states when an upsert is not enough (e.g. replace a lead's contacts). */
  write?(db: Kysely<ReadModels>, schema: string, states: readonly S[]): Promise<void>;
  /** Live load of the stored states of `ids` in one project; omitted when `evolve` ignores them. */
  load?(db: Kysely<ReadModels>, projectId: string, ids: readonly Id[]): Promise<Map<Id, S>>;
}

/** Any projection (for lists of declarations). */
// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of declarations; each is typed where declared.
export type AnyProjection = Projection<any, any, any>;

/** The memory key of a state: `{projectId}\u0000{id}` (as `orderKey`, `dealKey`, `leadKey`). */
export function stateKey(projectId: string, id: string | number): string {
  return `${projectId}\u0000${id}`;
}

/** True when `p` handles events of `event`'s type. */
export function handles<E extends DomainEvent>(
  p: Projection<E, unknown, string | number>,
  event: DomainEvent,
): event is E {
  return p.eventTypes.has(event.type as E["type"]);
}

/**
 * The one evolve loop of both stores: folds `event` into `states` (memory key → state). Returns the
 * memory key when the state changed, else `null` (an event `p` does not handle changes nothing).
 */
export function evolveInto<E extends DomainEvent, S, Id extends string | number>(
  p: Projection<E, S, Id>,
  states: Map<string, S>,
  event: DomainEvent,
  seq: number,
): string | null {
  if (!handles(p, event)) return null;
  const key = p.keyOf(event);
  if (!key) return null;
  const k = stateKey(key.projectId, key.id);
  const before = states.get(k) ?? null;
  const after = p.evolve(before, event, seq);
  if (after === before) return null;
  if (after === null) states.delete(k);
  else states.set(k, after);
  return k;
}

/** Replay store: folds one event into the projection's in-memory states (see {@link evolveInto}). */
export function evolveInMemory<E extends DomainEvent, S, Id extends string | number>(
  p: Projection<E, S, Id>,
  states: Map<string, S>,
  event: DomainEvent,
  seq: number,
): boolean {
  return evolveInto(p, states, event, seq) !== null;
}

/**
 * Every row of `states` per table, in state order — what the replay `COPY`s. Tables without rows
 * are absent.
 */
export function rowsOf<E extends DomainEvent, S, Id extends string | number>(
  p: Projection<E, S, Id>,
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
 * Live store: applies `items` (stream order) to projection `p` inside the caller's transaction —
 * loads the stored states of the keys they evolve (`p.load`, per project), folds them with
 * {@link evolveInto} and writes the changed states (`p.write`, or the rows upserted by `p.upsert`).
 * Returns the changed states.
 * @throws the Postgres error (the caller rolls the batch back).
 */
export async function applyLive<E extends DomainEvent, S, Id extends string | number>(
  db: Kysely<ReadModels>,
  schema: string,
  p: Projection<E, S, Id>,
  items: readonly PositionedEvent[],
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
    const k = evolveInto(p, states, event, seq);
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

/** Writes changed states live: `p.write`, else each table's rows with `p.upsert` of that table. */
export async function writeStates<E extends DomainEvent, S, Id extends string | number>(
  db: Kysely<ReadModels>,
  schema: string,
  p: Projection<E, S, Id>,
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
export function foldInMemory<E extends DomainEvent, S, Id extends string | number>(
  p: Projection<E, S, Id>,
  events: readonly DomainEvent[],
): Map<string, S> {
  const states = new Map<string, S>();
  for (const [i, event] of events.entries()) evolveInto(p, states, event, i + 1);
  return states;
}
