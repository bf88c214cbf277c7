import { SaleNotice, type SubjectRoot, saleUpdatesSubject } from "@pulse/events";
import type { ReadModels } from "@pulse/infra";
import type { Kysely } from "kysely";
import type { RowOf } from "../replay/table-writer.js";

/** A `rm.sales` row as the leads projection writes it (`sold_at` an ISO instant). */
export type SaleRowLike = Pick<
  RowOf<"sales">,
  | "project_id"
  | "lead_id"
  | "sold_at"
  | "amount"
  | "currency"
  | "product"
  | "pipeline_id"
  | "manager_name"
  | "contact_name"
  | "contact_phone"
  | "team"
  | "utm_source"
  | "utm_campaign"
  | "utm_content"
>;

/** A lead's sale after the batch (null: not a sale) and the stream position that last changed it. */
export interface SaleAfter {
  readonly projectId: string;
  readonly leadId: number;
  readonly sale: SaleRowLike | null;
  readonly seq: number;
}

/** The instant as `Date#toISOString` writes it (Postgres hands back `Date`s, the projection strings). */
function isoOf(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

/**
 * The leads of `leadIds` that are a sale in `rm.sales` of `schema` now, with their `sold_at` (ISO):
 * read before a batch writes, so {@link newSales} can tell a new sale from an updated one.
 * @throws the Postgres error when the read fails.
 */
export async function loadSoldAt(
  db: Kysely<ReadModels>,
  projectId: string,
  leadIds: readonly number[],
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let i = 0; i < leadIds.length; i += 1000) {
    const rows = await db
      .selectFrom("sales")
      .select(["lead_id", "sold_at"])
      .where("project_id", "=", projectId)
      .where("lead_id", "in", leadIds.slice(i, i + 1000))
      .execute();
    for (const r of rows) out.set(Number(r.lead_id), isoOf(r.sold_at as Date | string));
  }
  return out;
}

/**
 * The sales that are new in a batch (issue 15 "the live page and SSE announce new sales"): a lead
 * that is a sale after the batch and was none before it (`before`: lead → `sold_at` of its sale row
 * before the batch, per project), or was one with another `sold_at` (reopened and won again within
 * the batch's reach). A price, contact or attribution change of a known sale is not a new sale.
 * Result in stream order (then project, lead).
 */
export function newSales(
  before: ReadonlyMap<string, ReadonlyMap<number, string>>,
  after: readonly SaleAfter[],
): SaleAfter[] {
  return after
    .filter((a) => {
      if (a.sale === null) return false;
      const was = before.get(a.projectId)?.get(a.leadId);
      return was === undefined || was !== isoOf(a.sale.sold_at);
    })
    .sort((a, b) => a.seq - b.seq || a.projectId.localeCompare(b.projectId) || a.leadId - b.leadId);
}

/** The `sale_won` notice of a new sale ({@link SaleNotice}), caused by events-stream position `seq`. */
export function saleNoticeOf(sale: SaleRowLike, seq: number): SaleNotice {
  return SaleNotice.parse({
    type: "sale_won",
    project_id: sale.project_id,
    lead_id: Number(sale.lead_id),
    event_seq: seq,
    sold_at: isoOf(sale.sold_at),
    amount: sale.amount,
    currency: sale.currency,
    product: sale.product,
    pipeline_id: sale.pipeline_id === null ? null : Number(sale.pipeline_id),
    manager: sale.manager_name,
    client_name: sale.contact_name,
    client_phone: sale.contact_phone,
    team: sale.team,
    utm_source: sale.utm_source,
    utm_campaign: sale.utm_campaign,
    utm_content: sale.utm_content,
  });
}

/**
 * The `ops.outbox` row of a sale notice: subject `saleUpdatesSubject`, `msg_id`
 * `sale:{project}:{lead}:{sold_at}` (a republish after a crash, or the same sale announced by a
 * redelivered batch, is dropped by the stream's duplicate window).
 */
export function saleOutboxRow(
  notice: SaleNotice,
  scheme: SubjectRoot,
): { subject: string; msg_id: string; payload: string } {
  return {
    subject: saleUpdatesSubject(scheme, notice.project_id),
    msg_id: `sale:${notice.project_id}:${notice.lead_id}:${notice.sold_at}`,
    payload: JSON.stringify(notice),
  };
}
