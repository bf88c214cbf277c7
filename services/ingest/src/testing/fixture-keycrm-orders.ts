/**
 * The fake KeyCRM order list (`GET /{project}/order`) of the fixture CRM, built from the corpus'
 * order details (`keycrm/{project}/orders/{id}.json`, each order as of the end of the capture): the
 * list item is the order row without the relations an `include` adds (`products`, `buyer`, …),
 * formats/keycrm.md §5. The corpus has no recorded list response.
 *
 * Query: `limit` (default 15, max 50), `page` (default 1), `filter[updated_between]=from,to`
 * (`YYYY-MM-DD HH:MM:SS` UTC or ISO, both inclusive), rows sorted by `id` ascending (`sort` is
 * accepted and ignored). Answer: a Laravel page `{total, current_page, per_page, data,
 * first_page_url, last_page_url, next_page_url}`. `touch(project, id, updatedAt)` moves an order's
 * `updated_at` (an edit in the CRM during an import).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** Relations that `include` adds to an order; the list without `include` has none of them. */
const RELATIONS = [
  "products",
  "buyer",
  "manager",
  "tags",
  "status",
  "marketing",
  "payments",
  "shipping",
  "expenses",
  "custom_fields",
  "assigned",
];

type Row = Record<string, unknown> & { id: number; updated_at: string };

/** The list of one fixture corpus; see the module comment. */
export interface FixtureKeycrmOrders {
  /** The page body for `/{project}/order?{query}`, or undefined for an unknown project; a string is a 400 reason. */
  page(
    project: string,
    query: URLSearchParams,
    base: string,
  ): Promise<Record<string, unknown> | string | undefined>;
  /** Sets the `updated_at` of an order of `project` (ISO). */
  touch(project: string, id: number, updatedAt: string): void;
}

function parseTime(text: string): number {
  const t = text.trim();
  return Date.parse(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(t) ? `${t.replace(" ", "T")}Z` : t);
}

/** Creates the list over `{fixturesDir}/keycrm`. Rows are read on first use per project. */
export function fixtureKeycrmOrders(fixturesDir: string): FixtureKeycrmOrders {
  const cache = new Map<string, Row[]>();
  const rowsOf = async (project: string): Promise<Row[] | undefined> => {
    if (!/^[a-z0-9_-]+$/.test(project)) return undefined;
    const cached = cache.get(project);
    if (cached) return cached;
    const dir = join(fixturesDir, "keycrm", project, "orders");
    let files: string[];
    try {
      files = (await readdir(dir)).filter((f) => /^\d+\.json$/.test(f));
    } catch {
      return undefined;
    }
    const rows: Row[] = [];
    for (const f of files) {
      const order = JSON.parse(await readFile(join(dir, f), "utf8")) as Row;
      for (const r of RELATIONS) delete order[r];
      rows.push(order);
    }
    rows.sort((a, b) => a.id - b.id);
    cache.set(project, rows);
    return rows;
  };

  return {
    async page(project, q, base) {
      const all = await rowsOf(project);
      if (!all) return undefined;
      const limit = Math.min(50, Math.max(1, Number.parseInt(q.get("limit") ?? "15", 10) || 15));
      const page = Math.max(1, Number.parseInt(q.get("page") ?? "1", 10) || 1);
      let rows = all;
      const between = q.get("filter[updated_between]");
      if (between !== null) {
        const [fromText, toText] = between.split(",");
        const from = parseTime(fromText ?? "");
        const to = parseTime(toText ?? "");
        if (Number.isNaN(from) || Number.isNaN(to))
          return "filter[updated_between] must be two dates: from,to";
        rows = all.filter((r) => {
          const at = Date.parse(r.updated_at);
          return at >= from && at <= to;
        });
      }
      const last = Math.max(1, Math.ceil(rows.length / limit));
      const url = (n: number) => {
        const next = new URLSearchParams(q);
        next.set("page", String(n));
        return `${base}/${project}/order?${next}`;
      };
      return {
        total: rows.length,
        current_page: page,
        per_page: limit,
        data: rows.slice((page - 1) * limit, page * limit),
        first_page_url: url(1),
        last_page_url: url(last),
        next_page_url: page < last ? url(page + 1) : null,
      };
    },
    touch(project, id, updatedAt) {
      const row = cache.get(project)?.find((r) => r.id === id);
      if (!row) throw new Error(`no order ${id} of ${project} loaded`);
      row.updated_at = updatedAt.replace(/\.(\d{3})Z$/, ".$1000Z");
    },
  };
}
