import type { SlaState } from "../../api/types.ts";
import { zonedDayStart } from "../../format/time.ts";

/** Sort columns of the order list (`GET /api/orders` `sort`). */
export type SortField = "order_id" | "started_at" | "last_changed_at" | "last_status_group_id";

/**
 * The board's filters, kept in the URL's search parameters (a reload or a shared link shows the
 * same board): `from`/`to` are local dates (`YYYY-MM-DD`, inclusive) in the project's time zone on
 * the order's last change; `status` is `g<groupId>` (a group) or `s<statusId>` (a status);
 * `cursor` is the `next_cursor` the previous page answered (the board's "next": keyset paging, stable
 * while orders arrive; `page` then only numbers it), empty for a page chosen by number.
 */
export interface BoardFilters {
  from: string;
  to: string;
  order: string;
  status: string;
  urgent: "" | "true" | "false";
  sla: "" | SlaState;
  manager: string;
  page: number;
  cursor: string;
  sort: SortField;
  dir: "asc" | "desc";
}

const SORTS: readonly SortField[] = ["order_id", "started_at", "last_changed_at", "last_status_group_id"];

/** The filters in `params` (defaults for missing or malformed values). */
export function readFilters(params: URLSearchParams): BoardFilters {
  const date = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : "");
  const page = Number(params.get("page"));
  const sort = params.get("sort") as SortField | null;
  const urgent = params.get("urgent");
  const sla = params.get("sla");
  return {
    from: date(params.get("from")),
    to: date(params.get("to")),
    order: /^\d{1,15}$/.test(params.get("order") ?? "") ? (params.get("order") ?? "") : "",
    status: /^[gs]\d{1,15}$/.test(params.get("status") ?? "") ? (params.get("status") ?? "") : "",
    urgent: urgent === "true" || urgent === "false" ? urgent : "",
    sla: sla === "ok" || sla === "near" || sla === "over" ? sla : "",
    manager: /^\d{1,15}$/.test(params.get("manager") ?? "") ? (params.get("manager") ?? "") : "",
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    cursor: /^[A-Za-z0-9_-]{1,512}$/.test(params.get("cursor") ?? "") ? (params.get("cursor") ?? "") : "",
    sort: sort !== null && SORTS.includes(sort) ? sort : "last_changed_at",
    dir: params.get("dir") === "asc" ? "asc" : "desc",
  };
}

/** `filters` as search parameters (defaults left out). */
export function writeFilters(filters: BoardFilters): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of ["from", "to", "order", "status", "urgent", "sla", "manager"] as const) {
    if (filters[key] !== "") out.set(key, filters[key]);
  }
  if (filters.page !== 1) out.set("page", String(filters.page));
  if (filters.cursor !== "") out.set("cursor", filters.cursor);
  if (filters.sort !== "last_changed_at") out.set("sort", filters.sort);
  if (filters.dir !== "desc") out.set("dir", filters.dir);
  return out;
}

/** The day after `date` (`YYYY-MM-DD`). */
function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Page size of the board. */
export const PAGE_SIZE = 25;

/**
 * The `GET /api/orders` query of `filters` in `timeZone`: local days become `[from 00:00, day after
 * to 00:00)` instants on `last_changed_at`.
 */
export function orderListQuery(projectId: string, filters: BoardFilters, timeZone: string) {
  const group = filters.status.startsWith("g") ? Number(filters.status.slice(1)) : undefined;
  const status = filters.status.startsWith("s") ? Number(filters.status.slice(1)) : undefined;
  return {
    project: projectId,
    dateField: "last_changed_at" as const,
    ...(filters.from ? { from: zonedDayStart(filters.from, timeZone) } : {}),
    ...(filters.to ? { to: zonedDayStart(nextDay(filters.to), timeZone) } : {}),
    ...(filters.order ? { orderId: Number(filters.order) } : {}),
    ...(group !== undefined ? { groupId: group } : {}),
    ...(status !== undefined ? { statusId: status } : {}),
    ...(filters.urgent ? { urgent: filters.urgent } : {}),
    ...(filters.sla ? { slaState: filters.sla } : {}),
    ...(filters.manager ? { managerId: Number(filters.manager) } : {}),
    page: filters.cursor ? 1 : filters.page,
    ...(filters.cursor ? { cursor: filters.cursor } : {}),
    pageSize: PAGE_SIZE,
    sort: filters.sort,
    dir: filters.dir,
  };
}
