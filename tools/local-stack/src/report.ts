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
    duplicate: number;
    ignored: number;
    rejected: number;
    unauthorized: number;
    failed: number;
    events_stored: number;
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
      `   webhooks: ${t.received} received, ${t.accepted} accepted, ${t.duplicate} duplicate,` +
        ` ${t.ignored} ignored, ${t.rejected} rejected, ${t.unauthorized} unauthorized, ${t.failed} failed;` +
        ` ${t.events_stored} events stored`,
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

interface ShiftCounts {
  dialogs: number;
  deals: number;
  messages_in: number;
  messages_out: number;
  analyzed: number;
  errors: number;
  hot: number;
  warm: number;
  cold: number;
  mean_score: number | null;
}
interface ShiftReport {
  shifts: {
    shift_id: string;
    shift_start: string;
    totals: ShiftCounts;
    managers: (ShiftCounts & { manager_id: number | null; manager_name: string | null })[];
  }[];
}

/**
 * Asks the analyst (through the query API) to score every shift of `shiftIds`, waits until the
 * results are projected, and prints the shift report of the period: per shift the deals and dialogs,
 * messages in/out and hot/warm/cold, and the busiest shift per manager.
 * @throws when the query API answers an error other than "no analyst" (503, reported and skipped).
 */
export async function printShiftReport(opts: {
  queryUrl: string;
  token: string;
  project: string;
  shiftIds: string[];
  from: string;
  to: string;
  log: (line: string) => void;
}): Promise<void> {
  const headers = { authorization: `Bearer ${opts.token}`, "content-type": "application/json" };
  const { log } = opts;
  let queued = 0;
  for (const shiftId of opts.shiftIds) {
    const res = await fetch(`${opts.queryUrl}/api/analysis/run`, {
      method: "POST",
      headers,
      body: JSON.stringify({ project: opts.project, shiftId, minIncoming: 3 }),
    });
    const body = (await res.json()) as { dialogs_queued?: number; detail?: string };
    if (res.status === 503) {
      log(`  (no analyst answered: ${body.detail ?? "unavailable"}; the shift report shows no scores)`);
      break;
    }
    if (res.ok) queued += body.dialogs_queued ?? 0;
  }
  const window = `from=${opts.from}&to=${opts.to}`;
  const deadline = Date.now() + 180_000;
  let report: ShiftReport | undefined;
  for (;;) {
    const res = await fetch(`${opts.queryUrl}/api/reports/shifts?project=${opts.project}&${window}`, {
      headers,
    });
    if (!res.ok) throw new Error(`GET /api/reports/shifts → ${res.status} ${await res.text()}`);
    report = (await res.json()) as ShiftReport;
    const done = report.shifts.reduce((n, s) => n + s.totals.analyzed + s.totals.errors, 0);
    if (done >= queued || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  log(` ${opts.project}: shift report (22:00 → 22:00 UTC+5), ${queued} dialogs sent to the analyst`);
  log("   shift        deals dialogs  msgs in/out   hot warm cold  mean score");
  const sum: ShiftCounts = {
    dialogs: 0,
    deals: 0,
    messages_in: 0,
    messages_out: 0,
    analyzed: 0,
    errors: 0,
    hot: 0,
    warm: 0,
    cold: 0,
    mean_score: null,
  };
  for (const s of report.shifts) {
    const t = s.totals;
    for (const k of [
      "dialogs",
      "deals",
      "messages_in",
      "messages_out",
      "analyzed",
      "errors",
      "hot",
      "warm",
      "cold",
    ] as const)
      sum[k] += t[k];
    log(
      `   ${s.shift_id.padEnd(11)} ${String(t.deals).padStart(6)} ${String(t.dialogs).padStart(7)} ${`${t.messages_in}/${t.messages_out}`.padStart(12)}` +
        `   ${String(t.hot).padStart(3)} ${String(t.warm).padStart(4)} ${String(t.cold).padStart(4)}  ${t.mean_score === null ? "—" : t.mean_score.toFixed(1)}`,
    );
  }
  log(
    `   all shifts: ${sum.deals} deal rows, ${sum.messages_in}/${sum.messages_out} messages, ${sum.analyzed} dialogs scored` +
      ` (${sum.hot} hot, ${sum.warm} warm, ${sum.cold} cold), ${sum.errors} failed`,
  );
  const busiest = [...report.shifts].sort((a, b) => b.totals.messages_in - a.totals.messages_in)[0];
  if (busiest) {
    log(`   busiest shift ${busiest.shift_id}, per manager:`);
    for (const m of busiest.managers) {
      // The name from the CRM users dictionary with its id; an id it does not know stays an id.
      const who =
        m.manager_id === null
          ? "unassigned"
          : m.manager_name === null
            ? `manager ${m.manager_id}`
            : `${m.manager_name} (${m.manager_id})`;
      log(
        `     ${who.padEnd(28)} deals ${m.deals}, messages ${m.messages_in}/${m.messages_out}, ` +
          `hot ${m.hot}, warm ${m.warm}, cold ${m.cold}`,
      );
    }
  }
  log("");
}

/** The demo's pipeline products of demoacademy (SPEC "amoCRM deals": Express 5 000 KZT, Flagship 490 000 KZT). */
export const DEMO_PIPELINE_PRODUCTS = {
  default_currency: "KZT",
  products: [
    { pipeline_id: 10350882, name: "Express course", price: 5000, currency: "KZT" },
    { pipeline_id: 10418746, name: "Flagship course", price: 490000, currency: "KZT" },
  ],
} as const;

interface TeamFigures {
  team: string | null;
  count: number;
  revenue: number;
  mean_check: number | null;
}
interface QualificationRow {
  key: string | null;
  leads: number;
  qualified: number;
  qualification_rate: number | null;
  won: number;
  conversion_rate: number | null;
  revenue: number;
}

/**
 * Prints the amoCRM sales part of the report through `log`, from the query API only: sales per ad
 * team over local days `[from, to]` (count, revenue, mean check; `GET /api/sales/stats`), then the
 * qualification table per team and per campaign (`GET /api/leads/qualification`).
 * @throws when the query API answers an error.
 */
export async function printSalesReport(opts: {
  queryUrl: string;
  token: string;
  project: string;
  from: string;
  to: string;
  log: (line: string) => void;
}): Promise<void> {
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${opts.queryUrl}${path}`, {
      headers: { authorization: `Bearer ${opts.token}` },
    });
    if (!res.ok) throw new Error(`GET ${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const { log, project } = opts;
  const money = (n: number | null) =>
    n === null ? "—" : Math.round(n).toLocaleString("en-US").replaceAll(",", " ");
  const pct = (n: number | null) => (n === null ? "—" : `${n.toFixed(1)} %`);
  const stats = await get<{ time_zone: string; period: { teams: TeamFigures[]; total: TeamFigures } }>(
    `/api/sales/stats?project=${project}&from=${opts.from}&to=${opts.to}&granularity=month`,
  );
  log("");
  log(` ${project}: sales per ad team, ${opts.from} … ${opts.to} (${stats.time_zone})`);
  log("   team                 sales │        revenue │   mean check");
  for (const r of [...stats.period.teams, { ...stats.period.total, team: "total" }]) {
    log(
      `   ${(r.team ?? "no team").padEnd(18).slice(0, 18)} ${String(r.count).padStart(6)} │ ${money(r.revenue).padStart(14)} │ ${money(r.mean_check).padStart(12)}`,
    );
  }
  for (const by of ["team", "campaign"] as const) {
    const q = await get<{ rows: QualificationRow[]; total: QualificationRow }>(
      `/api/leads/qualification?project=${project}&by=${by}`,
    );
    log("");
    log(` ${project}: lead qualification per ${by} (rates of all leads of the row)`);
    log(`   ${by.padEnd(26)} leads qualified   rate   won  conversion`);
    for (const r of [...q.rows, { ...q.total, key: "total" }]) {
      log(
        `   ${(r.key ?? `no ${by}`).padEnd(26).slice(0, 26)} ${String(r.leads).padStart(5)} ${String(r.qualified).padStart(9)} ${pct(r.qualification_rate).padStart(7)} ${String(r.won).padStart(5)} ${pct(r.conversion_rate).padStart(11)}`,
      );
    }
  }
  log("");
}
