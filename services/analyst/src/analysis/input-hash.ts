/**
 * The input hash of an analysis: what the extractor saw, so that the same input is recognised
 * (idempotency, `AnalysisLedger`) and a changed one is analysed again.
 */
import { createHash } from "node:crypto";
import type { QuestionnaireQuestion } from "@pulse/domain";
import type { DialogMessage } from "./offline-extractor.js";

/**
 * Canonical JSON: object keys sorted by UTF-16 code units at every depth, no whitespace, arrays in
 * order, `undefined` properties left out (as `JSON.stringify` does). Two values that are equal as JSON
 * data give the same string whatever their key order.
 * @throws TypeError for values JSON cannot represent (bigint, cycles).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** What the input hash covers. `model` is `null` in offline mode. */
export interface InputHashParts {
  readonly messages: readonly DialogMessage[];
  readonly questionnaire: readonly QuestionnaireQuestion[];
  readonly promptVersion: string;
  readonly model: string | null;
  /** The project time zone the prompt renders message times in (IANA name or `±HH:MM`). */
  readonly timeZone: string;
}

/**
 * `input_hash` of an analysis: lowercase hex SHA-256 (64 characters) of
 * {@link canonicalJson} of
 * `{messages: [{direction, sent_at, text}], model, prompt_version, questionnaire: [{id, text}], time_zone}`
 * — the messages in dialog order with exactly those three fields, the questionnaire in its order.
 * The time zone is included because the prompt shows local times; ids of the dialog (project, lead,
 * window) are not: they are in the dedup key beside the hash.
 */
export function inputHash(parts: InputHashParts): string {
  const canonical = canonicalJson({
    messages: parts.messages.map((m) => ({ direction: m.direction, sent_at: m.sent_at, text: m.text })),
    model: parts.model,
    prompt_version: parts.promptVersion,
    questionnaire: parts.questionnaire.map((q) => ({ id: q.id, text: q.text })),
    time_zone: parts.timeZone,
  });
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}
