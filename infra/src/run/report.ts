/**
 * The readable report `pnpm start` prints after feeding the fixtures, built only from the query
 * API (as an owner's script would): per project, the orders and where they are now, mean time
 * per status group, and webhook statistics.
 */

interface GroupKpi {
  group_id: number | null;
  group_name: string | null;
  orders_visited: number;
  mean_seconds: number;
}
interface OrderRow {
  order_id: number;
  last_status_group_id: number | null;
  last_status_group_name: string | null;
  last_status_name: string | null;
}
interface OrderList {
  total: number;
  items: OrderRow[];
  kpi: { order_count: number; groups: GroupKpi[] };
}
interface Stats {
  totals: {
    received: number;
    accepted: number;
    duplicates: number;
    late_duplicates: number;
    ignored: number;
    rejected: number;
  };
}

/** Prints the report through `log`. @throws when the query API answers an error. */
export async function printReport(opts: {
  queryUrl: string;
  token: string;
  projects: string[];
  log: (line: string) => void;
}): Promise<void> {
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${opts.queryUrl}${path}`, {
      headers: { authorization: `Bearer ${opts.token}` },
    });
    if (!res.ok) throw new Error(`GET ${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const { log } = opts;
  log("");
  log("═".repeat(78));
  log(" Report from the query API");
  log("═".repeat(78));
  for (const project of opts.projects) {
    const rows: OrderRow[] = [];
    let first: OrderList | undefined;
    for (let page = 1; ; page++) {
      const list = await get<OrderList>(
        `/api/orders?project=${project}&pageSize=200&page=${page}&sort=order_id&dir=asc`,
      );
      first ??= list;
      rows.push(...list.items);
      if (rows.length >= list.total || list.items.length === 0) break;
    }
    if (!first) continue;
    const stats = await get<Stats>(`/api/webhooks/stats?project=${project}`);
    log("");
    log(` ${project}: ${first.kpi.order_count} orders`);
    log("   now in group                      orders │ mean time in group (visited)");
    const byGroup = new Map<string, number>();
    for (const r of rows) {
      const key = `${r.last_status_group_id ?? "?"} ${r.last_status_group_name ?? ""}`.trim();
      byGroup.set(key, (byGroup.get(key) ?? 0) + 1);
    }
    const kpiByGroup = new Map(
      first.kpi.groups.map((g) => [`${g.group_id ?? "?"} ${g.group_name ?? ""}`.trim(), g]),
    );
    const keys = [...new Set([...byGroup.keys(), ...kpiByGroup.keys()])].sort(
      (a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10),
    );
    for (const key of keys) {
      const g = kpiByGroup.get(key);
      const mean = g ? `${formatDuration(g.mean_seconds)} (${g.orders_visited})` : "—";
      log(`   ${key.padEnd(32).slice(0, 32)} ${String(byGroup.get(key) ?? 0).padStart(6)} │ ${mean}`);
    }
    const t = stats.totals;
    log(
      `   webhooks: ${t.received} received, ${t.accepted} accepted, ${t.duplicates} duplicates` +
        ` (${t.late_duplicates} after the window), ${t.ignored} ignored, ${t.rejected} rejected`,
    );
  }
  log("");
}

/** `93784` → `1d 02:03:04`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const d = Math.floor(s / 86_400);
  const hh = String(Math.floor((s % 86_400) / 3600)).padStart(2, "0");
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return `${d > 0 ? `${d}d ` : ""}${hh}:${mm}:${ss}`;
}
