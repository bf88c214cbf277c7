import { type RawBuilder, sql } from "kysely";
import type { SlaStateValue } from "./orders.schemas.js";

/**
 * SLA state at instant `at` of the `rm.order_group_sla` row aliased `g` (an order's SLA in one status
 * group, judged by the domain's `groupSla` on its total working time there; SPEC "Decided rules"):
 * `null` without a limit (or without a row), `over` from `over_at`, `near` from `near_at`, else
 * `ok` — both instants inclusive. Only a comparison with the stored instants: the rule and its
 * arithmetic live in `packages/domain/src/sla.ts`, and the group total never decreases, so this is
 * the state at any `at` (a `timestamptz` SQL value) from the order's first entry into the group on.
 */
export function groupSlaStateAt(g: string, at: RawBuilder<unknown>): RawBuilder<SlaStateValue | null> {
  const col = (c: string) => sql.ref(`${g}.${c}`);
  return sql<SlaStateValue | null>`(CASE
    WHEN ${col("limit_seconds")} IS NULL THEN NULL
    WHEN ${col("over_at")} <= ${at} THEN 'over'
    WHEN ${col("near_at")} <= ${at} THEN 'near'
    ELSE 'ok'
  END)`;
}
