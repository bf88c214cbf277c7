/**
 * Reader of fixtures/dialogs/labeled.jsonl (format in fixtures/dialogs/README.md): hand-labeled
 * WhatsApp dialogs with gold stage, niche, owner, budget, targetologist, questionnaire and interest.
 * Converts them to the analyst's input shape: `in`/`out` → `incoming`/`outgoing`, `at` → `sent_at`,
 * niche `info-business` → `info_business`.
 */
import {
  FUNNEL_STAGES,
  type FunnelStage,
  INTEREST_LEVELS,
  type InterestLevel,
  type Niche,
} from "@pulse/domain";
import { z } from "zod";
import type { DialogMessage } from "../analysis/offline-extractor.js";

const Line = z.object({
  id: z.string(),
  lang: z.string(),
  messages: z.array(z.object({ direction: z.enum(["in", "out"]), at: z.string(), text: z.string() })),
  gold: z.object({
    stage: z.enum(FUNNEL_STAGES),
    niche: z.enum(["medicine", "info-business", "other"]),
    is_owner: z.boolean(),
    budget_stated: z.boolean(),
    is_targetologist: z.boolean(),
    questionnaire: z.record(z.string(), z.string().nullable()),
    score: z.number(),
    interest: z.enum(INTEREST_LEVELS),
  }),
});

/** One labeled dialog with its gold facts. */
export interface LabeledDialog {
  readonly id: string;
  readonly lang: string;
  readonly messages: readonly DialogMessage[];
  readonly gold: {
    readonly stage: FunnelStage;
    readonly niche: Niche;
    readonly isOwner: boolean;
    readonly budgetStated: boolean;
    readonly isTargetologist: boolean;
    readonly questionnaire: Readonly<Record<string, string | null>>;
    readonly score: number;
    readonly interest: InterestLevel;
  };
}

/**
 * Parses the JSONL text (blank lines ignored).
 * @throws Error naming the line number when a line is not valid JSON or not in the documented shape.
 */
export function parseLabeledDialogs(jsonl: string): LabeledDialog[] {
  const out: LabeledDialog[] = [];
  jsonl.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new Error(`labeled.jsonl line ${i + 1}: not JSON (${(error as Error).message})`);
    }
    const parsed = Line.safeParse(json);
    if (!parsed.success) throw new Error(`labeled.jsonl line ${i + 1}: ${parsed.error.message}`);
    const d = parsed.data;
    out.push({
      id: d.id,
      lang: d.lang,
      messages: d.messages.map((m) => ({
        direction: m.direction === "in" ? "incoming" : "outgoing",
        text: m.text,
        sent_at: m.at,
      })),
      gold: {
        stage: d.gold.stage,
        niche: d.gold.niche === "info-business" ? "info_business" : d.gold.niche,
        isOwner: d.gold.is_owner,
        budgetStated: d.gold.budget_stated,
        isTargetologist: d.gold.is_targetologist,
        questionnaire: d.gold.questionnaire,
        score: d.gold.score,
        interest: d.gold.interest,
      },
    });
  });
  return out;
}
