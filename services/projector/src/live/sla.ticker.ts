import { type OrderUpdatedNotice, orderUpdatesSubject, type SubjectRoot } from "@pulse/events";
import type { Database, Logger } from "@pulse/infra";
import { type Kysely, sql } from "kysely";

/** The running-SLA ticker of one projector process (see {@link createSlaTicker}). */
export interface SlaTicker {
  /** Starts ticking every `tickSeconds`. */
  start(): void;
  /**
   * One tick: writes a notice for every SLA transition in `(last tick, now]` and returns how many.
   * @throws Postgres errors (the periodic tick logs them and retries the same window next time).
   */
  tick(): Promise<number>;
  /** Stops ticking and waits for a running tick. */
  stop(): Promise<void>;
}

/**
 * What the ticker needs. `clock` returns epoch ms (injected in tests); `onNotices` is called after a
 * tick wrote notices (the projector kicks its outbox relay).
 */
export interface SlaTickerDeps {
  readonly db: Kysely<Database>;
  readonly scheme: SubjectRoot;
  readonly logger: Logger;
  readonly tickSeconds: number;
  readonly clock: () => number;
  readonly onNotices: () => void;
}

const ISO = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';

/**
 * Announces running orders turning `near` / `over` without any webhook: every `tickSeconds` it finds
 * the status groups an order is in now (`rm.order_group_sla.running_since IS NOT NULL`) whose
 * `near_at` or `over_at` — the instants the order's *total* working time in the group reaches the
 * near share / exceeds the limit, computed by the domain's `groupSla` — lies in `(last tick, now]`,
 * and writes one `order_updated` notice (reason `sla_near` / `sla_over`; `sla_over` when both fell
 * in the window) per order to `ops.outbox`, which the relay publishes to the updates stream (SSE).
 * Msg id `sla:{project}:{order}:{group}:{reason}:{instant}`, so a repeated window is deduplicated by
 * the stream. The first window starts one tick before the ticker started (transitions while the
 * projector was down longer than that are not announced; the state itself is always right in the
 * read models).
 */
export function createSlaTicker(deps: SlaTickerDeps): SlaTicker {
  const { db, scheme, logger } = deps;
  let last = deps.clock() - deps.tickSeconds * 1000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;

  async function tick(): Promise<number> {
    const now = deps.clock();
    if (now <= last) return 0;
    const from = new Date(last).toISOString();
    const to = new Date(now).toISOString();
    const inWindow = (col: string) =>
      sql<boolean>`(${sql.ref(col)} > ${from}::timestamptz AND ${sql.ref(col)} <= ${to}::timestamptz)`;
    const found = await sql<{
      project_id: string;
      order_id: string | number;
      group_id: string | number;
      reason: "sla_near" | "sla_over";
      at: string;
      last_event_seq: string | number;
      last_status_id: string | number | null;
      last_status_group_id: string | number | null;
      last_changed_at: string | null;
      started_at: string | null;
      closed_at: string | null;
    }>`
      SELECT oc.project_id, oc.order_id, g.group_id, oc.last_event_seq, oc.last_status_id, oc.last_status_group_id,
             to_char(oc.last_changed_at AT TIME ZONE 'UTC', ${ISO}) AS last_changed_at,
             to_char(oc.started_at AT TIME ZONE 'UTC', ${ISO}) AS started_at,
             to_char(oc.closed_at AT TIME ZONE 'UTC', ${ISO}) AS closed_at,
             CASE WHEN ${inWindow("g.over_at")} THEN 'sla_over' ELSE 'sla_near' END AS reason,
             to_char((CASE WHEN ${inWindow("g.over_at")} THEN g.over_at ELSE g.near_at END) AT TIME ZONE 'UTC',
                     ${ISO}) AS at
      FROM (
        SELECT project_id, order_id, group_id, near_at, over_at FROM rm.order_group_sla
          WHERE running_since IS NOT NULL AND near_at IS NOT NULL AND ${inWindow("near_at")}
        UNION
        SELECT project_id, order_id, group_id, near_at, over_at FROM rm.order_group_sla
          WHERE running_since IS NOT NULL AND over_at IS NOT NULL AND ${inWindow("over_at")}
      ) g
      JOIN rm.orders_current oc ON oc.project_id = g.project_id AND oc.order_id = g.order_id
      ORDER BY oc.project_id, oc.order_id`.execute(db);
    const rows = found.rows.map((r) => {
      const notice: OrderUpdatedNotice = {
        type: "order_updated",
        project_id: r.project_id,
        order_id: Number(r.order_id),
        event_seq: Number(r.last_event_seq),
        reason: r.reason,
        last_status_id: r.last_status_id === null ? null : Number(r.last_status_id),
        last_status_group_id: r.last_status_group_id === null ? null : Number(r.last_status_group_id),
        last_changed_at: r.last_changed_at,
        started_at: r.started_at,
        closed_at: r.closed_at,
      };
      return {
        subject: orderUpdatesSubject(scheme, r.project_id),
        msg_id: `sla:${r.project_id}:${r.order_id}:${r.group_id}:${r.reason}:${r.at}`,
        payload: JSON.stringify(notice),
      };
    });
    if (rows.length > 0) await db.insertInto("ops.outbox").values(rows).execute();
    last = now;
    if (rows.length > 0) {
      logger.debug({ notices: rows.length, from, to }, "sla ticker: transitions announced");
      deps.onNotices();
    }
    return rows.length;
  }

  const guarded = async (): Promise<number> => {
    while (running) await running;
    const p = tick();
    running = p
      .catch(() => undefined)
      .finally(() => {
        running = null;
      });
    return p;
  };

  return {
    start() {
      if (timer) return;
      timer = setInterval(() => {
        guarded().catch((error: unknown) =>
          logger.error({ err: error }, "sla ticker failed; retried next tick"),
        );
      }, deps.tickSeconds * 1000);
      timer.unref();
    },
    tick: guarded,
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      while (running) await running;
    },
  };
}
