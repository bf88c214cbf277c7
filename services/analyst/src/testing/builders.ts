/**
 * Test builders of the analyst: a dialog to analyse and a model answer that fits the facts schema.
 * The dialog is hand-written (not from fixtures/dialogs/labeled.jsonl).
 */
import type { AnalysisDialog } from "../analysis/analyze-dialog.js";
import type { LlmDialogFacts } from "../analysis/dialog-facts.schema.js";

/**
 * A dentistry owner stating a budget and booking a call — 5 messages, 3 incoming, times in UTC
 * (2026-11-09 05:00… = 10:00… in Asia/Almaty, +05:00). Fields can be overridden.
 */
export function aDialog(overrides: Partial<AnalysisDialog> = {}): AnalysisDialog {
  const at = (minute: number): string => new Date(Date.UTC(2026, 10, 9, 5, minute)).toISOString();
  return {
    project_id: "acme",
    dialog_key: "lead:15001@2026-11-08",
    lead_id: 15001,
    phone: "+77010000001",
    shift_id: "2026-11-08",
    window_start: "2026-11-08T17:00:00.000Z",
    window_end: "2026-11-09T17:00:00.000Z",
    manager_id: 42,
    messages: [
      {
        direction: "incoming",
        text: "Здравствуйте! У нас стоматологическая клиника в Алматы, я владелица.",
        sent_at: at(0),
      },
      {
        direction: "outgoing",
        text: "Добрый день! Какой рекламный бюджет в месяц планируете и когда хотите стартовать?",
        sent_at: at(2),
      },
      {
        direction: "incoming",
        text: "Бюджет около 500 тысяч тенге в месяц,\nстарт в декабре.",
        sent_at: at(5),
      },
      { direction: "outgoing", text: "Отлично. Созвонимся в четверг в 15:00?", sent_at: at(6) },
      { direction: "incoming", text: "Да, четверг в 15:00 подходит.", sent_at: at(9) },
    ],
    ...overrides,
  };
}

/**
 * The answer a model would give for {@link aDialog}: consultation booked, medicine, owner, budget stated
 * (75 points: hot). Quotes: five verbatim (one with other case and whitespace than the message), one
 * invented (dropped by the extractor).
 */
export function aFactsAnswer(overrides: Partial<LlmDialogFacts> = {}): LlmDialogFacts {
  return {
    summary: "Владелица стоматологии в Алматы, бюджет ~500 тыс. тенге в месяц, созвон в четверг в 15:00.",
    evidence: [
      { fact: "niche", quote: "стоматологическая клиника", message_index: 1 },
      { fact: "is_owner_or_decision_maker", quote: "я владелица", message_index: 1 },
      { fact: "budget_stated", quote: "бюджет около 500 тысяч тенге в месяц, старт", message_index: 3 },
      { fact: "funnel_stage", quote: "Созвонимся в четверг в 15:00?", message_index: 4 },
      { fact: "funnel_stage", quote: "«Да, четверг в 15:00 подходит»", message_index: 5 },
      { fact: "budget_stated", quote: "Готовы платить миллион", message_index: 3 },
    ],
    questionnaire: {
      niche: "стоматологическая клиника",
      decision_maker: "владелица",
      budget: "около 500 тыс. тенге в месяц",
      start: "в декабре",
    },
    niche: "medicine",
    is_owner_or_decision_maker: true,
    budget_stated: true,
    is_targetologist_or_smm: false,
    funnel_stage: "consultation_booked",
    ...overrides,
  };
}
