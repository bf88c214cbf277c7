/**
 * The pipeline funnel of amoCRM leads (issue 15 "Reads": leads that reached each stage, conversion
 * between stages, median working time in stage, lost per stage), computed from the leads' status
 * intervals. SPEC "amoCRM deals": a pipeline plays the role of the status group, so a lead's stages
 * in a pipeline are its intervals whose `status_group_id` is the pipeline; 142 is won, 143 lost.
 */

/** amoCRM's system status "won" (present in every pipeline). */
export const WON_STATUS = 142;
/** amoCRM's system status "lost" (present in every pipeline). */
export const LOST_STATUS = 143;

/** A stage of the pipeline as the dictionary gives it. */
export interface FunnelStageDef {
  readonly statusId: number;
  readonly name: string | null;
  readonly sort: number | null;
}

/** One status interval of a lead (`rm.order_status_intervals`), `seq` ascending per lead. */
export interface FunnelInterval {
  readonly leadId: number;
  readonly seq: number;
  readonly statusId: number;
  /** The pipeline of the interval (its status group); null when unresolved. */
  readonly pipelineId: number | null;
  /** Working seconds of a closed interval (null while open or unmeasured). */
  readonly workingSeconds: number | null;
  readonly closed: boolean;
}

/** One stage of the computed funnel. */
export interface FunnelStageFigures {
  readonly statusId: number;
  readonly name: string | null;
  readonly sort: number | null;
  /** Leads with at least one interval in the stage. */
  readonly entered: number;
  /** Leads whose furthest stage (stage order, 143 excluded) is this one or a later one. */
  readonly reached: number;
  /** 100 × reached / reached of the previous stage, rounded to 0.1; null for the first or after 0. */
  readonly conversionFromPrevious: number | null;
  /** Median over leads of their summed closed working seconds in the stage; null when none closed. */
  readonly medianWorkingSeconds: number | null;
  /** Leads whose interval right before a 143 interval (same pipeline) was this stage. */
  readonly lost: number;
}

/**
 * Orders the stages: the open stages by `sort` (then id), then 142, then 143 — amoCRM lists the two
 * system statuses last whatever their sort.
 */
export function orderStages(stages: readonly FunnelStageDef[]): FunnelStageDef[] {
  const rank = (s: FunnelStageDef) => (s.statusId === WON_STATUS ? 1 : s.statusId === LOST_STATUS ? 2 : 0);
  return [...stages].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.sort ?? Number.MAX_SAFE_INTEGER) - (b.sort ?? Number.MAX_SAFE_INTEGER) ||
      a.statusId - b.statusId,
  );
}

/** The median of `values` (mean of the two middle ones for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((1000 * part) / whole) / 10;
}

/**
 * The funnel of `pipelineId` over the intervals of the selected leads. Only intervals in the
 * pipeline count (a lead moved between pipelines appears in both funnels with its own stages).
 * A stage seen in the intervals but missing from the dictionary is added after the known open
 * stages (name null). `reached` counts a lead at every stage up to its furthest one, so a lead
 * that skipped a stage still counts there; 143 is reached only by leads that entered it.
 * @returns the stages in order ({@link orderStages}) and the number of leads with an interval in the pipeline.
 */
export function pipelineFunnel(
  pipelineId: number,
  stageDefs: readonly FunnelStageDef[],
  intervals: readonly FunnelInterval[],
): { leads: number; stages: FunnelStageFigures[] } {
  const inPipeline = intervals.filter((i) => i.pipelineId === pipelineId);
  const known = new Set(stageDefs.map((s) => s.statusId));
  const extra = [...new Set(inPipeline.map((i) => i.statusId))]
    .filter((id) => !known.has(id))
    .map((statusId) => ({ statusId, name: null, sort: null }));
  const stages = orderStages([...stageDefs, ...extra]);
  const rankOf = new Map(stages.map((s, i) => [s.statusId, i]));

  const byLead = new Map<number, FunnelInterval[]>();
  for (const i of inPipeline) {
    const own = byLead.get(i.leadId);
    if (own) own.push(i);
    else byLead.set(i.leadId, [i]);
  }
  const seqOf = new Map<number, Map<number, FunnelInterval>>();
  for (const i of intervals) {
    const own = seqOf.get(i.leadId) ?? new Map<number, FunnelInterval>();
    own.set(i.seq, i);
    seqOf.set(i.leadId, own);
  }

  const entered = new Map<number, number>();
  const furthest = new Map<number, number>(); // rank → leads whose furthest stage it is
  const lostAt = new Map<number, number>();
  const working = new Map<number, number[]>();
  for (const [leadId, own] of byLead) {
    own.sort((a, b) => a.seq - b.seq);
    const seen = new Set(own.map((i) => i.statusId));
    for (const s of seen) entered.set(s, (entered.get(s) ?? 0) + 1);
    const ranks = own.filter((i) => i.statusId !== LOST_STATUS).map((i) => rankOf.get(i.statusId) ?? 0);
    if (ranks.length > 0) {
      const top = Math.max(...ranks);
      furthest.set(top, (furthest.get(top) ?? 0) + 1);
    }
    const sums = new Map<number, number>();
    for (const i of own) {
      if (i.closed && i.workingSeconds !== null)
        sums.set(i.statusId, (sums.get(i.statusId) ?? 0) + i.workingSeconds);
    }
    for (const [s, v] of sums) working.set(s, [...(working.get(s) ?? []), v]);
    // Lost from a stage: the lead's interval right before its 143 interval, in this pipeline.
    const bySeq = seqOf.get(leadId);
    const lostFrom = new Set<number>();
    for (const i of own) {
      if (i.statusId !== LOST_STATUS) continue;
      const prev = bySeq?.get(i.seq - 1);
      if (prev && prev.pipelineId === pipelineId && prev.statusId !== LOST_STATUS)
        lostFrom.add(prev.statusId);
    }
    for (const s of lostFrom) lostAt.set(s, (lostAt.get(s) ?? 0) + 1);
  }

  const lostRank = rankOf.get(LOST_STATUS);
  let reachedFromHere = 0;
  const reached: number[] = new Array(stages.length).fill(0);
  for (let r = stages.length - 1; r >= 0; r--) {
    if (r === lostRank) continue;
    reachedFromHere += furthest.get(r) ?? 0;
    reached[r] = reachedFromHere;
  }
  if (lostRank !== undefined) reached[lostRank] = entered.get(LOST_STATUS) ?? 0;

  const figures = stages.map((s, r) => {
    const previous = r === 0 || s.statusId === LOST_STATUS ? null : (reached[r - 1] ?? 0);
    return {
      statusId: s.statusId,
      name: s.name,
      sort: s.sort,
      entered: entered.get(s.statusId) ?? 0,
      reached: reached[r] ?? 0,
      conversionFromPrevious: previous === null ? null : percent(reached[r] ?? 0, previous),
      medianWorkingSeconds: median(working.get(s.statusId) ?? []),
      lost: lostAt.get(s.statusId) ?? 0,
    };
  });
  return { leads: byLead.size, stages: figures };
}
