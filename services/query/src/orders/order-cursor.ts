import { ValidationError } from "@pulse/infra";
import type { OrderSortField } from "./orders.schemas.js";

/**
 * A keyset position in the order list (`GET /api/orders?cursor=…`): the sort the page was listed
 * with, and the sort key and order id of the last row shown. The next page holds the rows strictly
 * after it in the list's order — `(key, order_id)` in `dir`, rows whose key is null last — so rows
 * inserted or moved elsewhere while a client pages do not shift the pages after it (an offset page
 * would repeat or skip rows). `key`: the row's sort value — an ISO-8601 instant with microseconds
 * (`…T12:00:00.123456Z`) for the time sorts, the id for `order_id` / `last_status_group_id`, `null`
 * when the row has none.
 */
export interface OrderCursor {
  readonly sort: OrderSortField;
  readonly dir: "asc" | "desc";
  readonly key: string | number | null;
  readonly orderId: number;
}

/** Sort fields whose key is an instant (the others are integer ids). */
const TIME_SORTS: ReadonlySet<OrderSortField> = new Set(["started_at", "last_changed_at"]);

/** True when `sort` orders by an instant (`timestamptz`) rather than an integer id. */
export function isTimeSort(sort: OrderSortField): boolean {
  return TIME_SORTS.has(sort);
}

/** The opaque text of a cursor (base64url of a JSON array); clients pass it back unchanged. */
export function encodeOrderCursor(cursor: OrderCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.dir, cursor.key, cursor.orderId])).toString(
    "base64url",
  );
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/**
 * The cursor of `text`, checked against the request's `sort` and `dir` (a cursor only continues the
 * list it came from).
 * @throws ValidationError `invalid_cursor` (400) when `text` is not a cursor of this API, or names
 * another sort or direction.
 */
export function decodeOrderCursor(text: string, sort: OrderSortField, dir: "asc" | "desc"): OrderCursor {
  const invalid = (why: string) => new ValidationError("invalid_cursor", `cursor: ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw invalid("not a cursor of this list");
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw invalid("not a cursor of this list");
  const [s, d, key, orderId] = parsed as unknown[];
  if (s !== sort || d !== dir)
    throw invalid(`it continues sort=${String(s)}&dir=${String(d)}, not sort=${sort}&dir=${dir}`);
  if (typeof orderId !== "number" || !Number.isSafeInteger(orderId)) throw invalid("bad order id");
  const keyOk =
    key === null ||
    (isTimeSort(sort)
      ? typeof key === "string" && INSTANT.test(key) && !Number.isNaN(Date.parse(key))
      : typeof key === "number" && Number.isSafeInteger(key));
  if (!keyOk) throw invalid("bad sort key");
  if (sort === "order_id" && key !== orderId) throw invalid("bad sort key");
  return { sort, dir, key: key as string | number | null, orderId };
}
