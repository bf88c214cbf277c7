/**
 * Group and closing of a status — the one resolution rule every read model uses (SPEC "Decided
 * rules: Group of a status"):
 *
 * - The group comes from the project's status dictionary as it is now. The group a delivery carried
 *   (KeyCRM `status_group_id`, amoCRM `pipeline_id`) is used only for a status the dictionary does
 *   not know (until a refresh teaches it); when neither gives one the group is unknown (`null`:
 *   default working calendar, no SLA).
 * - Whether entering a status closes the order is the dictionary's `is_closing_order` of that
 *   status (amoCRM: the pipelines dictionary marks 142 won / 143 lost closing) — never a hard-coded
 *   group or id. A status the dictionary does not know does not close the order.
 *
 * A status is identified by `(group_id, status_id)`: amoCRM repeats 142 and 143 in every pipeline,
 * so among several dictionary groups of one status id the delivery's group picks one. Pure: no I/O.
 */

/**
 * One row of a project's status dictionary as the resolution reads it. `in_last_sync`: false for a
 * row the latest sync no longer listed (kept so old events still resolve); current rows win.
 */
export interface DictionaryStatusEntry {
  readonly group_id: number;
  readonly status_id: number;
  readonly is_closing_order: boolean;
  readonly in_last_sync: boolean;
}

/** A dictionary indexed by status id: status id → its rows (one per group it stands in). */
export type StatusDictionaryIndex = ReadonlyMap<number, readonly DictionaryStatusEntry[]>;

/** Builds a {@link StatusDictionaryIndex} from dictionary rows (any order). */
export function indexStatusDictionary<R extends DictionaryStatusEntry>(rows: Iterable<R>): Map<number, R[]> {
  const index = new Map<number, R[]>();
  for (const row of rows) {
    const list = index.get(row.status_id);
    if (list) list.push(row);
    else index.set(row.status_id, [row]);
  }
  return index;
}

/**
 * Where a resolved group came from: `dictionary` (the dictionary knows the status), `delivery` (it
 * does not; the delivery's group is used), `unknown` (neither gives a group).
 */
export type StatusGroupSource = "dictionary" | "delivery" | "unknown";

/** A resolved status: its group (`null` = unknown), whether it closes the order, and the group's source. */
export interface ResolvedStatus {
  readonly group_id: number | null;
  readonly is_closing: boolean;
  readonly source: StatusGroupSource;
}

/**
 * Resolves the group and the closing flag of `statusId` as delivered with `deliveredGroupId`
 * (`null` when the delivery had none):
 * 1. The dictionary's groups of the status: those of the latest sync, else (a status no longer
 *    listed) all it ever had.
 * 2. The delivered group is one of them → that one (amoCRM 142/143 in the delivery's pipeline).
 * 3. Exactly one group → that one, whatever the delivery said (the dictionary wins).
 * 4. None (unknown status), or several and the delivery names none of them (amoCRM 142 in a
 *    pipeline the dictionary lacks) → the delivered group; `null` when there is none.
 * Closing is `is_closing_order` of the dictionary row `(group, status)` (current rows first, then
 * rows no longer listed); `false` without one.
 * Never throws.
 */
export function resolveStatus(
  index: StatusDictionaryIndex,
  statusId: number,
  deliveredGroupId: number | null,
): ResolvedStatus {
  const rows = index.get(statusId);
  if (rows === undefined || rows.length === 0) return fromDelivery(index, statusId, deliveredGroupId);
  const current = rows.filter((r) => r.in_last_sync);
  const pool = current.length > 0 ? current : rows;
  let match: DictionaryStatusEntry | null = null;
  for (const r of pool) if (r.group_id === deliveredGroupId) match = r;
  const row = match ?? (distinctGroups(pool) === 1 ? pool[0]! : null);
  if (row === null) return fromDelivery(index, statusId, deliveredGroupId);
  return { group_id: row.group_id, is_closing: row.is_closing_order, source: "dictionary" };
}

function distinctGroups(rows: readonly DictionaryStatusEntry[]): number {
  const first = rows[0];
  if (first === undefined) return 0;
  for (const r of rows) if (r.group_id !== first.group_id) return 2;
  return 1;
}

/**
 * The delivered group; closing only if a row of the dictionary (e.g. one no longer listed) has that
 * exact `(group, status)` — the same answer {@link isClosingInDictionary} gives the intervals.
 */
function fromDelivery(
  index: StatusDictionaryIndex,
  statusId: number,
  groupId: number | null,
): ResolvedStatus {
  return {
    group_id: groupId,
    is_closing: isClosingInDictionary(index, groupId, statusId),
    source: groupId === null ? "unknown" : "delivery",
  };
}

/**
 * The group of `statusId` delivered with `deliveredGroupId` ({@link resolveStatus}'s `group_id`):
 * the function other projections (SLA per group, shift tables) call to agree with the intervals.
 */
export function resolveStatusGroup(
  index: StatusDictionaryIndex,
  statusId: number,
  deliveredGroupId: number | null,
): number | null {
  return resolveStatus(index, statusId, deliveredGroupId).group_id;
}

/**
 * True when entering `(groupId, statusId)` — a group already resolved by {@link resolveStatus} —
 * closes the order: the dictionary row's `is_closing_order`; `false` for a status it does not know
 * in that group.
 */
export function isClosingInDictionary(
  index: StatusDictionaryIndex,
  groupId: number | null,
  statusId: number,
): boolean {
  if (groupId === null) return false;
  const rows = index.get(statusId);
  if (rows === undefined) return false;
  let found: DictionaryStatusEntry | null = null;
  for (const r of rows) {
    if (r.group_id !== groupId) continue;
    if (found === null || (r.in_last_sync && !found.in_last_sync)) found = r;
  }
  return found?.is_closing_order ?? false;
}
