/**
 * The offline fact extractor: with no LLM configured the analyst still scores dialogs, finding the
 * same {@link DialogFacts} with keyword and stem rules for Russian, Ukrainian, Kazakh and English
 * (SPEC "Dialog scoring": niche, qualification answers, funnel stage, summary; the score itself is
 * `scoreDialog` of @pulse/domain). Pure and deterministic: no I/O, no clock.
 *
 * How each fact is decided (labeling rules of fixtures/dialogs/README.md):
 * - **funnel stage** — the messages are replayed in order through a small state machine; later
 *   messages override earlier ones: a payment (client "оплатили"/"төледім"/"Paid", a receipt
 *   attachment, the manager's "оплата поступила") → `deal_closed`; a refusal → `deal_lost` after a
 *   consultation or once qualified, else `not_qualified`; thanks for / "after our" call →
 *   `consultation_completed`; a slot (day and/or time) one side offers with a call word and the other
 *   accepts, or a manager's "записала"/"переношу на" → `consultation_booked`; a cancelled slot without a
 *   new one goes back; the manager turning the request down ("к сожалению … не работаем"), a job or
 *   partnership request, barter or free work → `not_qualified`. Otherwise `qualified` when the niche is
 *   known and two of decision maker / budget / start were answered, else `new_lead`.
 * - **niche** — medical words (clinic, dentistry, diagnostics, …) vs course words (online school,
 *   course, marathon, coaching); with both, a medical *institution* decides medicine, else the course
 *   wins (a psychologist's online course is info-business). A targetologist's job or partnership
 *   request with no client business is `other`.
 * - **owner / decision maker** — owning words ("владелица", "засновниця", "иесімін", "founder", "мой
 *   салон", "решаю сама") win; a director / head, "у меня салон", or "да" to the manager's ownership
 *   question count unless the dialog says someone else decides or the writer is an employee.
 *   A targetologist acting for a client is never the owner.
 * - **budget stated** — the client writes an amount of money (number with a currency or a thousand /
 *   million multiplier) in a budget context ("бюджет", "в месяц", "на рекламу", "айына", "spend"), or
 *   says "yes" to the manager restating a figure ("…, верно?"). Figures only the manager wrote do not count.
 * - **targetologist / SMM** — the writer calls themselves one ("я таргетолог", "SMM-специалист",
 *   "таргетологпын") or speaks of "my client"; "our SMM" / "we run ads ourselves" does not count.
 * Only client text (incoming) is read for the client facts; manager text is read for the stage.
 * Attachment placeholders (`[голосовое сообщение]`) carry no content, except a receipt (`[фото чека]`).
 */
import {
  DEFAULT_QUESTIONNAIRE,
  type DialogFacts,
  type FunnelStage,
  type Niche,
  type QuestionnaireQuestion,
} from "@pulse/domain";
import * as L from "./offline-lexicon.js";

/** Who wrote a message: `incoming` = the client, `outgoing` = the company's manager. */
export type MessageDirection = "incoming" | "outgoing";

/** One chat message, in dialog order. `sent_at` is ISO-8601 (not used by the rules, kept for callers). */
export interface DialogMessage {
  readonly direction: MessageDirection;
  readonly text: string;
  readonly sent_at: string;
}

/** Language of the client's messages; `mixed` when they use two (typically Russian and Kazakh). */
export type DialogLanguage = "ru" | "uk" | "kk" | "en" | "mixed" | "unknown";

/** The fact a piece of evidence supports: a {@link DialogFacts} field or `questionnaire.<question id>`. */
export type EvidenceFact =
  | "funnel_stage"
  | "niche"
  | "is_owner_or_decision_maker"
  | "budget_stated"
  | "is_targetologist_or_smm"
  | `questionnaire.${string}`;

/**
 * A verbatim quote supporting a fact: `quote` is a substring of `messages[message_index].text` (the
 * sentence around the match, at most ~220 characters); `rule` names the rule that fired (e.g.
 * `paid`, `slot_accepted`, `someone_else_decides`) — negative evidence included, so a `false` owner
 * can quote "Решает директор".
 */
export interface FactEvidence {
  readonly fact: EvidenceFact;
  readonly rule: string;
  readonly message_index: number;
  readonly direction: MessageDirection;
  readonly quote: string;
}

/** What the offline extractor returns: the facts, their evidence, and the client's language. */
export interface DialogExtraction {
  readonly facts: DialogFacts;
  readonly evidence: readonly FactEvidence[];
  readonly language: DialogLanguage;
}

/** Options: the project's questionnaire (default {@link DEFAULT_QUESTIONNAIRE}). */
export interface OfflineExtractorOptions {
  readonly questionnaire?: readonly QuestionnaireQuestion[];
}

/**
 * Lower-cases, maps `ё` → `е`, typographic apostrophes → `'` and NBSP → space, keeping the length, so
 * that a match index in the normalised text is the same index in the original.
 */
export function normalizeForMatch(text: string): string {
  let out = "";
  for (const ch of text) {
    let c = ch.toLowerCase();
    if (c.length !== ch.length) c = ch;
    if (c === "ё") c = "е";
    else if (c === "’" || c === "ʼ" || c === "‘" || c === "`") c = "'";
    else if (c === "\u00a0") c = " ";
    out += c;
  }
  return out;
}

interface Msg {
  readonly index: number;
  readonly direction: MessageDirection;
  readonly text: string;
  readonly norm: string;
  readonly placeholder: boolean;
}

/** A rule match inside one message. */
interface Found {
  readonly msg: Msg;
  readonly start: number;
  readonly end: number;
  readonly rule: string;
}

const globalCache = new WeakMap<RegExp, RegExp>();
function globalOf(rx: RegExp): RegExp {
  let g = globalCache.get(rx);
  if (g === undefined) {
    g = new RegExp(rx.source, rx.flags.includes("g") ? rx.flags : `${rx.flags}g`);
    globalCache.set(rx, g);
  }
  return g;
}

/** Every match of `rx` in the message, optionally dropping those right after a negation ("не оплатили"). */
function findAll(msg: Msg, rx: RegExp, rule: string, opts: { skipNegated?: boolean } = {}): Found[] {
  const g = globalOf(rx);
  g.lastIndex = 0;
  const out: Found[] = [];
  for (let m = g.exec(msg.norm); m !== null; m = g.exec(msg.norm)) {
    if (m[0].length === 0) {
      g.lastIndex += 1;
      continue;
    }
    if (opts.skipNegated && L.NEGATED_BEFORE.test(msg.norm.slice(Math.max(0, m.index - 12), m.index)))
      continue;
    out.push({ msg, start: m.index, end: m.index + m[0].length, rule });
  }
  return out;
}

function find(msg: Msg, rx: RegExp, rule: string, opts: { skipNegated?: boolean } = {}): Found | null {
  return findAll(msg, rx, rule, opts)[0] ?? null;
}

function firstIn(
  msgs: readonly Msg[],
  rx: RegExp,
  rule: string,
  opts: { skipNegated?: boolean } = {},
): Found | null {
  for (const msg of msgs) {
    const f = find(msg, rx, rule, opts);
    if (f) return f;
  }
  return null;
}

const isSentenceEnd = (text: string, i: number): boolean => {
  const ch = text[i];
  if (ch === "!" || ch === "?" || ch === "\n" || ch === "…") return true;
  // a dot ends a sentence unless it sits inside a number or a link ("1.5", "zoom.us")
  return ch === "." && !/[\p{L}\p{N}]/u.test(text[i + 1] ?? " ");
};

/** Start and end (exclusive) of the sentence around `[start, end)`. */
function sentenceBounds(text: string, start: number, end: number): [number, number] {
  let from = start;
  while (from > 0 && !isSentenceEnd(text, from - 1)) from -= 1;
  let to = end;
  while (to < text.length && !isSentenceEnd(text, to)) to += 1;
  if (to < text.length) to += 1;
  return [from, to];
}

/** The verbatim sentence around a match, trimmed to ~220 characters. */
function quoteOf(f: Found): string {
  const text = f.msg.text;
  let [from, to] = sentenceBounds(text, f.start, f.end);
  if (to - from > 220) {
    from = Math.max(from, f.start - 80);
    to = Math.min(to, f.end + 80);
  }
  return text.slice(from, to).trim();
}

/** The normalised sentence around a match (for rules that look at the rest of the sentence). */
function sentenceOf(f: Found): string {
  const [from, to] = sentenceBounds(f.msg.norm, f.start, f.end);
  return f.msg.norm.slice(from, to);
}

const has = (msg: Msg, rx: RegExp): boolean => {
  rx.lastIndex = 0;
  return rx.test(msg.norm);
};

function detectLanguage(incoming: readonly Msg[]): DialogLanguage {
  const seen = new Set<DialogLanguage>();
  for (const m of incoming) {
    const letters = m.norm.match(/\p{L}/gu)?.length ?? 0;
    if (letters < 6) continue;
    if (
      /[әғқңөұүһ]/u.test(m.norm) ||
      /(?:^|[^\p{L}])(?:мен|сіз|иә|рахмет|бар|жоқ)(?![\p{L}])/u.test(m.norm)
    ) {
      seen.add("kk");
      // Kazakh speakers switch to Russian inside one message ("Кешегі созвонға рахмет, всё понятно")
      if (has(m, L.RUSSIAN_WORDS)) seen.add("ru");
    } else if (/[іїєґ]/u.test(m.norm)) {
      seen.add("uk");
    } else if (/[а-я]/u.test(m.norm)) {
      seen.add("ru");
    } else if (/[a-z]/u.test(m.norm)) {
      seen.add("en");
    }
  }
  if (seen.size === 0) return "unknown";
  if (seen.size === 1) return [...seen][0] ?? "unknown";
  return "mixed";
}

/** The stage machine's state; `open` becomes `qualified` or `new_lead` at the end. */
type State = "open" | Exclude<FunnelStage, "new_lead" | "qualified">;

interface Answers {
  niche: Found | null;
  decision_maker: Found | null;
  budget: Found | null;
  start: Found | null;
}

/**
 * Extracts {@link DialogFacts} from a dialog with rules (see the module comment), with a verbatim
 * quote for each fact that moves the score and for each questionnaire answer.
 * Questionnaire: the default questions `niche`, `decision_maker`, `budget`, `start` are answered by
 * rules (the quote of the client's answer, or `null`); other question ids of a custom questionnaire
 * cannot be answered offline and are `null`. Total: any message list (also empty) gives facts.
 */
export function extractDialogFactsOffline(
  messages: readonly DialogMessage[],
  options: OfflineExtractorOptions = {},
): DialogExtraction {
  const msgs: Msg[] = messages.map((m, index) => ({
    index,
    direction: m.direction,
    text: m.text,
    norm: normalizeForMatch(m.text),
    placeholder: L.PLACEHOLDER.test(m.text),
  }));
  const incoming = msgs.filter((m) => m.direction === "incoming" && !m.placeholder);
  const evidence: FactEvidence[] = [];
  const cite = (fact: EvidenceFact, f: Found | null): void => {
    if (f) {
      evidence.push({
        fact,
        rule: f.rule,
        message_index: f.msg.index,
        direction: f.msg.direction,
        quote: quoteOf(f),
      });
    }
  };

  // --- targetologist / SMM -------------------------------------------------------------------
  const targetologist =
    incoming
      .flatMap((m) => findAll(m, L.TARGETOLOGIST_SELF, "self_described_targetologist_or_smm"))
      .find((f) => {
        const matched = f.msg.norm.slice(f.start, f.end);
        if (/(?:^|[^\p{L}])(?:сами|сама|сам|самі|ourselves|myself|өзіміз)(?![\p{L}])/u.test(matched))
          return false;
        const after = f.msg.norm.slice(f.end, f.end + 40);
        return !L.IN_HOUSE.test(after);
      }) ?? null;
  const jobOrPartnership = firstIn(incoming, L.CLIENT_JOB_OR_PARTNERSHIP, "job_or_partnership_request");

  // --- niche -----------------------------------------------------------------------------------
  const medicine = firstIn(incoming, L.MEDICINE, "medical_business");
  const info = firstIn(incoming, L.INFO_BUSINESS, "online_course_or_school");
  const institution = firstIn(incoming, L.MEDICAL_INSTITUTION, "medical_institution");
  const noClientBusiness = targetologist !== null && jobOrPartnership !== null;
  let niche: Niche = "other";
  let nicheEvidence: Found | null = null;
  if (!noClientBusiness) {
    if (medicine && (!info || institution)) {
      niche = "medicine";
      nicheEvidence = institution ?? medicine;
    } else if (info) {
      niche = "info_business";
      nicheEvidence = info;
    }
  }

  // --- questionnaire answers -------------------------------------------------------------------
  const answers: Answers = { niche: null, decision_maker: null, budget: null, start: null };
  if (!noClientBusiness) {
    answers.niche =
      nicheEvidence ??
      firstIn(incoming, L.BUSINESS_DESCRIPTION, "business_described") ??
      firstIn(incoming, L.OWNER_WEAK, "business_described");
  }

  // --- owner / decision maker ------------------------------------------------------------------
  const notNegated = (f: Found): boolean =>
    !/(?:^|[^\p{L}])(?:не|not|емес)(?![\p{L}])/u.test(f.msg.norm.slice(f.start, f.end));
  const ownerStrong =
    incoming.flatMap((m) => findAll(m, L.OWNER_STRONG, "owns_or_decides")).find(notNegated) ?? null;
  const ownerRole =
    incoming.flatMap((m) => findAll(m, L.OWNER_ROLE, "leads_the_business")).find(notNegated) ?? null;
  const notDecider = firstIn(incoming, L.NOT_DECIDER, "someone_else_decides");
  let ownerWeak = firstIn(incoming, L.OWNER_WEAK, "has_a_business");
  if (!ownerWeak) {
    ownerWeak = confirmedAnswer(
      msgs,
      (q) => has(q, L.OWNER_QUESTION) || (has(q, L.RESTATEMENT) && has(q, L.OWNER_RESTATED)),
      "confirmed_ownership_question",
    );
  }
  const isOwner =
    targetologist === null && (ownerStrong !== null || ((ownerRole ?? ownerWeak) !== null && !notDecider));
  answers.decision_maker = ownerStrong ?? notDecider ?? ownerRole ?? ownerWeak;

  // --- budget ----------------------------------------------------------------------------------
  const budgetFigure = firstBudgetFigure(msgs);
  const budgetConfirmed = budgetFigure ? null : confirmedRestatedBudget(msgs);
  const budgetStated = budgetFigure !== null || budgetConfirmed !== null;
  const budgetTalk = firstIn(incoming, L.BUDGET_WORD, "talks_about_budget");
  answers.budget = earliest(budgetFigure ?? budgetConfirmed, budgetTalk);

  // --- start -----------------------------------------------------------------------------------
  answers.start = firstStartAnswer(msgs);

  // --- funnel stage ----------------------------------------------------------------------------
  const answeredBy = (index: number): number =>
    [answers.decision_maker, answers.budget, answers.start].filter((a) => a !== null && a.msg.index <= index)
      .length;
  const nicheKnownBy = (index: number): boolean =>
    (answers.niche !== null && answers.niche.msg.index <= index) || niche !== "other";
  const { state, stageEvidence } = replayStage(msgs, (i) => nicheKnownBy(i) && answeredBy(i) >= 2);
  const last = msgs.length - 1;
  let stage: FunnelStage;
  if (state === "open") stage = nicheKnownBy(last) && answeredBy(last) >= 2 ? "qualified" : "new_lead";
  else stage = state;

  // --- evidence ----------------------------------------------------------------------------------
  if (stageEvidence) cite("funnel_stage", stageEvidence);
  else if (stage === "qualified") {
    for (const a of [answers.niche, answers.decision_maker, answers.budget, answers.start])
      cite("funnel_stage", a);
  }
  cite("niche", nicheEvidence ?? (noClientBusiness ? jobOrPartnership : null));
  if (isOwner) cite("is_owner_or_decision_maker", ownerStrong ?? ownerRole ?? ownerWeak);
  else
    cite(
      "is_owner_or_decision_maker",
      notDecider ?? (targetologist && (ownerStrong ?? ownerRole) ? targetologist : null),
    );
  cite("budget_stated", budgetFigure ?? budgetConfirmed);
  cite("is_targetologist_or_smm", targetologist);

  const questionnaire: Record<string, string | null> = {};
  for (const q of options.questionnaire ?? DEFAULT_QUESTIONNAIRE) {
    const a = Object.hasOwn(answers, q.id) ? answers[q.id as keyof Answers] : null;
    questionnaire[q.id] = a ? quoteOf(a) : null;
    cite(`questionnaire.${q.id}`, a);
  }

  const language = detectLanguage(incoming);
  const facts: DialogFacts = {
    funnel_stage: stage,
    niche,
    is_owner_or_decision_maker: isOwner,
    budget_stated: budgetStated,
    is_targetologist_or_smm: targetologist !== null,
    questionnaire,
    summary: summarize(
      stage,
      niche,
      isOwner,
      budgetStated,
      targetologist !== null,
      stageEvidence,
      msgs,
      language,
    ),
  };
  return { facts, evidence, language };
}

function earliest(a: Found | null, b: Found | null): Found | null {
  if (!a) return b;
  if (!b) return a;
  return b.msg.index < a.msg.index ? b : a;
}

/** The last outgoing message before `i` with only incoming messages between (what the client answers). */
function questionBefore(msgs: readonly Msg[], i: number): Msg | null {
  for (let k = i - 1; k >= 0; k -= 1) {
    const m = msgs[k];
    if (m === undefined) return null;
    if (m.direction === "outgoing") return m;
  }
  return null;
}

/** A client "yes" right after a manager question `asks` accepts (facts given in voice, restated in text). */
function confirmedAnswer(msgs: readonly Msg[], asks: (question: Msg) => boolean, rule: string): Found | null {
  for (const m of msgs) {
    if (m.direction !== "incoming" || m.placeholder) continue;
    const yes = find(m, L.AFFIRMATIVE_START, rule);
    if (!yes) continue;
    const q = questionBefore(msgs, m.index);
    if (q && asks(q)) return yes;
  }
  return null;
}

/** The first client sentence naming an amount of money as a budget. */
function firstBudgetFigure(msgs: readonly Msg[]): Found | null {
  for (const m of msgs) {
    if (m.direction !== "incoming" || m.placeholder) continue;
    for (const f of findAll(m, L.MONEY, "budget_figure")) {
      const sentence = sentenceOf(f);
      if (L.BUDGET_CONTEXT.test(sentence)) return f;
      const q = questionBefore(msgs, m.index);
      if (q && L.BUDGET_WORD.test(q.norm) && q.norm.includes("?") && !/[?]/u.test(sentence)) return f;
    }
    const bare = find(m, L.BUDGET_BARE_NUMBER, "budget_figure");
    if (bare) return bare;
  }
  return null;
}

/** The client confirming a figure the manager restated ("бюджет около 300 тысяч, верно?" → "да"). */
function confirmedRestatedBudget(msgs: readonly Msg[]): Found | null {
  return confirmedAnswer(
    msgs,
    (q) => has(q, L.MONEY) && has(q, L.BUDGET_CONTEXT) && has(q, L.RESTATEMENT),
    "confirmed_restated_budget",
  );
}

/** The client's answer to "when do you start": a start word with a time, or a time right after the question. */
function firstStartAnswer(msgs: readonly Msg[]): Found | null {
  for (const m of msgs) {
    if (m.direction !== "incoming" || m.placeholder) continue;
    for (const f of findAll(m, L.START_WORD, "start_time")) {
      if (L.START_TIME.test(sentenceOf(f))) return f;
    }
    const q = questionBefore(msgs, m.index);
    if (q && L.START_QUESTION.test(q.norm) && !L.MEETING.test(q.norm)) {
      const t = find(m, L.START_TIME, "start_time");
      if (t) return t;
    }
  }
  return null;
}

/** A message that offers a concrete slot: a day/time with a call word, a reschedule, or a reply to such an offer. */
function isOffer(msgs: readonly Msg[], k: number): boolean {
  const m = msgs[k];
  if (m === undefined || !has(m, L.SLOT)) return false;
  if (has(m, L.RESCHEDULE)) return true;
  // "сегодня не получится, созвон отменяем" names a day and a call but offers nothing
  if (has(m, L.CANCEL) || has(m, L.REFUSAL)) return false;
  if (has(m, L.MEETING)) return true;
  const prev = otherSideBefore(msgs, k);
  return prev !== null && has(prev, L.MEETING);
}

/** The latest message before `i` from the other side, if only messages of `i`'s side lie between. */
function otherSideBefore(msgs: readonly Msg[], i: number): Msg | null {
  const side = msgs[i]?.direction;
  for (let k = i - 1; k >= 0 && k >= i - 4; k -= 1) {
    const m = msgs[k];
    if (m === undefined) return null;
    if (m.direction !== side) return m;
  }
  return null;
}

/** The slot agreed in message `i`: a manager's booking confirmation, or the acceptance of the other side's offer. */
function bookingAt(msgs: readonly Msg[], i: number): Found | null {
  const m = msgs[i];
  if (m === undefined || m.placeholder) return null;
  if (m.direction === "outgoing") {
    const confirm = find(m, L.BOOKING_CONFIRM, "slot_confirmed", { skipNegated: true });
    if (confirm) {
      let recentOffer = has(m, L.SLOT);
      for (let k = i - 1; k >= 0 && k >= i - 4 && !recentOffer; k -= 1) recentOffer = isOffer(msgs, k);
      if (recentOffer) return confirm;
    }
  }
  const offer = otherSideBefore(msgs, i);
  if (offer === null || !isOffer(msgs, offer.index)) return null;
  const counterOffer = has(m, L.SLOT) && m.norm.includes("?");
  if (counterOffer || has(m, L.SLOT_REJECT) || has(m, L.REFUSAL) || has(m, L.CANCEL)) return null;
  return find(m, L.ACCEPT_START, "slot_accepted") ?? find(m, L.ACCEPT_ANY, "slot_accepted");
}

/** Replays the dialog through the stage rules; returns the final state and the quote that set it. */
function replayStage(
  msgs: readonly Msg[],
  qualifiedBy: (index: number) => boolean,
): { state: State; stageEvidence: Found | null } {
  let state = "open" as State; // `as`: the closure below assigns it, so no narrowing to "open"
  let evidence: Found | null = null;
  let hadConsultation = false;
  let disqualified = false;
  const set = (next: State, f: Found | null): void => {
    state = next;
    evidence = f;
  };
  for (const m of msgs) {
    const incoming = m.direction === "incoming";
    const paid = findAll(m, incoming ? L.PAID_IN : L.PAID_OUT, incoming ? "paid" : "payment_received", {
      skipNegated: true,
    }).find((f) => !/^\s*\?/u.test(m.norm.slice(f.end))); // "Оплатили?" asks, it does not tell
    if (paid) {
      set("deal_closed", paid);
      continue;
    }
    if (state === "deal_closed" || m.placeholder) continue;

    const refusal = incoming ? find(m, L.REFUSAL, "refused", { skipNegated: true }) : null;
    if (refusal) {
      const lost = hadConsultation || (state === "open" && !disqualified && qualifiedBy(m.index));
      set(lost ? "deal_lost" : "not_qualified", {
        ...refusal,
        rule: lost ? "refused" : "refused_before_qualification",
      });
      continue;
    }

    const done =
      find(m, L.CONSULT_DONE, "consultation_took_place") ??
      (hadConsultation ? find(m, L.CONSULT_DONE_WEAK, "consultation_took_place") : null);
    if (done) {
      hadConsultation = true;
      set("consultation_completed", done);
      continue;
    }

    const booked = bookingAt(msgs, m.index);
    if (booked && state !== "consultation_completed") {
      hadConsultation = true;
      set("consultation_booked", booked);
      continue;
    }

    if (state === "consultation_booked" && incoming) {
      const cancel = find(m, L.CANCEL, "slot_cancelled");
      if (cancel) {
        set("open", cancel);
        continue;
      }
    }

    const rejected = incoming
      ? (find(m, L.CLIENT_JOB_OR_PARTNERSHIP, "job_or_partnership_request") ??
        find(m, L.CLIENT_OUT_OF_SCOPE, "outside_the_offer"))
      : has(m, L.REJECT_CONTEXT)
        ? (find(m, L.MANAGER_REJECTS, "manager_turned_down") ??
          find(m, L.MANAGER_NO_PROGRAM, "manager_turned_down"))
        : find(m, L.MANAGER_NO_PROGRAM, "manager_turned_down");
    if (rejected && (state === "open" || state === "not_qualified")) {
      disqualified = true;
      set("not_qualified", rejected);
      continue;
    }

    // "no budget yet" turned down, then a named budget and a wish to go on: open again (README "Reversals")
    if (
      state === "not_qualified" &&
      incoming &&
      find(m, L.MONEY, "budget_figure") &&
      has(m, L.BUDGET_CONTEXT)
    ) {
      disqualified = false;
      set("open", null);
    }
  }
  // "hadConsultation" counts a booked slot too: a booking cancelled with a refusal is deal_lost (README s1-48)
  return { state, stageEvidence: state === "open" ? null : evidence };
}

const STAGE_WORDS: Record<FunnelStage, string> = {
  new_lead: "new lead",
  not_qualified: "not qualified",
  qualified: "qualified",
  consultation_booked: "consultation booked",
  consultation_completed: "consultation completed",
  deal_closed: "deal closed (paid)",
  deal_lost: "deal lost",
};

function summarize(
  stage: FunnelStage,
  niche: Niche,
  owner: boolean,
  budget: boolean,
  targetologist: boolean,
  stageEvidence: Found | null,
  msgs: readonly Msg[],
  language: DialogLanguage,
): string {
  const who = targetologist ? "targetologist/SMM" : owner ? "owner/decision maker" : "client";
  const incoming = msgs.filter((m) => m.direction === "incoming").length;
  let text = `Offline rules (${language}): ${STAGE_WORDS[stage]}; ${who}, niche ${niche.replace("_", "-")}; budget ${
    budget ? "stated" : "not stated"
  }; ${incoming}/${msgs.length} messages from the client.`;
  if (stageEvidence) {
    const q = quoteOf(stageEvidence);
    text += ` «${q.length > 90 ? `${q.slice(0, 87)}...` : q}»`;
  }
  return text;
}
